/* test_detect_rrn.c -- kr_rrn and kr_frn: calendar, century, check digits,
 * the 2020 random-tail rule, policies, masked values; then end to end
 * through the public API.  Expected values are worked out by hand from the
 * rules in KOREAN-PII-RULES 1.1/1.2 (check digits computed in comments). */
#include <criterion/criterion.h>
#include <string.h>

#include "detect_testlib.h"
#include "testutil.h"

/* ---- pure functions ---------------------------------------------------------- */

Test(rrn_pure, calendar_and_leap_years)
{
    cr_assert(pii_date_valid(2000, 2, 29), "2000 is divisible by 400: leap");
    cr_assert_not(pii_date_valid(1900, 2, 29), "1900 is a century not divisible by 400");
    cr_assert(pii_date_valid(1996, 2, 29));
    cr_assert_not(pii_date_valid(1997, 2, 29));
    cr_assert(pii_date_valid(2024, 2, 29));
    cr_assert_not(pii_date_valid(2023, 2, 29));
    cr_assert_not(pii_date_valid(1990, 2, 30), "0230 never exists");
    cr_assert_not(pii_date_valid(1990, 13, 1), "month 13");
    cr_assert_not(pii_date_valid(1990, 0, 1));
    cr_assert_not(pii_date_valid(1990, 1, 0));
    cr_assert_not(pii_date_valid(1990, 4, 31), "April has 30 days");
    cr_assert(pii_date_valid(1990, 12, 31));
    cr_assert(pii_date_valid(1990, 1, 31));
}

Test(rrn_pure, century_from_the_gender_digit)
{
    const int want[10] = {1800, 1900, 1900, 2000, 2000, 1900, 1900, 2000, 2000, 1800};
    for (int g = 0; g < 10; g++)
        cr_assert_eq(pii_rrn_century('0' + g), want[g], "gender digit %d", g);
    cr_assert_eq(pii_rrn_century('*'), -1);
}

Test(rrn_pure, check_digits)
{
    /* 9 0 0 1 0 1 1 2 3 4 5 6 x 2 3 4 5 6 7 8 9 2 3 4 5
     * = 18+0+0+5+0+7+8+18+6+12+20+30 = 124; 124 mod 11 = 3.
     * RRN: (11-3) mod 10 = 8.  FRN variant A: (13-3) mod 10 = 0. */
    cr_assert_eq(pii_rrn_check_digit("900101123456"), 8);
    cr_assert_eq(pii_frn_check_digit("900101123456"), 0);
    /* 1 1 1 1 1 1 1 1 1 1 1 1: sum of weights = 2+..+9 + 2+3+4+5 = 44 + 14 = 58;
     * 58 mod 11 = 3 -> RRN 8, FRN 0.  And sum 0 mod 11 = 0: RRN (11-0)%10 = 1. */
    cr_assert_eq(pii_rrn_check_digit("111111111111"), 8);
    cr_assert_eq(pii_rrn_check_digit("000000000000"), 1);
    cr_assert_eq(pii_frn_check_digit("000000000000"), 3);
}

/* ---- published vectors ------------------------------------------------------- */

Test(rrn_vectors, kr_rrn_file)
{
    cr_assert_geq(tl_check_vectors("kr_rrn.txt", "kr_rrn"), 40);
}

Test(rrn_vectors, kr_frn_file)
{
    cr_assert_geq(tl_check_vectors("kr_frn.txt", "kr_frn"), 20);
}

/* ---- validator rules ---------------------------------------------------------- */

static void expect(const char *validator, const char *value, int ctx, int policy, int accept,
                   int validation, int confidence, int masked)
{
    tl_result r = tl_run(validator, value, ctx, policy);
    cr_assert_eq(r.v.accept, accept, "%s accept (display %s)", validator, r.display);
    if (!accept)
        return;
    cr_assert_eq(r.v.validation, validation, "%s validation of %s", validator, r.display);
    cr_assert_eq(r.v.confidence, confidence, "%s confidence of %s", validator, r.display);
    cr_assert_eq(r.v.masked, masked, "%s masked of %s", validator, r.display);
}

#define ACC 1
#define REJ 0
#define CK PIISCAN_VALID_CHECKSUM
#define ST PIISCAN_VALID_STRUCTURAL
#define HI PIISCAN_CONF_HIGH
#define MED PIISCAN_CONF_MEDIUM
#define LO PIISCAN_CONF_LOW
#define POL PIISCAN_RRN_CONTEXT

Test(rrn_rules, off_by_one_check_digit_changes_the_verdict)
{
    /* 900101-123456C: C = 8 (computed above). */
    expect("kr_rrn", "900101-1234568", 0, POL, ACC, CK, HI, 0);
    expect("kr_rrn", "900101-1234567", 0, POL, ACC, ST, MED, 0);
    expect("kr_rrn", "900101-1234569", 0, POL, ACC, ST, MED, 0);
    expect("kr_rrn", "9001011234568", 0, POL, ACC, CK, HI, 0);
    expect("kr_rrn", "9001011234567", 0, POL, REJ, 0, 0, 0);
    expect("kr_rrn", "9001011234569", 0, POL, REJ, 0, 0, 0);
}

Test(rrn_rules, impossible_dates_are_rejected)
{
    /* Tails chosen freely: a bad date rejects whatever the tail. */
    expect("kr_rrn", "900230-1234567", 1, POL, REJ, 0, 0, 0);
    expect("kr_rrn", "901301-1234567", 1, POL, REJ, 0, 0, 0);
    expect("kr_rrn", "900431-1234567", 1, POL, REJ, 0, 0, 0);
    expect("kr_rrn", "900100-1234567", 1, POL, REJ, 0, 0, 0);
    expect("kr_rrn", "900001-1234567", 1, POL, REJ, 0, 0, 0);
}

Test(rrn_rules, february_29_follows_the_century_of_the_gender_digit)
{
    /* YY=00: gender 3/4 -> 2000 (leap), 1/2 -> 1900 (not leap), 9/0 -> 1800 (not leap). */
    cr_assert(tl_run("kr_rrn", "000229-3123456", 0, POL).v.accept);
    cr_assert(tl_run("kr_rrn", "000229-4123456", 0, POL).v.accept);
    cr_assert_not(tl_run("kr_rrn", "000229-1123456", 1, POL).v.accept);
    cr_assert_not(tl_run("kr_rrn", "000229-2123456", 1, POL).v.accept);
    cr_assert_not(tl_run("kr_rrn", "000229-9123456", 1, POL).v.accept);
    cr_assert(tl_run("kr_rrn", "960229-1123456", 0, POL).v.accept, "1996 is leap");
    cr_assert_not(tl_run("kr_rrn", "970229-1123456", 1, POL).v.accept, "1997 is not");
    cr_assert(tl_run("kr_rrn", "240229-3123456", 0, POL).v.accept, "2024 is leap");
    cr_assert_not(tl_run("kr_rrn", "230229-3123456", 1, POL).v.accept);
    /* Same for foreigners: 5/6 -> 1900s, 7/8 -> 2000s. */
    cr_assert(tl_run("kr_frn", "000229-7123456", 0, POL).v.accept);
    cr_assert_not(tl_run("kr_frn", "000229-5123456", 1, POL).v.accept);
}

Test(rrn_rules, gender_digit_splits_rrn_and_frn)
{
    /* 900101-5234567: 9,0,0,1,0,1,5,2,3,4,5,6 -> 18+0+0+5+0+7+40+18+6+12+20+30 = 156,
     * 156 mod 11 = 2 -> RRN formula 9, FRN formula 1. */
    expect("kr_rrn", "900101-5234569", 0, POL, REJ, 0, 0, 0);
    expect("kr_frn", "900101-5234569", 0, POL, ACC, CK, HI, 0);
    expect("kr_frn", "900101-5234561", 0, POL, ACC, CK, HI, 0);
    expect("kr_frn", "900101-5234562", 0, POL, ACC, ST, MED, 0);
    expect("kr_frn", "900101-1234568", 0, POL, REJ, 0, 0, 0);
}

Test(rrn_rules, random_tail_era_never_claims_a_checksum)
{
    /* Born 2021-01-01, gender 3: 2,1,0,1,0,1,3,0,0,0,0,0 -> 4+3+0+5+0+7+24 = 43,
     * 43 mod 11 = 10 -> RRN check digit 1.  Passing it is chance after 2020-10-05. */
    expect("kr_rrn", "210101-3000001", 0, POL, ACC, ST, MED, 0);
    /* Born 2020-10-04 is still the old system: 2,0,1,0,0,4,3,0,0,0,0,0 ->
     * 4+0+4+0+0+28+24 = 60, 60 mod 11 = 5 -> 6. */
    expect("kr_rrn", "201004-3000006", 0, POL, ACC, CK, HI, 0);
    /* 2020-10-05 itself: 2,0,1,0,0,5,3,... -> 4+0+4+0+0+35+24 = 67, mod 11 = 1 -> 0. */
    expect("kr_rrn", "201005-3000000", 0, POL, ACC, ST, MED, 0);
}

Test(rrn_rules, policies)
{
    /* 960101-1234567 fails: 9,6,0,1,0,1,1,2,3,4,5,6 -> 18+18+0+5+0+7+8+18+6+12+20+30 = 142,
     * 142 mod 11 = 10 -> check digit 1, not 7. */
    const char *hyph = "960101-1234567", *bare = "9601011234567";
    expect("kr_rrn", hyph, 0, PIISCAN_RRN_CHECKSUM_ONLY, REJ, 0, 0, 0);
    expect("kr_rrn", hyph, 1, PIISCAN_RRN_CHECKSUM_ONLY, REJ, 0, 0, 0);
    expect("kr_rrn", "960101-1234561", 0, PIISCAN_RRN_CHECKSUM_ONLY, ACC, CK, HI, 0);
    expect("kr_rrn", hyph, 0, PIISCAN_RRN_CONTEXT, ACC, ST, MED, 0);
    expect("kr_rrn", bare, 0, PIISCAN_RRN_CONTEXT, REJ, 0, 0, 0);
    expect("kr_rrn", bare, 1, PIISCAN_RRN_CONTEXT, ACC, ST, MED, 0);
    expect("kr_rrn", bare, 0, PIISCAN_RRN_STRUCTURAL, ACC, ST, LO, 0);
    expect("kr_rrn", bare, 1, PIISCAN_RRN_STRUCTURAL, ACC, ST, MED, 0);
    expect("kr_rrn", hyph, 0, PIISCAN_RRN_STRUCTURAL, ACC, ST, MED, 0);
}

/* A space between the halves (forms, OCR): a checksum settles it; with a
 * failing check digit a space alone is not the written shape (two numbers
 * side by side in a table look like that), a dash with spaces is. */
Test(rrn_rules, space_between_the_halves)
{
    expect("kr_rrn", "900101 1234568", 0, PIISCAN_RRN_CONTEXT, ACC, CK, HI, 0);
    expect("kr_rrn", "960101 1234567", 0, PIISCAN_RRN_CONTEXT, REJ, 0, 0, 0);
    expect("kr_rrn", "960101 1234567", 1, PIISCAN_RRN_CONTEXT, ACC, ST, MED, 0);
    expect("kr_rrn", "960101 1234567", 0, PIISCAN_RRN_CHECKSUM_ONLY, REJ, 0, 0, 0);
    expect("kr_rrn", "960101- 1234567", 0, PIISCAN_RRN_CONTEXT, ACC, ST, MED, 0);
    expect("kr_rrn", "960101 -1234567", 0, PIISCAN_RRN_CONTEXT, ACC, ST, MED, 0);
    expect("kr_rrn", "960101 - 1234567", 0, PIISCAN_RRN_CONTEXT, ACC, ST, MED, 0);
}

Test(rrn_rules, masked_values)
{
    expect("kr_rrn", "900101-1******", 0, POL, ACC, ST, MED, 1);
    expect("kr_rrn", "900101-*******", 0, POL, ACC, ST, MED, 1);
    expect("kr_rrn", "900101-1XXXXXX", 0, POL, ACC, ST, MED, 1);
    expect("kr_rrn", "900101-1xxxxxx", 0, POL, ACC, ST, MED, 1);
    expect("kr_rrn", "900101-1######", 0, POL, ACC, ST, MED, 1);
    expect("kr_rrn", "900101-1\xE2\x97\x8F\xE2\x97\x8F\xE2\x97\x8F\xE2\x97\x8F\xE2\x97\x8F\xE2\x97\x8F",
           0, POL, ACC, ST, MED, 1); /* ●●●●●● */
    expect("kr_rrn", "900101-1\xE2\x97\x8B\xE2\x97\x8B\xE2\x97\x8B\xE2\x97\x8B\xE2\x97\x8B\xE2\x97\x8B",
           0, POL, ACC, ST, MED, 1); /* ○○○○○○ */
    /* Masked values are reported whatever the checksum policy: nothing failed. */
    expect("kr_rrn", "900101-1******", 0, PIISCAN_RRN_CHECKSUM_ONLY, ACC, ST, MED, 1);
    /* Nothing visible to validate, or a visible impossible date. */
    expect("kr_rrn", "******-*******", 1, POL, REJ, 0, 0, 0);
    expect("kr_rrn", "90****-1******", 1, POL, REJ, 0, 0, 0);
    expect("kr_rrn", "901301-*******", 1, POL, REJ, 0, 0, 0);
    expect("kr_rrn", "900101-5******", 1, POL, REJ, 0, 0, 0);
    expect("kr_frn", "900101-5******", 0, POL, ACC, ST, MED, 1);
    /* Gender masked: kr_rrn takes it if the date exists in some century, kr_frn never. */
    expect("kr_rrn", "000229-*******", 0, POL, ACC, ST, MED, 1);
    expect("kr_rrn", "010229-*******", 1, POL, REJ, 0, 0, 0);
    expect("kr_frn", "900101-*******", 1, POL, REJ, 0, 0, 0);
}

Test(rrn_rules, display_keeps_birth_date_and_gender_only)
{
    cr_assert_str_eq(tl_run("kr_rrn", "900101-1234568", 0, POL).display, "900101-1******");
    cr_assert_str_eq(tl_run("kr_rrn", "9001011234568", 0, POL).display, "9001011******");
    cr_assert_str_eq(tl_run("kr_rrn", "900101-*******", 0, POL).display, "900101-*******");
    cr_assert_str_eq(tl_run("kr_rrn", "900101-1XX#*xX", 0, POL).display, "900101-1******");
    cr_assert_str_eq(tl_run("kr_frn", "911124-5678906", 0, POL).display, "911124-5******");
    /* Full-width digits and dash come out as ASCII. */
    cr_assert_str_eq(tl_run("kr_rrn",
                            "\xEF\xBC\x99\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x91"
                            "\xEF\xBC\x8D\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95"
                            "\xEF\xBC\x96\xEF\xBC\x98",
                            0, POL)
                         .display,
                     "900101-1******");
}

Test(rrn_rules, wrong_lengths)
{
    expect("kr_rrn", "900101-123456", 1, POL, REJ, 0, 0, 0);
    expect("kr_rrn", "900101-12345680", 1, POL, REJ, 0, 0, 0);
}

/* ---- end to end ---------------------------------------------------------------- */

static const tfinding *only(const tfindings *f, const char *type)
{
    cr_assert_eq(f->n, 1, "expected exactly one finding, got %zu", f->n);
    cr_assert_str_eq(f->v[0].type, type);
    return &f->v[0];
}

static void scan_none(const char *s, const char *why)
{
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    if (f.n)
        t_dump(why, &f);
    cr_assert_eq(f.n, 0, "%s", why);
    t_free(&f);
}

Test(rrn_e2e, checksum_valid_with_context)
{
    const char *s = "주민등록번호: 900101-1234568";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    const tfinding *x = only(&f, "kr_rrn");
    cr_assert_eq(x->offset, (uint64_t)(strstr(s, "900101") - s));
    cr_assert_eq(x->length, 14);
    cr_assert_eq(x->masked, 0);
    cr_assert_eq(x->validation, PIISCAN_VALID_CHECKSUM);
    cr_assert_eq(x->confidence, PIISCAN_CONF_HIGH);
    cr_assert_str_eq(x->display, "900101-1******");
    t_free(&f);
}

Test(rrn_e2e, touching_hangul_still_matches)
{
    const char *s = "960101-1234567이야";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    const tfinding *x = only(&f, "kr_rrn");
    cr_assert_eq(x->offset, 0);
    cr_assert_eq(x->length, 14);
    cr_assert_eq(x->validation, PIISCAN_VALID_STRUCTURAL);
    cr_assert_eq(x->confidence, PIISCAN_CONF_MEDIUM);
    cr_assert_str_eq(x->display, "960101-1******");
    t_free(&f);
}

Test(rrn_e2e, bare_failing_run_needs_a_keyword)
{
    scan_none("invoice 9601011234567 paid", "bare 13 digits, check digit fails, no keyword");
    const char *s = "주민번호 9601011234567";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    const tfinding *x = only(&f, "kr_rrn");
    cr_assert_eq(x->offset, (uint64_t)(strstr(s, "9601") - s));
    cr_assert_eq(x->length, 13);
    cr_assert_eq(x->validation, PIISCAN_VALID_STRUCTURAL);
    cr_assert_eq(x->confidence, PIISCAN_CONF_MEDIUM);
    cr_assert_str_eq(x->display, "9601011******");
    t_free(&f);
}

Test(rrn_e2e, boundaries)
{
    scan_none("a900101-1234568", "letter before");
    scan_none("900101-1234568b", "letter after");
    scan_none("9900101-1234568", "digit before");
    scan_none("900101-12345689", "digit after");
    scan_none("12900101123456899", "inside a longer run");
    scan_none("960121+1021413", "plus is not a separator (Presidio vector)");
    scan_none("******-*******", "fully masked");
    scan_none("900101  1234568", "two spaces");
}

Test(rrn_e2e, space_or_dash_with_a_space)
{
    const char *forms[] = {"주민번호 900101 1234568 입니다", "주민번호: 900101- 1234568",
                           "주민등록번호 900101 -1234568", "주민번호 900101 - 1234568"};
    for (size_t i = 0; i < 4; i++) {
        tfindings f = {0};
        cr_assert_eq(t_scan_str(forms[i], &f), PIISCAN_OK);
        const tfinding *x = only(&f, "kr_rrn");
        cr_assert_eq(x->offset, (uint64_t)(strstr(forms[i], "900101") - forms[i]), "form %zu", i);
        cr_assert_eq(x->length, 14 + (i > 0) + (i > 2), "form %zu", i);
        cr_assert_eq(x->validation, PIISCAN_VALID_CHECKSUM, "form %zu", i);
        t_free(&f);
    }
}

Test(rrn_e2e, masked_in_source)
{
    const char *s = "주민번호 900101-1●●●●●● 확인";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    const tfinding *x = only(&f, "kr_rrn");
    cr_assert_eq(x->offset, (uint64_t)(strstr(s, "900101") - s));
    cr_assert_eq(x->length, 8 + 6 * 3, "six 3-byte ● after 8 ASCII bytes");
    cr_assert_eq(x->masked, 1);
    cr_assert_eq(x->validation, PIISCAN_VALID_STRUCTURAL);
    cr_assert_str_eq(x->display, "900101-1******");
    t_free(&f);
    tfindings g = {0};
    cr_assert_eq(t_scan_str("900101-*******", &g), PIISCAN_OK);
    x = only(&g, "kr_rrn");
    cr_assert_eq(x->masked, 1);
    cr_assert_eq(x->length, 14);
    t_free(&g);
}

Test(rrn_e2e, foreigner_number_is_kr_frn_once)
{
    const char *s = "외국인등록번호 911124-5678906";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    const tfinding *x = only(&f, "kr_frn");
    cr_assert_eq(x->validation, PIISCAN_VALID_CHECKSUM);
    cr_assert_eq(x->confidence, PIISCAN_CONF_HIGH);
    cr_assert_str_eq(x->display, "911124-5******");
    t_free(&f);
}

Test(rrn_e2e, policy_option_is_honoured)
{
    piiscan_options *o = NULL;
    cr_assert_eq(piiscan_options_new(&o), PIISCAN_OK);
    const char hyph[] = "960101-1234567";
    const char bare[] = "9601011234567";
    tfindings f = {0};
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_RRN_POLICY, PIISCAN_RRN_CHECKSUM_ONLY), PIISCAN_OK);
    cr_assert_eq(t_scan(t_default_engine(), o, hyph, sizeof hyph - 1, &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 0);
    t_free(&f);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_RRN_POLICY, PIISCAN_RRN_STRUCTURAL), PIISCAN_OK);
    tfindings g = {0};
    cr_assert_eq(t_scan(t_default_engine(), o, bare, sizeof bare - 1, &g), PIISCAN_OK);
    cr_assert_eq(t_count_type(&g, "kr_rrn"), 1);
    cr_assert_eq(t_first_type(&g, "kr_rrn")->confidence, PIISCAN_CONF_LOW);
    t_free(&g);
    piiscan_options_free(o);
}
