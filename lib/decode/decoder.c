/* decoder.c -- pii_decoder_init/feed/encoding: streaming, pend handling, mode
 * dispatch, UTF-8 identity and UTF8_AUTO (UTF-8 that falls back to CP949).
 *
 * Split invariance.  Every worker decodes whole characters only and, without
 * eof, leaves an incomplete character at the end of its buffer unconsumed;
 * feed() keeps those bytes in d->pend and, on the next call, decodes pend
 * plus the first few new bytes in a small buffer before going on with the
 * caller's buffer.  So a character is always decoded from all of its bytes,
 * whichever call they arrived in, and output and map do not depend on the
 * split.
 *
 * UTF8_AUTO offsets.  Before the switch to CP949 the output is the input,
 * byte for byte (including bytes held in pend, which are emitted later but
 * unchanged), so output byte k of the stream is source byte
 * start_offset + k; those bytes are reported in *ident_len and the map is
 * not written.  From the first byte of the CP949 character that caused the
 * switch on, output is mapped like any CP949 output.  Within one call the
 * identity bytes always come first, as the switch happens at most once. */
#include "decoder.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cp949.h"
#include "piiscan.h"
#include "utf16.h"

size_t pii_skip_ascii(const uint8_t *p, size_t i, size_t n)
{
#if defined(__SSE2__)
    while (n - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        if (_mm_movemask_epi8(v))
            break;
        i += 16;
    }
#endif
    while (n - i >= 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & UINT64_C(0x8080808080808080))
            break;
        i += 8;
    }
    while (i < n && p[i] < 0x80)
        i++;
    return i;
}

void pii_decoder_init(pii_decoder *d, int mode, uint64_t start_offset)
{
    memset(d, 0, sizeof *d);
    /* An unknown mode is a caller bug; identity is the one mode that never
     * writes the map, so it is the safe reading of it. */
    if (mode < PII_DEC_UTF8 || mode > PII_DEC_CP949)
        mode = PII_DEC_UTF8;
    d->mode = mode;
    d->src_pos = start_offset;
    /* UTF-16 uses hi_pos as "the stream starts here" until the first high
     * surrogate, to recognise the BOM (see utf16.h). */
    d->hi_pos = start_offset;
}

int pii_decoder_encoding(const pii_decoder *d)
{
    switch (d->mode) {
    case PII_DEC_UTF16LE:
        return PIISCAN_ENC_UTF16LE;
    case PII_DEC_UTF16BE:
        return PIISCAN_ENC_UTF16BE;
    case PII_DEC_CP949:
        return PIISCAN_ENC_CP949;
    default:
        return PIISCAN_ENC_UTF8;
    }
}

/* Copies up to n bytes unchanged; returns how many fitted. */
static size_t put_identity(pii_dec_sink *s, const uint8_t *p, size_t n)
{
    size_t room = s->cap - s->len;
    if (n > room) {
        n = room;
        s->full = 1;
    }
    if (n)
        memcpy(s->out + s->len, p, n);
    s->len += n;
    s->ident += n;
    return n;
}

/* Copies the run of ASCII bytes at the start of p[0..n) unchanged, as far as
 * it fits, checking and copying in one pass (UTF8_AUTO spends most of its
 * time here before it locks: logs and CSV exports are mostly ASCII).
 * Returns bytes copied; sets s->full if the output ran out first. */
static size_t copy_ascii(pii_dec_sink *s, const uint8_t *p, size_t n)
{
    size_t room = s->cap - s->len, lim = n < room ? n : room, i = 0;
    uint8_t *o = s->out + s->len;
#if defined(__SSE2__)
    while (lim - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        if (_mm_movemask_epi8(v))
            break;
        _mm_storeu_si128((__m128i *)(void *)(o + i), v);
        i += 16;
    }
#endif
    while (lim - i >= 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & UINT64_C(0x8080808080808080))
            break;
        memcpy(o + i, &w, 8);
        i += 8;
    }
    while (i < lim && p[i] < 0x80) {
        o[i] = p[i];
        i++;
    }
    if (i == lim && lim < n && p[i] < 0x80)
        s->full = 1;
    s->len += i;
    s->ident += i;
    return i;
}

/* Classifies the UTF-8 sequence at p[0..n), p[0] >= 0x80: its length if it is
 * a complete, valid sequence (no overlongs, surrogates or values above
 * U+10FFFF); 0 if the bytes present are a valid prefix cut short by the end of
 * the buffer; -1 if it is invalid. */
int pii_utf8_seq(const uint8_t *p, size_t n)
{
    uint8_t b = p[0];
    int len;
    uint8_t lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (b >= 0xC2 && b <= 0xDF)
        len = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else
        return -1;
    for (int k = 1; k < len; k++) {
        if ((size_t)k >= n)
            return 0;
        uint8_t c = p[k];
        if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF))
            return -1;
    }
    return len;
}

/* UTF8_AUTO before the switch.  Returns bytes consumed; sets d->mode to
 * PII_DEC_CP949 and returns the offset of the CP949 character that causes the
 * switch, for the caller to continue there. */
static size_t auto_decode(pii_decoder *d, const uint8_t *p, size_t n, int eof, pii_dec_sink *s)
{
    size_t i = 0;
    for (;;) {
        if (d->locked_utf8)
            return i + put_identity(s, p + i, n - i);
        i += copy_ascii(s, p + i, n - i);
        if (s->full || i == n)
            return i;
        int len = pii_utf8_seq(p + i, n - i);
        if (len >= 3) {
            /* Real UTF-8 (Hangul is 3 bytes in UTF-8): this is not CP949;
             * pass everything from here on. */
            d->locked_utf8 = 1;
            continue;
        }
        if (len == 2) {
            /* A valid 2-byte sequence proves little: 345 Hangul syllables in
             * CP949 (홍 C8 AB among them) are valid 2-byte UTF-8 too.  Pass
             * it through without locking; an invalid sequence later still
             * switches to CP949. */
            if (put_identity(s, p + i, 2) < 2)
                return i;
            i += 2;
            continue;
        }
        if (len == 0 && !eof)
            return i; /* decide when the rest of the sequence is here */
        /* Invalid UTF-8 (or cut short by eof).  A CP949 character here means
         * the input is CP949; the CP949 check needs the next byte. */
        if (i + 1 == n && !eof)
            return i;
        if (i + 1 < n && pii_cp949_lookup(p[i], p[i + 1])) {
            d->mode = PII_DEC_CP949;
            return i;
        }
        /* Neither: pass the byte through (the scanner matches bytes). */
        if (put_identity(s, p + i, 1) == 0)
            return i;
        i++;
    }
}

/* Decodes p[0..n) in the current mode, following a switch of mode in the
 * middle of the buffer.  Returns bytes consumed. */
static size_t run(pii_decoder *d, const uint8_t *p, size_t n, uint64_t base, int eof,
                  pii_dec_sink *s)
{
    size_t i = 0;
    for (;;) {
        int mode = d->mode;
        switch (mode) {
        case PII_DEC_UTF8_AUTO:
            i += auto_decode(d, p + i, n - i, eof, s);
            break;
        case PII_DEC_UTF16LE:
        case PII_DEC_UTF16BE:
            i += pii_utf16_decode(d, mode == PII_DEC_UTF16BE, p + i, n - i, base + i, eof, s);
            break;
        case PII_DEC_CP949:
            i += pii_cp949_decode(p + i, n - i, base + i, eof, s);
            break;
        default: /* PII_DEC_UTF8 */
            i += put_identity(s, p + i, n - i);
            break;
        }
        if (d->mode == mode || s->full)
            return i;
    }
}

size_t pii_decoder_feed(pii_decoder *d, const uint8_t *src, size_t n, int eof, uint8_t *out,
                        uint64_t *map, size_t out_cap, size_t *out_len, size_t *ident_len)
{
    static const uint8_t empty[1] = {0};
    pii_dec_sink s = {out, map, out_cap, 0, 0, 0};
    size_t used = 0;
    if (!src || n == 0) {
        src = empty; /* pointer arithmetic on NULL is undefined, even +0 */
        n = 0;
    }
    if (!out)
        s.cap = 0;

    /* The hot path: identity with nothing held. */
    if (d->npend == 0 &&
        (d->mode == PII_DEC_UTF8 || (d->mode == PII_DEC_UTF8_AUTO && d->locked_utf8))) {
        used = put_identity(&s, src, n);
        goto done;
    }

    if (d->npend) {
        /* Finish the held character with the first new bytes.  8 more bytes
         * always complete it (no character is longer than 4 bytes), so if
         * the held bytes are still not consumed and the output is not full,
         * the buffer held all of src. */
        uint8_t tmp[sizeof d->pend + 8];
        size_t np = d->npend, k = n < 8 ? n : 8;
        memcpy(tmp, d->pend, np);
        memcpy(tmp + np, src, k);
        size_t c = run(d, tmp, np + k, d->src_pos - np, eof && k == n, &s);
        if (c >= np) {
            d->npend = 0;
            used = c - np;
        } else if (s.full) {
            memmove(d->pend, tmp + c, np - c);
            d->npend = np - c;
            goto done;
        } else {
            size_t rest = np + k - c; /* k == n here, and rest <= 3 */
            if (rest > sizeof d->pend)
                rest = sizeof d->pend; /* unreachable; keeps the copy in bounds */
            memcpy(d->pend, tmp + c, rest);
            d->npend = rest;
            used = n;
            goto done;
        }
        if (s.full)
            goto done;
    }

    /* Always run, even with nothing left: at eof the worker flushes state
     * (a UTF-16 high surrogate waiting for its partner). */
    used += run(d, src + used, n - used, d->src_pos + used, eof, &s);
    if (!s.full && used < n) {
        /* An incomplete character at the end (never at eof): hold it. */
        size_t rest = n - used;
        if (rest > sizeof d->pend)
            rest = sizeof d->pend; /* unreachable: workers hold at most 3 bytes */
        memcpy(d->pend, src + used, rest);
        d->npend = rest;
        used += rest;
    }
done:
    d->src_pos += used;
    if (out_len)
        *out_len = s.len;
    if (ident_len)
        *ident_len = s.ident;
    return used;
}
