/* email.c -- e-mail addresses (email).
 *
 * The common addr-spec shape (RFC 5321/5322 dot-atom): local part of at most
 * 64 characters, a domain of dot-separated labels (1-63 letters, digits and
 * inner hyphens) ending in an alphabetic top-level label of 2+ letters, at
 * most 254 characters in all.  Quoted local parts and IP-literal domains are
 * not personal data in practice and are not matched.  The top-level label
 * must be a delegated TLD (IANA's list, tld_table.h).  Internationalised
 * domains are taken where they are Korean: labels may be Hangul syllables
 * (U+AC00..U+D7A3, as UTF-8), and the top-level label may be 한국, the
 * IDN ccTLD (xn--3e0b707e); a label's length is counted in bytes of UTF-8,
 * a little stricter than the 63 octets of its punycode form.  Traps: retina asset
 * names (icon@2x.png), host-less or numeric "domains" (user@localhost,
 * foo@1.2.3), and code (q@k.transpose). */
#include <ctype.h>
#include <string.h>

#include "checks.h"
#include "detect.h"
#include "tld_table.h"

/* File extensions that follow "@2x" in asset names; none is a delegated TLD. */
static const char *const image_exts[] = {"png", "jpg", "jpeg", "gif", "webp", "svg",
                                         "bmp", "ico", "tif", "tiff", "avif", "heic"};

static int ieq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++)
        if (tolower((unsigned char)a[i]) != b[i])
            return 0;
    return 1;
}

/* 1 if the top-level label is a delegated TLD (IANA's list; case-insensitive).
 * Code is full of name@word.word that is no address: numpy's matrix product
 * (q@k.transpose, x@self.weight), decorators after a token
 * (0@pytest.mark.skipif). */
static int known_tld(const char *t, size_t n)
{
    char low[64];
    if (n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)t[i]);
    low[n] = 0;
    size_t lo = 0, hi = sizeof pii_tlds / sizeof pii_tlds[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(pii_tlds[mid], low);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Bytes of the Hangul syllable (U+AC00..U+D7A3) at p (3), or 0. */
static size_t hangul_at(const char *p, const char *end)
{
    if (end - p < 3)
        return 0;
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] < 0xEA || u[0] > 0xED || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80)
        return 0;
    unsigned cp = ((unsigned)(u[0] & 0x0F) << 12) | ((unsigned)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    return cp >= 0xAC00 && cp <= 0xD7A3 ? 3 : 0;
}

/* 한국, the Korean IDN top-level domain, in UTF-8. */
static const char tld_hanguk[] = "\xED\x95\x9C\xEA\xB5\xAD";

static void validate_email(const pii_candidate *c, pii_verdict *v)
{
    /* The matched bytes themselves, not the normalised form: the regex
     * takes ASCII and Hangul only, and norm has one '~' per Hangul
     * syllable. */
    const char *s = (const char *)c->text;
    size_t n = c->len;
    const char *at = memchr(s, '@', n);
    v->accept = 0;
    if (!at || n > 254)
        return;
    size_t ll = (size_t)(at - s), dl = n - ll - 1;
    if (ll < 1 || ll > 64 || dl < 4)
        return;
    if (s[0] == '.' || s[ll - 1] == '.')
        return;
    int masked = 0;
    for (size_t i = 0; i < ll; i++) {
        if (s[i] == '.' && s[i + 1] == '.')
            return;
        masked |= s[i] == '*';
    }
    /* Domain labels. */
    const char *d = at + 1, *end = s + n;
    const char *first = NULL, *last = NULL;
    size_t first_len = 0, last_len = 0, labels = 0;
    for (const char *p = d; p < end;) {
        const char *q = memchr(p, '.', (size_t)(end - p));
        if (!q)
            q = end;
        size_t len = (size_t)(q - p);
        if (len < 1 || len > 63 || p[0] == '-' || p[len - 1] == '-')
            return;
        for (size_t i = 0; i < len;) {
            size_t h = hangul_at(p + i, q);
            if (h) {
                i += h;
                continue;
            }
            if (!isalnum((unsigned char)p[i]) && p[i] != '-')
                return;
            i++;
        }
        if (!first) {
            first = p;
            first_len = len;
        }
        last = p;
        last_len = len;
        labels++;
        p = q + 1;
        if (q == end)
            break;
        if (p == end)
            return; /* trailing dot */
    }
    if (labels < 2 || last_len < 2)
        return;
    int idn_tld = last_len == sizeof tld_hanguk - 1 && !memcmp(last, tld_hanguk, last_len);
    for (size_t i = 0; i < last_len && !idn_tld; i++)
        if (!isalpha((unsigned char)last[i]))
            return; /* foo@1.2.3: the top-level label is letters */
    /* icon@2x.png, sprite@1.5x.gif: a density suffix, not a host. */
    if (first_len >= 2 && (first[first_len - 1] == 'x' || first[first_len - 1] == 'X') &&
        isdigit((unsigned char)first[0]))
        return;
    for (size_t i = 0; i < sizeof image_exts / sizeof image_exts[0]; i++)
        if (ieq(last, last_len, image_exts[i]))
            return;
    if (!idn_tld && !known_tld(last, last_len))
        return;
    v->accept = 1;
    v->validation = PIISCAN_VALID_STRUCTURAL;
    /* x and X are letters here, not masks: only '*' in the local part is. */
    v->masked = masked;
}

/* Display: the first character of the local part, then ***@domain
 * (h***@example.co.kr).  The domain is an organisation, not the person. */
static void display_email(const pii_candidate *c, char *out, size_t cap)
{
    const char *s = (const char *)c->text;
    const char *at = memchr(s, '@', c->len);
    if (cap == 0)
        return;
    if (!at || at == s || (unsigned char)s[0] >= 0x80) {
        out[0] = 0;
        return;
    }
    size_t dl = c->len - (size_t)(at - s);
    size_t o = 0;
    out[o++] = s[0];
    for (int i = 0; i < 3 && o + 1 < cap; i++)
        out[o++] = '*';
    /* the domain (ASCII and Hangul, as matched), never cut inside a
     * UTF-8 sequence */
    if (o + dl < cap) {
        memcpy(out + o, at, dl);
        o += dl;
    }
    out[o] = 0;
}

const pii_detector pii_detector_email = {"email", validate_email, display_email, NULL};
