/* test_detect_traps.c -- precision traps found by the benchmark corpora
 * (bench/README.md, "planted versus found"): values that pass a checksum by
 * chance and must not be reported, and the values they hide among, which
 * must still be. */
#include <criterion/criterion.h>
#include <string.h>

#include "testutil.h"

/* 1703043215007 is an epoch-millisecond time (2023-12-20) that also reads as
 * 2017-03-04, gender 3, with a valid RRN check digit (computed by hand with
 * weights 2..9,2..5: sum 125, (11 - 125 % 11) % 10 = 7). */
Test(traps, epoch_millisecond_timestamp_is_not_an_rrn)
{
    tfindings f = {0};
    cr_assert_eq(t_scan_str("created_ms=1703043215007 ok\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 0);
    cr_assert_eq(t_count_type(&f, "kr_frn"), 0);
    t_free(&f);
    /* With a keyword it is reported: a child's number written bare. */
    cr_assert_eq(t_scan_str("주민등록번호 1703043215007\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 1);
    cr_assert_eq(f.v[0].validation, PIISCAN_VALID_CHECKSUM);
    t_free(&f);
    /* Hyphenated, it is written as an RRN and reported as one. */
    cr_assert_eq(t_scan_str("170304-3215007\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 1);
    t_free(&f);
}

/* 8801011439511: Korean GS1 prefix 880, valid EAN-13 check digit
 * (1,3 weights: sum 89, (10 - 9) % 10 = 1), and also 1988-01-01, gender 1,
 * with a valid RRN check digit. */
Test(traps, korean_ean13_barcode_is_not_an_rrn)
{
    tfindings f = {0};
    cr_assert_eq(t_scan_str("barcode,8801011439511,qty\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 0);
    t_free(&f);
    cr_assert_eq(t_scan_str("주민번호: 8801011439511\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 1);
    t_free(&f);
}

/* A card followed by a time: the 16-digit reading must win over an 18-digit
 * one that fails Luhn.  4111 1111 1111 1111 is the standard Visa test PAN. */
Test(traps, grouped_card_followed_by_a_time)
{
    tfindings f = {0};
    cr_assert_eq(t_scan_str("결제 4111 1111 1111 1111 21:17:14 승인\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "card"), 1);
    const tfinding *c = t_first_type(&f, "card");
    cr_assert_eq(c->length, 19);
    cr_assert_str_eq(c->display, "4111 11** **** 1111");
    t_free(&f);
}

/* ASCII keywords are words: "bank" inside a domain is not account context. */
Test(traps, ascii_keyword_inside_a_word_is_not_context)
{
    tfindings f = {0};
    cr_assert_eq(t_scan_str("mail samplebank.com ref 110123456789\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_account"), 0);
    t_free(&f);
    cr_assert_eq(t_scan_str("bank: 110123456789\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_account"), 1);
    t_free(&f);
}

/* A number named as something else right before it is not an account, even
 * with an account keyword further away (bench corpus: parcel numbers near
 * "입금되었습니다"). */
Test(traps, parcel_number_near_a_deposit_is_not_an_account)
{
    tfindings f = {0};
    cr_assert_eq(t_scan_str("입금되었습니다. 운송장번호 6118-8101-9492 확인\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_account"), 0);
    t_free(&f);
    cr_assert_eq(t_scan_str("입금 계좌: 6118-8101-9492 확인\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_account"), 1);
    t_free(&f);
}

/* `trigger = digits N group G-H` skips clusters with no group of G..H
 * members.  H must not be below the longest group a valid value can be
 * written as: each value here is one group of the largest size its type
 * allows, and must still be found. */
Test(traps, longest_groups_are_within_the_trigger_bounds)
{
    static const struct {
        const char *text, *type;
    } cases[] = {
        {"주민등록번호 9001011234568\n", "kr_rrn"},                /* 13 */
        {"card 4111111111111111110\n", "card"},                    /* 19, Luhn-valid */
        {"운전면허번호 112212345612\n", "kr_driver_license"},      /* 12 */
        {"여권번호 M12345678\n", "kr_passport"},                   /* 8 */
        {"전화 +821023456789\n", "kr_phone"},                      /* 12: 82 + 1023456789 */
        {"입금 계좌 11012345678901\n", "kr_account"},              /* 14 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tfindings f = {0};
        cr_assert_eq(t_scan_str(cases[i].text, &f), PIISCAN_OK);
        cr_assert_eq(t_count_type(&f, cases[i].type), 1, "%s not found in case %zu", cases[i].type, i);
        t_free(&f);
    }
    /* And the skip itself: a 13-digit timestamp is not even searched for a
     * phone number (no group of 4..12), so nothing comes back. */
    tfindings f = {0};
    cr_assert_eq(t_scan_str("전화 1703043215007\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_phone"), 0);
    t_free(&f);
}

/* 법인등록번호 (a corporation's registration number) has the RRN's 6-7
 * shape; 110111-1234567 reads as 1911-01-11, gender 1, and 110115-5234567
 * as a foreigner's (gender 5), whose context word 등록번호 is inside the
 * label.  Labelled as a corporation's, neither is a person's number; the
 * representative's own number on the same line still is. */
Test(traps, corporate_registration_number_is_not_an_rrn)
{
    tfindings f = {0};
    const char *s = "법인등록번호 110111-1234567, 법인번호: 110115-5234567\n";
    cr_assert_eq(t_scan_str(s, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 0, "got %zu findings", f.n);
    t_free(&f);
    const char *t = "법인등록번호 110111-1234567 / 대표자 주민등록번호 900101-1234568\n";
    cr_assert_eq(t_scan_str(t, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].type, "kr_rrn");
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(t, "900101") - t));
    t_free(&f);
    /* "주민(법인)등록번호", the form field for either, is no veto */
    cr_assert_eq(t_scan_str("주민(법인)등록번호: 900101-1234568\n", &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 1);
    t_free(&f);
    /* without the label the same digits are reported as before */
    cr_assert_eq(t_scan_str("등록번호 110111-1234567\n", &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    t_free(&f);
}
