/* test_detect_brn.c -- kr_brn (off by default): checksum, structure,
 * vectors including the 231 python-stdnum numbers; enabling it end to end. */
#include <criterion/criterion.h>
#include <string.h>

#include "detect_testlib.h"
#include "testutil.h"

Test(brn_pure, checksum)
{
    /* 104-86-5665C: 1*1+0*3+4*7+8*1+6*3+5*7+6*1+6*3+5*5 = 1+0+28+8+18+35+6+18+25 = 139,
     * + floor(5*5/10) = 2 -> 141; (10 - 1) mod 10 = 9. */
    cr_assert(pii_brn_check_ok("1048656659"));
    cr_assert_not(pii_brn_check_ok("1048656658"));
    cr_assert_not(pii_brn_check_ok("1048656650"));
}

Test(brn_vectors, presidio_and_stdnum_file)
{
    cr_assert_geq(tl_check_vectors("kr_brn.txt", "kr_brn"), 231 + 8 + 3 + 6);
}

Test(brn_rules, display_and_masks)
{
    tl_result r = tl_run("kr_brn", "104-86-56659", 0, 0);
    cr_assert_eq(r.v.confidence, PIISCAN_CONF_HIGH);
    cr_assert_str_eq(r.display, "104-86-*****");
    cr_assert_not(tl_run("kr_brn", "104-86-5665*", 1, 0).v.accept);
    cr_assert_not(tl_run("kr_brn", "104-8656659", 1, 0).v.accept, "grouping");
}

Test(brn_e2e, off_by_default_on_when_enabled)
{
    const char *s = "사업자등록번호 104-86-56659";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_brn"), 0);
    t_free(&f);
    piiscan_patterns *set = NULL;
    piiscan_engine *e = NULL;
    cr_assert_eq(piiscan_patterns_new_default(&set), PIISCAN_OK);
    cr_assert_eq(piiscan_patterns_enable(set, "kr_brn", 1), PIISCAN_OK);
    cr_assert_eq(piiscan_engine_compile(set, &e, NULL), PIISCAN_OK);
    tfindings g = {0};
    cr_assert_eq(t_scan(e, NULL, s, strlen(s), &g), PIISCAN_OK);
    cr_assert_eq(g.n, 1);
    cr_assert_str_eq(g.v[0].type, "kr_brn");
    cr_assert_eq(g.v[0].offset, (uint64_t)(strstr(s, "104") - s));
    cr_assert_eq(g.v[0].length, 12);
    cr_assert_eq(g.v[0].validation, PIISCAN_VALID_CHECKSUM);
    cr_assert_str_eq(g.v[0].display, "104-86-*****");
    t_free(&g);
    piiscan_engine_free(e);
    piiscan_patterns_free(set);
}
