/* sniff.h -- the thresholds pii_sniff() (declared in decode.h) uses to tell
 * BOM-less UTF-16 from 8-bit text.  UTF-8 and CP949 text practically never
 * contain NUL bytes, while UTF-16 text with ASCII in it has a NUL in every
 * ASCII code unit, all on the same parity: odd offsets for LE, even for BE.
 *
 * pii_sniff() counts, for each byte order, the code units that read as ASCII
 * (a NUL and a byte 0x01-0x7F), not bare NULs: a Hangul syllable U+xx00
 * (가 U+AC00, 대 U+B300, 저 U+C800) puts a NUL on the other parity, but its
 * other byte is >= 0x80, so it does not count for the wrong byte order. */
#ifndef PII_DECODE_SNIFF_H
#define PII_DECODE_SNIFF_H

#include "decode.h"

/* The winning byte order needs at least 1/PII_SNIFF_MIN_DIV of the sniffed
 * code units to be ASCII (and at least one): a stray NUL in a long text file
 * is not evidence.  1/16 still catches Korean-heavy text, where only spaces,
 * digits and punctuation are ASCII. */
#define PII_SNIFF_MIN_DIV 16
/* ...and PII_SNIFF_MAJORITY times as many as the other byte order: binary
 * data with NULs everywhere scores on both and stays PII_DEC_UTF8_AUTO. */
#define PII_SNIFF_MAJORITY 4

#endif
