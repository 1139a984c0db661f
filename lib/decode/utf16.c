/* utf16.c -- UTF-16LE/BE to UTF-8 with an offset map. */
#include "utf16.h"

#include <stddef.h>
#include <stdint.h>

size_t pii_utf16_decode(pii_decoder *d, int big_endian, const uint8_t *p, size_t n, uint64_t base,
                        int eof, pii_dec_sink *s)
{
    size_t i = 0;
    while (n - i >= 2) {
        uint64_t pos = base + i;
        uint32_t u = big_endian ? (uint32_t)p[i] << 8 | p[i + 1] : (uint32_t)p[i + 1] << 8 | p[i];
        if (u < 0x80 && !d->hi_surrogate && s->len < s->cap) {
            /* ASCII, the bulk of most UTF-16 exports: skip the general path. */
            s->out[s->len] = (uint8_t)u;
            if (s->map)
                s->map[s->len] = pos;
            s->len++;
            i += 2;
            continue;
        }
        if (d->hi_surrogate) {
            if (u >= 0xDC00 && u <= 0xDFFF) {
                uint32_t cp = 0x10000 + ((uint32_t)(d->hi_surrogate - 0xD800) << 10) + (u - 0xDC00);
                if (!pii_sink_put(s, cp, d->hi_pos))
                    return i;
                d->hi_surrogate = 0;
                i += 2;
                continue;
            }
            /* Unpaired high surrogate: U+FFFD at its offset, then this unit. */
            if (!pii_sink_put(s, PII_REPLACEMENT, d->hi_pos))
                return i;
            d->hi_surrogate = 0;
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
            d->hi_surrogate = (uint16_t)u;
            d->hi_pos = pos;
            i += 2;
            continue;
        }
        /* pos == hi_pos only for the stream's first unit (see utf16.h). */
        if (u == 0xFEFF && pos == d->hi_pos) {
            i += 2;
            continue;
        }
        if (!pii_sink_put(s, (u >= 0xDC00 && u <= 0xDFFF) ? PII_REPLACEMENT : u, pos))
            return i;
        i += 2;
    }
    if (!eof)
        return i; /* 0 or 1 byte left; an odd byte is held by the caller */
    if (d->hi_surrogate) {
        if (!pii_sink_put(s, PII_REPLACEMENT, d->hi_pos))
            return i;
        d->hi_surrogate = 0;
    }
    if (i < n) {
        if (!pii_sink_put(s, PII_REPLACEMENT, base + i))
            return i;
        i++;
    }
    return i;
}
