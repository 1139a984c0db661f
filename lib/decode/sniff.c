/* sniff.c -- picks a decoder mode from the first bytes of an input. */
#include "sniff.h"

#include <stddef.h>
#include <stdint.h>

int pii_sniff(const uint8_t *p, size_t n, size_t *bom_len)
{
    size_t ignored;
    if (!bom_len)
        bom_len = &ignored;
    *bom_len = 0;
    if (!p)
        return PII_DEC_UTF8_AUTO;
    if (n > PII_SNIFF_BYTES)
        n = PII_SNIFF_BYTES; /* the stream buffers exactly this much: never look further */

    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        *bom_len = 3;
        return PII_DEC_UTF8;
    }
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        *bom_len = 2;
        return PII_DEC_UTF16LE;
    }
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        *bom_len = 2;
        return PII_DEC_UTF16BE;
    }

    /* Count the code units that are ASCII (NUL + a byte 0x01-0x7F) read
     * either way round.  Whole units only: an odd last byte says nothing. */
    size_t units = n / 2, le = 0, be = 0;
    for (size_t i = 0; i < units; i++) {
        uint8_t a = p[2 * i], b = p[2 * i + 1];
        le += b == 0 && a != 0 && a < 0x80;
        be += a == 0 && b != 0 && b < 0x80;
    }
    size_t need = units / PII_SNIFF_MIN_DIV;
    if (need < 1)
        need = 1; /* short inputs: one ASCII unit ("a\0") is enough */
    if (le >= need && le >= PII_SNIFF_MAJORITY * be)
        return PII_DEC_UTF16LE;
    if (be >= need && be >= PII_SNIFF_MAJORITY * le)
        return PII_DEC_UTF16BE;
    return PII_DEC_UTF8_AUTO;
}
