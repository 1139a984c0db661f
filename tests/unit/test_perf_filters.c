/* test_perf_filters.c -- the scanner's fast filters may only ever let more
 * through than the exact test behind them, never less (ripgrep's "false
 * positives, never false negatives").  Each filter is checked against a
 * brute-force reference on random text, at every offset, so the 16-byte
 * blocks, their tails and the buffer end are all exercised.  Behaviour
 * only: nothing here measures time. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/keywords.h"
#include "scan/prefilter.h"

/* splitmix64: a fixed stream, no libc rand(). */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Random text built from pieces that look like keywords, near misses
 * (the same first two or three bytes), digits and noise. */
static size_t random_text(uint8_t *out, size_t cap, uint64_t *seed)
{
    static const char *const pieces[] = {
        "계좌번호", "계좌", "계약", "이체", "이번", "의견", "은행", "은", "을", "주민등록번호",
        "주문",     "BANK", "Bank", "bank", "bANk", "banana", "TEL", "tel", "te", "a",
        "x",        "Ab",   "ab",   "0",    "12345678901234567", "-",  " ",  "\n", "@",
        "\xEF\xBC\x91", "\xEA\xB3", "\xEC\x9D", "\xFF", "여권", "여", "#", "'",
    };
    size_t n = 0;
    while (n + 32 < cap) {
        const char *p = pieces[rng_next(seed) % (sizeof pieces / sizeof *pieces)];
        size_t l = strlen(p);
        memcpy(out + n, p, l);
        n += l;
    }
    return n;
}

/* Every position where pii_keyword_at() finds a keyword of kw must be one
 * that pii_keywords_next() stops at, whatever position the search starts
 * from. */
static void check_keywords(const char *list, uint64_t seed)
{
    pii_keywords kw;
    memset(&kw, 0, sizeof kw);
    cr_assert(pii_keywords_add(&kw, list, 0) > 0);
    uint8_t text[1200];
    for (int round = 0; round < 40; round++) {
        size_t n = random_text(text, sizeof text, &seed);
        size_t cut = (size_t)(rng_next(&seed) % n) + 1; /* also a buffer that ends mid-keyword */
        for (size_t len = cut; len <= n; len += n - cut + (len == n)) {
            for (size_t from = 0; from < 20 && from < len; from++) {
                size_t i = from;
                for (size_t pos = from; pos < len; pos++) {
                    int found = 0;
                    for (size_t k = 0; k < kw.n && !found; k++)
                        found = pii_keyword_at(&kw.v[k], text, len, pos);
                    if (!found)
                        continue;
                    while (i < pos) { /* the filter's stops up to pos (false positives allowed) */
                        i = pii_keywords_next(&kw, text, len, i, len);
                        if (i < pos)
                            i++;
                    }
                    cr_assert_eq(i, pos, "keyword at %zu (from %zu, len %zu) skipped by the filter", pos,
                                 from, len);
                    i = pos + 1;
                }
            }
        }
    }
    pii_keywords_free(&kw);
}

Test(perf_filters, keyword_filter_never_skips_a_keyword)
{
    check_keywords("계좌번호, 계좌, 이체, 은행, 주민등록번호, bank, TEL, 여권", 1);
}

Test(perf_filters, keyword_filter_with_short_keywords)
{
    /* One- and two-byte keywords have no third byte to filter on. */
    check_keywords("a, Ab, 은, x", 2);
}

Test(perf_filters, keyword_filter_with_many_punctuation_starts)
{
    /* More than four non-letter ASCII first bytes: the scalar filter. */
    check_keywords("@x, #1, -a, 0b, 'q, bank", 3);
}

Test(perf_filters, digits_end_matches_a_byte_loop)
{
    uint64_t seed = 4;
    uint8_t text[300];
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof text; i++)
            text[i] = rng_next(&seed) % 8 ? (uint8_t)('0' + rng_next(&seed) % 10)
                                          : (uint8_t)("/:a\x80 9"[rng_next(&seed) % 6]);
        size_t len = (size_t)(rng_next(&seed) % sizeof text);
        for (size_t j = 0; j <= len; j++) {
            size_t want = j;
            while (want < len && text[want] >= '0' && text[want] <= '9')
                want++;
            cr_assert_eq(pii_digits_end(text, j, len), want);
        }
    }
}
