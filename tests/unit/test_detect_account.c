/* test_detect_account.c -- kr_account: known bank layouts, a keyword is
 * required, phones and RRNs are refused, display keeps the last four. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "detect_testlib.h"
#include "testutil.h"

static void expect(const char *value, int ctx, int accept, int confidence, int masked,
                   const char *display)
{
    tl_result r = tl_run("kr_account", value, ctx, PIISCAN_RRN_CONTEXT);
    cr_assert_eq(r.v.accept, accept, "accept (display %s)", r.display);
    if (!accept)
        return;
    cr_assert_eq(r.v.validation, PIISCAN_VALID_CONTEXT);
    cr_assert_eq(r.v.confidence, confidence, "confidence of %s", r.display);
    cr_assert_eq(r.v.masked, masked);
    cr_assert_str_eq(r.display, display);
}

#define MED PIISCAN_CONF_MEDIUM
#define LO PIISCAN_CONF_LOW

Test(account_rules, bank_layouts_with_a_keyword)
{
    /* Layouts from the KFTC CMS table / common prints (KOREAN-PII-RULES 1.7). */
    expect("123456-01-234567", 1, 1, MED, 0, "******-**-**4567"); /* KB 6-2-6 */
    expect("110-123-456789", 1, 1, MED, 0, "***-***-**6789");     /* Shinhan 3-3-6 */
    expect("1002-123-456789", 1, 1, MED, 0, "****-***-**6789");   /* Woori 4-3-6 */
    expect("123-456789-12345", 1, 1, MED, 0, "***-******-*2345"); /* Hana 3-6-5 */
    expect("301-1234-5678-91", 1, 1, MED, 0, "***-****-**78-91"); /* NH 3-4-4-2 */
    expect("3333-01-1234567", 1, 1, MED, 0, "****-**-***4567");   /* Kakao Bank 4-2-7 */
    expect("1000-1234-5678", 1, 1, MED, 0, "****-****-5678");     /* Toss app 4-4-4 */
    expect("123-45-678901", 1, 1, MED, 0, "***-**-**8901");       /* SC 3-2-6 */
    expect("1234567890123", 1, 1, LO, 0, "*********0123");        /* bare run */
}

Test(account_rules, keyword_is_required)
{
    expect("123456-01-234567", 0, 0, 0, 0, NULL);
    expect("1234567890123", 0, 0, 0, 0, NULL);
}

Test(account_rules, unknown_layouts_and_lengths)
{
    expect("12-34-56-78-90", 1, 0, 0, 0, NULL);    /* 2-2-2-2-2 */
    expect("123-4567-89", 1, 0, 0, 0, NULL);       /* 9 digits */
    expect("123456789012345", 1, 0, 0, 0, NULL);   /* 15 digits */
    expect("11-22-123456-12", 1, 0, 0, 0, NULL);   /* licence layout */
    expect("2024-03-15", 1, 0, 0, 0, NULL);
    expect("1234-5678 9012-34", 1, 0, 0, 0, NULL); /* mixed separators */
}

Test(account_rules, phones_and_rrns_are_not_accounts)
{
    expect("010-1234-5678", 1, 0, 0, 0, NULL);
    expect("01012345678", 1, 0, 0, 0, NULL);
    expect("010-****-5678", 1, 0, 0, 0, NULL);
    expect("0502-1234-5678", 1, 0, 0, 0, NULL); /* 4-4-4 but a 050x number */
    expect("031-123-4567", 1, 0, 0, 0, NULL);
    expect("900101-1234568", 1, 0, 0, 0, NULL);
    expect("960101-1234567", 1, 0, 0, 0, NULL);
}

Test(account_rules, masked_accounts)
{
    expect("110-***-456789", 1, 1, MED, 1, "***-***-**6789");
    expect("110-***-******", 1, 0, 0, 0, NULL); /* fewer than 4 visible digits */
    expect("***-123-456789", 1, 0, 0, 0, NULL); /* first group masked */
}

/* ---- end to end ----------------------------------------------------------------- */

Test(account_e2e, account_with_bank_name)
{
    const char *s = "입금 계좌: 국민은행 123456-01-234567 예금주 홍길동";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].type, "kr_account");
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(s, "123456") - s));
    cr_assert_eq(f.v[0].length, 16);
    cr_assert_eq(f.v[0].validation, PIISCAN_VALID_CONTEXT);
    cr_assert_eq(f.v[0].confidence, PIISCAN_CONF_MEDIUM);
    cr_assert_eq(f.v[0].masked, 0);
    cr_assert_str_eq(f.v[0].display, "******-**-**4567");
    t_free(&f);
}

/* A page dense with windows (a CSV export) asks once whether an account
 * keyword is near any of them: the account amid 2,000 timestamps and
 * barcodes is found wherever it sits (first and last line of a 16 KiB
 * page, across two pages), and no number is taken for one without it. */
Test(account_e2e, account_among_a_dense_export)
{
    static const char row[] = "1704067215096,8805980279413,2024-01-01 00:00:15\n"; /* 48 bytes */
    static const char acct[] = "입금 계좌: 국민은행 123456-01-234567\n";
    const size_t rows = 1000;
    char *text = malloc(rows * sizeof row + sizeof acct);
    cr_assert_not_null(text);
    /* Row positions: the first, around the first page boundary (16384 /
     * 48 = 341.3), and the last. */
    static const size_t at[] = {0, 340, 341, 342, 999};
    for (size_t a = 0; a <= sizeof at / sizeof *at; a++) {
        size_t n = 0, want = a < sizeof at / sizeof *at;
        for (size_t r = 0; r < rows; r++) {
            if (want && r == at[a]) {
                memcpy(text + n, acct, sizeof acct - 1);
                n += sizeof acct - 1;
            }
            memcpy(text + n, row, sizeof row - 1);
            n += sizeof row - 1;
        }
        tfindings f = {0};
        cr_assert_eq(t_scan(t_default_engine(), NULL, text, n, &f), PIISCAN_OK);
        cr_assert_eq(t_count_type(&f, "kr_account"), want, "account on row %zu: %zu found", a < 5 ? at[a] : 0,
                     t_count_type(&f, "kr_account"));
        cr_assert_eq(f.n, want, "nothing else in the export: %zu findings", f.n);
        t_free(&f);
    }
    free(text);
}

Test(account_e2e, no_keyword_no_account)
{
    tfindings f = {0};
    cr_assert_eq(t_scan_str("주문번호 123456-01-234567", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_account"), 0);
    t_free(&f);
}

Test(account_e2e, phone_near_bank_keyword_stays_a_phone)
{
    const char *s = "송금 후 010-2345-6789로 연락";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].type, "kr_phone");
    t_free(&f);
}

Test(account_e2e, rrn_near_bank_keyword_stays_an_rrn)
{
    const char *s = "예금주 주민번호 960101-1234567";
    tfindings f = {0};
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].type, "kr_rrn");
    t_free(&f);
}
