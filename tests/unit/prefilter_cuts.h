/* prefilter_cuts.h -- what tests/unit/test_perf_filters.c and
 * fuzz/fuzz_prefilter.c share: running the prefilter over a text that
 * arrives in pieces, as the stream runs it, with or without the segment
 * skip, and comparing two windows.  Header only (static inline), so each
 * harness keeps its own way to fail. */
#ifndef PII_TESTS_PREFILTER_CUTS_H
#define PII_TESTS_PREFILTER_CUTS_H

#include <stddef.h>
#include <stdint.h>

#include "scan/prefilter.h"

/* A band (engine.h) for pii_prefilter_set_band(). */
typedef struct test_band {
    unsigned hi;
    int lb;
    uint8_t start[32];
} test_band;

/* Runs the prefilter over text in pieces cut at the given ends (ascending;
 * the last piece with eof) and, as the stream does, drops the text nothing
 * needs any more after each piece (the skip then finds what it had read
 * ahead gone).  skip: 0 the walk alone, 1 with the segment skip and the
 * block walk as this CPU runs them, 2 the same without PEXT, 3 the block
 * walk without the skip.  Returns the number of
 * windows in out, or (size_t)-1 if the prefilter failed. */
static inline size_t test_prefilter_windows(const uint8_t *text, size_t len, const size_t *cuts,
                                            size_t ncuts, unsigned min_digits, int want_at,
                                            const test_band *band, int skip, pii_winvec *out)
{
    pii_prefilter pf;
    pii_prefilter_init(&pf, min_digits, 13, want_at);
    pii_prefilter_set_band(&pf, band->hi, band->start, band->lb);
    if (!skip) {
        pf.segment_skip = 0;
        pf.block_walk = 0;
    }
    if (skip == 2)
        pf.sk_pext = 0;
    if (skip == 3)
        pf.segment_skip = 0;
    out->first = out->n = 0;
    uint64_t base = 0;
    for (size_t c = 0; c <= ncuts; c++) {
        size_t end = c < ncuts ? cuts[c] : len;
        if (end < base)
            end = (size_t)base;
        if (pii_prefilter_run(&pf, text + base, base, end - (size_t)base, c == ncuts, out) != 0)
            return (size_t)-1;
        uint64_t h = pii_prefilter_horizon(&pf);
        if (h > base && h <= pf.pos)
            base = h;
    }
    return out->n;
}

/* 1 if two windows are the same in every field. */
static inline int test_same_window(const pii_window *a, const pii_window *b)
{
    return a->ws == b->ws && a->we == b->we && a->cs == b->cs && a->se == b->se &&
           a->count == b->count && a->group == b->group && a->groups == b->groups && a->at == b->at;
}

#endif
