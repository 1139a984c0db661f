/* piiscan_bench.c -- single-threaded throughput of libpiiscan.
 *
 *   piiscan_bench [options] FILE...
 *     (default)          whole-buffer: map the file (read it when it cannot
 *                        be mapped: stdin), then time one piiscan_scan() call
 *                        over it (mapping excluded)
 *     --stream CHUNK     read() CHUNK-byte pieces into one fixed buffer and
 *                        feed them to piiscan_stream_feed(); the time covers
 *                        reading and scanning (memory stays bounded, so this
 *                        is the mode for the peak-RSS check).  FILE may be -
 *                        for stdin.
 *     --classify-only    no libpiiscan: one pass that counts ASCII digits,
 *                        the memory-bandwidth ceiling of a byte classifier
 *     --repeat N         scan N times, report the fastest (default 1)
 *     --utf8             force PIISCAN_ENC_UTF8 instead of auto-detection
 *     --types LIST       compile only these types of the default set (e.g.
 *                        "kr_rrn,card"), to see what each detector costs
 *
 * Prints, per file: bytes, seconds, MB/s (1 MB = 1e6 bytes) and findings
 * per type (raw and masked), then the process's peak RSS.  The engine is
 * compiled once (piiscan_engine_compile_default) before any timing.
 *
 * A machine-readable summary line per file starts with "RESULT" so that
 * bench/run.sh can pick it up:
 *   RESULT mode=<whole|stream|classify> file=<path> bytes=<n> seconds=<s> mbps=<x> findings=<n>
 */
#define _DEFAULT_SOURCE /* MAP_POPULATE */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "piiscan.h"

#define MAX_TYPES 256

typedef struct {
    uint64_t raw[MAX_TYPES], masked[MAX_TYPES];
    uint64_t by_validation[4];
    uint64_t total;
} tally;

static int on_finding(const piiscan_finding *f, void *user)
{
    tally *t = user;
    unsigned i = f->type_index < MAX_TYPES ? f->type_index : MAX_TYPES - 1;
    if (f->masked)
        t->masked[i]++;
    else
        t->raw[i]++;
    if ((unsigned)f->validation < 4)
        t->by_validation[f->validation]++;
    t->total++;
    return PIISCAN_CONTINUE;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, piiscan_status st)
{
    fprintf(stderr, "piiscan_bench: %s: %s\n", what, piiscan_strerror(st));
    exit(1);
}

/* A whole file in memory: mapped when it is a regular file, as ripgrep maps
 * a file named on its command line (so the process times in bench/run.sh
 * compare like with like); otherwise read into malloc'd memory (*mapped 0). */
static unsigned char *slurp(const char *path, size_t *len, int *mapped)
{
    int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat st;
    size_t cap = 1 << 20;
    *mapped = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        cap = (size_t)st.st_size + 1;
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (m != MAP_FAILED) {
            close(fd);
            *mapped = 1;
            *len = (size_t)st.st_size;
            return m;
        }
    }
    unsigned char *buf = malloc(cap);
    size_t n = 0;
    while (buf) {
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            free(buf);
            buf = NULL;
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (fd != 0)
        close(fd);
    *len = n;
    return buf;
}

/* The baseline: count ASCII digits.  Written so that GCC/Clang vectorise it
 * at -O2/-O3; the count is printed so the loop cannot be removed. */
static uint64_t count_digits(const unsigned char *p, size_t n)
{
    uint64_t total = 0;
    while (n) {
        /* 8-bit lane counters: at most 255 per block. */
        size_t k = n < 255 * 64 ? n : 255 * 64;
        unsigned char acc[64] = {0};
        size_t i = 0;
        for (; i + 64 <= k; i += 64)
            for (size_t j = 0; j < 64; j++)
                acc[j] += (unsigned char)(p[i + j] - '0') < 10;
        for (size_t j = 0; j < 64; j++)
            total += acc[j];
        for (; i < k; i++)
            total += (unsigned char)(p[i] - '0') < 10;
        p += k;
        n -= k;
    }
    return total;
}

static void print_tally(const piiscan_engine *engine, const tally *t)
{
    size_t nt = piiscan_engine_type_count(engine);
    printf("  findings: %" PRIu64 " (checksum %" PRIu64 ", structural %" PRIu64
           ", context %" PRIu64 ")\n",
           t->total, t->by_validation[PIISCAN_VALID_CHECKSUM],
           t->by_validation[PIISCAN_VALID_STRUCTURAL], t->by_validation[PIISCAN_VALID_CONTEXT]);
    for (size_t i = 0; i < nt && i < MAX_TYPES; i++)
        if (t->raw[i] || t->masked[i])
            printf("    %-18s raw %10" PRIu64 "  masked %10" PRIu64 "\n",
                   piiscan_engine_type_id(engine, i), t->raw[i], t->masked[i]);
}

static void result(const char *mode, const char *path, uint64_t bytes, double secs,
                   uint64_t findings)
{
    double mbps = secs > 0 ? (double)bytes / secs / 1e6 : 0;
    printf("  %" PRIu64 " bytes in %.4f s = %.1f MB/s\n", bytes, secs, mbps);
    printf("RESULT mode=%s file=%s bytes=%" PRIu64 " seconds=%.6f mbps=%.1f findings=%" PRIu64
           "\n",
           mode, path, bytes, secs, mbps, findings);
    fflush(stdout);
}

static void usage(void)
{
    fprintf(stderr, "usage: piiscan_bench [--stream CHUNK | --classify-only] [--repeat N] "
                    "[--utf8] [--types LIST] FILE...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    size_t chunk = 0;
    int classify = 0, repeat = 1, utf8 = 0, i = 1;
    const char *types = NULL;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--stream") == 0 && i + 1 < argc) {
            char *end;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || v == 0)
                usage();
            chunk = (size_t)v;
        } else if (strcmp(argv[i], "--classify-only") == 0) {
            classify = 1;
        } else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = atoi(argv[++i]);
            if (repeat < 1)
                usage();
        } else if (strcmp(argv[i], "--types") == 0 && i + 1 < argc) {
            types = argv[++i];
        } else if (strcmp(argv[i], "--utf8") == 0) {
            utf8 = 1;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            usage();
        }
    }
    if (i >= argc || (classify && chunk))
        usage();

    piiscan_engine *engine = NULL;
    piiscan_scratch *scratch = NULL;
    piiscan_options *opts = NULL;
    piiscan_status st;
    if (!classify) {
        double t0 = now();
        if (!types) {
            if ((st = piiscan_engine_compile_default(&engine)) != PIISCAN_OK)
                die("compile", st);
        } else {
            piiscan_patterns *set = NULL;
            if ((st = piiscan_patterns_new_default(&set)) != PIISCAN_OK)
                die("patterns", st);
            if ((st = piiscan_patterns_select(set, types)) != PIISCAN_OK)
                die("--types", st);
            piiscan_error *err = NULL;
            if ((st = piiscan_engine_compile(set, &engine, &err)) != PIISCAN_OK) {
                if (err && err->message)
                    fprintf(stderr, "piiscan_bench: %s\n", err->message);
                die("compile", st);
            }
            piiscan_patterns_free(set);
        }
        if ((st = piiscan_scratch_alloc(engine, &scratch)) != PIISCAN_OK)
            die("scratch", st);
        if (utf8) {
            if ((st = piiscan_options_new(&opts)) != PIISCAN_OK ||
                (st = piiscan_options_set(opts, PIISCAN_OPT_ENCODING, PIISCAN_ENC_UTF8)) !=
                    PIISCAN_OK)
                die("options", st);
        }
        printf("libpiiscan %s, %s engine (%zu types) compiled in %.1f ms%s\n",
               piiscan_version(), types ? types : "default", piiscan_engine_type_count(engine),
               (now() - t0) * 1e3, utf8 ? ", encoding forced to UTF-8" : "");
    }

    int rc = 0;
    for (; i < argc; i++) {
        const char *path = argv[i];
        if (chunk) {
            /* Streaming: one fixed buffer; time = read + scan. */
            unsigned char *buf = malloc(chunk);
            piiscan_stream *stream = NULL;
            if (!buf)
                die("malloc", PIISCAN_E_NOMEM);
            if ((st = piiscan_stream_open(engine, opts, &stream)) != PIISCAN_OK)
                die("stream_open", st);
            double best = 0;
            uint64_t bytes = 0;
            tally t;
            for (int r = 0; r < repeat; r++) {
                int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
                if (fd < 0) {
                    fprintf(stderr, "piiscan_bench: %s: %s\n", path, strerror(errno));
                    rc = 1;
                    break;
                }
                memset(&t, 0, sizeof t);
                bytes = 0;
                piiscan_stream_reset(stream);
                double t0 = now();
                for (;;) {
                    ssize_t n = read(fd, buf, chunk);
                    if (n < 0 && errno == EINTR)
                        continue;
                    if (n < 0) {
                        fprintf(stderr, "piiscan_bench: %s: %s\n", path, strerror(errno));
                        exit(1);
                    }
                    if (n == 0)
                        break;
                    bytes += (uint64_t)n;
                    if ((st = piiscan_stream_feed(stream, buf, (size_t)n, scratch, on_finding,
                                                  &t)) != PIISCAN_OK)
                        die("stream_feed", st);
                }
                if ((st = piiscan_stream_finish(stream, scratch, on_finding, &t)) != PIISCAN_OK)
                    die("stream_finish", st);
                double dt = now() - t0;
                if (fd != 0)
                    close(fd);
                if (r == 0 || dt < best)
                    best = dt;
                if (fd == 0)
                    break; /* stdin can be read once */
            }
            if (rc)
                break;
            printf("%s [stream, %zu-byte chunks; time = read + scan]\n", path, chunk);
            result("stream", path, bytes, best, t.total);
            print_tally(engine, &t);
            piiscan_stream_free(stream);
            free(buf);
            continue;
        }

        size_t len;
        double r0 = now();
        int mapped;
        unsigned char *data = slurp(path, &len, &mapped);
        if (!data) {
            fprintf(stderr, "piiscan_bench: %s: %s\n", path, strerror(errno));
            rc = 1;
            continue;
        }
        double read_s = now() - r0;
        double best = 0;
        if (classify) {
            uint64_t digits = 0;
            for (int r = 0; r < repeat; r++) {
                double t0 = now();
                digits = count_digits(data, len);
                double dt = now() - t0;
                if (r == 0 || dt < best)
                    best = dt;
            }
            printf("%s [classify-only: count ASCII digits; time = pass over memory]\n", path);
            printf("  digits: %" PRIu64 " (%.1f%% of bytes)\n", digits,
                   len ? 100.0 * (double)digits / (double)len : 0.0);
            result("classify", path, len, best, 0);
        } else {
            tally t;
            for (int r = 0; r < repeat; r++) {
                memset(&t, 0, sizeof t);
                double t0 = now();
                st = piiscan_scan(engine, data, len, opts, scratch, on_finding, &t);
                double dt = now() - t0;
                if (st != PIISCAN_OK)
                    die("scan", st);
                if (r == 0 || dt < best)
                    best = dt;
            }
            printf("%s [whole buffer; %s %.3f s (excluded); time = piiscan_scan() only]\n",
                   path, mapped ? "mapped" : "read", read_s);
            result("whole", path, len, best, t.total);
            print_tally(engine, &t);
        }
        if (mapped)
            munmap(data, len);
        else
            free(data);
    }

    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        printf("peak RSS: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    piiscan_options_free(opts);
    piiscan_scratch_free(scratch);
    piiscan_engine_free(engine);
    return rc;
}
