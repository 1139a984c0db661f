/* fuzz_scan_split.c -- differential target: the findings of a whole-buffer
 * scan must equal those of a stream fed at fuzzer-chosen split points, for
 * a fuzzer-chosen encoding and policy.  Any difference is a bug. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "piiscan.h"

typedef struct rec {
    unsigned char *buf;
    size_t n, cap;
} rec;

/* Serialises each finding so two runs compare with memcmp. */
static int record(const piiscan_finding *f, void *user)
{
    rec *r = user;
    char line[1024];
    int n = snprintf(line, sizeof line, "%s|%llu|%llu|%llu|%d|%d|%d|%s\n", f->type,
                     (unsigned long long)f->offset, (unsigned long long)f->length,
                     (unsigned long long)f->line, f->masked, f->validation, f->confidence, f->display);
    FUZZ_ASSERT(n > 0 && (size_t)n < sizeof line);
    if (r->n + (size_t)n > r->cap) {
        r->cap = (r->cap + (size_t)n) * 2;
        r->buf = realloc(r->buf, r->cap);
        FUZZ_ASSERT(r->buf);
    }
    memcpy(r->buf + r->n, line, (size_t)n);
    r->n += (size_t)n;
    return PIISCAN_CONTINUE;
}

static piiscan_engine *engine;
static piiscan_scratch *scratch;

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 4 || size > FUZZ_MAX_INPUT)
        return 0;
    if (!engine) {
        FUZZ_ASSERT(piiscan_engine_compile_default(&engine) == PIISCAN_OK);
        FUZZ_ASSERT(piiscan_scratch_alloc(engine, &scratch) == PIISCAN_OK);
    }
    /* The first 4 bytes choose options and the split seed (PCRE2's fuzzer trick). */
    piiscan_options *o = NULL;
    FUZZ_ASSERT(piiscan_options_new(&o) == PIISCAN_OK);
    piiscan_options_set(o, PIISCAN_OPT_ENCODING, data[0] % 5);
    piiscan_options_set(o, PIISCAN_OPT_RRN_POLICY, data[1] % 3);
    uint32_t seed = (uint32_t)data[2] << 8 | data[3];
    data += 4;
    size -= 4;

    rec whole = {0}, split = {0};
    piiscan_status a = piiscan_scan(engine, data, size, o, scratch, record, &whole);
    FUZZ_ASSERT(a == PIISCAN_OK);

    piiscan_stream *s = NULL;
    FUZZ_ASSERT(piiscan_stream_open(engine, o, &s) == PIISCAN_OK);
    size_t pos = 0;
    while (pos < size) {
        seed = seed * 1103515245u + 12345u;
        size_t k = 1 + (seed >> 16) % (seed & 1 ? 7 : 5000);
        if (k > size - pos)
            k = size - pos;
        FUZZ_ASSERT(piiscan_stream_feed(s, data + pos, k, scratch, record, &split) == PIISCAN_OK);
        pos += k;
    }
    FUZZ_ASSERT(piiscan_stream_finish(s, scratch, record, &split) == PIISCAN_OK);
    piiscan_stream_free(s);
    if (whole.n != split.n || (whole.n && memcmp(whole.buf, split.buf, whole.n) != 0)) {
        fprintf(stderr, "whole:\n%.*s\nsplit:\n%.*s\n", (int)whole.n, (const char *)whole.buf,
                (int)split.n, (const char *)split.buf);
        FUZZ_ASSERT(!"stream differs from whole-buffer scan");
    }
    free(whole.buf);
    free(split.buf);
    piiscan_options_free(o);
    return 0;
}
