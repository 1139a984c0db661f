/* candidate.c -- builds a pii_candidate from a regex match (the normalised
 * ASCII view every validator works on) and the shared display helper.
 *
 * The character classes here must agree with the regex macros
 * (lib/engine/patternset.c) and the prefilter (lib/scan/prefilter.c): a
 * full-width digit the regex accepted as {{DIGIT}} must come out as a digit
 * here, or a validator would see a shorter number than the regex matched. */
#include <stdint.h>
#include <string.h>

#include "detect.h"

/* Decodes one UTF-8 character at p (n bytes available).  Returns its code
 * point and stores its byte length in *clen; an invalid or truncated
 * sequence counts as one byte with code point 0xFFFD, so a stray high byte
 * never swallows the digit after it. */
static unsigned long utf8_next(const uint8_t *p, size_t n, size_t *clen)
{
    uint8_t b = p[0];
    *clen = 1;
    if (b < 0x80)
        return b;
    size_t want;
    unsigned long cp;
    if (b >= 0xC2 && b <= 0xDF) {
        want = 2;
        cp = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
        want = 3;
        cp = b & 0x0Fu;
    } else if (b >= 0xF0 && b <= 0xF4) {
        want = 4;
        cp = b & 0x07u;
    } else {
        return 0xFFFD;
    }
    if (want > n)
        return 0xFFFD;
    for (size_t i = 1; i < want; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0xFFFD;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    *clen = want;
    return cp;
}

/* The normalised ASCII character for code point cp (see detect.h). */
static char norm_char(unsigned long cp)
{
    if (cp < 0x80)
        return (char)cp;
    if (cp >= 0xFF10 && cp <= 0xFF19) /* full-width digits */
        return (char)('0' + (cp - 0xFF10));
    if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFF0D || cp == 0x30FC)
        return '-'; /* the dash family of {{DASH}} */
    if (cp == 0x25CF || cp == 0x25CB || cp == 0xFF0A || cp == 0x00D7)
        return '*'; /* ● ○ ＊ × */
    if (cp >= 0xFF21 && cp <= 0xFF3A) /* full-width A-Z */
        return (char)('A' + (cp - 0xFF21));
    if (cp >= 0xFF41 && cp <= 0xFF5A) /* full-width a-z */
        return (char)('a' + (cp - 0xFF41));
    if (cp == 0x3000 || cp == 0x00A0) /* ideographic and no-break space ({{SP}}) */
        return ' ';
    return '~';
}

static int is_mask_char(char ch)
{
    return ch == '*' || ch == '#' || ch == 'x' || ch == 'X';
}

static int no_context(const pii_candidate *c)
{
    (void)c;
    return 0;
}

static int no_name(const pii_candidate *c, unsigned before)
{
    (void)c;
    (void)before;
    return 0;
}

void pii_candidate_init(pii_candidate *c, pii_candidate_buf *buf, const uint8_t *text, size_t len)
{
    if (len > PII_NORM_MAX)
        len = PII_NORM_MAX; /* the scanner never passes more; stay in bounds anyway */
    size_t ni = 0, di = 0, nmask = 0;
    for (size_t i = 0; i < len;) {
        size_t clen = 1;
        char ch;
        if (text[i] < 0x80) /* most of every value: no decoding */
            ch = (char)text[i];
        else
            ch = norm_char(utf8_next(text + i, len - i, &clen));
        buf->norm[ni] = ch;
        buf->norm_off[ni] = (uint16_t)i;
        if (ch >= '0' && ch <= '9') {
            buf->digits[di] = ch;
            buf->digit_pos[di++] = (uint16_t)ni;
        } else if (is_mask_char(ch)) {
            buf->digits[di] = '*';
            buf->digit_pos[di++] = (uint16_t)ni;
            nmask++;
        }
        ni++;
        i += clen;
    }
    c->ngroups = SIZE_MAX; /* worked out when first asked (pii_digit_groups) */
    buf->norm[ni] = 0;
    buf->norm_off[ni] = (uint16_t)len;
    buf->digits[di] = 0;
    c->text = text;
    c->len = len;
    c->norm = buf->norm;
    c->norm_len = ni;
    c->norm_off = buf->norm_off;
    c->digits = buf->digits;
    c->ndigits = di;
    c->digit_pos = buf->digit_pos;
    c->nmask = nmask;
    c->rrn_policy = PIISCAN_RRN_CONTEXT;
    c->has_context = no_context;
    c->names_value = no_name;
    c->scan_state = NULL;
}

void pii_display_digits(const pii_candidate *c, const uint8_t *keep, size_t keep_len, char *out,
                        size_t cap)
{
    if (cap == 0)
        return;
    /* The normalised text, then '*' over each digit position not kept -- a
     * mask character of the source is always rendered as '*'.  At a digit
     * position norm holds the digit itself.  (A branch per character cost
     * 300 instructions a phone number: a CSV export shows 23,000 per 4 MiB.) */
    size_t o = c->norm_len < cap - 1 ? c->norm_len : cap - 1;
    memcpy(out, c->norm, o);
    out[o] = 0;
    for (char *q = memchr(out, '~', o); q; q = memchr(q + 1, '~', (size_t)(out + o - (q + 1))))
        *q = '?'; /* what norm_char() makes of a character it cannot show */
    for (size_t di = 0; di < c->ndigits && c->digit_pos[di] < o; di++)
        if (di >= keep_len || !keep[di] || c->digits[di] == '*')
            out[c->digit_pos[di]] = '*';
}

/* ---- helpers shared by the validators (checks.h) ---------------------------- */

#include "checks.h"

int pii_digits_int(const char *d, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i] < '0' || d[i] > '9')
            return -1;
        v = v * 10 + (d[i] - '0');
    }
    return v;
}

/* The groups of norm: runs of digit/mask positions, and whether one and
 * the same separator character lies between each two. */
static void work_out_groups(pii_candidate *c)
{
    /* From the digit positions alone: a group is a run of consecutive
     * positions; what lies between two groups is their separator. */
    size_t ng = 0, nd = c->ndigits;
    int consistent = 1;
    char sep = 0;
    for (size_t di = 0; di < nd;) {
        size_t first = di;
        while (di + 1 < nd && c->digit_pos[di + 1] == c->digit_pos[di] + 1)
            di++;
        di++;
        if (ng < PII_CAND_GROUPS)
            c->group_size[ng] = (uint16_t)(di - first);
        ng++;
        if (di < nd) {
            size_t gap_at = (size_t)c->digit_pos[di - 1] + 1;
            if ((size_t)c->digit_pos[di] - gap_at != 1 || (sep && sep != c->norm[gap_at]))
                consistent = 0;
            sep = c->norm[gap_at];
        }
    }
    c->ngroups = ng;
    c->groups_consistent = consistent;
}

size_t pii_digit_groups(const pii_candidate *c, size_t *sizes, size_t max, int *seps)
{
    if (c->ngroups == SIZE_MAX) {
        /* Kept in the candidate: a phone number's validator and display
         * both ask.  (No candidate is an object defined const: the
         * scanner's and the tests' are plain variables.) */
        work_out_groups((pii_candidate *)(uintptr_t)c);
    }
    for (size_t g = 0; g < c->ngroups && g < max && g < PII_CAND_GROUPS; g++)
        sizes[g] = c->group_size[g];
    if (seps)
        *seps = c->groups_consistent;
    return c->ngroups;
}

int pii_norm_has(const pii_candidate *c, char ch)
{
    return memchr(c->norm, ch, c->norm_len) != NULL;
}
