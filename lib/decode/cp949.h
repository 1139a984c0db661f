/* cp949.h -- CP949 (Unified Hangul Code, a superset of EUC-KR) decoding.
 * Lead bytes 0x81-0xFE; trail bytes 0x41-0x5A, 0x61-0x7A, 0x81-0xFE; bytes
 * below 0x80 are ASCII. */
#ifndef PII_DECODE_CP949_H
#define PII_DECODE_CP949_H

#include <stddef.h>
#include <stdint.h>

#include "decoder.h"

/* The code point of the double-byte character lead,trail, or 0 if the pair is
 * not a CP949 character (either byte out of range, or unassigned). */
uint32_t pii_cp949_lookup(uint8_t lead, uint8_t trail);

/* Decodes p[0..n) (source offset of p[0] is base) into s.  A lead byte that is
 * not followed by a trail forming a character becomes U+FFFD and the next byte
 * is decoded afresh; 0x80 and 0xFF are U+FFFD.  Returns the bytes consumed:
 * all of them unless the output is full, or, without eof, the last byte is a
 * lead whose trail has not arrived yet (the caller holds it). */
size_t pii_cp949_decode(const uint8_t *p, size_t n, uint64_t base, int eof, pii_dec_sink *s);

#endif
