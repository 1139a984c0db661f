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

#include "detect/detect.h"
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

/* The most permissive context a validator can be given: a keyword near and
 * one naming the value. */
static int always_context(const pii_candidate *c)
{
    (void)c;
    return 1;
}

static int always_names(const pii_candidate *c, unsigned before)
{
    (void)c;
    (void)before;
    return 1;
}

/* A run of digits that often looks like something: a birth date and gender
 * digit, an issuer prefix, a barcode or a timestamp, with the rest random
 * and, half the time, the last digit set so that Luhn passes. */
static size_t random_run(char *out, size_t cap, uint64_t *seed)
{
    static const char *const heads[] = {"", "900101", "9001011", "0102035", "2002294", "4", "51",
                                        "2221", "34", "6011", "62", "9", "880", "17", "15", "00"};
    const char *h = heads[rng_next(seed) % (sizeof heads / sizeof *heads)];
    size_t n = 1 + (size_t)(rng_next(seed) % (cap - 1)), hl = strlen(h);
    for (size_t i = 0; i < n; i++)
        out[i] = i < hl ? h[i] : (char)('0' + rng_next(seed) % 10);
    if (n >= 2 && rng_next(seed) % 2) {
        for (int d = 0; d < 10; d++) {
            out[n - 1] = (char)('0' + d);
            int sum = 0;
            for (size_t i = n; i-- > 0;) {
                int v = out[i] - '0';
                if ((n - 1 - i) % 2) {
                    v *= 2;
                    if (v > 9)
                        v -= 9;
                }
                sum += v;
            }
            if (sum % 10 == 0)
                break;
        }
    }
    return n;
}

/* A validator's rejects_run() may answer 1 only if validate() rejects
 * every unmasked candidate made of the run's first n digits (whatever
 * follows them that is not a digit), under every RRN policy and with a
 * keyword in reach. */
Test(perf_filters, rejects_run_never_rejects_what_the_validator_accepts)
{
    uint64_t seed = 5;
    const char *const *names = pii_detector_names();
    static const char *const tails[] = {"", " ", "-", "a"};
    static pii_candidate_buf buf;
    size_t checked = 0, rejected = 0;
    for (size_t k = 0; names[k]; k++) {
        const pii_detector *d = pii_detector_find(names[k]);
        if (!d->rejects_run)
            continue;
        checked++;
        for (int round = 0; round < 20000; round++) {
            char run[24], text[32];
            size_t len = random_run(run, sizeof run, &seed);
            if (!d->rejects_run(run, len))
                continue;
            rejected++;
            for (size_t n = 1; n <= len; n++) {
                for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
                    size_t tl = strlen(tails[t]);
                    memcpy(text, run, n);
                    memcpy(text + n, tails[t], tl);
                    for (int pol = PIISCAN_RRN_CHECKSUM_ONLY; pol <= PIISCAN_RRN_STRUCTURAL; pol++) {
                        pii_candidate c;
                        pii_candidate_init(&c, &buf, (const uint8_t *)text, n + tl);
                        c.rrn_policy = pol;
                        c.has_context = always_context;
                        c.names_value = always_names;
                        pii_verdict v = {1, PIISCAN_VALID_STRUCTURAL, PIISCAN_CONF_MEDIUM, 0};
                        d->validate(&c, &v);
                        cr_assert(!v.accept, "%s: rejects_run(%.*s) but %.*s is accepted", d->name,
                                  (int)len, run, (int)(n + tl), text);
                    }
                }
            }
        }
    }
    cr_assert_geq(checked, 3, "kr_rrn, kr_frn and card have the shortcut");
    cr_assert_gt(rejected, 1000);
}
