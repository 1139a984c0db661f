/* checks.h -- pure checks shared by the validators (and unit-tested on their
 * own): calendar dates, check digits, the card issuer table, the Korean
 * numbering plan.  Internal to lib/detect; every name starts with pii_.
 * Digit strings are ASCII '0'..'9' (the `digits` of a pii_candidate). */
#ifndef PII_DETECT_CHECKS_H
#define PII_DETECT_CHECKS_H

#include <stddef.h>

#include "detect.h"

/* 1 if y-m-d is a real Gregorian calendar date (leap years: divisible by 4,
 * except centuries not divisible by 400, so 2000 is leap and 1900 is not). */
int pii_date_valid(int y, int m, int d);

/* Century of a registration number's 7th (gender) digit: 9/0 -> 1800,
 * 1/2/5/6 -> 1900, 3/4/7/8 -> 2000 (KOREAN-PII-RULES 1.1 table); -1 if g is
 * not a digit. */
int pii_rrn_century(int g);

/* RRN check digit of the first 12 digits d[0..11]: weights 2,3,4,5,6,7,8,9,
 * 2,3,4,5, C = (11 - sum mod 11) mod 10 (python-stdnum, Presidio). */
int pii_rrn_check_digit(const char *d12);
/* FRN "variant A" check digit: same weights, C = (13 - sum mod 11) mod 10
 * (Presidio kr_frn_recognizer, cafe24 lib_numcheck.js). */
int pii_frn_check_digit(const char *d12);

/* Luhn (mod 10) over n ASCII digits. */
int pii_luhn_ok(const char *digits, size_t n);

/* Business registration number checksum over 10 digits: weights 1,3,7,1,3,
 * 7,1,3,5 plus floor(d9*5/10), C = (10 - sum mod 10) mod 10 (Presidio
 * kr_brn_recognizer, hongpage.kr/96). */
int pii_brn_check_ok(const char *d10);

/* Card schemes of the issuer table in card.c. */
enum pii_card_scheme {
    PII_CARD_NONE = 0,
    PII_CARD_VISA,
    PII_CARD_MASTERCARD,
    PII_CARD_AMEX,
    PII_CARD_DINERS,
    PII_CARD_JCB,
    PII_CARD_DISCOVER,
    PII_CARD_UNIONPAY,
    PII_CARD_KR_DOMESTIC
};
/* Scheme whose prefix matches the leading digits of `digits` (length n =
 * the full PAN length) and whose length list contains n; PII_CARD_NONE if
 * no scheme does.  `visible` is how many leading characters are real digits
 * (the rest may be masks): a prefix is only matched on visible digits. */
int pii_card_scheme(const char *digits, size_t n, size_t visible);

/* Korean numbering plan (KOREAN-PII-RULES 1.8).  `nat` is a national number
 * starting with 0 (digits only, masks allowed after the prefix).  Returns the
 * length of the prefix (area code / mobile prefix, incl. the 0) when the
 * number is a valid personal phone number shape, else 0.  *mobile is set to
 * 1 for 010/011/016-019. */
int pii_kr_phone_prefix(const char *nat, size_t n, int *mobile);

/* Shared helpers of the validators (candidate.c). */
/* d[0..n) as an int; -1 if a character is not a digit (a mask). */
int pii_digits_int(const char *d, size_t n);
/* Splits the candidate into groups: maximal runs of digit/mask characters in
 * norm (worked out on the first call and kept in the candidate).  Stores up
 * to max group sizes (at most PII_CAND_GROUPS), returns the number of
 * groups; *seps (if not NULL) receives 1 if every separator between groups
 * is the same single character (consistent grouping), 0 otherwise. */
size_t pii_digit_groups(const pii_candidate *c, size_t *sizes, size_t max, int *seps);
/* 1 if norm contains the character ch. */
int pii_norm_has(const pii_candidate *c, char ch);

/* The detectors, one per validator name, joined by registry.c. */
extern const pii_detector pii_detector_kr_rrn, pii_detector_kr_frn, pii_detector_card,
    pii_detector_luhn, pii_detector_kr_account, pii_detector_kr_phone, pii_detector_kr_passport,
    pii_detector_kr_driver_license, pii_detector_email, pii_detector_kr_brn, pii_detector_none;

/* Keywords that name a value sit right before it: "주민등록번호: " is 20
 * bytes of UTF-8 with its colon and space, "외국인등록번호 " 22. */
#define PII_NAMES_VALUE_REACH 24
/* 13 digits that are a Korean EAN-13 barcode (prefix 880, valid EAN check
 * digit) or read like an epoch-millisecond timestamp of 2017-2033: written
 * bare, far more likely that than a registration or account number. */
int pii_lookalike13(const char *d);

#endif
