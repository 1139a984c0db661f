/* passport.c -- Korean passport numbers (kr_passport).
 *
 * Shapes (KOREAN-PII-RULES 1.3: busanjin.go.kr, Microsoft Purview, Presidio
 * kr_passport_recognizer): one letter and 8 digits (M12345678), and since
 * the next-generation passport of 2021-12-21 letter + 3 digits + letter +
 * 4 digits (M123A4567).  First letters: M multiple, S single, R residence,
 * D diplomatic, and official G (passport.go.kr) or O (Purview, Presidio) --
 * sources disagree, both are accepted.  Lower case is accepted as in the
 * Presidio vectors.  There is no public checksum, and the bare shape is
 * common in part and order codes (FluxGuard v0.25.0 notes), so a passport
 * is reported only with a keyword nearby: validation "context". */
#include <ctype.h>
#include <string.h>

#include "checks.h"
#include "detect.h"

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static void validate_passport(const pii_candidate *c, pii_verdict *v)
{
    const char *s = c->norm;
    v->accept = 0;
    /* One space may follow the type letter ("M 12345678"). */
    size_t sp = c->norm_len == 10 && s[1] == ' ';
    if (c->norm_len != 9 + sp || !s[0] || !strchr("MSRDGO", toupper((unsigned char)s[0])))
        return;
    const char *t = s + 1 + sp;
    int old_form = all_digits(t, 8);
    int new_form = all_digits(t, 3) && isalpha((unsigned char)t[3]) && all_digits(t + 4, 4);
    if (!old_form && !new_form)
        return;
    if (!c->has_context(c))
        return; /* the pattern requires it too (context_required = yes) */
    v->accept = 1;
    /* An X in M123X4567 is the series letter, not a mask. */
    v->masked = 0;
    v->validation = PIISCAN_VALID_CONTEXT;
}

/* Display: the type letter only -- M******** (the rest identifies the person). */
static void display_passport(const pii_candidate *c, char *out, size_t cap)
{
    size_t o = 0;
    if (cap == 0)
        return;
    for (size_t i = 0; i < c->norm_len && o + 1 < cap; i++)
        out[o++] = i == 0 && isalpha((unsigned char)c->norm[0]) ? c->norm[0] : c->norm[i] == ' ' ? ' ' : '*';
    out[o] = 0;
}

const pii_detector pii_detector_kr_passport = {"kr_passport", validate_passport, display_passport, NULL};
