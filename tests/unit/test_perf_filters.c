/* test_perf_filters.c -- the scanner's fast filters may only ever let more
 * through than the exact test behind them, never less (ripgrep's "false
 * positives, never false negatives").  Each filter is checked against a
 * brute-force reference on random text, at every offset, so the 16-byte
 * blocks, their tails and the buffer end are all exercised.  Behaviour
 * only: nothing here measures time. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "engine/engine.h"
#include "engine/keywords.h"
#include "prefilter_cuts.h"
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
 * (the same first two or three bytes), digits and noise, and the keywords
 * of the set under test: whole, cut short, with a byte changed, and with
 * ASCII letters in random case. */
static size_t random_text(uint8_t *out, size_t cap, uint64_t *seed, char *const *own, size_t nown)
{
    static const char *const pieces[] = {
        "계좌번호", "계좌", "계약", "이체", "이번", "의견", "은행", "은", "을", "주민등록번호",
        "주문",     "BANK", "Bank", "bank", "bANk", "banana", "TEL", "tel", "te", "a",
        "x",        "Ab",   "ab",   "0",    "12345678901234567", "-",  " ",  "\n", "@",
        "\xEF\xBC\x91", "\xEA\xB3", "\xEC\x9D", "\xFF", "여권", "여", "#", "'", "\x01", "~",
    };
    const size_t nfixed = sizeof pieces / sizeof *pieces;
    size_t n = 0;
    while (n + 32 < cap) {
        size_t r = (size_t)(rng_next(seed) % (nfixed + 2 * nown));
        if (r < nfixed) {
            size_t l = strlen(pieces[r]);
            memcpy(out + n, pieces[r], l);
            n += l;
            continue;
        }
        const char *k = own[(r - nfixed) % nown];
        size_t l = strlen(k), keep = l;
        if (l > 24)
            l = keep = 24;
        uint64_t how = rng_next(seed);
        if (how % 4 == 0)
            keep = (size_t)(how >> 8) % (l + 1); /* cut short */
        memcpy(out + n, k, keep);
        for (size_t j = 0; j < keep; j++)
            if ((out[n + j] | 0x20) >= 'a' && (out[n + j] | 0x20) <= 'z' && (how >> (16 + j % 40)) & 1)
                out[n + j] ^= 0x20;
        if (how % 4 == 1 && keep)
            out[n + (size_t)(how >> 12) % keep] ^= (uint8_t)(1u << ((how >> 20) % 8)); /* near miss */
        n += keep;
    }
    return n;
}

/* The keywords of a comma-separated list, for random_text. */
static size_t split_list(const char *list, char **out, size_t cap)
{
    size_t n = 0;
    for (const char *p = list; *p && n < cap;) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        if (e > p) {
            out[n] = malloc((size_t)(e - p) + 1);
            cr_assert_not_null(out[n]);
            memcpy(out[n], p, (size_t)(e - p));
            out[n++][e - p] = 0;
        }
        p = e;
    }
    return n;
}

/* 1 if some keyword of kw occurs at text[pos] (of text[0..len)). */
static int keyword_at_any(const pii_keywords *kw, const uint8_t *text, size_t len, size_t pos)
{
    for (size_t k = 0; k < kw->n; k++)
        if (pii_keyword_at(&kw->v[k], text, len, pos))
            return 1;
    return 0;
}

/* Every position where pii_keyword_at() finds a keyword of kw must be one
 * that pii_keywords_next() stops at, whatever position the search starts
 * from and wherever it is told to end (before the buffer's end, as the
 * scanner's windows do, or at it), and it never stops at or after that end.
 * Checked for every version of the block filter this CPU runs (Teddy with
 * AVX2 and SSSE3, then the SSE2 classes), so each is compared with the
 * reference, not only the fastest. */
static void check_keywords(const char *list, uint64_t seed)
{
    pii_keywords kw;
    memset(&kw, 0, sizeof kw);
    cr_assert(pii_keywords_add(&kw, list, 0) > 0);
    pii_keywords_prepare(&kw);
    char *own[256];
    size_t nown = split_list(list, own, 256);
    uint8_t text[1200];
    for (int level = kw.teddy; level >= PII_TEDDY_OFF; level--) {
        kw.teddy = (uint8_t)level;
        for (int round = 0; round < 30; round++) {
            size_t n = random_text(text, sizeof text, &seed, own, nown);
            size_t cut = (size_t)(rng_next(&seed) % n) + 1; /* also a buffer that ends mid-keyword */
            for (size_t len = cut; len <= n; len += n - cut + (len == n)) {
                uint8_t found[1200];
                for (size_t pos = 0; pos < len; pos++)
                    found[pos] = (uint8_t)keyword_at_any(&kw, text, len, pos);
                /* Starts near the beginning, and a few near the end, where
                 * the blocks no longer fit and the scalar loop takes over. */
                for (size_t f = 0; f < 28 && f < len; f++) {
                    size_t from = f < 20 ? f : len - 1 - (size_t)(rng_next(&seed) % (len < 64 ? len : 64));
                    size_t to = rng_next(&seed) % 2 ? len : from + (size_t)(rng_next(&seed) % 80);
                    if (to > len)
                        to = len;
                    size_t i = from;
                    for (size_t pos = from; pos < to; pos++) {
                        if (!found[pos])
                            continue;
                        while (i < pos) { /* the filter's stops up to pos (false positives allowed) */
                            i = pii_keywords_next(&kw, text, len, i, to);
                            if (i < pos)
                                i++;
                        }
                        cr_assert_eq(i, pos,
                                     "keyword at %zu (from %zu, to %zu, len %zu, filter %d) skipped", pos,
                                     from, to, len, level);
                        i = pos + 1;
                    }
                    /* After the last keyword: nothing at or past `to`. */
                    for (size_t j = i; j < to; j++) {
                        size_t at = pii_keywords_next(&kw, text, len, j, to);
                        cr_assert(at == SIZE_MAX || (at >= j && at < to),
                                  "stop %zu outside [%zu, %zu) (len %zu, filter %d)", at, j, to, len,
                                  level);
                        if (at == SIZE_MAX)
                            break;
                        j = at;
                    }
                }
            }
        }
    }
    for (size_t k = 0; k < nown; k++)
        free(own[k]);
    pii_keywords_free(&kw);
}

Test(perf_filters, keyword_filter_never_skips_a_keyword)
{
    check_keywords("계좌번호, 계좌, 이체, 은행, 주민등록번호, bank, TEL, 여권", 1);
}

Test(perf_filters, keyword_filter_with_short_keywords)
{
    /* One- and two-byte keywords have no third byte to filter on, and
     * leave Teddy's later bytes free. */
    check_keywords("a, Ab, 은, x", 2);
}

Test(perf_filters, keyword_filter_with_many_punctuation_starts)
{
    /* More than four non-letter ASCII first bytes: the scalar filter. */
    check_keywords("@x, #1, -a, 0b, 'q, bank", 3);
}

Test(perf_filters, keyword_filter_with_odd_bytes)
{
    /* A custom set: control bytes, a byte that is never UTF-8, other
     * scripts, an emoji, digits, a lone continuation byte, and a keyword
     * whose later bytes Teddy reads (4, 5) are letters in either case. */
    check_keywords("\x01" "ab, ~x, \xFF\xFE, é, \xF0\x9F\x98\x80, 123456, \x80, Здравствуйте, "
                   "ABCDEF, xYz\x7F, 番号",
                   5);
}

Test(perf_filters, keyword_filter_with_few_keywords)
{
    /* Up to four distinct 3-byte starts, every keyword 3 bytes or longer:
     * the FEW filter where AVX2 runs (then Teddy, SSSE3, SSE2, scalar).  A
     * passport's keywords (여권 starts 여권번호 too), ASCII in either case,
     * a start of punctuation and digits, and exactly four starts. */
    check_keywords("여권번호, 여권, passport", 10);
    check_keywords("PassPort, 여권, #1a, 999", 11);
    check_keywords("abc, abd, abcd, xyz", 12);
    pii_keywords kw;
    memset(&kw, 0, sizeof kw);
    cr_assert(pii_keywords_add(&kw, "여권번호, 여권, passport", 0) > 0);
    pii_keywords_prepare(&kw);
    cr_assert_eq(kw.nfew, 2, "여권번호 and 여권 share a start");
    pii_keywords_free(&kw);
    memset(&kw, 0, sizeof kw);
    cr_assert(pii_keywords_add(&kw, "abc, abd, abe, abf, abg", 0) > 0);
    pii_keywords_prepare(&kw);
    cr_assert_eq(kw.nfew, 0, "five starts are too many");
    pii_keywords_free(&kw);
}

Test(perf_filters, keyword_filter_with_the_default_sets)
{
    /* The shipped keyword lists (the patterns directory), as two sets like
     * the engine's, more than Teddy's buckets hold. */
    check_keywords("주민등록번호, 주민번호, 주민등록, 주민, 생년월일, RRN, resident registration, "
                   "외국인등록번호, 외국인번호, 외국인, 등록번호, FRN, ARN, alien registration, "
                   "운전면허, 면허번호, 면허, 운전, driver, driving licen, 여권번호, 여권, passport, "
                   "전화번호, 전화, 연락처, 휴대폰, 핸드폰, 휴대전화, 팩스, TEL, phone, mobile, cell, FAX, "
                   "계좌번호, 계좌, 입금, 예금주, 이체, 송금, 은행, 뱅크, 신한, 농협, 수협, 신협, 우체국, "
                   "새마을금고, SC제일, 씨티, KB국민, IBK, account, bank, 사업자등록번호, 사업자, BRN",
                   6);
    check_keywords("운송장번호, 송장, 주문번호, 주문, 택배, 사업자번호, 전화, 팩스, 문서번호, 접수번호, "
                   "관리번호, 고객번호, 회원번호, 사번, 학번, 제품번호, 모델번호, 일련번호, 승인번호, "
                   "바코드, 시리얼, tracking, order, invoice, serial, barcode, TEL, FAX, 제품코드, "
                   "모델명, 모델, 품번, 부품, 코드, product, model, part, code, SKU",
                   7);
}

Test(perf_filters, keyword_filter_with_more_keywords_than_clusters)
{
    /* Over 64 different starts: the bucket builder folds the surplus in
     * greedily before clustering. */
    char list[8192];
    size_t n = 0;
    uint64_t seed = 8;
    for (int k = 0; k < 150; k++) {
        uint64_t r = rng_next(&seed);
        if (r % 3 == 0) { /* two Hangul syllables, U+AC00.. */
            for (int s = 0; s < 2; s++) {
                unsigned cp = 0xAC00u + (unsigned)((r >> (8 + 16 * s)) % 11172);
                list[n++] = (char)(0xE0 | cp >> 12);
                list[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                list[n++] = (char)(0x80 | (cp & 0x3F));
            }
        } else { /* 1 to 7 bytes of letters and punctuation */
            size_t l = 1 + (size_t)((r >> 8) % 7);
            for (size_t j = 0; j < l; j++)
                list[n++] = "abcdefghijklmnopqrstuvwxyzQRST#$%&*+/<>?"[(r >> (12 + 5 * j)) % 40];
        }
        list[n++] = ',';
    }
    list[n] = 0;
    check_keywords(list, 9);
}

Test(perf_filters, keyword_filter_needs_prepare_only_for_speed)
{
    /* Keywords added after pii_keywords_prepare: the tables no longer
     * cover them, so the search falls back until prepared again. */
    pii_keywords kw;
    memset(&kw, 0, sizeof kw);
    cr_assert(pii_keywords_add(&kw, "계좌", 0) > 0);
    pii_keywords_prepare(&kw);
    cr_assert(pii_keywords_add(&kw, "여권", 1) > 0);
    uint8_t text[100];
    memset(text, '.', sizeof text);
    memcpy(text + 38, "여권", 6);
    cr_assert_eq(pii_keywords_next(&kw, text, sizeof text, 0, sizeof text), 38);
    pii_keywords_prepare(&kw);
    cr_assert_eq(pii_keywords_next(&kw, text, sizeof text, 0, sizeof text), 38);
    pii_keywords_free(&kw);
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

static int never_names(const pii_candidate *c, unsigned before)
{
    (void)c;
    (void)before;
    return 0;
}

/* A validator's rejects_run() may answer 1 only if validate() rejects
 * every unmasked candidate made of the run's first n digits (whatever
 * follows them that is not a digit), under every RRN policy and with a
 * keyword in reach; PII_REJECTS_UNLESS_NAMED only if it rejects them all
 * when no keyword names the value (a keyword elsewhere in reach). */
Test(perf_filters, rejects_run_never_rejects_what_the_validator_accepts)
{
    uint64_t seed = 5;
    const char *const *names = pii_detector_names();
    static const char *const tails[] = {"", " ", "-", "a"};
    static pii_candidate_buf buf;
    size_t checked = 0, rejected = 0, unless_named = 0;
    for (size_t k = 0; names[k]; k++) {
        const pii_detector *d = pii_detector_find(names[k]);
        if (!d->rejects_run)
            continue;
        checked++;
        for (int round = 0; round < 20000; round++) {
            char run[24], text[32];
            size_t len = random_run(run, sizeof run, &seed);
            int r = d->rejects_run(run, len);
            if (!r)
                continue;
            cr_assert(r == 1 || r == PII_REJECTS_UNLESS_NAMED, "%s: rejects_run answers %d", d->name, r);
            rejected += r == 1;
            unless_named += r == PII_REJECTS_UNLESS_NAMED;
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
                        c.names_value = r == 1 ? always_names : never_names;
                        pii_verdict v = {1, PIISCAN_VALID_STRUCTURAL, PIISCAN_CONF_MEDIUM, 0};
                        d->validate(&c, &v);
                        cr_assert(!v.accept, "%s: rejects_run(%.*s) = %d but %.*s is accepted", d->name,
                                  (int)len, run, r, (int)(n + tl), text);
                    }
                }
            }
        }
    }
    cr_assert_geq(checked, 3, "kr_rrn, kr_frn and card have the shortcut");
    cr_assert_gt(rejected, 1000);
    cr_assert_gt(unless_named, 50, "timestamps and barcodes: rejected unless named (%zu)", unless_named);
}

/* Text for the prefilter: digit runs of every length, the separators and
 * masks values use (ASCII and multi-byte), breakers, Hangul, ASCII words,
 * '@', lone and cut UTF-8 bytes: clusters of every size, split and joined
 * in every way the segment skip's rules tell apart. */
static size_t random_cluster_text(uint8_t *out, size_t cap, uint64_t *seed)
{
    static const char *const pieces[] = {
        "0", "1234", "900101", "1234567", "12345678901", "-", " ", "  ", ".", "(", ")", "+82",
        "*", "#", "x", "X", "xx", "abc", "Order", "a", "@", "\n", ",", ":", "/", "|", "'", "\t",
        "\xEF\xBC\x91",        /* １ */
        "\xEF\xBC\x8D",        /* － */
        "\xE2\x80\x93",        /* – */
        "\xE2\x97\x8F",        /* ● */
        "\xC3\x97",            /* × */
        "\xC2\xA0",            /* NBSP */
        "\xE3\x80\x80",        /* ideographic space */
        "\xEA\xB0\x80",        /* 가 */
        "\xEB\x85\x84",        /* 년 */
        "\xEF", "\xE2\x80", "\xC3", "\x80", "\xFF", "\xF0\x9F\x98\x80", "\x01",
        /* 64 breakers and more: a block with no member at all */
        "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
        "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"
        "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF",
    };
    /* Clusters that run for hundreds of bytes with few members: a digit
     * every fourth byte, no breaker. */
    static const char *const sparse[] = {"1   ", "2 - ", "3...", "x 4 ", "5abc", "6   7"};
    const size_t np = sizeof pieces / sizeof *pieces;
    size_t n = 0;
    /* Some texts are mostly digits and gaps (long, dense clusters), some
     * mostly words (short ones), some long and sparse, and some all ASCII
     * (the first 28 pieces), as a CSV export is: the block walk's. */
    unsigned dense = (unsigned)(rng_next(seed) % 7);
    while (n + 80 < cap) { /* the longest piece is 70 bytes */
        size_t r = (size_t)(rng_next(seed) % (dense >= 5 ? 28 : np));
        const char *piece = pieces[r];
        if (dense == 4 && rng_next(seed) % 8)
            piece = sparse[rng_next(seed) % (sizeof sparse / sizeof *sparse)];
        else if ((dense && dense < 4 && rng_next(seed) % 4 < dense) || (dense == 6 && rng_next(seed) % 2))
            piece = pieces[rng_next(seed) % 16];
        size_t l = strlen(piece);
        memcpy(out + n, piece, l);
        n += l;
    }
    return n;
}

/* A band (engine.h) for the prefilter tests: none, or up to band_hi with
 * start bytes like a phone number's (0 + ( and the full-width lead), or
 * other non-breakers, with and without the {{LB}} rule. */
static void random_band(test_band *b, unsigned min_digits, uint64_t *seed)
{
    memset(b, 0, sizeof *b);
    b->hi = min_digits;
    if (rng_next(seed) % 3 == 0)
        return;
    b->hi = min_digits + 1 + (unsigned)(rng_next(seed) % 8);
    if (b->hi > 64)
        b->hi = 64;
    b->lb = (int)(rng_next(seed) % 2);
    static const uint8_t phone[] = {'0', '+', '(', 0xEF};
    static const uint8_t other[] = {'1', '9', '*', '-', 'x', 'M', ' ', 0x80, 0xC2, 0xE2};
    for (size_t i = 0; i < sizeof phone; i++)
        if (rng_next(seed) % 4)
            b->start[phone[i] >> 3] |= (uint8_t)(1u << (phone[i] & 7));
    for (size_t i = 0; i < sizeof other; i++)
        if (rng_next(seed) % 5 == 0)
            b->start[other[i] >> 3] |= (uint8_t)(1u << (other[i] & 7));
}

/* test_prefilter_windows(), failing the test if the prefilter fails. */
static size_t prefilter_windows(const uint8_t *text, size_t len, const size_t *cuts, size_t ncuts,
                                unsigned min_digits, int want_at, const test_band *band, int skip,
                                pii_winvec *out)
{
    size_t n = test_prefilter_windows(text, len, cuts, ncuts, min_digits, want_at, band, skip, out);
    cr_assert_neq(n, (size_t)-1, "the prefilter failed");
    return n;
}

/* The segment skip only passes over what the walk would have passed over,
 * and the block walk follows the walk's rules: with them, the prefilter
 * emits exactly the windows it emits without them, for every trigger, with
 * and without '@', and however the text arrives. */
Test(perf_filters, segment_skip_emits_the_windows_of_the_walk)
{
    pii_prefilter probe;
    pii_prefilter_init(&probe, 7, 13, 1);
    if (!probe.segment_skip)
        cr_log_info("this CPU runs no segment skip: the walk is compared with itself");
    uint64_t seed = 11;
    static uint8_t text[4096];
    pii_winvec a = {0}, b = {0};
    size_t windows = 0;
    for (int round = 0; round < 1000; round++) {
        size_t len = random_cluster_text(text, 144 + (size_t)(rng_next(&seed) % (sizeof text - 144)), &seed);
        unsigned min_digits = (unsigned)(2 + rng_next(&seed) % (round % 3 ? 12 : 60));
        int want_at = (int)(rng_next(&seed) % 2);
        size_t cuts[4], ncuts = (size_t)(rng_next(&seed) % 4);
        for (size_t c = 0; c < ncuts; c++)
            cuts[c] = (size_t)(rng_next(&seed) % (len + 1));
        for (size_t c = 1; c < ncuts; c++) /* ascending */
            for (size_t d = c; d > 0 && cuts[d - 1] > cuts[d]; d--) {
                size_t t = cuts[d];
                cuts[d] = cuts[d - 1];
                cuts[d - 1] = t;
            }
        test_band band;
        random_band(&band, min_digits, &seed);
        size_t na = prefilter_windows(text, len, cuts, ncuts, min_digits, want_at, &band, 1 + round % 3, &a);
        size_t nb = prefilter_windows(text, len, cuts, ncuts, min_digits, want_at, &band, 0, &b);
        cr_assert_eq(na, nb, "round %d (len %zu, min %u, at %d): %zu windows with the skip, %zu without",
                     round, len, min_digits, want_at, na, nb);
        for (size_t k = 0; k < na; k++) {
            const pii_window *x = &a.v[k], *y = &b.v[k];
            cr_assert(test_same_window(x, y),
                      "round %d: window %zu differs: [%llu,%llu) count %u vs [%llu,%llu) count %u", round,
                      k, (unsigned long long)x->ws, (unsigned long long)x->we, x->count,
                      (unsigned long long)y->ws, (unsigned long long)y->we, y->count);
        }
        windows += na;
    }
    cr_assert_gt(windows, 1000, "the texts should make windows (%zu)", windows);
    free(a.v);
    free(b.v);
}

static int in_set(const uint8_t set[32], unsigned c)
{
    return set[c >> 3] >> (c & 7) & 1;
}

/* The lookbehinds right after {{LB}} that next_start() applies without
 * PCRE2: read from the built-in regexes, and from nothing else. */
Test(perf_filters, lookbehinds_after_lb_are_read_from_the_regex)
{
    piiscan_engine *e = NULL;
    cr_assert_eq(piiscan_engine_compile_default(&e), PIISCAN_OK);
    int seen = 0;
    for (size_t i = 0; i < e->n; i++) {
        const pii_engine_pattern *p = &e->p[i];
        if (!strcmp(p->id, "card")) { /* {{LB}}(?<![0-9]\.)(?<![*#]) */
            cr_assert(p->lb_extra && in_set(p->lb_digit_then, '.') && !in_set(p->lb_digit_then, '-'));
            cr_assert(in_set(p->lb_not_after, '*') && in_set(p->lb_not_after, '#') && in_set(p->lb_not_after, 'q'));
            cr_assert(!in_set(p->lb_not_after, '.') && !in_set(p->lb_not_after, '-'));
            cr_assert_eq(p->lead, 4);
            seen++;
        } else if (!strcmp(p->id, "kr_phone")) { /* {{LB}}(?<![0-9]-) */
            cr_assert(p->lb_extra && in_set(p->lb_digit_then, '-') && !in_set(p->lb_not_after, '*'));
            cr_assert_eq(p->lead, 2);
            seen++;
        } else if (!strcmp(p->id, "kr_rrn")) { /* {{LB}}(?<![*#]) */
            cr_assert(p->lb_extra && in_set(p->lb_not_after, '#') && !in_set(p->lb_digit_then, '.'));
            cr_assert_eq(p->lead, 6);
            seen++;
        }
    }
    cr_assert_eq(seen, 3);
    piiscan_engine_free(e);
    /* Not right after {{LB}}, a range in the class, an escape class, or
     * behind a top-level '|': none of these is taken. */
    static const char *const none[] = {
        "{{LB}}A(?<![0-9]\\.){{DIGIT}}{4}",
        "{{LB}}(?<![a-c]){{DIGIT}}{4}",
        "{{LB}}(?<![0-9]\\d){{DIGIT}}{4}",
        "{{LB}}(?<![*#]){{DIGIT}}{4}|B{{DIGIT}}{4}",
    };
    for (size_t k = 0; k < sizeof none / sizeof *none; k++) {
        piiscan_patterns *set = NULL;
        piiscan_error *err = NULL;
        char text[256];
        snprintf(text, sizeof text, "[tag]\nregex = %s\ntrigger = digits 4 prefix 1\n", none[k]);
        cr_assert_eq(piiscan_patterns_new_empty(&set), PIISCAN_OK);
        cr_assert_eq(piiscan_patterns_load_text(set, text, strlen(text), "t.pat", &err), PIISCAN_OK);
        cr_assert_eq(piiscan_engine_compile(set, &e, &err), PIISCAN_OK);
        cr_assert(!e->p[0].lb_extra, "%s", none[k]);
        piiscan_engine_free(e);
        piiscan_patterns_free(set);
    }
}

/* The default engine's band: 9-member clusters are for phone numbers only
 * (the licence, account and business number need 10), and a phone number
 * starts with 0, + or ( (or a full-width 0) after no digit. */
Test(perf_filters, default_engine_band_is_the_phone_numbers)
{
    piiscan_engine *e = NULL;
    cr_assert_eq(piiscan_engine_compile_default(&e), PIISCAN_OK);
    cr_assert_eq(e->min_digits, 9);
    cr_assert_eq(e->band_hi, 10);
    cr_assert(e->band_lb);
    for (unsigned b = 0; b < 256; b++) {
        int want = b == '0' || b == '+' || b == '(' || b == 0xEF;
        cr_assert_eq(e->band_start[b >> 3] >> (b & 7) & 1, want, "byte 0x%02X", b);
    }
    piiscan_engine_free(e);
}

/* What the band leaves out, and what it keeps, with the skip and without. */
Test(perf_filters, band_drops_nine_digit_clusters_without_a_start)
{
    static const char text[] =
        "build 20190506.3 of the tool, and more words so the first block is long enough to skip; "
        "call 010-123-4567 or (02)123-4567 or +82 2-123-4567, id 900101-1234567, ref 123 456 789.\n"
        "and some more text after, to give the last clusters a block of their own to be read in.";
    test_band band = {10, 1, {0}};
    for (const char *s = "0+("; *s; s++)
        band.start[(uint8_t)*s >> 3] |= (uint8_t)(1u << (*s & 7));
    pii_winvec w = {0};
    for (int skip = 0; skip <= 3; skip++) {
        size_t n = prefilter_windows((const uint8_t *)text, sizeof text - 1, NULL, 0, 9, 0, &band, skip, &w);
        char got[512] = "";
        for (size_t k = 0; k < n; k++) {
            size_t l = strlen(got);
            snprintf(got + l, sizeof got - l, "%.*s|", (int)(w.v[k].we - w.v[k].cs), text + w.v[k].cs);
        }
        cr_assert_str_eq(got, "010-123-4567|02)123-4567|82 2-123-4567|900101-1234567|",
                         "skip %d: windows %s", skip, got);
    }
    free(w.v);
}
