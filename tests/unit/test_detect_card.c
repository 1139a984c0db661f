/* test_detect_card.c -- card and luhn: Luhn, the issuer/length table,
 * groupings, masked cards, display; traps (timestamps, decimals, court case
 * numbers) end to end. */
#include <criterion/criterion.h>
#include <string.h>

#include "detect_testlib.h"
#include "testutil.h"

Test(card_pure, luhn)
{
    cr_assert(pii_luhn_ok("4111111111111111", 16));
    cr_assert_not(pii_luhn_ok("4111111111111112", 16));
    /* The textbook example: 7992739871 + check digit 3. */
    cr_assert(pii_luhn_ok("79927398713", 11));
    cr_assert_not(pii_luhn_ok("79927398710", 11));
    cr_assert_not(pii_luhn_ok("4111*11111111111", 16), "a mask is not a digit");
    cr_assert_not(pii_luhn_ok("0", 1));
}

Test(card_pure, issuer_prefix_and_length_table)
{
    struct {
        const char *d;
        int scheme;
    } t[] = {
        {"4111111111111111", PII_CARD_VISA},      {"4222222222222", PII_CARD_VISA},
        {"4111111111111111111", PII_CARD_VISA},   {"41111111111111", PII_CARD_NONE},
        {"5100000000000000", PII_CARD_MASTERCARD}, {"5500000000000000", PII_CARD_MASTERCARD},
        {"5000000000000000", PII_CARD_NONE},      {"5600000000000000", PII_CARD_NONE},
        {"2221000000000000", PII_CARD_MASTERCARD}, {"2720990000000000", PII_CARD_MASTERCARD},
        {"2220990000000000", PII_CARD_NONE},      {"2721000000000000", PII_CARD_NONE},
        {"340000000000000", PII_CARD_AMEX},       {"370000000000000", PII_CARD_AMEX},
        {"3400000000000000", PII_CARD_NONE},      {"35280000000000000", PII_CARD_JCB},
        {"3589000000000000", PII_CARD_JCB},       {"3527000000000000", PII_CARD_NONE},
        {"3590000000000000", PII_CARD_NONE},      {"30000000000000", PII_CARD_DINERS},
        {"30500000000000", PII_CARD_DINERS},      {"30600000000000", PII_CARD_NONE},
        {"36000000000000", PII_CARD_DINERS},      {"6011000000000000", PII_CARD_DISCOVER},
        {"6440000000000000", PII_CARD_DISCOVER},  {"6500000000000000000", PII_CARD_DISCOVER},
        {"6430000000000000", PII_CARD_NONE},      {"6200000000000000", PII_CARD_UNIONPAY},
        {"9000000000000000", PII_CARD_KR_DOMESTIC}, {"900000000000000", PII_CARD_NONE},
        {"1548138160707", PII_CARD_NONE},         {"1747919220567223", PII_CARD_NONE},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        size_t n = strlen(t[i].d);
        cr_assert_eq(pii_card_scheme(t[i].d, n, n), t[i].scheme, "row %zu", i);
    }
    /* A prefix is matched on visible digits only. */
    cr_assert_eq(pii_card_scheme("22**000000000000", 16, 2), PII_CARD_NONE);
    cr_assert_eq(pii_card_scheme("5***000000000000", 16, 1), PII_CARD_NONE);
    cr_assert_eq(pii_card_scheme("55**000000000000", 16, 2), PII_CARD_MASTERCARD);
}

Test(card_vectors, card_file)
{
    cr_assert_geq(tl_check_vectors("card.txt", "card"), 18);
}

Test(card_rules, groupings)
{
    tl_result r = tl_run("card", "4111-1111-1111-1111", 0, 0);
    cr_assert(r.v.accept);
    cr_assert_eq(r.v.validation, PIISCAN_VALID_CHECKSUM);
    cr_assert_eq(r.v.confidence, PIISCAN_CONF_HIGH);
    cr_assert_str_eq(r.display, "4111-11**-****-1111");
    r = tl_run("card", "4111 1111 1111 1111", 0, 0);
    cr_assert_str_eq(r.display, "4111 11** **** 1111");
    r = tl_run("card", "3714-496353-98431", 0, 0); /* AMEX 4-6-5 */
    cr_assert_eq(r.v.validation, PIISCAN_VALID_CHECKSUM);
    cr_assert_str_eq(r.display, "3714-49****-*8431");
    r = tl_run("card", "3056-930902-5904", 0, 0); /* Diners 4-6-4 */
    cr_assert_eq(r.v.validation, PIISCAN_VALID_CHECKSUM);
    cr_assert_str_eq(r.display, "3056-93****-5904");
    cr_assert_not(tl_run("card", "4111-1111 1111-1111", 0, 0).v.accept, "mixed separators");
    cr_assert_not(tl_run("card", "41-111111-1111-1111", 0, 0).v.accept, "unknown grouping");
    cr_assert_str_eq(tl_run("card", "4111111111111111", 0, 0).display, "411111******1111");
    cr_assert_str_eq(tl_run("card", "371449635398431", 0, 0).display, "371449*****8431");
}

Test(card_rules, masked_cards)
{
    tl_result r = tl_run("card", "4111-11**-****-1111", 0, 0);
    cr_assert(r.v.accept);
    cr_assert_eq(r.v.masked, 1);
    cr_assert_eq(r.v.validation, PIISCAN_VALID_STRUCTURAL);
    cr_assert_eq(r.v.confidence, PIISCAN_CONF_MEDIUM);
    cr_assert_str_eq(r.display, "4111-11**-****-1111");
    r = tl_run("card", "5555-XXXX-XXXX-4444", 0, 0);
    cr_assert_eq(r.v.confidence, PIISCAN_CONF_MEDIUM);
    cr_assert_str_eq(r.display, "5555-****-****-4444");
    /* Placeholder prefixes of masking guides: still a masked card, low. */
    r = tl_run("card", "1234-56**-****-3456", 0, 0);
    cr_assert(r.v.accept);
    cr_assert_eq(r.v.masked, 1);
    cr_assert_eq(r.v.confidence, PIISCAN_CONF_LOW);
    r = tl_run("card", "1234-****-****-5678", 0, 0);
    cr_assert(r.v.accept);
    cr_assert_eq(r.v.masked, 1);
    cr_assert_str_eq(r.display, "1234-****-****-5678");
    /* Source masks the last group: display still hides digits 7-12. */
    r = tl_run("card", "4111-1111-1111-****", 0, 0);
    cr_assert_str_eq(r.display, "4111-11**-****-****");
    cr_assert_not(tl_run("card", "****-****-****-1111", 0, 0).v.accept, "no visible prefix");
    cr_assert_not(tl_run("card", "123456******3456", 0, 0).v.accept, "ungrouped, unknown prefix");
    cr_assert(tl_run("card", "411111******1111", 0, 0).v.accept);
}

Test(card_rules, luhn_validator_for_custom_patterns)
{
    tl_result r = tl_run("luhn", "79927398713", 0, 0);
    cr_assert(r.v.accept);
    cr_assert_eq(r.v.validation, PIISCAN_VALID_CHECKSUM);
    cr_assert_str_eq(r.display, "*******8713");
    cr_assert_not(tl_run("luhn", "79927398710", 0, 0).v.accept);
    cr_assert_not(tl_run("luhn", "7992739****", 0, 0).v.accept);
}

/* ---- end to end ----------------------------------------------------------------- */

static void scan_no_card(const char *s, const char *why)
{
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    if (t_count_type(&f, "card"))
        t_dump(why, &f);
    cr_assert_eq(t_count_type(&f, "card"), 0, "%s", why);
    t_free(&f);
}

Test(card_e2e, grouped_card_in_korean_text)
{
    const char *s = "결제 카드 4111-1111-1111-1111로 결제";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].type, "card");
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(s, "4111") - s));
    cr_assert_eq(f.v[0].length, 19);
    cr_assert_eq(f.v[0].masked, 0);
    cr_assert_eq(f.v[0].validation, PIISCAN_VALID_CHECKSUM);
    cr_assert_eq(f.v[0].confidence, PIISCAN_CONF_HIGH);
    cr_assert_str_eq(f.v[0].display, "4111-11**-****-1111");
    t_free(&f);
}

Test(card_e2e, mastercard_2_series_and_amex)
{
    const char *s = "MC 2221 0000 0000 0009, AMEX 3714-496353-98431.";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "card"), 2);
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(s, "2221") - s));
    cr_assert_str_eq(f.v[0].display, "2221 00** **** 0009");
    cr_assert_eq(f.v[1].offset, (uint64_t)(strstr(s, "3714") - s));
    cr_assert_eq(f.v[1].length, 17);
    t_free(&f);
}

Test(card_e2e, luhn_valid_traps_are_not_cards)
{
    scan_no_card("{\"ts\": 1548138160707}", "13-digit millisecond timestamp");
    scan_no_card("opacity: 0.5309136012499991;", "CSS decimal");
    scan_no_card("x = 1.4111111111111111", "decimal fraction after digit-dot");
    scan_no_card("value 4111111111111111.25", "followed by a fraction");
    scan_no_card("사건번호 1747919220567223", "court case number");
    scan_no_card("id=x4111111111111111", "letter before");
    scan_no_card("94111111111111111", "inside a longer run");
    scan_no_card("4012888888881882", "Luhn fails");
}

Test(card_e2e, csv_fields_are_not_decimals)
{
    /* Commas separate CSV fields: a card between two numeric fields is a card. */
    const char *s = "7,4111111111111111,2024-01-15\n";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "card"), 1);
    cr_assert_eq(t_first_type(&f, "card")->offset, 2);
    cr_assert_eq(t_first_type(&f, "card")->length, 16);
    t_free(&f);
}

Test(card_e2e, masked_card_is_reported_masked)
{
    const char *s = "카드번호 1234-56**-****-3456";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].type, "card");
    cr_assert_eq(f.v[0].masked, 1);
    cr_assert_eq(f.v[0].validation, PIISCAN_VALID_STRUCTURAL);
    cr_assert_eq(f.v[0].length, 19);
    cr_assert_str_eq(f.v[0].display, "1234-56**-****-3456");
    t_free(&f);
}
