/* decoder.h -- internal interface shared by the decoders in lib/decode/.
 *
 * decoder.c owns pii_decoder_feed(): it handles the bytes held from the last
 * call (pend), dispatches on the mode and does the UTF-8 identity and
 * UTF8_AUTO work itself.  The per-encoding workers (utf16.c, cp949.c) see one
 * contiguous buffer and write into a pii_dec_sink; they stop at an incomplete
 * character at the end of the buffer (the caller holds it) or when the next
 * character's output does not fit (sink->full). */
#ifndef PII_DECODE_DECODER_H
#define PII_DECODE_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Where a worker writes: UTF-8 bytes plus, per byte, the source offset of the
 * character it came from. */
typedef struct pii_dec_sink {
    uint8_t *out;
    uint64_t *map; /* NULL: do not record offsets (identity-only callers) */
    size_t cap;    /* room in out (and map) */
    size_t len;    /* bytes written so far */
    size_t ident;  /* leading bytes written in identity mode (map not written) */
    int full;      /* set when a character's output did not fit */
} pii_dec_sink;

/* The replacement character for input that does not decode. */
#define PII_REPLACEMENT 0xFFFDu

/* Appends code point cp (a Unicode scalar value or U+FFFD) as UTF-8 with
 * every output byte mapped to source offset pos.  A character is written
 * whole or not at all: returns 0 and sets s->full if it does not fit. */
static inline int pii_sink_put(pii_dec_sink *s, uint32_t cp, uint64_t pos)
{
    size_t k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (s->cap - s->len < k) {
        s->full = 1;
        return 0;
    }
    uint8_t *o = s->out + s->len;
    switch (k) {
    case 1:
        o[0] = (uint8_t)cp;
        break;
    case 2:
        o[0] = (uint8_t)(0xC0 | (cp >> 6));
        o[1] = (uint8_t)(0x80 | (cp & 0x3F));
        break;
    case 3:
        o[0] = (uint8_t)(0xE0 | (cp >> 12));
        o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (uint8_t)(0x80 | (cp & 0x3F));
        break;
    default:
        o[0] = (uint8_t)(0xF0 | (cp >> 18));
        o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (uint8_t)(0x80 | (cp & 0x3F));
        break;
    }
    if (s->map)
        for (size_t j = 0; j < k; j++)
            s->map[s->len + j] = pos;
    s->len += k;
    return 1;
}

/* Index of the first byte >= 0x80 in p[i..n), or n.  Word/SSE2-at-a-time:
 * CP949 text is mostly ASCII (digits, separators, markup) between the
 * double bytes. */
size_t pii_skip_ascii(const uint8_t *p, size_t i, size_t n);

/* Length of the well-formed UTF-8 sequence at p (2..4), 0 if it may be one
 * but is cut short at n, -1 if it is not one (p[0] must be >= 0x80). */
int pii_utf8_seq(const uint8_t *p, size_t n);

#endif
