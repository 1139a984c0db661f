/* main.c -- piiscan, the command-line scanner (first version): plain files,
 * directories (recursively, symbolic links not followed) and standard input,
 * in any encoding the library decodes; text or JSON Lines output.  No
 * detection logic lives here. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "piiscan.h"


typedef struct cli {
    piiscan_engine *engine;
    piiscan_scratch *scratch;
    piiscan_options *opts;
    cli_output out;
    unsigned long long findings, files, errors;
    const char *path; /* current path, for the callback */
} cli;

static void usage(FILE *f)
{
    fputs("Usage: piiscan [OPTIONS] [PATH...]\n"
          "Find Korean personal data (resident/foreign registration numbers, passport and\n"
          "driver's licence numbers, card, bank-account and phone numbers, e-mail addresses)\n"
          "in files, directories (recursively) or standard input ('-', the default).\n"
          "Values are printed masked (900101-1******); raw values only with --show-raw.\n"
          "\n"
          "Options:\n"
          "  -f, --format FMT        text (default) or jsonl\n"
          "  -t, --types LIST        only these types, e.g. kr_rrn,card (see --list-types)\n"
          "  -p, --patterns FILE     load a pattern file (add types, change or disable built-ins)\n"
          "      --list-types        list the types and whether they are enabled, then exit\n"
          "  -e, --encoding ENC      auto (default), utf8, utf16le, utf16be, cp949\n"
          "      --min-confidence C  low (default), medium, high\n"
          "      --rrn-policy P      checksum, context (default), structural: what to do with\n"
          "                          registration numbers whose check digit fails (numbers\n"
          "                          issued since 2020-10 have none)\n"
          "      --unmasked-only     do not report values already masked in the source\n"
          "      --show-raw          also print raw values (they are personal data!)\n"
          "      --color WHEN        auto (default), always, never\n"
          "\n"
          "Documents and archives (typed by content; members named a.zip!dir/b.xlsx):\n"
          "      --extract-text      print the text of each FILE as the scanner sees it\n"
          "      --max-depth N       follow nested archives N levels deep (default 8)\n"
          "      --max-extracted SZ  bytes extracted per file, e.g. 16G (default)\n"
          "      --max-ratio N       largest compression ratio (default 250)\n"
          "      --max-members N     members per file (default 100000)\n"
          "      --max-buffer SZ     memory for documents held whole (default 256M)\n"
          "  -V, --version           print the version\n"
          "  -h, --help              this help\n"
          "\n"
          "Exit status: 0 nothing found, 1 findings, 2 an error occurred.\n",
          f);
}

static int on_finding(const piiscan_finding *f, void *user)
{
    cli *c = user;
    c->findings++;
    out_finding(&c->out, f->path ? f->path : c->path, f);
    return PIISCAN_CONTINUE;
}

static void report_error(cli *c, const char *path, const char *reason)
{
    c->errors++;
    out_file_status(&c->out, path, "error", reason);
}

/* One report per file and member; only what was not read completely is
 * printed (an audit must see it), and errors set exit status 2. */
static int on_file(const piiscan_file_report *r, void *user)
{
    cli *c = user;
    if (r->depth == 0)
        c->files++;
    if (r->status == PIISCAN_FILE_OK)
        return PIISCAN_CONTINUE;
    if (r->status == PIISCAN_FILE_ERROR)
        c->errors++;
    out_file_status(&c->out, r->path, piiscan_file_status_name(r->status),
                    r->reason ? r->reason : "");
    return PIISCAN_CONTINUE;
}

static void scan_fd(cli *c, int fd, const char *path)
{
    c->path = path;
    piiscan_status st = piiscan_scan_fd(c->engine, fd, path, c->opts, c->scratch, on_finding,
                                        on_file, c);
    if (st != PIISCAN_OK && st != PIISCAN_STOPPED && st != PIISCAN_E_IO) {
        c->errors++;
        out_file_status(&c->out, path, "error", piiscan_strerror(st));
    }
}

static void scan_path(cli *c, const char *path, int top);

static void scan_dir(cli *c, const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        report_error(c, path, strerror(errno));
        return;
    }
    /* Sorted, so reports are reproducible. */
    struct dirent **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct dirent **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        size_t sz = sizeof *e;
        names[n] = malloc(sz);
        if (!names[n])
            break;
        memcpy(names[n++], e, sz);
    }
    closedir(d);
    for (size_t i = 1; i < n; i++) /* insertion sort: directories are small enough */
        for (size_t j = i; j > 0 && strcmp(names[j - 1]->d_name, names[j]->d_name) > 0; j--) {
            struct dirent *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
        char *child = malloc(len);
        if (child) {
            snprintf(child, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
                     names[i]->d_name);
            scan_path(c, child, 0);
            free(child);
        }
        free(names[i]);
    }
    free(names);
}

static void scan_path(cli *c, const char *path, int top)
{
    if (!strcmp(path, "-") && top) {
        scan_fd(c, STDIN_FILENO, "-");
        return;
    }
    struct stat st;
    if ((top ? stat(path, &st) : lstat(path, &st)) != 0) {
        report_error(c, path, strerror(errno));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        scan_dir(c, path);
        return;
    }
    if (S_ISLNK(st.st_mode)) {
        out_file_status(&c->out, path, "skipped", "symbolic link (not followed)");
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        out_file_status(&c->out, path, "skipped", "not a regular file");
        return;
    }
    int fd = open(path, O_RDONLY | O_NOCTTY);
    if (fd < 0) {
        report_error(c, path, strerror(errno));
        return;
    }
    scan_fd(c, fd, path);
    close(fd);
}

/* --extract-text: each file's and member's text under a header line. */
static int on_text(const char *path, const char *text, size_t len, void *user)
{
    const char **last = user;
    if (!*last || strcmp(*last, path) != 0) {
        printf("%s==> %s <==\n", *last ? "\n" : "", path);
        free((void *)*last);
        *last = strdup(path);
    }
    fwrite(text, 1, len, stdout);
    return PIISCAN_CONTINUE;
}

static int on_text_file(const piiscan_file_report *r, void *user)
{
    (void)user;
    if (r->status != PIISCAN_FILE_OK)
        fprintf(stderr, "piiscan: %s: %s: %s\n", r->path, piiscan_file_status_name(r->status),
                r->reason ? r->reason : "");
    return PIISCAN_CONTINUE;
}

static int extract_text(const piiscan_options *opts, int argc, char **argv, int first)
{
    int rc = 0;
    for (int i = first; i < argc; i++) {
        const char *last = NULL;
        piiscan_status st = piiscan_extract_text_file(argv[i], opts, on_text, on_text_file, &last);
        if (last)
            putchar('\n');
        free((void *)last);
        if (st != PIISCAN_OK)
            rc = 2;
    }
    return rc;
}

/* "100", "64K", "16M", "2G": a count or a size in bytes. */
static int parse_size(const char *v, long long *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || n < 0)
        return -1;
    int shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    else if (*end)
        return -1;
    if (shift && end[1])
        return -1;
    if (n > (LLONG_MAX >> shift))
        return -1;
    *out = n << shift;
    return 0;
}

static int parse_choice(const char *v, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(v, names[i]))
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    enum {
        OPT_LIST = 256,
        OPT_MINCONF,
        OPT_RRN,
        OPT_UNMASKED,
        OPT_RAW,
        OPT_COLOR,
        OPT_EXTRACT,
        OPT_MAX_DEPTH,
        OPT_MAX_EXTRACTED,
        OPT_MAX_RATIO,
        OPT_MAX_MEMBERS,
        OPT_MAX_BUFFER
    };
    static const struct option longopts[] = {
        {"format", required_argument, 0, 'f'},  {"types", required_argument, 0, 't'},
        {"patterns", required_argument, 0, 'p'}, {"list-types", no_argument, 0, OPT_LIST},
        {"encoding", required_argument, 0, 'e'}, {"min-confidence", required_argument, 0, OPT_MINCONF},
        {"rrn-policy", required_argument, 0, OPT_RRN}, {"unmasked-only", no_argument, 0, OPT_UNMASKED},
        {"show-raw", no_argument, 0, OPT_RAW},   {"color", required_argument, 0, OPT_COLOR},
        {"version", no_argument, 0, 'V'},        {"help", no_argument, 0, 'h'},
        {"extract-text", no_argument, 0, OPT_EXTRACT},
        {"max-depth", required_argument, 0, OPT_MAX_DEPTH},
        {"max-extracted", required_argument, 0, OPT_MAX_EXTRACTED},
        {"max-ratio", required_argument, 0, OPT_MAX_RATIO},
        {"max-members", required_argument, 0, OPT_MAX_MEMBERS},
        {"max-buffer", required_argument, 0, OPT_MAX_BUFFER},
        {0, 0, 0, 0}};
    static const char *const formats[] = {"text", "jsonl"};
    static const char *const encodings[] = {"auto", "utf8", "utf16le", "utf16be", "cp949"};
    static const char *const confs[] = {"", "low", "medium", "high"};
    static const char *const policies[] = {"checksum", "context", "structural"};
    static const char *const colors[] = {"auto", "always", "never"};
    cli c;
    memset(&c, 0, sizeof c);
    c.out.out = stdout;
    const char *types = NULL, *color = "auto";
    const char *patfiles[64];
    int npat = 0, list = 0, extract = 0, opt, x, rc = 0;
    piiscan_patterns *set = NULL;
    piiscan_options_new(&c.opts);
    if (!c.opts) {
        fputs("piiscan: out of memory\n", stderr);
        return 2;
    }
    while ((opt = getopt_long(argc, argv, "f:t:p:e:Vh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if ((x = parse_choice(optarg, formats, 2)) < 0)
                goto bad_value;
            c.out.format = x;
            break;
        case 't':
            types = optarg;
            break;
        case 'p':
            if (npat == 64) {
                fputs("piiscan: too many --patterns files\n", stderr);
                rc = 2;
                goto out;
            }
            patfiles[npat++] = optarg;
            break;
        case OPT_LIST:
            list = 1;
            break;
        case 'e':
            if ((x = parse_choice(optarg, encodings, 5)) < 0)
                goto bad_value;
            piiscan_options_set(c.opts, PIISCAN_OPT_ENCODING, x);
            break;
        case OPT_MINCONF:
            if ((x = parse_choice(optarg, confs, 4)) <= 0)
                goto bad_value;
            piiscan_options_set(c.opts, PIISCAN_OPT_MIN_CONFIDENCE, x);
            break;
        case OPT_RRN:
            if ((x = parse_choice(optarg, policies, 3)) < 0)
                goto bad_value;
            piiscan_options_set(c.opts, PIISCAN_OPT_RRN_POLICY, x);
            break;
        case OPT_EXTRACT:
            extract = 1;
            break;
        case OPT_MAX_DEPTH:
        case OPT_MAX_EXTRACTED:
        case OPT_MAX_RATIO:
        case OPT_MAX_MEMBERS:
        case OPT_MAX_BUFFER: {
            static const piiscan_option keys[] = {PIISCAN_OPT_MAX_DEPTH, PIISCAN_OPT_MAX_EXTRACTED,
                                                  PIISCAN_OPT_MAX_RATIO, PIISCAN_OPT_MAX_MEMBERS,
                                                  PIISCAN_OPT_MAX_BUFFER};
            long long v;
            if (parse_size(optarg, &v) != 0 ||
                piiscan_options_set(c.opts, keys[opt - OPT_MAX_DEPTH], v) != PIISCAN_OK)
                goto bad_value;
            break;
        }
        case OPT_UNMASKED:
            piiscan_options_set(c.opts, PIISCAN_OPT_REPORT_MASKED, 0);
            break;
        case OPT_RAW:
            c.out.show_raw = 1;
            piiscan_options_set(c.opts, PIISCAN_OPT_EXPOSE_RAW, 1);
            break;
        case OPT_COLOR:
            if (parse_choice(optarg, colors, 3) < 0)
                goto bad_value;
            color = optarg;
            break;
        case 'V':
            printf("piiscan %s\n", piiscan_version());
            rc = 0;
            goto out;
        case 'h':
            usage(stdout);
            rc = 0;
            goto out;
        default:
            usage(stderr);
            rc = 2;
            goto out;
        }
        continue;
    bad_value:
        fprintf(stderr, "piiscan: invalid value '%s' for an option; see --help\n", optarg);
        rc = 2;
        goto out;
    }
    if (extract) {
        rc = extract_text(c.opts, argc, argv, optind);
        goto out;
    }
    c.out.color = !strcmp(color, "always") || (!strcmp(color, "auto") && isatty(STDOUT_FILENO) &&
                                                 c.out.format == FORMAT_TEXT);

    piiscan_status st = piiscan_patterns_new_default(&set);
    for (int i = 0; st == PIISCAN_OK && i < npat; i++) {
        piiscan_error *err = NULL;
        st = piiscan_patterns_load_file(set, patfiles[i], &err);
        if (st != PIISCAN_OK) {
            if (err && err->line)
                fprintf(stderr, "piiscan: %s:%u: %s\n", err->source ? err->source : patfiles[i],
                        err->line, err->message);
            else
                fprintf(stderr, "piiscan: %s: %s\n", patfiles[i],
                        err ? err->message : piiscan_strerror(st));
            piiscan_error_free(err);
            rc = 2;
            goto out;
        }
    }
    if (st == PIISCAN_OK && types) {
        st = piiscan_patterns_select(set, types);
        if (st == PIISCAN_E_UNKNOWN_TYPE) {
            fprintf(stderr, "piiscan: --types: unknown type in '%s'; see --list-types\n", types);
            rc = 2;
            goto out;
        }
    }
    if (st == PIISCAN_OK && list) {
        for (size_t i = 0; i < piiscan_patterns_count(set); i++) {
            const char *id, *name;
            int en;
            piiscan_patterns_get(set, i, &id, &name, &en);
            printf("%-20s %-8s %s\n", id, en ? "enabled" : "off", name);
        }
        goto out;
    }
    piiscan_error *err = NULL;
    if (st == PIISCAN_OK)
        st = piiscan_engine_compile(set, &c.engine, &err);
    piiscan_patterns_free(set);
    set = NULL;
    if (st != PIISCAN_OK) {
        fprintf(stderr, "piiscan: %s\n", err ? err->message : piiscan_strerror(st));
        piiscan_error_free(err);
        rc = 2;
        goto out;
    }
    if (piiscan_scratch_alloc(c.engine, &c.scratch) != PIISCAN_OK) {
        fputs("piiscan: out of memory\n", stderr);
        rc = 2;
        goto out;
    }
    if (optind == argc)
        scan_path(&c, "-", 1);
    for (int i = optind; i < argc; i++)
        scan_path(&c, argv[i], 1);
    rc = c.errors ? 2 : c.findings ? 1 : 0;
out:
    fflush(stdout);
    if (ferror(stdout)) {
        fputs("piiscan: error writing output\n", stderr);
        rc = 2;
    }
    piiscan_patterns_free(set);
    piiscan_scratch_free(c.scratch);
    piiscan_engine_free(c.engine);
    piiscan_options_free(c.opts);
    return rc;
}
