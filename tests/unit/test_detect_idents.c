/* test_detect_idents.c -- kr_passport and kr_driver_license: shapes,
 * regions, the context rule, display; end to end. */
#include <criterion/criterion.h>
#include <string.h>

#include "detect_testlib.h"
#include "testutil.h"

Test(passport_vectors, presidio_file)
{
    cr_assert_geq(tl_check_vectors("kr_passport.txt", "kr_passport"), 18);
}

Test(passport_rules, letters_and_display)
{
    tl_result r = tl_run("kr_passport", "M123A4567", 1, 0);
    cr_assert(r.v.accept);
    cr_assert_eq(r.v.validation, PIISCAN_VALID_CONTEXT);
    cr_assert_eq(r.v.masked, 0);
    cr_assert_str_eq(r.display, "M********");
    r = tl_run("kr_passport", "M123X4567", 1, 0);
    cr_assert(r.v.accept);
    cr_assert_eq(r.v.masked, 0, "X is the series letter, not a mask");
    const char *ok_letters = "MSRDGOmsrdgo";
    for (const char *p = ok_letters; *p; p++) {
        char v[16];
        snprintf(v, sizeof v, "%c12345678", *p);
        cr_assert(tl_run("kr_passport", v, 1, 0).v.accept, "letter %c", *p);
    }
    cr_assert_not(tl_run("kr_passport", "A12345678", 1, 0).v.accept);
    cr_assert_not(tl_run("kr_passport", "X12345678", 1, 0).v.accept);
    cr_assert_str_eq(tl_run("kr_passport", "d11223344", 1, 0).display, "d********");
}

Test(dl_vectors, presidio_and_old_form_file)
{
    cr_assert_geq(tl_check_vectors("kr_driver_license.txt", "kr_driver_license"), 11);
}

Test(dl_rules, regions)
{
    char v[32];
    for (int r = 0; r < 100; r++) {
        snprintf(v, sizeof v, "%02d-22-123456-12", r);
        int want = (r >= 11 && r <= 26) || r == 28;
        cr_assert_eq(tl_run("kr_driver_license", v, 0, 0).v.accept, want, "region %d", r);
    }
}

Test(dl_rules, confidence_display_and_masks)
{
    tl_result r = tl_run("kr_driver_license", "11-22-123456-12", 0, 0);
    cr_assert_eq(r.v.confidence, PIISCAN_CONF_MEDIUM);
    cr_assert_str_eq(r.display, "11-22-******-**");
    r = tl_run("kr_driver_license", "11-22-123456-12", 1, 0);
    cr_assert_eq(r.v.confidence, PIISCAN_CONF_HIGH);
    r = tl_run("kr_driver_license", "112212345612", 1, 0);
    cr_assert_str_eq(r.display, "1122********");
    r = tl_run("kr_driver_license", "서울 12-345678-90", 0, 0);
    cr_assert(r.v.accept);
    cr_assert_str_eq(r.display, "서울 12-******-**");
    r = tl_run("kr_driver_license", "11-22-******-**", 0, 0);
    cr_assert(r.v.accept);
    cr_assert_eq(r.v.masked, 1);
    cr_assert_str_eq(r.display, "11-22-******-**");
    cr_assert_not(tl_run("kr_driver_license", "11-**-******-**", 1, 0).v.accept, "year masked");
    cr_assert_not(tl_run("kr_driver_license", "11-22 123456-12", 1, 0).v.accept, "mixed separators");
}

/* ---- end to end ----------------------------------------------------------------- */

Test(idents_e2e, passport_needs_a_keyword)
{
    /* 80 bytes of filler put the second value out of the keyword's reach. */
    const char *s = "여권번호 M123A4567\n"
                    "--------------------------------------------------------------------------------\n"
                    "주문 코드 M765B4321";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1, "the second has no keyword within 64 bytes before / 32 after");
    cr_assert_str_eq(f.v[0].type, "kr_passport");
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(s, "M123") - s));
    cr_assert_eq(f.v[0].length, 9);
    cr_assert_eq(f.v[0].validation, PIISCAN_VALID_CONTEXT);
    cr_assert_eq(f.v[0].confidence, PIISCAN_CONF_HIGH);
    cr_assert_str_eq(f.v[0].display, "M********");
    t_free(&f);
    tfindings g = {0};
    cr_assert_eq(t_scan_str("order M12345678 shipped", &g), PIISCAN_OK);
    cr_assert_eq(g.n, 0);
    t_free(&g);
    tfindings h = {0};
    cr_assert_eq(t_scan_str("passport: XM12345678", &h), PIISCAN_OK);
    cr_assert_eq(h.n, 0, "letter before");
    t_free(&h);
}

/* A space after the type letter, as some forms write it. */
Test(idents_e2e, passport_with_a_space_after_the_letter)
{
    const char *s = "여권번호 : M 12345678, 여권 S 123A4567";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 2, "%zu findings", f.n);
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(s, "M 1") - s));
    cr_assert_eq(f.v[0].length, 10);
    cr_assert_str_eq(f.v[0].display, "M ********");
    cr_assert_eq(f.v[1].offset, (uint64_t)(strstr(s, "S 1") - s));
    t_free(&f);
    tfindings g = {0};
    cr_assert_eq(t_scan_str("여권번호 M  12345678", &g), PIISCAN_OK);
    cr_assert_eq(g.n, 0, "two spaces");
    t_free(&g);
}

Test(idents_e2e, driver_licence_forms)
{
    const char *s = "운전면허 11-22-123456-12, 구 면허 서울 12-345678-90";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_driver_license"), 2);
    cr_assert_eq(f.n, 2);
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(s, "11-22") - s));
    cr_assert_eq(f.v[0].length, 15);
    cr_assert_eq(f.v[0].validation, PIISCAN_VALID_STRUCTURAL);
    cr_assert_eq(f.v[0].confidence, PIISCAN_CONF_HIGH);
    cr_assert_str_eq(f.v[0].display, "11-22-******-**");
    cr_assert_eq(f.v[1].offset, (uint64_t)(strstr(s, "서울") - s));
    cr_assert_eq(f.v[1].length, strlen("서울 12-345678-90"));
    cr_assert_str_eq(f.v[1].display, "서울 12-******-**");
    t_free(&f);
}

Test(idents_e2e, bare_licence_needs_a_keyword)
{
    tfindings f = {0};
    cr_assert_eq(t_scan_str("serial 112212345612", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_driver_license"), 0);
    t_free(&f);
    tfindings g = {0};
    cr_assert_eq(t_scan_str("면허번호 112212345612", &g), PIISCAN_OK);
    cr_assert_eq(t_count_type(&g, "kr_driver_license"), 1);
    t_free(&g);
}
