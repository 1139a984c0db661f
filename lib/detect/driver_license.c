/* driver_license.c -- Korean driver's licence numbers (kr_driver_license).
 *
 * 12 digits RR-YY-NNNNNN-NN: first-licence region, year, serial, two final
 * digits (check digit and/or re-issue count -- sources disagree, and no
 * algorithm is published, so no checksum).  Before mid-2014 the region was
 * printed as a Hangul name: 서울 12-345678-90.  KOREAN-PII-RULES 1.4
 * (Microsoft Purview SIT, Presidio kr_driver_license_recognizer,
 * librewiki 운전면허증). */
#include <string.h>

#include "checks.h"
#include "detect.h"

/* Region codes 11-26 and 28 (Purview and Presidio REGION_CODES agree; 27 is
 * unused by all three sources). */
static int region_ok(int r)
{
    return (r >= 11 && r <= 26) || r == 28;
}

static void validate_dl(const pii_candidate *c, pii_verdict *v)
{
    size_t g[6];
    int consistent;
    v->accept = 0;
    if (c->ndigits == 0)
        return;
    size_t ng = pii_digit_groups(c, g, 6, &consistent);
    if (ng > 6 || !consistent)
        return;
    /* The old form starts with the Hangul region name (normalised to '~'),
     * which the regex restricts to the 17 names of the old licences. */
    int old_form = c->norm[0] == '~';
    int bare = ng == 1;
    if (old_form) {
        if (c->ndigits != 10 || !(bare || (ng == 3 && g[0] == 2 && g[1] == 6 && g[2] == 2)))
            return;
        if (pii_digits_int(c->digits, 2) < 0)
            return; /* the year must be visible */
    } else {
        if (c->ndigits != 12 || !(bare || (ng == 4 && g[0] == 2 && g[1] == 2 && g[2] == 6 && g[3] == 2)))
            return;
        if (!region_ok(pii_digits_int(c->digits, 2)) || pii_digits_int(c->digits + 2, 2) < 0)
            return;
    }
    int ctx = c->has_context(c);
    if (!old_form && bare && !ctx)
        return; /* a bare 12-digit run is any serial number without 운전면허 near */
    v->accept = 1;
    v->validation = PIISCAN_VALID_STRUCTURAL;
    v->masked = c->nmask > 0;
    v->confidence = ctx && !v->masked ? PIISCAN_CONF_HIGH : PIISCAN_CONF_MEDIUM;
}

/* Display: region and year stay, serial and final digits go --
 * 11-22-******-** and 서울 12-******-**. */
static void display_dl(const pii_candidate *c, char *out, size_t cap)
{
    static const uint8_t keep_new[4] = {1, 1, 1, 1};
    static const uint8_t keep_old[2] = {1, 1};
    if (cap == 0)
        return;
    if (c->ndigits == 0 || c->norm[0] != '~') {
        pii_display_digits(c, keep_new, sizeof keep_new, out, cap);
        return;
    }
    /* Old form: the region name is copied from the source text (it is the
     * region the rule keeps); the rest as for digits. */
    char tmp[PII_NORM_MAX + 1];
    pii_display_digits(c, keep_old, sizeof keep_old, tmp, sizeof tmp);
    size_t p = c->digit_pos[0];
    size_t head = c->norm_off[p];
    size_t tail = strlen(tmp + p);
    if (head + tail + 1 > cap) {
        pii_display_digits(c, keep_old, sizeof keep_old, out, cap);
        return;
    }
    memcpy(out, c->text, head);
    memcpy(out + head, tmp + p, tail + 1);
}

const pii_detector pii_detector_kr_driver_license = {"kr_driver_license", validate_dl, display_dl, NULL};
