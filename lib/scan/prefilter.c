/* prefilter.c -- see prefilter.h.  Outside a cluster the loop skips 16 bytes
 * at a time (SSE2) to the next byte that can start one; inside a cluster it
 * walks character by character. */
#include "prefilter.h"

#include "engine.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
#include <emmintrin.h>
#endif

void pii_prefilter_init(pii_prefilter *pf, unsigned min_digits, unsigned sat_digits, int want_at)
{
    memset(pf, 0, sizeof *pf);
    pf->min_digits = min_digits;
    pf->sat_digits = sat_digits < PII_CLUSTER_SATURATED ? PII_CLUSTER_SATURATED : sat_digits;
    pf->want_at = want_at;
}

static uint64_t sub_sat(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

static int push(pii_winvec *out, uint64_t ws, uint64_t we, uint64_t cs, uint32_t count,
                unsigned group, uint64_t groups, uint8_t at)
{
    if (we <= ws)
        return 0;
    if (out->n == out->cap) {
        size_t ncap = out->cap ? out->cap * 2 : 64;
        pii_window *nv = realloc(out->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        out->v = nv;
        out->cap = ncap;
    }
    /* Subject end: a whole cluster's matches end near its last member; a
     * piece of a long run or an '@' window may be followed by more value. */
    uint64_t se = we + ((at || group >= 255) ? PII_MAX_MATCH : PII_WINDOW_TAIL);
    out->v[out->n++] = (pii_window){ws,     we, cs, se, count, (uint8_t)(group > 255 ? 255 : group),
                                    group >= 255 ? ~(uint64_t)0 : groups, at};
    return 0;
}

static uint64_t group_bit(unsigned len)
{
    return (uint64_t)1 << (len < 63 ? len : 63);
}

static int close_cluster(pii_prefilter *pf, pii_winvec *out)
{
    int r = 0;
    if (pf->count >= pf->min_digits)
        r = push(out, pf->cl_ws, pf->cl_last_end, pf->cl_cs, pf->count,
                 pf->count >= pf->sat_digits ? 255 : pf->group,
                 pf->gap == 0 ? pf->groups | group_bit(pf->run) : pf->groups, 0);
    pf->open = 0;
    pf->count = 0;
    pf->gap = 0;
    pf->run = 0;
    pf->group = 0;
    pf->groups = 0;
    return r;
}

/* Character classes. */
enum { C_OTHER, C_DIGIT, C_MASK, C_XMASK, C_AT, C_BREAK };

/* Classifies the character at p (n bytes available).  *clen receives its
 * length; returns -1 if more bytes are needed to tell.  A lead byte whose
 * continuation bytes are not 0x80..0xBF counts as a one-byte character, so
 * a digit after a stray high byte is never swallowed. */
static int classify(const uint8_t *p, size_t n, int eof, size_t *clen)
{
    uint8_t b = p[0];
    *clen = 1;
    if (b < 0x80) {
        if (b >= '0' && b <= '9')
            return C_DIGIT;
        switch (b) {
        case '*':
        case '#':
            return C_MASK;
        case 'x':
        case 'X':
            return C_XMASK;
        case '@':
            return C_AT;
        case '\n':
        case '\r':
        case '\t':
        case ',':
        case ';':
        case '|':
        case '"':
        case '\'':
        case '=':
        case ':':
        case '/':
        case '<':
        case '>':
            return C_BREAK;
        default:
            return C_OTHER;
        }
    }
    /* A letter of another script (Hangul, CJK, most of Latin-1 and the
     * rest) ends a cluster: values hold only digits, masks, ASCII and the
     * separators of {{DASH}}/{{SP}}/{{SEP}} (lead bytes C2 E2 E3 EF) and ×
     * (C3).  In Korean prose this closes "2024년" at 년 instead of walking
     * two more characters, and keeps dates written with 년 월 일 apart. */
    if (b >= 0xC0 && b != 0xC2 && b != 0xC3 && b != 0xE2 && b != 0xE3 && b != 0xEF)
        return C_BREAK;
    size_t want = b >= 0xF0 && b <= 0xF7 ? 4 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 1;
    if (want == 1)
        return C_OTHER;
    for (size_t i = 1; i < want; i++) {
        if (i >= n)
            return eof ? C_OTHER : -1;
        if ((p[i] & 0xC0) != 0x80)
            return C_OTHER; /* invalid: one byte */
    }
    *clen = want;
    if (b == 0xEF && p[1] == 0xBC) {
        if (p[2] >= 0x90 && p[2] <= 0x99)
            return C_DIGIT; /* ０..９ */
        if (p[2] == 0x8A)
            return C_MASK; /* ＊ */
    } else if (b == 0xE2 && p[1] == 0x97 && (p[2] == 0x8F || p[2] == 0x8B)) {
        return C_MASK; /* ● ○ */
    } else if (b == 0xC3 && p[1] == 0x97) {
        return C_MASK; /* × */
    }
    return C_OTHER;
}

/* 1 if classify() calls the character starting with byte b a breaker
 * whatever follows it. */
static void open_cluster(pii_prefilter *pf, uint64_t at_pos)
{
    pf->open = 1;
    pf->cl_ws = sub_sat(at_pos, PII_WINDOW_PRE);
    pf->cl_cs = at_pos;
    pf->count = 0;
    pf->run = 0;
    pf->group = 0;
    pf->groups = 0;
    pf->gap = 0;
}

static int closes(uint8_t b)
{
    if (b >= 0xC0)
        return b != 0xC2 && b != 0xC3 && b != 0xE2 && b != 0xE3 && b != 0xEF;
    switch (b) {
    case '\n': case '\r': case '\t': case ',': case ';': case '|': case '"': case '\'':
    case '=': case ':': case '/': case '<': case '>':
        return 1;
    default:
        return 0;
    }
}

/* Index of the first byte in p[0..n) that can start a cluster or is an '@'
 * (when wanted), or n. */
static size_t skip_boring(const uint8_t *p, size_t n, int want_at)
{
    size_t i = 0;
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
    const __m128i c0 = _mm_set1_epi8('0'), c9 = _mm_set1_epi8(9);
    const __m128i star = _mm_set1_epi8('*'), hash = _mm_set1_epi8('#');
    const __m128i e2 = _mm_set1_epi8((char)0xE2), ef = _mm_set1_epi8((char)0xEF);
    const __m128i c3 = _mm_set1_epi8((char)0xC3);
    const __m128i at = _mm_set1_epi8(want_at ? '@' : '0');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i t = _mm_sub_epi8(v, c0);
        __m128i dig = _mm_cmpeq_epi8(_mm_min_epu8(t, c9), t);
        __m128i m = _mm_or_si128(dig, _mm_or_si128(_mm_cmpeq_epi8(v, star), _mm_cmpeq_epi8(v, hash)));
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, e2), _mm_cmpeq_epi8(v, ef)));
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, c3), _mm_cmpeq_epi8(v, at)));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; i < n; i++) {
        uint8_t b = p[i];
        if ((b >= '0' && b <= '9') || b == '*' || b == '#' || b == 0xE2 || b == 0xEF || b == 0xC3 ||
            (want_at && b == '@'))
            return i;
    }
    return n;
}

int pii_prefilter_run(pii_prefilter *pf, const uint8_t *text, uint64_t base, size_t len, int eof,
                      pii_winvec *out)
{
    const int digits_on = pf->min_digits > 0;
    size_t i = (size_t)(pf->pos - base);
    while (i < len) {
        if (!pf->open) {
            if (!digits_on) {
                /* No digit-triggered pattern: only '@' matters. */
                const uint8_t *at = pf->want_at ? memchr(text + i, '@', len - i) : NULL;
                if (!at) {
                    i = len;
                    break;
                }
                i = (size_t)(at - text);
            } else {
                i += skip_boring(text + i, len - i, pf->want_at);
                /* Most numbers in prose are short and end at a breaker
                 * ("3월", "12,000원", "10:22"): a cluster that would open
                 * here, hold only this run and close at once, below every
                 * trigger.  Step over it without opening it. */
                if (i < len && (unsigned)(text[i] - '0') < 10) {
                    size_t j = pii_digits_end(text, i + 1, len);
                    if (j < len && j - i < pf->min_digits && closes(text[j])) {
                        i = j + 1;
                        continue;
                    }
                    /* Otherwise open it with this run, as below would. */
                    open_cluster(pf, base + i);
                    unsigned n = (unsigned)(j - i);
                    pf->count = pf->run = pf->group = n;
                    pf->cl_last_end = base + j;
                    i = j;
                    continue;
                }
            }
            if (i >= len)
                break;
        }
        size_t clen;
        int c = classify(text + i, len - i, eof, &clen);
        if (c < 0)
            break; /* wait for the rest of the character */
        uint64_t at_pos = base + i;
        if (c == C_AT && pf->want_at &&
            push(out, sub_sat(at_pos, PII_AT_BACK), at_pos, sub_sat(at_pos, PII_AT_BACK), 0, 0, 0, 1) != 0)
            return -1;
        if (c == C_XMASK)
            c = pf->open ? C_MASK : C_OTHER; /* x/X only mask inside a run: "x" is a letter */
        if (c == C_DIGIT || c == C_MASK) {
            if (digits_on) {
                if (!pf->open)
                    open_cluster(pf, at_pos);
                /* Digit-dense text: take a whole run of ASCII digits at once. */
                size_t j = i + clen;
                if (c == C_DIGIT && clen == 1)
                    j = pii_digits_end(text, j, len);
                unsigned n = (unsigned)(j - i - clen) + 1;
                pf->count += n;
                pf->run = pf->gap == 0 ? pf->run + n : n;
                if (pf->run > pf->group)
                    pf->group = pf->run;
                pf->gap = 0;
                pf->cl_last_end = base + j;
                i = j;
                continue;
            }
        } else if (pf->open) {
            if (pf->gap == 0)
                pf->groups |= group_bit(pf->run); /* the group that just ended */
            if (c == C_BREAK || ++pf->gap > PII_CLUSTER_GAP) {
                if (close_cluster(pf, out) != 0)
                    return -1;
            }
        }
        i += clen;
    }
    pf->pos = base + i;
    if (pf->open && eof && i >= len) {
        if (close_cluster(pf, out) != 0)
            return -1;
    } else if (pf->open && pf->count >= pf->sat_digits && pf->cl_last_end > pf->cl_ws) {
        /* A long run that already satisfies every pattern: hand over what we
         * have so far, so memory stays bounded on a megabyte of digits.
         * Pieces are contiguous, so their union (all the scanner looks at)
         * does not depend on where the chunks ended. */
        if (push(out, pf->cl_ws, pf->cl_last_end, pf->cl_cs, pf->count, 255, 0, 0) != 0)
            return -1;
        /* The next piece continues the run: no prefix before it. */
        pf->cl_ws = pf->cl_cs = pf->cl_last_end;
    }
    return 0;
}

uint64_t pii_prefilter_horizon(const pii_prefilter *pf)
{
    uint64_t h = pf->open ? pf->cl_ws : sub_sat(pf->pos, PII_WINDOW_PRE);
    if (pf->want_at) {
        uint64_t a = sub_sat(pf->pos, PII_AT_BACK);
        if (a < h)
            h = a;
    }
    return h;
}
