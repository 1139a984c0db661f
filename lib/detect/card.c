/* card.c -- payment card numbers (card) and the bare Luhn validator (luhn).
 *
 * Luhn alone is not enough: one in ten digit runs passes it, and logs are
 * full of 13-digit millisecond timestamps (pii-shield#209).  So the issuer
 * prefix and the length are checked first, then Luhn (KOREAN-PII-RULES 1.6,
 * 3 item 4).  Decimal fractions (0.5309136012499991, Arachni#647) are kept
 * out by the pattern's left boundary. */
#include <string.h>

#include "checks.h"
#include "detect.h"

int pii_luhn_ok(const char *digits, size_t n)
{
    if (n < 2)
        return 0;
    int sum = 0, dbl = 0;
    for (size_t i = n; i-- > 0;) {
        int v = digits[i] - '0';
        if (v < 0 || v > 9)
            return 0;
        if (dbl) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
        dbl = !dbl;
    }
    return sum % 10 == 0;
}

/* Bit n set: length n is valid for the scheme. */
#define LEN(n) (1u << (n))
#define LEN_16_19 (LEN(16) | LEN(17) | LEN(18) | LEN(19))

/* Issuer prefix ranges and lengths: braintree/credit-card-type
 * src/lib/card-types.ts and Cybersource "Card Type Identification"
 * (KOREAN-PII-RULES 1.6); Korean domestic-only cards start with 9 (viva100,
 * newdaily, kakaobank and shinhancard articles cited there).  Ranges are
 * compared on the first `plen` digits. */
static const struct card_range {
    int plen;
    int lo, hi;
    unsigned lengths;
    int scheme;
} card_ranges[] = {
    {1, 4, 4, LEN(13) | LEN(16) | LEN(19), PII_CARD_VISA},
    {2, 51, 55, LEN(16), PII_CARD_MASTERCARD},
    {4, 2221, 2720, LEN(16), PII_CARD_MASTERCARD}, /* 2-series (presidio#2075) */
    {2, 34, 34, LEN(15), PII_CARD_AMEX},
    {2, 37, 37, LEN(15), PII_CARD_AMEX},
    {3, 300, 305, LEN(14) | LEN(16), PII_CARD_DINERS},
    {2, 36, 36, LEN(14) | LEN(16), PII_CARD_DINERS},
    {2, 38, 39, LEN(14) | LEN(16), PII_CARD_DINERS},
    {4, 3528, 3589, LEN_16_19, PII_CARD_JCB},
    {4, 6011, 6011, LEN_16_19, PII_CARD_DISCOVER},
    {3, 644, 649, LEN_16_19, PII_CARD_DISCOVER},
    {2, 65, 65, LEN_16_19, PII_CARD_DISCOVER},
    {2, 62, 62, LEN_16_19, PII_CARD_UNIONPAY},
    {1, 9, 9, LEN(16), PII_CARD_KR_DOMESTIC},
};

int pii_card_scheme(const char *digits, size_t n, size_t visible)
{
    /* Every range above starts with 2, 3, 4, 5, 6 or 9: a 13-digit
     * timestamp (1...) or a Korean barcode (880...) is ruled out at once. */
    if (n > 31 || visible == 0 || (unsigned)(digits[0] - '0') > 9 ||
        !((1u << (digits[0] - '0')) & (1u << 2 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 9)))
        return PII_CARD_NONE;
    for (size_t i = 0; i < sizeof card_ranges / sizeof card_ranges[0]; i++) {
        const struct card_range *r = &card_ranges[i];
        if ((size_t)r->plen > visible || !(r->lengths & LEN(n)))
            continue;
        int p = pii_digits_int(digits, (size_t)r->plen);
        if (p >= r->lo && p <= r->hi)
            return r->scheme;
    }
    return PII_CARD_NONE;
}

/* Digit groupings people write: contiguous, 4-4-4-4 (+ a tail of 1-3 for
 * 17-19 digits), 4-6-5 (AMEX), 4-6-4 (Diners). */
static int grouping_ok(const size_t *g, size_t ng, size_t n)
{
    if (ng == 1)
        return 1;
    if (ng == 3 && g[0] == 4 && g[1] == 6 && (g[2] == 5 || g[2] == 4))
        return 1;
    if ((ng == 4 || ng == 5) && g[0] == 4 && g[1] == 4 && g[2] == 4 && g[3] == 4)
        return ng == 4 || (g[4] >= 1 && g[4] <= 3);
    (void)n;
    return 0;
}

static void validate_card(const pii_candidate *c, pii_verdict *v)
{
    size_t n = c->ndigits, g[8];
    int consistent;
    v->accept = 0;
    if (n < 13 || n > 19)
        return;
    size_t ng = pii_digit_groups(c, g, 8, &consistent);
    if (ng > 8 || !consistent || !grouping_ok(g, ng, n))
        return;
    size_t visible = strspn(c->digits, "0123456789");
    if (c->nmask == 0) {
        if (pii_card_scheme(c->digits, n, n) == PII_CARD_NONE || !pii_luhn_ok(c->digits, n))
            return;
        v->accept = 1;
        v->masked = 0;
        v->validation = PIISCAN_VALID_CHECKSUM;
        v->confidence = PIISCAN_CONF_HIGH;
        return;
    }
    /* Masked in the source: no Luhn possible; the visible prefix and the
     * length must fit a scheme.  A grouped value with masks in the middle
     * groups but a placeholder prefix (1234-56**-****-3456, the stock example
     * in masking guides) is still a masked card number, reported low. */
    if (visible == 0)
        return;
    v->accept = 1;
    v->masked = 1;
    v->validation = PIISCAN_VALID_STRUCTURAL;
    if (pii_card_scheme(c->digits, n, visible) != PII_CARD_NONE)
        v->confidence = PIISCAN_CONF_MEDIUM;
    else if (ng >= 3 && visible >= 4)
        v->confidence = PIISCAN_CONF_LOW;
    else
        v->accept = 0;
}

/* Unmasked, a card is 13-19 digits of a known issuer prefix that pass Luhn:
 * a 13-digit timestamp (1704067215096) or a Korean barcode (880...) has no
 * issuer prefix, so no length of the run can be one. */
static int rejects_run_card(const char *run, size_t len)
{
    for (size_t n = 13; n <= 19 && n <= len; n++)
        if (pii_card_scheme(run, n, n) != PII_CARD_NONE && pii_luhn_ok(run, n))
            return 0;
    return 1;
}

/* Display: first 6 and last 4 digits (the PCI DSS 3.4 maximum; the Korean
 * receipt convention masks even more, KOREAN-PII-RULES 1.9). */
static void display_card(const pii_candidate *c, char *out, size_t cap)
{
    uint8_t keep[PII_NORM_MAX + 1];
    size_t n = c->ndigits;
    /* Values shorter than a card (custom `luhn` patterns) would show most of
     * their digits that way: they keep the last 4 only, and only from 8. */
    for (size_t i = 0; i < n; i++)
        keep[i] = n >= 13 ? (i < 6 || i + 4 >= n) : (n >= 8 && i + 4 >= n);
    pii_display_digits(c, keep, n, out, cap);
}

/* `luhn`: a Luhn check and nothing else, for custom patterns (membership or
 * gift-card numbers); masked values cannot be checked and are dropped. */
static void validate_luhn(const pii_candidate *c, pii_verdict *v)
{
    if (c->nmask > 0 || !pii_luhn_ok(c->digits, c->ndigits)) {
        v->accept = 0;
        return;
    }
    v->masked = 0;
    v->validation = PIISCAN_VALID_CHECKSUM;
}

const pii_detector pii_detector_card = {"card", validate_card, display_card, rejects_run_card};
const pii_detector pii_detector_luhn = {"luhn", validate_luhn, display_card, NULL};
