/* test_detect_email.c -- email: addr-spec limits, the @2x trap, masked
 * addresses, display; end to end. */
#include <criterion/criterion.h>
#include <string.h>

#include "detect_testlib.h"
#include "testutil.h"

static int accepts(const char *v)
{
    return tl_run("email", v, 0, 0).v.accept;
}

Test(email_rules, shapes)
{
    cr_assert(accepts("gildong.hong@example.co.kr"));
    cr_assert(accepts("a@b.io"));
    cr_assert(accepts("first+tag@mail.example.com"));
    cr_assert_not(accepts("user@localhost"), "no dot in the domain");
    cr_assert_not(accepts("foo@1.2.3"), "numeric top-level label");
    cr_assert_not(accepts("a@b.c"), "one-letter top-level label");
    cr_assert_not(accepts(".a@example.com"));
    cr_assert_not(accepts("a.@example.com"));
    cr_assert_not(accepts("a..b@example.com"));
    cr_assert_not(accepts("a@-example.com"));
    cr_assert_not(accepts("a@example-.com"));
    cr_assert_not(accepts("a@example..com"));
}

Test(email_rules, lengths)
{
    char v[400];
    /* 64-character local part is the limit; 65 is too long. */
    memset(v, 'a', 64);
    strcpy(v + 64, "@example.com");
    cr_assert(accepts(v));
    memset(v, 'a', 65);
    strcpy(v + 65, "@example.com");
    cr_assert_not(accepts(v));
    /* Total over 254: 60 + '@' + 4 labels of 60 + ".com" = 60+1+244+4 = 309. */
    size_t o = 0;
    memset(v, 'b', 60);
    o = 60;
    v[o++] = '@';
    for (int i = 0; i < 4; i++) {
        memset(v + o, 'c', 60);
        o += 60;
        v[o++] = '.';
    }
    strcpy(v + o, "com");
    cr_assert_not(accepts(v));
}

Test(email_rules, retina_asset_names_are_not_addresses)
{
    cr_assert_not(accepts("image@2x.png"));
    cr_assert_not(accepts("icon@3x.jpg"));
    cr_assert_not(accepts("logo@2X.gif"));
    cr_assert_not(accepts("photo@example.png"), "image extension as top-level label");
    cr_assert(accepts("x@2xample.com"), "a digit-led host that is not a density suffix");
}

Test(email_rules, masked_and_display)
{
    tl_result r = tl_run("email", "gildong.hong@example.co.kr", 0, 0);
    cr_assert_eq(r.v.validation, PIISCAN_VALID_STRUCTURAL);
    cr_assert_eq(r.v.masked, 0);
    cr_assert_str_eq(r.display, "g***@example.co.kr");
    r = tl_run("email", "xavier.x@example.com", 0, 0);
    cr_assert_eq(r.v.masked, 0, "x is a letter in an address");
    cr_assert_str_eq(r.display, "x***@example.com");
    r = tl_run("email", "gi***@example.com", 0, 0);
    cr_assert(r.v.accept);
    cr_assert_eq(r.v.masked, 1);
    cr_assert_str_eq(r.display, "g***@example.com");
}

Test(email_e2e, address_in_korean_text)
{
    const char *s = "이메일 gildong.hong@example.co.kr 로 회신";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].type, "email");
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(s, "gildong") - s));
    cr_assert_eq(f.v[0].length, strlen("gildong.hong@example.co.kr"));
    cr_assert_eq(f.v[0].validation, PIISCAN_VALID_STRUCTURAL);
    cr_assert_eq(f.v[0].confidence, PIISCAN_CONF_HIGH);
    cr_assert_eq(f.v[0].masked, 0);
    cr_assert_str_eq(f.v[0].display, "g***@example.co.kr");
    t_free(&f);
}

Test(email_e2e, traps)
{
    const char *s = "<img src=\"icon@2x.png\"> user@localhost foo@1.2.3 end.";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    if (f.n)
        t_dump("email traps", &f);
    cr_assert_eq(f.n, 0);
    t_free(&f);
    /* A sentence-final dot is not part of the domain. */
    const char *t = "Mail kim@example.com.";
    tfindings g = {0};
    cr_assert_eq(t_scan_str(t, &g), PIISCAN_OK);
    cr_assert_eq(g.n, 1);
    cr_assert_eq(g.v[0].length, strlen("kim@example.com"));
    t_free(&g);
}

/* Internationalised domains: Hangul labels, and 한국 as the top level. */
Test(email_rules, korean_idn_domains)
{
    cr_assert(accepts("gildong_hong@회사.kr"));
    cr_assert(accepts("hong@도메인.한국"));
    cr_assert(accepts("hong@mail.회사-이름.co.kr"), "Hangul with an inner hyphen");
    cr_assert(accepts("hong@example.한국"));
    cr_assert_not(accepts("hong@회사.없는도메인"), "a Hangul top level other than 한국");
    cr_assert_not(accepts("hong@회사.qqqq"), "not a delegated top-level domain");
    cr_assert_not(accepts("hong@-회사.kr"));
    /* U+3131 (ㄱ, a compatibility jamo, E3 84 B1) is no syllable */
    cr_assert_not(accepts("hong@\xE3\x84\xB1.kr"));
    /* ED A0 80 would be a surrogate: not a syllable either */
    cr_assert_not(accepts("hong@\xED\xA0\x80\xEA\xB0\x80.kr"));
    tl_result r = tl_run("email", "gildong_hong@회사.kr", 0, 0);
    cr_assert_str_eq(r.display, "g***@회사.kr");
}

Test(email_e2e, korean_idn_domain_in_text)
{
    const char *s = "담당자 메일은 gildong_hong@회사.kr 이고, 대표 메일은 info@도메인.한국으로 보내세요.";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 2, "got %zu", f.n);
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(s, "gildong") - s));
    cr_assert_eq(f.v[0].length, strlen("gildong_hong@회사.kr"));
    cr_assert_eq(f.v[1].offset, (uint64_t)(strstr(s, "info@") - s));
    cr_assert_eq(f.v[1].length, strlen("info@도메인.한국"), "the particle 으로 is not in the domain");
    t_free(&f);
}
