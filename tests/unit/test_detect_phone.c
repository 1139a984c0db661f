/* test_detect_phone.c -- kr_phone: the numbering plan, groupings, +82
 * forms, bare runs, masked numbers and display; then the traps (dates,
 * versions, prices, representative numbers) end to end. */
#include <criterion/criterion.h>
#include <string.h>

#include "detect_testlib.h"
#include "testutil.h"

Test(phone_pure, numbering_plan)
{
    struct {
        const char *nat;
        int plen, mobile;
    } t[] = {
        {"01012345678", 3, 1}, {"0101234567", 3, 1},   {"010123456", 0, 0},
        {"01112345678", 3, 1}, {"0161234567", 3, 1},   {"01912345678", 3, 1},
        {"01212345678", 0, 0}, {"01512345678", 0, 0},  {"021234567", 2, 0},
        {"0212345678", 2, 0},  {"02123456789", 0, 0},  {"0311234567", 3, 0},
        {"0331234567", 3, 0},  {"0341234567", 0, 0},   {"0441234567", 3, 0},
        {"0451234567", 0, 0},  {"05512345678", 3, 0},  {"0561234567", 0, 0},
        {"0641234567", 3, 0},  {"0651234567", 0, 0},   {"07012345678", 3, 0},
        {"0701234567", 0, 0},  {"05021234567", 4, 0},  {"050812345678", 4, 0},
        {"05011234567", 0, 0}, {"05091234567", 0, 0},  {"08012345678", 0, 0},
        {"0601234567", 0, 0},  {"15881234", 0, 0},     {"0**12345678", 0, 0},
        {"1012345678", 0, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        int mobile = -1;
        int plen = pii_kr_phone_prefix(t[i].nat, strlen(t[i].nat), &mobile);
        cr_assert_eq(plen, t[i].plen, "row %zu", i);
        if (plen)
            cr_assert_eq(mobile, t[i].mobile, "row %zu", i);
    }
}

Test(phone_vectors, libphonenumber_examples)
{
    cr_assert_geq(tl_check_vectors("kr_phone.txt", "kr_phone"), 12);
}

static void expect(const char *value, int ctx, int accept, int confidence, int masked,
                   const char *display)
{
    tl_result r = tl_run("kr_phone", value, ctx, PIISCAN_RRN_CONTEXT);
    cr_assert_eq(r.v.accept, accept, "accept (display %s)", r.display);
    if (!accept)
        return;
    cr_assert_eq(r.v.validation, PIISCAN_VALID_STRUCTURAL);
    cr_assert_eq(r.v.confidence, confidence, "confidence of %s", r.display);
    cr_assert_eq(r.v.masked, masked, "masked of %s", r.display);
    cr_assert_str_eq(r.display, display);
}

#define HI PIISCAN_CONF_HIGH
#define MED PIISCAN_CONF_MEDIUM

Test(phone_rules, groupings_and_confidence)
{
    expect("010-1234-5678", 0, 1, HI, 0, "010-****-5678");
    expect("010.1234.5678", 0, 1, HI, 0, "010.****.5678");
    expect("010 1234 5678", 0, 1, HI, 0, "010 **** 5678");
    expect("011-123-4567", 0, 1, HI, 0, "011-***-4567");
    expect("02-123-4567", 0, 1, MED, 0, "02-***-4567");
    expect("02-123-4567", 1, 1, HI, 0, "02-***-4567");
    expect("031-1234-5678", 0, 1, MED, 0, "031-****-5678");
    expect("0505-123-4567", 0, 1, MED, 0, "0505-***-4567");
    expect("070-1234-5678", 0, 1, MED, 0, "070-****-5678");
    expect("070-123-4567", 1, 0, 0, 0, NULL);
    expect("010-1234.5678", 1, 0, 0, 0, NULL);
    expect("02-12-34567", 1, 0, 0, 0, NULL);
    expect("034-123-4567", 1, 0, 0, 0, NULL);
}

/* The area code set off by a parenthesis, as letterheads write it; the
 * separator after it then need not be the one between the last groups. */
Test(phone_rules, parenthesised_area_code)
{
    expect("(02) 123-4567", 0, 1, MED, 0, "(02) ***-4567");
    expect("(02)1234-5678", 1, 1, HI, 0, "(02)****-5678");
    expect("02)123-4567", 0, 1, MED, 0, "02)***-4567");
    expect("(031) 123-4567", 0, 1, MED, 0, "(031) ***-4567");
    expect("(010) 1234-5678", 0, 1, HI, 0, "(010) ****-5678");
    expect("(034) 123-4567", 1, 0, 0, 0, NULL); /* no such area code */
    expect("(02) 12-34567", 1, 0, 0, 0, NULL);  /* not area, 3-4, 4 */
}

/* A dash between spaces, as typed forms write it. */
Test(phone_e2e, dash_between_spaces)
{
    const char *s = "휴대폰 010 - 2345 - 6789, 사무실 (02) 123 - 4567\n";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 2, "%zu findings", f.n);
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(s, "010") - s));
    cr_assert_eq(f.v[0].length, strlen("010 - 2345 - 6789"));
    cr_assert_str_eq(f.v[0].display, "010 - **** - 6789");
    cr_assert_eq(f.v[1].offset, (uint64_t)(strstr(s, "(02)") - s));
    cr_assert_eq(f.v[1].length, strlen("(02) 123 - 4567"));
    t_free(&f);
}

Test(phone_e2e, parenthesised_area_codes_in_text)
{
    const char *s = "본사 전화 (02) 123-4567, 지사 TEL: (031)987-6543 / 팩스 02)555-0100\n";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 3, "%zu findings", f.n);
    const char *want[] = {"(02) 123-4567", "(031)987-6543", "02)555-0100"};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_str_eq(f.v[i].type, "kr_phone");
        cr_assert_eq(f.v[i].offset, (uint64_t)(strstr(s, want[i]) - s), "finding %zu", i);
        cr_assert_eq(f.v[i].length, strlen(want[i]), "finding %zu", i);
    }
    t_free(&f);
}

Test(phone_rules, international_forms)
{
    expect("+82 10-1234-5678", 0, 1, HI, 0, "+82 10-****-5678");
    expect("+82-10-1234-5678", 0, 1, HI, 0, "+82-10-****-5678");
    expect("+82-2-123-4567", 0, 1, MED, 0, "+82-2-***-4567");
    expect("+82 (0)10 1234 5678", 0, 1, HI, 0, "+82 (0)10 **** 5678");
    expect("+821012345678", 0, 1, MED, 0, "+8210****5678");
    expect("+81-10-1234-5678", 1, 0, 0, 0, NULL);
    expect("+82-1-1234-5678", 1, 0, 0, 0, NULL);
}

Test(phone_rules, bare_runs)
{
    expect("01012345678", 0, 1, MED, 0, "010****5678");
    expect("01012345678", 1, 1, HI, 0, "010****5678");
    expect("0212345678", 0, 0, 0, 0, NULL);
    expect("0212345678", 1, 1, MED, 0, "02****5678");
    expect("0311234567", 1, 1, MED, 0, "031***4567");
    expect("01112345678", 0, 0, 0, 0, NULL);
}

Test(phone_rules, masked_numbers)
{
    expect("010-****-5678", 0, 1, MED, 1, "010-****-5678");
    expect("010-1234-****", 0, 1, MED, 1, "010-****-****");
    expect("010-XXXX-5678", 0, 1, MED, 1, "010-****-5678");
    expect("010-\xE2\x97\x8F\xE2\x97\x8F\xE2\x97\x8F\xE2\x97\x8F-5678", 0, 1, MED, 1, "010-****-5678");
    expect("010****5678", 0, 1, MED, 1, "010****5678");
    expect("0**-1234-5678", 1, 0, 0, 0, NULL);
    expect("***-****-****", 1, 0, 0, 0, NULL);
}

Test(phone_rules, not_phones)
{
    expect("2024-03-15", 1, 0, 0, 0, NULL);
    expect("1588-1234", 1, 0, 0, 0, NULL);
    expect("1.2.3", 1, 0, 0, 0, NULL);
    expect("10.12.1234", 1, 0, 0, 0, NULL);
    expect("1234567890", 1, 0, 0, 0, NULL);
}

/* ---- end to end ----------------------------------------------------------------- */

static void scan_no_phone(const char *s, const char *why)
{
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    if (t_count_type(&f, "kr_phone"))
        t_dump(why, &f);
    cr_assert_eq(t_count_type(&f, "kr_phone"), 0, "%s", why);
    t_free(&f);
}

Test(phone_e2e, mobile_with_context)
{
    const char *s = "연락처 010-2345-6789 입니다";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].type, "kr_phone");
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(s, "010") - s));
    cr_assert_eq(f.v[0].length, 13);
    cr_assert_eq(f.v[0].masked, 0);
    cr_assert_eq(f.v[0].validation, PIISCAN_VALID_STRUCTURAL);
    cr_assert_eq(f.v[0].confidence, PIISCAN_CONF_HIGH);
    cr_assert_str_eq(f.v[0].display, "010-****-6789");
    t_free(&f);
}

Test(phone_e2e, international_and_bare)
{
    const char *s = "Tel +82 10-2345-6789 / 01023456789 / 팩스 0212345678";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_phone"), 3);
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(s, "+82") - s));
    cr_assert_eq(f.v[0].length, 16);
    cr_assert_str_eq(f.v[0].display, "+82 10-****-6789");
    cr_assert_eq(f.v[1].offset, (uint64_t)(strstr(s, "0102") - s));
    cr_assert_eq(f.v[1].length, 11);
    cr_assert_eq(f.v[1].confidence, PIISCAN_CONF_HIGH, "Tel is within the keyword window");
    cr_assert_str_eq(f.v[1].display, "010****6789");
    cr_assert_eq(f.v[2].offset, (uint64_t)(strstr(s, "0212") - s));
    cr_assert_str_eq(f.v[2].display, "02****5678");
    t_free(&f);
}

Test(phone_e2e, masked_in_source)
{
    const char *s = "전화 010-****-5678";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    cr_assert_eq(f.v[0].masked, 1);
    cr_assert_eq(f.v[0].length, 13);
    cr_assert_str_eq(f.v[0].display, "010-****-5678");
    t_free(&f);
}

Test(phone_e2e, traps)
{
    scan_no_phone("대표번호 1588-1234 로 전화주세요", "representative number");
    scan_no_phone("고객센터 1544-1234", "representative number");
    scan_no_phone("작성일 2024-03-15, 2024.03.15", "dates");
    scan_no_phone("버전 1.2.3 / v10.12.1234", "versions");
    scan_no_phone("금액 12,000원, 합계 1,234,567원", "prices");
    scan_no_phone("번호 0212345678", "bare landline without a phone keyword");
    scan_no_phone("1010-1234-5678", "longer first group");
    scan_no_phone("010-1234-56789", "longer last group");
    scan_no_phone("a010-1234-5678", "letter before");
    scan_no_phone("9-010-1234-5678", "inside a dash-joined number");
    scan_no_phone("010-1234-5678-9", "inside a dash-joined number (after)");
    scan_no_phone("전화 080-123-4567", "toll-free");
}
