/* main.c -- piiscan: options, the engine, and the report; run.c walks and
 * scans, report_*.c write.  No detection logic lives here. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "piiscan.h"
#include "report.h"
#include "run.h"

static void usage(FILE *f)
{
    fputs(
        "Usage: piiscan [OPTIONS] [PATH...]\n"
        "Find Korean personal data (resident/foreign registration numbers, passport and\n"
        "driver's licence numbers, card, bank-account and phone numbers, e-mail addresses)\n"
        "in files, directories (recursively), documents and archives, or standard input\n"
        "('-', the default).  Values are printed masked (900101-1******).\n"
        "\n"
        "Examples:\n"
        "  piiscan //fileserver/share             audit a share (text report + summary)\n"
        "  piiscan -f jsonl -o report.jsonl share  machine-readable report\n"
        "  piiscan --retention 5y share            also list files with personal data older\n"
        "                                          than 5 years (PIPA Art. 21)\n"
        "  piiscan --staged                        pre-commit: scan what is about to be committed\n"
        "\n"
        "Report:\n"
        "  -f, --format FMT        text (default), jsonl, csv (UTF-8 with BOM, for Excel),\n"
        "                          sarif (2.1.0) or html (one self-contained page, masked\n"
        "                          values only); see docs/reports.md\n"
        "  -o, --output FILE       write the report to FILE instead of standard output\n"
        "  -q, --quiet             no summary (text) and no progress line\n"
        "      --color WHEN        auto (default), always, never\n"
        "      --show-raw          also print raw values (they are personal data!)\n"
        "      --fingerprint-key K add a keyed fingerprint (HMAC-SHA256) of each value, to\n"
        "                          compare reports without storing values (or set\n"
        "                          PIISCAN_FINGERPRINT_KEY)\n"
        "\n"
        "What to find:\n"
        "  -t, --types LIST        only these types, e.g. kr_rrn,card (see --list-types)\n"
        "  -p, --patterns FILE     load a pattern file (add types, change or disable built-ins)\n"
        "      --list-types        list the types and whether they are enabled, then exit\n"
        "      --min-confidence C  low (default), medium, high\n"
        "      --rrn-policy P      checksum, context (default), structural: what to do with\n"
        "                          registration numbers whose check digit fails (numbers\n"
        "                          issued since 2020-10 have none)\n"
        "      --unmasked-only     do not report values already masked in the source\n"
        "  -e, --encoding ENC      auto (default), utf8, utf16le, utf16be, cp949\n"
        "\n"
        "Audits and repeated runs:\n"
        "      --retention AGE     report files holding personal data older than AGE\n"
        "                          (30d, 6m, 1y, 5y) as retention breaches\n"
        "      --time FIELD        the age is taken from mtime (default), atime or ctime\n"
        "      --write-baseline F  write the findings' fingerprints to F (needs a key)\n"
        "      --baseline F        do not report findings listed in F (same key)\n"
        "      --fail-on TYPES     exit 1 only for findings of these types\n"
        "      --staged            scan the staged content of the git repository here\n"
        "\n"
        "Walking directories (sorted; what is not scanned is reported):\n"
        "  -j, --jobs N            threads scanning files (default: all cores)\n"
        "      --include GLOB      only files matching GLOB (gitignore syntax; repeatable)\n"
        "      --exclude GLOB      leave out files or directories matching GLOB\n"
        "      --no-ignore         do not read .piiscanignore files\n"
        "      --max-filesize SZ   skip (and report) files larger than SZ, e.g. 2G\n"
        "      --follow            follow symbolic links (loops are detected)\n"
        "      --one-file-system   do not cross into other file systems\n"
        "\n"
        "Documents and archives (typed by content; members named a.zip!dir/b.xlsx):\n"
        "      --extract-text      print the text of each FILE as the scanner sees it\n"
        "      --max-depth N       follow nested archives N levels deep (default 8)\n"
        "      --max-extracted SZ  bytes extracted per file, e.g. 16G (default)\n"
        "      --max-ratio N       largest compression ratio (default 250)\n"
        "      --max-members N     members per file (default 100000)\n"
        "      --max-buffer SZ     memory for documents held whole (default 256M)\n"
        "\n"
        "  -V, --version           print the version\n"
        "  -h, --help              this help\n"
        "\n"
        "Exit status: 0 nothing found, 1 findings, 2 an error occurred (as grep).\n",
        f);
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

/* "30d", "6m", "1y", "5y" -> seconds (a month is 30 days, a year 365). */
static int parse_age(const char *v, int64_t *secs)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || n <= 0 || !end[0] || end[1])
        return -1;
    int64_t day = 86400;
    switch (*end) {
    case 'd':
        *secs = n * day;
        return 0;
    case 'w':
        *secs = n * 7 * day;
        return 0;
    case 'm':
        *secs = n * 30 * day;
        return 0;
    case 'y':
        *secs = n * 365 * day;
        return 0;
    }
    return -1;
}

static int parse_choice(const char *v, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(v, names[i]))
            return i;
    return -1;
}

/* --extract-text: each file's and member's text under a header line. */
static int on_text(const char *path, const char *text, size_t len, void *user)
{
    char **last = user;
    if (!*last || strcmp(*last, path) != 0) {
        printf("%s==> %s <==\n", *last ? "\n" : "", path);
        free(*last);
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
        char *last = NULL;
        piiscan_status st = piiscan_extract_text_file(argv[i], opts, on_text, on_text_file, &last);
        if (last)
            putchar('\n');
        free(last);
        if (st != PIISCAN_OK)
            rc = 2;
    }
    return rc;
}

static int list_types(piiscan_patterns *set)
{
    for (size_t i = 0; i < piiscan_patterns_count(set); i++) {
        const char *id, *name;
        int en;
        piiscan_patterns_get(set, i, &id, &name, &en);
        printf("%-20s %-8s %s\n", id, en ? "enabled" : "off", name);
    }
    return 0;
}

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
    OPT_MAX_BUFFER,
    OPT_FOLLOW,
    OPT_ONE_FS,
    OPT_MAX_FILESIZE,
    OPT_INCLUDE,
    OPT_EXCLUDE,
    OPT_NO_IGNORE,
    OPT_RETENTION,
    OPT_TIME,
    OPT_FPKEY,
    OPT_BASELINE,
    OPT_WRITE_BASELINE,
    OPT_FAIL_ON,
    OPT_STAGED
};

static const struct option longopts[] = {
    {"format", required_argument, 0, 'f'},
    {"output", required_argument, 0, 'o'},
    {"quiet", no_argument, 0, 'q'},
    {"jobs", required_argument, 0, 'j'},
    {"types", required_argument, 0, 't'},
    {"patterns", required_argument, 0, 'p'},
    {"list-types", no_argument, 0, OPT_LIST},
    {"encoding", required_argument, 0, 'e'},
    {"min-confidence", required_argument, 0, OPT_MINCONF},
    {"rrn-policy", required_argument, 0, OPT_RRN},
    {"unmasked-only", no_argument, 0, OPT_UNMASKED},
    {"show-raw", no_argument, 0, OPT_RAW},
    {"color", required_argument, 0, OPT_COLOR},
    {"version", no_argument, 0, 'V'},
    {"help", no_argument, 0, 'h'},
    {"extract-text", no_argument, 0, OPT_EXTRACT},
    {"max-depth", required_argument, 0, OPT_MAX_DEPTH},
    {"max-extracted", required_argument, 0, OPT_MAX_EXTRACTED},
    {"max-ratio", required_argument, 0, OPT_MAX_RATIO},
    {"max-members", required_argument, 0, OPT_MAX_MEMBERS},
    {"max-buffer", required_argument, 0, OPT_MAX_BUFFER},
    {"follow", no_argument, 0, OPT_FOLLOW},
    {"one-file-system", no_argument, 0, OPT_ONE_FS},
    {"max-filesize", required_argument, 0, OPT_MAX_FILESIZE},
    {"include", required_argument, 0, OPT_INCLUDE},
    {"exclude", required_argument, 0, OPT_EXCLUDE},
    {"no-ignore", no_argument, 0, OPT_NO_IGNORE},
    {"retention", required_argument, 0, OPT_RETENTION},
    {"time", required_argument, 0, OPT_TIME},
    {"fingerprint-key", required_argument, 0, OPT_FPKEY},
    {"baseline", required_argument, 0, OPT_BASELINE},
    {"write-baseline", required_argument, 0, OPT_WRITE_BASELINE},
    {"fail-on", required_argument, 0, OPT_FAIL_ON},
    {"staged", no_argument, 0, OPT_STAGED},
    {0, 0, 0, 0}};

enum { FMT_TEXT, FMT_JSONL, FMT_CSV, FMT_SARIF, FMT_HTML };

static report_writer *make_writer(int format, FILE *out, int color, int show_raw, int quiet)
{
    switch (format) {
    case FMT_JSONL:
        return report_jsonl_new(out, show_raw);
    case FMT_CSV:
        return report_csv_new(out, show_raw);
    case FMT_SARIF:
        return report_sarif_new(out, show_raw);
    case FMT_HTML:
        return report_html_new(out); /* never raw, even with --show-raw */
    default:
        return report_text_new(out, color, show_raw, quiet);
    }
}

int main(int argc, char **argv)
{
    static const char *const formats[] = {"text", "jsonl", "csv", "sarif", "html"};
    static const char *const encodings[] = {"auto", "utf8", "utf16le", "utf16be", "cp949"};
    static const char *const confs[] = {"", "low", "medium", "high"};
    static const char *const policies[] = {"checksum", "context", "structural"};
    static const char *const colors[] = {"auto", "always", "never"};
    static const char *const times[] = {"mtime", "atime", "ctime"};
    /* poppler-glib prints its parser's messages to standard output when
     * G_MESSAGES_DEBUG is set, which would corrupt a JSON Lines report. */
    unsetenv("G_MESSAGES_DEBUG");
    run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.version = piiscan_version();
    cfg.fp_key = getenv("PIISCAN_FINGERPRINT_KEY");
    if (cfg.fp_key && !*cfg.fp_key)
        cfg.fp_key = NULL;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    cfg.jobs = ncpu > 256 ? 256 : ncpu > 0 ? (int)ncpu : 1;
    const char *types = NULL, *color = "auto", *output = NULL, *baseline_path = NULL,
               *write_baseline = NULL;
    const char *patfiles[64];
    int npat = 0, list = 0, extract = 0, staged = 0, quiet = 0, format = FMT_TEXT, opt, x,
        rc = 0;
    piiscan_patterns *set = NULL;
    piiscan_engine *engine = NULL;
    piiscan_options *opts = NULL;
    piiscan_walker *walker = NULL;
    report_writer *writer = NULL;
    FILE *out = stdout;
    if (piiscan_options_new(&opts) != PIISCAN_OK || piiscan_walker_new(&walker) != PIISCAN_OK) {
        fputs("piiscan: out of memory\n", stderr);
        return 2;
    }
    while ((opt = getopt_long(argc, argv, "f:o:qj:t:p:e:Vh", longopts, NULL)) != -1) {
        long long v;
        switch (opt) {
        case 'f':
            if ((x = parse_choice(optarg, formats, (int)(sizeof formats / sizeof *formats))) < 0)
                goto bad_value;
            format = x;
            break;
        case 'o':
            output = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'j':
            if (parse_size(optarg, &v) != 0 || v < 1 || v > 256)
                goto bad_value;
            cfg.jobs = (int)v;
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
            piiscan_options_set(opts, PIISCAN_OPT_ENCODING, x);
            break;
        case OPT_MINCONF:
            if ((x = parse_choice(optarg, confs, 4)) <= 0)
                goto bad_value;
            piiscan_options_set(opts, PIISCAN_OPT_MIN_CONFIDENCE, x);
            break;
        case OPT_RRN:
            if ((x = parse_choice(optarg, policies, 3)) < 0)
                goto bad_value;
            piiscan_options_set(opts, PIISCAN_OPT_RRN_POLICY, x);
            break;
        case OPT_UNMASKED:
            piiscan_options_set(opts, PIISCAN_OPT_REPORT_MASKED, 0);
            break;
        case OPT_RAW:
            cfg.show_raw = 1;
            break;
        case OPT_COLOR:
            if (parse_choice(optarg, colors, 3) < 0)
                goto bad_value;
            color = optarg;
            break;
        case 'V':
            printf("piiscan %s\n", piiscan_version());
            goto out;
        case 'h':
            usage(stdout);
            goto out;
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
            if (parse_size(optarg, &v) != 0 ||
                piiscan_options_set(opts, keys[opt - OPT_MAX_DEPTH], v) != PIISCAN_OK)
                goto bad_value;
            break;
        }
        case OPT_FOLLOW:
            piiscan_walker_set(walker, PIISCAN_WALK_FOLLOW_SYMLINKS, 1);
            break;
        case OPT_ONE_FS:
            piiscan_walker_set(walker, PIISCAN_WALK_ONE_FILE_SYSTEM, 1);
            break;
        case OPT_NO_IGNORE:
            piiscan_walker_set(walker, PIISCAN_WALK_IGNORE_FILES, 0);
            break;
        case OPT_MAX_FILESIZE:
            if (parse_size(optarg, &v) != 0 ||
                piiscan_walker_set(walker, PIISCAN_WALK_MAX_FILE_SIZE, v) != PIISCAN_OK)
                goto bad_value;
            break;
        case OPT_INCLUDE:
        case OPT_EXCLUDE:
            if ((opt == OPT_INCLUDE ? piiscan_walker_include(walker, optarg)
                                    : piiscan_walker_exclude(walker, optarg)) != PIISCAN_OK)
                goto bad_value;
            break;
        case OPT_RETENTION:
            if (parse_age(optarg, &cfg.retention_secs) != 0)
                goto bad_value;
            cfg.retention_label = optarg;
            break;
        case OPT_TIME:
            if ((x = parse_choice(optarg, times, 3)) < 0)
                goto bad_value;
            cfg.time_field = x;
            break;
        case OPT_FPKEY:
            if (!*optarg)
                goto bad_value;
            cfg.fp_key = optarg;
            break;
        case OPT_BASELINE:
            baseline_path = optarg;
            break;
        case OPT_WRITE_BASELINE:
            write_baseline = optarg;
            break;
        case OPT_FAIL_ON:
            cfg.fail_on = optarg;
            break;
        case OPT_STAGED:
            staged = 1;
            break;
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
        rc = extract_text(opts, argc, argv, optind);
        goto out;
    }
    if ((baseline_path || write_baseline) && !cfg.fp_key) {
        fputs("piiscan: --baseline and --write-baseline need --fingerprint-key (or "
              "PIISCAN_FINGERPRINT_KEY): the baseline stores keyed fingerprints, never values\n",
              stderr);
        rc = 2;
        goto out;
    }

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
        rc = list_types(set);
        goto out;
    }
    piiscan_error *err = NULL;
    if (st == PIISCAN_OK)
        st = piiscan_engine_compile(set, &engine, &err);
    if (st != PIISCAN_OK) {
        fprintf(stderr, "piiscan: %s\n", err ? err->message : piiscan_strerror(st));
        piiscan_error_free(err);
        rc = 2;
        goto out;
    }
    /* Fingerprints need the value; it is never printed unless --show-raw. */
    if (cfg.fp_key || cfg.show_raw)
        piiscan_options_set(opts, PIISCAN_OPT_EXPOSE_RAW, 1);
    if (baseline_path) {
        char why[512];
        if (!(cfg.baseline = baseline_load(baseline_path, why, sizeof why))) {
            fprintf(stderr, "piiscan: --baseline: %s\n", why);
            rc = 2;
            goto out;
        }
    }
    if (write_baseline && !(cfg.write_baseline = fopen(write_baseline, "we"))) {
        fprintf(stderr, "piiscan: --write-baseline: %s: %s\n", write_baseline, strerror(errno));
        rc = 2;
        goto out;
    }
    if (output && !(out = fopen(output, "we"))) {
        fprintf(stderr, "piiscan: --output: %s: %s\n", output, strerror(errno));
        out = stdout;
        rc = 2;
        goto out;
    }
    int tty = isatty(fileno(out));
    /* A report to a file or a pipe is written in 64 KiB pieces, not stdio's
     * 4 KiB: each write() happens under the report lock, and with -j N the
     * other threads would wait for it. */
    static char outbuf[1 << 16];
    if (!tty)
        setvbuf(out, outbuf, _IOFBF, sizeof outbuf);
    /* Every write to the report and the baseline happens under run.c's
     * report lock (or on one thread): stdio's own lock per call, taken with
     * an atomic instruction once the process has threads, is not needed. */
    __fsetlocking(out, FSETLOCKING_BYCALLER);
    if (cfg.write_baseline)
        __fsetlocking(cfg.write_baseline, FSETLOCKING_BYCALLER);
    int use_color = !strcmp(color, "always") || (!strcmp(color, "auto") && tty);
    writer = make_writer(format, out, use_color, cfg.show_raw, quiet);
    if (!writer) {
        fputs("piiscan: out of memory\n", stderr);
        rc = 2;
        goto out;
    }
    cfg.engine = engine;
    cfg.opts = opts;
    cfg.walker = walker;
    cfg.writer = writer;
    cfg.progress = !quiet && isatty(STDERR_FILENO) && !(tty && format == FMT_TEXT && !output);
    if (staged) {
        rc = run_staged(&cfg);
    } else if (optind == argc) {
        char *stdin_root[] = {"-"};
        rc = run_scan(&cfg, stdin_root, 1);
    } else {
        rc = run_scan(&cfg, argv + optind, argc - optind);
    }
out:
    if (writer)
        writer->free(writer);
    if (out != stdout && fclose(out) != 0) {
        fprintf(stderr, "piiscan: error writing %s\n", output);
        rc = 2;
    }
    fflush(stdout);
    if (ferror(stdout)) {
        fputs("piiscan: error writing output\n", stderr);
        rc = 2;
    }
    if (cfg.write_baseline && fclose(cfg.write_baseline) != 0) {
        fprintf(stderr, "piiscan: error writing %s\n", write_baseline);
        rc = 2;
    }
    baseline_free(cfg.baseline);
    piiscan_patterns_free(set);
    piiscan_engine_free(engine);
    piiscan_options_free(opts);
    piiscan_walker_free(walker);
    return rc;
}
