/* sniff.c -- picks a decoder mode from the first bytes of an input. */
#include "sniff.h"

#include "cp949.h"
#include "decoder.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* 8-bit text: CP949 if the sniffed bytes hold a character that is valid
 * CP949 but not UTF-8 and no 3- or 4-byte UTF-8 sequence (Korean UTF-8 is
 * made of those); otherwise UTF-8, with the decoder's own fallback.  Deciding
 * here, on the whole sniff window, catches CP949 files whose first Hangul
 * syllable happens to be valid 2-byte UTF-8 (홍 = C8 AB). */
static int sniff_8bit(const uint8_t *p, size_t n)
{
    size_t cp949_only = 0, junk = 0;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            if (p[i] == 0)
                return PII_DEC_UTF8_AUTO; /* NULs: binary, not CP949 text */
            i++;
            continue;
        }
        int len = pii_utf8_seq(p + i, n - i);
        if (len >= 3)
            return PII_DEC_UTF8_AUTO;
        if (len == 0)
            break; /* cut short by the end of the window */
        if (len == 2) {
            i += 2;
        } else if (i + 1 < n && pii_cp949_lookup(p[i], p[i + 1])) {
            cp949_only++;
            i += 2;
        } else {
            junk++;
            i++;
        }
    }
    /* Text, not binary noise: CP949 characters and few bytes that are neither. */
    return cp949_only > 0 && junk * 4 <= cp949_only ? PII_DEC_CP949 : PII_DEC_UTF8_AUTO;
}

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

    /* Without a NUL no code unit is ASCII either way round (the count below
     * would be 0 for both): 8-bit text, told at memchr speed. */
    if (!memchr(p, 0, n))
        return sniff_8bit(p, n);
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
    return sniff_8bit(p, n);
}
