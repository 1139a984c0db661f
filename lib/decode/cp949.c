/* cp949.c -- CP949 (Unified Hangul Code) to UTF-8 with an offset map. */
#include "cp949.h"

#include <stddef.h>
#include <stdint.h>

#include "cp949_table.h"

uint32_t pii_cp949_lookup(uint8_t lead, uint8_t trail)
{
    /* The table spans the whole trail range 0x41-0xFE; the holes
     * (0x5B-0x60, 0x7B-0x80) are 0 there, so one range check suffices. */
    if (lead < PII_CP949_LEAD_MIN || lead > PII_CP949_LEAD_MAX || trail < PII_CP949_TRAIL_MIN ||
        trail > PII_CP949_TRAIL_MAX)
        return 0;
    return pii_cp949_table[(size_t)(lead - PII_CP949_LEAD_MIN) * PII_CP949_NTRAIL +
                           (size_t)(trail - PII_CP949_TRAIL_MIN)];
}

size_t pii_cp949_decode(const uint8_t *p, size_t n, uint64_t base, int eof, pii_dec_sink *s)
{
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            /* ASCII run: copy as much as fits, mapping each byte to itself. */
            size_t j = pii_skip_ascii(p, i, n);
            size_t room = s->cap - s->len;
            if (j - i > room) {
                j = i + room;
                s->full = 1;
            }
            uint8_t *o = s->out + s->len;
            for (size_t k = i; k < j; k++)
                o[k - i] = p[k];
            if (s->map) {
                uint64_t *m = s->map + s->len;
                for (size_t k = i; k < j; k++)
                    m[k - i] = base + k;
            }
            s->len += j - i;
            i = j;
            if (s->full)
                return i;
            continue;
        }
        uint32_t cp = PII_REPLACEMENT;
        size_t adv = 1;
        if (i + 1 < n && s->cap - s->len >= 3) {
            /* The common case, a whole character that fits: every mapped
             * code point is U+0800 or above, so its UTF-8 is 3 bytes. */
            uint32_t u = pii_cp949_lookup(p[i], p[i + 1]);
            if (u >= 0x800) {
                uint8_t *o = s->out + s->len;
                o[0] = (uint8_t)(0xE0 | (u >> 12));
                o[1] = (uint8_t)(0x80 | ((u >> 6) & 0x3F));
                o[2] = (uint8_t)(0x80 | (u & 0x3F));
                if (s->map) {
                    uint64_t *m = s->map + s->len;
                    m[0] = m[1] = m[2] = base + i;
                }
                s->len += 3;
                i += 2;
                continue;
            }
        }
        if (p[i] >= PII_CP949_LEAD_MIN && p[i] <= PII_CP949_LEAD_MAX) {
            if (i + 1 == n) {
                if (!eof)
                    return i; /* the trail is in the next chunk */
            } else {
                uint32_t u = pii_cp949_lookup(p[i], p[i + 1]);
                if (u) {
                    cp = u;
                    adv = 2;
                }
                /* else: U+FFFD for the lead alone; the next byte is decoded
                 * afresh, so an ASCII byte or a real lead after a broken lead
                 * is not swallowed. */
            }
        }
        if (!pii_sink_put(s, cp, base + i))
            return i;
        i += adv;
    }
    return i;
}
