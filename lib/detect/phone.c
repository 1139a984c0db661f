/* phone.c -- Korean phone numbers (kr_phone).
 *
 * Numbering plan: Google libphonenumber KR metadata (python-phonenumbers
 * region_KR.py) and the area-code list in KOREAN-PII-RULES 1.8.  Personal
 * numbers only: mobiles 010 and legacy 011/016-019, geographic area codes,
 * 070 (VoIP) and 0502-0508 (personal "safe" numbers).  Representative
 * numbers (15xx/16xx/18xx-xxxx), 080 toll-free, 060 premium and 015 pagers
 * are businesses or services, not people, and are not reported. */
#include <string.h>

#include "checks.h"
#include "detect.h"

int pii_kr_phone_prefix(const char *nat, size_t n, int *mobile)
{
    int mob = 0;
    size_t plen = 0, lo = 0, hi = 0;
    if (n < 9 || nat[0] != '0')
        return 0;
    char a = nat[1], b = nat[2], d3 = n > 3 ? nat[3] : 0;
    if (a == '1' && strchr("016789", b) && b) {
        mob = 1; /* 010, 011, 016-019: 01X-XXX(X)-XXXX */
        plen = 3, lo = 10, hi = 11;
    } else if (a == '2') {
        plen = 2, lo = 9, hi = 10; /* Seoul 02-XXX(X)-XXXX */
    } else if (a == '5' && b == '0') {
        if (d3 < '2' || d3 > '8')
            return 0; /* 0502-0508 personal numbers: 50\d{8,9} */
        plen = 4, lo = 11, hi = 12;
    } else if ((a == '3' && b >= '1' && b <= '3') || (a == '4' && b >= '1' && b <= '4') ||
               (a == '5' && b >= '1' && b <= '5') || (a == '6' && b >= '1' && b <= '4')) {
        plen = 3, lo = 10, hi = 11; /* 031-033, 041-044, 051-055, 061-064 */
    } else if (a == '7' && b == '0') {
        plen = 3, lo = 11, hi = 11; /* 070-XXXX-XXXX */
    } else {
        return 0;
    }
    if (n < lo || n > hi)
        return 0;
    for (size_t i = 0; i < plen; i++)
        if (nat[i] < '0' || nat[i] > '9')
            return 0; /* the prefix must be visible to be validated */
    if (mobile)
        *mobile = mob;
    return (int)plen;
}

/* The national number of a candidate: its digits, with +82 replaced by the
 * trunk prefix 0 ("+82 10-..." and "+82 (0)10-..." both give 010...).
 * Returns its length (0 if unusable); *skip receives how many leading
 * candidate digits are not part of it ("82"), *added 1 if a 0 was added. */
static size_t national(const pii_candidate *c, char *nat, size_t cap, size_t *skip, int *added)
{
    size_t start = 0;
    *added = 0;
    if (c->norm_len > 0 && c->norm[0] == '+') {
        if (c->ndigits < 3 || c->digits[0] != '8' || c->digits[1] != '2')
            return 0;
        start = 2;
    }
    *skip = start;
    size_t n = 0;
    if (start && c->digits[start] != '0') {
        nat[n++] = '0';
        *added = 1;
    }
    for (size_t i = start; i < c->ndigits && n + 1 < cap; i++)
        nat[n++] = c->digits[i];
    nat[n] = 0;
    return n;
}

static void validate_phone(const pii_candidate *c, pii_verdict *v)
{
    char nat[32];
    size_t skip, g[8];
    int added, mobile = 0, consistent;
    v->accept = 0;
    if (c->ndigits > 16)
        return;
    size_t n = national(c, nat, sizeof nat, &skip, &added);
    int plen = pii_kr_phone_prefix(nat, n, &mobile);
    if (plen == 0)
        return;
    size_t ng = pii_digit_groups(c, g, 8, &consistent);
    if (ng > 8)
        return;
    /* Groups of the national part: +82 contributes one group ("82"). */
    size_t first = skip ? 1 : 0;
    if (skip && ng == 1)
        first = 0; /* +821012345678: one run, the country code included */
    else if (skip && g[0] != 2)
        return;
    size_t nng = ng - first;
    int separated = nng >= 3;
    if (separated) {
        /* area-mid-last: last is 4, mid 3 or 4, and the area group is
         * exactly the prefix (less the trunk 0 that +82 replaces; "+82 (0)10"
         * writes it as a group of its own). */
        size_t mid = g[ng - 2], last = g[ng - 1];
        size_t area = 0, nareas = nng - 2;
        for (size_t i = first; i + 2 < ng; i++)
            area += g[i];
        int zero_group = skip && nareas == 2 && g[first] == 1;
        if (last != 4 || mid < 3 || mid > 4 || (nareas != 1 && !zero_group) ||
            area + (size_t)added != (size_t)plen)
            return;
        if (nat[1] == '7' && mid != 4)
            return; /* 070 numbers have 8-digit subscriber numbers */
        /* One separator within the national number (the regex checks this
         * too; "+82 10-..." may differ after the country code), unless the
         * area code is closed by a parenthesis: (02) 123-4567, 02)123-4567. */
        size_t n_all = c->ndigits;
        size_t p_last = c->digit_pos[n_all - last], p_mid = c->digit_pos[n_all - last - mid];
        char before_mid = c->norm[p_mid - 1];
        int paren = before_mid == ')' || (before_mid == ' ' && p_mid >= 2 && c->norm[p_mid - 2] == ')');
        if (!paren && c->norm[p_last - 1] != before_mid)
            return;
    } else if (nng != 1) {
        return;
    }
    v->accept = 1;
    v->validation = PIISCAN_VALID_STRUCTURAL;
    if (c->nmask > 0) {
        v->masked = 1;
        v->confidence = PIISCAN_CONF_MEDIUM;
        return;
    }
    v->masked = 0;
    if (separated) {
        /* A written-out mobile number is a person; a landline may be a shop. */
        v->confidence = mobile || c->has_context(c) ? PIISCAN_CONF_HIGH : PIISCAN_CONF_MEDIUM;
        return;
    }
    /* A bare digit run: 010 + 8 digits is distinctive enough; any other bare
     * run (0212345678, 0311234567) looks like an ID or a serial and needs a
     * keyword (전화, 연락처, phone ...). */
    int ctx = c->has_context(c);
    if (nat[1] == '1' && nat[2] == '0' && n == 11)
        v->confidence = ctx ? PIISCAN_CONF_HIGH : PIISCAN_CONF_MEDIUM;
    else if (ctx)
        v->confidence = PIISCAN_CONF_MEDIUM;
    else
        v->accept = 0;
}

/* Display: the middle group (the subscriber's exchange) is masked --
 * 010-****-5678; a bare run keeps its prefix and last four: 010****5678. */
static void display_phone(const pii_candidate *c, char *out, size_t cap)
{
    uint8_t keep[PII_NORM_MAX + 1];
    char nat[32];
    size_t skip, g[8];
    int added, mobile, consistent;
    size_t n = c->ndigits;
    size_t nn = national(c, nat, sizeof nat, &skip, &added);
    int plen = pii_kr_phone_prefix(nat, nn, &mobile);
    size_t ng = pii_digit_groups(c, g, 8, &consistent);
    if (plen == 0 || ng > 8) {
        pii_display_digits(c, keep, 0, out, cap); /* not validated: mask everything */
        return;
    }
    /* Kept: the digits before the hidden part and the last four. */
    size_t hide_from = ng >= 3 && g[ng - 1] == 4 ? n - g[ng - 1] - g[ng - 2]
                                                 : skip + (size_t)plen - (size_t)added;
    size_t tail = n > 4 ? n - 4 : 0;
    memset(keep, 1, n);
    if (hide_from < tail)
        memset(keep + hide_from, 0, tail - hide_from);
    pii_display_digits(c, keep, n, out, cap);
}

const pii_detector pii_detector_kr_phone = {"kr_phone", validate_phone, display_phone, NULL};
