/* test_fingerprint.c -- piiscan_fingerprint(): the keyed fingerprints of the
 * CLI's reports and baselines, the bindings' `fingerprint` fields.
 *
 * Every expected value was computed independently of libpiiscan with
 * Python's hmac module on the normalised message, e.g.
 *   python3 -c 'import hmac; print(hmac.new(b"k", b"kr_rrn:9001011234568", "sha256").hexdigest())'
 * (the message of each case is written beside it).  These values are
 * frozen: baselines written by earlier releases hold them.
 *
 * RFC 4231 has no case that can go through this function: the message is
 * always type ":" value, and none of the RFC's test data contains a colon.
 * The Python cross-check stands in for it. */
#include <criterion/criterion.h>
#include <string.h>

#include "piiscan.h"

/* The fingerprint of value under key "k", asserted OK. */
static void fp_k(const char *type, const char *value, size_t len, char out[PIISCAN_FINGERPRINT_HEX])
{
    piiscan_status st = piiscan_fingerprint("k", 1, type, value, len, out);
    cr_assert_eq(st, PIISCAN_OK, "status %d", st);
    cr_assert_eq(strlen(out), 64);
}

#define FP_EQ(type, value, want)                                                                   \
    do {                                                                                           \
        char got_[PIISCAN_FINGERPRINT_HEX];                                                        \
        fp_k(type, value, strlen(value), got_);                                                    \
        cr_assert_str_eq(got_, want, "%s fingerprint", type);                                      \
    } while (0)

/* b"kr_rrn:9001011234568" */
static const char rrn_k[] = "373fc1dbccf6328a13a23c8135f5773224ea478ea9f345eaa27d5c05d39e67cf";

Test(fingerprint, matches_hmac_sha256_of_type_and_value)
{
    FP_EQ("kr_rrn", "9001011234568", rrn_k);
}

Test(fingerprint, dashes_and_spaces_are_dropped)
{
    FP_EQ("kr_rrn", "900101-1234568", rrn_k);
    FP_EQ("kr_rrn", "900101 1234568", rrn_k);
    FP_EQ("kr_rrn", " 9 0 0 1 0 1 - - 1234568. ", rrn_k);
}

Test(fingerprint, full_width_digits_are_ascii_digits)
{
    /* U+FF10..U+FF19; the full-width hyphen U+FF0D is dropped like '-' */
    FP_EQ("kr_rrn", "９００１０１－１２３４５６８", rrn_k);
    FP_EQ("kr_rrn", "900101－１234568", rrn_k);
}

Test(fingerprint, letters_are_upper_cased)
{
    /* b"kr_passport:M12345678" */
    static const char want[] = "0302ad08f67e5e66903ddf80247ab3580ead2d07fe7975dfc1d0d840a73d5604";
    FP_EQ("kr_passport", "M12345678", want);
    FP_EQ("kr_passport", "m12345678", want);
    FP_EQ("kr_passport", "m-1234-5678", want);
}

Test(fingerprint, non_ascii_bytes_are_dropped)
{
    /* b"kr_phone:0101": Hangul (EA B9 80) dropped, ASCII digits kept */
    FP_EQ("kr_phone", "01\xea\xb9\x80" "01", "4f99049dda7a9de9626d65bd4860f861f82c50d46ca5e4014166cde2aa632ff7");
    /* b"kr_phone:12": a full-width digit cut short at the end of the value is dropped */
    FP_EQ("kr_phone", "12\xef\xbc", "edbe7ce0d6bbbcdba17334d3625e72e58be7951e6e59e0702e94a3955499c12a");
}

Test(fingerprint, email_is_lower_cased_whole)
{
    /* b"email:john.doe@example.com" */
    static const char want[] = "3d5d397a8e9f0e30023ccf0b290def154a224810a37122dbbbd57bb1410491d3";
    FP_EQ("email", "John.Doe@Example.COM", want);
    FP_EQ("email", "john.doe@example.com", want);
    /* b"email:ab1@x.kr": full-width digits become ASCII in addresses too */
    FP_EQ("email", "AB１@x.kr", "906d48ba6e2be4e1b5941505b18343751a5d6cbb73e746fd98f65989b2319ad9");
    /* b"email:\xea\xb9\x80@x.kr": other bytes are kept as they are */
    FP_EQ("email", "\xea\xb9\x80@X.kr", "6ff70737949d37b2a5a602695b996c1d8387f707c93721941f36782cdf7d5535");
    /* b"email:a\xef\xbc": a cut-short full-width sequence is kept too */
    FP_EQ("email", "A\xef\xbc", "8b441a4f426db6e149921ff29d817cf8a574b6e679fc0fbfddb930c9fc1d67e5");
}

Test(fingerprint, the_type_is_part_of_the_message)
{
    char a[PIISCAN_FINGERPRINT_HEX], b[PIISCAN_FINGERPRINT_HEX];
    fp_k("kr_rrn", "9001011234568", 13, a);
    fp_k("kr_frn", "9001011234568", 13, b);
    cr_assert_str_neq(a, b);
}

Test(fingerprint, key_is_binary_and_counted_by_keylen)
{
    char out[PIISCAN_FINGERPRINT_HEX];
    /* key b"k\x00ey", b"kr_rrn:9001011234568" */
    cr_assert_eq(piiscan_fingerprint("k\0ey", 4, "kr_rrn", "900101-1234568", 14, out), PIISCAN_OK);
    cr_assert_str_eq(out, "263a716d5719d0e68118c277b757ec64a8c88e1a70d45d2c03aa46c8ed18b3e2");
    /* only keylen bytes of the key count: "kXYZ" with keylen 1 is key b"k" */
    cr_assert_eq(piiscan_fingerprint("kXYZ", 1, "kr_rrn", "9001011234568", 13, out), PIISCAN_OK);
    cr_assert_str_eq(out, rrn_k);
}

Test(fingerprint, value_need_not_be_nul_terminated)
{
    char out[PIISCAN_FINGERPRINT_HEX];
    const char buf[] = {'9', '0', '0', '1', '0', '1', '-', '1', '2', '3', '4', '5', '6', '8'};
    fp_k("kr_rrn", buf, sizeof buf, out);
    cr_assert_str_eq(out, rrn_k);
    /* len bounds the value: the rest of the buffer is not read */
    fp_k("kr_rrn", "9001011234568999", 13, out);
    cr_assert_str_eq(out, rrn_k);
}

Test(fingerprint, long_and_empty_values)
{
    char value[301], out[PIISCAN_FINGERPRINT_HEX];
    memset(value, '1', 300);
    value[300] = 0;
    /* b"card:" + b"1" * 300 (longer than the stack buffer) */
    fp_k("card", value, 300, out);
    cr_assert_str_eq(out, "da1e2b9dbccf025133f49fefead4423dada8f7a800b2d272d90c2cd00bbaf6fd");
    /* b"kr_rrn:" */
    fp_k("kr_rrn", "", 0, out);
    cr_assert_str_eq(out, "e94384407ddd6da923bf58e8db69f8e22f13847349837625022ebdb2cc50346d");
    fp_k("kr_rrn", "--", 2, out);
    cr_assert_str_eq(out, "e94384407ddd6da923bf58e8db69f8e22f13847349837625022ebdb2cc50346d");
}

Test(fingerprint, invalid_arguments)
{
    char out[PIISCAN_FINGERPRINT_HEX];
    struct {
        const void *key;
        size_t keylen;
        const char *type, *value;
    } bad[] = {
        {NULL, 1, "kr_rrn", "9001011234568"},
        {"k", 0, "kr_rrn", "9001011234568"}, /* an empty key is no key */
        {NULL, 0, "kr_rrn", "9001011234568"},
        {"k", 1, NULL, "9001011234568"},
        {"k", 1, "kr_rrn", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(out, 'x', sizeof out);
        cr_assert_eq(piiscan_fingerprint(bad[i].key, bad[i].keylen, bad[i].type, bad[i].value, 13,
                                         out),
                     PIISCAN_E_INVALID, "case %zu", i);
        cr_assert_str_eq(out, "", "case %zu: out is emptied on error", i);
    }
    cr_assert_eq(piiscan_fingerprint("k", 1, "kr_rrn", "9001011234568", 13, NULL),
                 PIISCAN_E_INVALID);
}

Test(fingerprint, size_macro)
{
    cr_assert_eq(PIISCAN_FINGERPRINT_HEX, 65);
}
