/* none.c -- the validator of custom patterns that need none: the regex (and
 * context, if required) decide alone; the verdict keeps the scanner's
 * defaults (structural, the pattern's confidence, masked if mask characters
 * were seen). */
#include "checks.h"
#include "detect.h"

static void validate_none(const pii_candidate *c, pii_verdict *v)
{
    (void)c;
    (void)v;
}

/* Display: nothing of a custom value is known to be safe, so every letter,
 * digit and non-ASCII character is masked; separators and punctuation stay
 * so the shape can still be recognised (EMP-123456 -> ***-******). */
static void display_none(const pii_candidate *c, char *out, size_t cap)
{
    size_t o = 0;
    if (cap == 0)
        return;
    for (size_t i = 0; i < c->norm_len && o + 1 < cap; i++) {
        char ch = c->norm[i];
        int hide = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
                   (ch >= 'A' && ch <= 'Z') || ch == '~';
        out[o++] = hide ? '*' : (ch < 0x20 || ch == 0x7f) ? '?' : ch;
    }
    out[o] = 0;
}

const pii_detector pii_detector_none = {"none", validate_none, display_none, NULL};
