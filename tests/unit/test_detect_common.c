/* test_detect_common.c -- the candidate normaliser, the display helper, the
 * validator registry, the `none` validator, and the pattern files' trigger
 * numbers against the shortest value each detector accepts. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect_testlib.h"
#include "testutil.h"

Test(candidate, normalises_full_width_dashes_and_masks)
{
    /* ９０-●x# then ～ (not in any class) and ＡＢ and an ideographic space. */
    const char *s = "\xEF\xBC\x99\xEF\xBC\x90\xE2\x80\x94\xE2\x97\x8Fx#\xEF\xBD\x9E\xEF\xBC\xA1\xEF\xBD\x82\xE3\x80\x80" "7";
    pii_candidate_buf b;
    pii_candidate c;
    pii_candidate_init(&c, &b, (const uint8_t *)s, strlen(s));
    cr_assert_str_eq(c.norm, "90-*x#~Ab 7");
    cr_assert_eq(c.norm_len, 11);
    cr_assert_str_eq(c.digits, "90***7", "● x # are the three masks");
    cr_assert_eq(c.ndigits, 6);
    cr_assert_eq(c.nmask, 3);
    /* Byte offsets: ９(0) ０(3) —(6) ●(9) x(12) #(13) ～(14) Ａ(17) ｂ(20) 　(23) 7(26). */
    const uint16_t off[] = {0, 3, 6, 9, 12, 13, 14, 17, 20, 23, 26, 27};
    for (size_t i = 0; i <= c.norm_len; i++)
        cr_assert_eq(c.norm_off[i], off[i], "norm_off[%zu]", i);
    const uint16_t dpos[] = {0, 1, 3, 4, 5, 10}; /* 9 0 ● x # 7 */
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(c.digit_pos[i], dpos[i], "digit_pos[%zu]", i);
    cr_assert_eq(c.rrn_policy, PIISCAN_RRN_CONTEXT);
    cr_assert_eq(c.has_context(&c), 0);
}

Test(candidate, invalid_utf8_is_one_byte_each)
{
    const char s[] = "\xC3" "1\xE2\x97" "2";
    pii_candidate_buf b;
    pii_candidate c;
    pii_candidate_init(&c, &b, (const uint8_t *)s, sizeof s - 1);
    cr_assert_str_eq(c.digits, "12", "a stray lead byte never swallows a digit");
    cr_assert_str_eq(c.norm, "~1~~2");
}

/* splitmix64: test data the same on every machine. */
static uint64_t test_rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The groups a candidate works out once (pii_digit_groups): written-out
 * cases, then random values against a reading of norm made here. */
Test(candidate, digit_groups_and_their_separators)
{
    static const struct {
        const char *s;
        size_t ng;
        size_t sizes[4];
        int consistent;
    } cases[] = {
        {"010-1234-5678", 3, {3, 4, 4}, 1},
        {"010-1234.5678", 3, {3, 4, 4}, 0},           /* two separators */
        {"(02) 123-4567", 3, {2, 3, 4}, 0},           /* ") " is two characters */
        {"900101-1******", 2, {6, 7}, 1},
        {"\xEF\xBC\x90\xEF\xBC\x91\xE2\x80\x94\xE2\x97\x8F" "5", 2, {2, 2}, 1}, /* ０１—●5 */
        {"+82 10-1234-5678", 4, {2, 2, 4, 4}, 0},
        {"12345678", 1, {8}, 1},
        {"ab-", 0, {0}, 1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        pii_candidate_buf b;
        pii_candidate c;
        pii_candidate_init(&c, &b, (const uint8_t *)cases[k].s, strlen(cases[k].s));
        size_t g[8];
        int cons = -1;
        size_t ng = pii_digit_groups(&c, g, 8, &cons);
        cr_assert_eq(ng, cases[k].ng, "%s: %zu groups", cases[k].s, ng);
        for (size_t i = 0; i < ng; i++)
            cr_assert_eq(g[i], cases[k].sizes[i], "%s: group %zu", cases[k].s, i);
        cr_assert_eq(cons, cases[k].consistent, "%s", cases[k].s);
    }
    static const char *const bits[] = {"1", "23", "*", "x", "#", "-", ".", " ", "  ", "(", ")",
                                       "\xEF\xBC\x95", "\xE2\x80\x93", "\xE2\x97\x8F", "a", "\xEA\xB0\x80"};
    uint64_t seed = 7;
    for (int round = 0; round < 20000; round++) {
        char s[128];
        size_t n = 0, parts = 1 + (size_t)(test_rng(&seed) % 24);
        for (size_t p = 0; p < parts; p++) {
            const char *bit = bits[test_rng(&seed) % (sizeof bits / sizeof *bits)];
            memcpy(s + n, bit, strlen(bit));
            n += strlen(bit);
        }
        pii_candidate_buf b;
        pii_candidate c;
        pii_candidate_init(&c, &b, (const uint8_t *)s, n);
        /* The reference: a norm position is in a group iff it is a digit
         * position; groups are the maximal runs of such positions. */
        size_t want[64], nw = 0, run = 0, gap = 0;
        char sep = 0, first_gap = 0;
        int ok = 1;
        for (size_t i = 0, di = 0; i <= c.norm_len; i++) {
            int member = i < c.norm_len && di < c.ndigits && c.digit_pos[di] == i;
            if (member) {
                di++;
                if (run == 0 && nw > 0) {
                    if (gap != 1 || (sep && sep != first_gap))
                        ok = 0;
                    sep = first_gap;
                }
                run++;
            } else {
                if (run) {
                    want[nw++] = run;
                    gap = 0;
                    first_gap = i < c.norm_len ? c.norm[i] : 0;
                }
                run = 0;
                gap++;
            }
        }
        size_t g[8];
        int cons = -1;
        size_t ng = pii_digit_groups(&c, g, 8, &cons);
        cr_assert_eq(ng, nw, "round %d: %zu groups, want %zu", round, ng, nw);
        for (size_t i = 0; i < ng && i < 8; i++)
            cr_assert_eq(g[i], want[i], "round %d: group %zu", round, i);
        cr_assert_eq(cons, ok, "round %d: consistent %d, want %d (%s)", round, cons, ok, c.norm);
    }
}

Test(candidate, display_helper)
{
    const char *s = "12-3#~";
    pii_candidate_buf b;
    pii_candidate c;
    pii_candidate_init(&c, &b, (const uint8_t *)s, strlen(s));
    const uint8_t keep[] = {1, 0, 1, 1};
    char out[32];
    pii_display_digits(&c, keep, 4, out, sizeof out);
    cr_assert_str_eq(out, "1*-3*?", "masks stay masks, ~ becomes ?");
    pii_display_digits(&c, keep, 1, out, sizeof out);
    cr_assert_str_eq(out, "1*-**?", "positions beyond keep_len are masked");
    pii_display_digits(&c, keep, 4, out, 4);
    cr_assert_str_eq(out, "1*-", "truncated to cap, NUL-terminated");
}

Test(registry, every_name_is_found_and_unknown_is_null)
{
    const char *const *names = pii_detector_names();
    size_t n = 0;
    for (; names[n]; n++) {
        const pii_detector *d = pii_detector_find(names[n]);
        cr_assert_not_null(d, "%s", names[n]);
        cr_assert_str_eq(d->name, names[n]);
        cr_assert_not_null(d->validate);
        cr_assert_not_null(d->display);
    }
    cr_assert_eq(n, 11);
    const char *want[] = {"kr_rrn", "kr_frn", "kr_passport", "kr_driver_license", "card", "luhn",
                          "kr_account", "kr_phone", "email", "kr_brn", "none"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_assert_not_null(pii_detector_find(want[i]), "%s", want[i]);
    cr_assert_null(pii_detector_find("nosuch"));
    cr_assert_null(pii_detector_find(""));
    cr_assert_null(pii_detector_find(NULL));
}

Test(registry, none_keeps_defaults_and_hides_everything)
{
    tl_result r = tl_run("none", "EMP-123456", 0, 0);
    cr_assert(r.v.accept);
    cr_assert_eq(r.v.validation, PIISCAN_VALID_STRUCTURAL);
    cr_assert_eq(r.v.confidence, PIISCAN_CONF_MEDIUM);
    cr_assert_str_eq(r.display, "***-******");
    r = tl_run("none", "홍길동 (a.b)", 0, 0);
    cr_assert_str_eq(r.display, "*** (*.*)");
}

/* The prefilter counts digit and mask characters, and the longest group of
 * adjacent ones; a pattern's `trigger = digits N group G` must not exceed
 * what the smallest accepted value has.  A `trigger = keyword` pattern
 * (searched near its keywords only) must require them: *keyword is set
 * then, and *n is 0. */
static void trigger_of(const char *file, unsigned *n, unsigned *g, int *keyword)
{
    char path[512], line[1024];
    snprintf(path, sizeof path, "%s/patterns/%s", PII_SOURCE_DIR, file);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    *n = *g = 0;
    *keyword = 0;
    int required = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "trigger = digits %u group %u", n, g) >= 1)
            break;
        if (!strcmp(line, "trigger = keyword\n"))
            *keyword = 1;
        if (!strcmp(line, "context_required = yes\n"))
            required = 1;
    }
    fclose(f);
    if (*keyword)
        cr_assert(required, "%s: trigger = keyword without context_required = yes", file);
}

static void counts(const char *v, size_t *members, size_t *longest)
{
    pii_candidate_buf b;
    pii_candidate c;
    size_t g[16];
    int consistent;
    pii_candidate_init(&c, &b, (const uint8_t *)v, strlen(v));
    size_t ng = pii_digit_groups(&c, g, 16, &consistent);
    *members = c.ndigits;
    *longest = 0;
    for (size_t i = 0; i < ng && i < 16; i++)
        if (g[i] > *longest)
            *longest = g[i];
}

Test(patterns, triggers_never_exceed_the_smallest_accepted_values)
{
    /* For each detector, accepted values with the fewest members and with
     * the shortest longest-group (worked out from the rules). */
    struct {
        const char *file, *validator, *value;
        int ctx;
    } t[] = {
        {"10-kr_rrn.pat", "kr_rrn", "900101-*******", 0},
        {"10-kr_rrn.pat", "kr_rrn", "900101-1234568", 0},
        {"20-kr_frn.pat", "kr_frn", "900101-5******", 0},
        {"30-card.pat", "card", "4222222222222", 0},
        {"30-card.pat", "card", "4111-1111-1111-1111", 0},
        {"30-card.pat", "card", "1234-****-****-5678", 0},
        {"40-kr_driver_license.pat", "kr_driver_license", "서울 12-345678-90", 0},
        {"40-kr_driver_license.pat", "kr_driver_license", "11-22-******-**", 0},
        {"50-kr_passport.pat", "kr_passport", "M123A4567", 1},
        {"60-kr_phone.pat", "kr_phone", "02-123-4567", 0},
        {"60-kr_phone.pat", "kr_phone", "+82 (0)2 123 4567", 0},
        {"70-kr_account.pat", "kr_account", "123-456-7890", 1},
        {"70-kr_account.pat", "kr_account", "1000-1234-5678", 1},
        {"90-kr_brn.pat", "kr_brn", "1048656659", 0},
        {"90-kr_brn.pat", "kr_brn", "104-86-56659", 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        cr_assert(tl_run(t[i].validator, t[i].value, t[i].ctx, PIISCAN_RRN_CONTEXT).v.accept,
                  "row %zu: the example must be accepted", i);
        unsigned n, g;
        int keyword;
        size_t members, longest;
        trigger_of(t[i].file, &n, &g, &keyword);
        if (keyword) {
            cr_assert(t[i].ctx, "row %zu: a keyword-triggered type is accepted only with context", i);
            continue;
        }
        counts(t[i].value, &members, &longest);
        cr_assert_gt(n, 0, "%s has a digits trigger", t[i].file);
        cr_assert_leq(n, members, "%s: digits N too high (row %zu)", t[i].file, i);
        cr_assert_leq(g, longest, "%s: group G too high (row %zu)", t[i].file, i);
    }
}
