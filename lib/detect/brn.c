/* brn.c -- business registration numbers (kr_brn), off by default: a BRN
 * identifies a business, and is personal data only for sole proprietors.
 *
 * XXX-YY-ZZZZC: tax office (>= 101), type (not 00), serial (not 0000) as in
 * python-stdnum kr/brn.py; check digit as in Presidio kr_brn_recognizer and
 * hongpage.kr/96 (KOREAN-PII-RULES 1.5). */
#include "checks.h"
#include "detect.h"

int pii_brn_check_ok(const char *d10)
{
    /* Weights over digits 1-9 (Presidio, hongpage.kr/96, allinfo.tistory.com/1283). */
    static const int w[9] = {1, 3, 7, 1, 3, 7, 1, 3, 5};
    int sum = 0;
    for (int i = 0; i < 9; i++)
        sum += (d10[i] - '0') * w[i];
    sum += (d10[8] - '0') * 5 / 10;
    return (10 - sum % 10) % 10 == d10[9] - '0';
}

static void validate_brn(const pii_candidate *c, pii_verdict *v)
{
    size_t g[4];
    int consistent;
    const char *d = c->digits;
    v->accept = 0;
    if (c->ndigits != 10 || c->nmask > 0)
        return;
    size_t ng = pii_digit_groups(c, g, 4, &consistent);
    if (!(ng == 1 || (ng == 3 && consistent && g[0] == 3 && g[1] == 2 && g[2] == 5)))
        return;
    if (pii_digits_int(d, 3) < 101 || pii_digits_int(d + 3, 2) == 0 ||
        pii_digits_int(d + 5, 4) == 0 || !pii_brn_check_ok(d))
        return;
    v->accept = 1;
    v->masked = 0;
    v->validation = PIISCAN_VALID_CHECKSUM;
    v->confidence = PIISCAN_CONF_HIGH;
}

/* Display: the first five digits (tax office and type) -- 104-86-*****. */
static void display_brn(const pii_candidate *c, char *out, size_t cap)
{
    static const uint8_t keep[5] = {1, 1, 1, 1, 1};
    pii_display_digits(c, keep, sizeof keep, out, cap);
}

const pii_detector pii_detector_kr_brn = {"kr_brn", validate_brn, display_brn, NULL};
