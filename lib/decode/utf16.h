/* utf16.h -- UTF-16LE/BE decoding. */
#ifndef PII_DECODE_UTF16_H
#define PII_DECODE_UTF16_H

#include <stddef.h>
#include <stdint.h>

#include "decoder.h"

/* Decodes p[0..n) (source offset of p[0] is base) into s; big_endian selects
 * UTF-16BE.  A high surrogate is kept in d->hi_surrogate/hi_pos until its
 * partner arrives; an unpaired surrogate becomes one U+FFFD mapped to its own
 * offset.  A U+FEFF unit at the very start of the stream (the BOM) is dropped:
 * until the first high surrogate is seen, d->hi_pos holds the stream's start
 * offset for that test (pii_decoder_init sets it).  Returns the bytes
 * consumed: all of them unless the output is full, or, without eof, one odd
 * trailing byte is left for the caller to hold.  At eof a pending high
 * surrogate and an odd trailing byte each become U+FFFD. */
size_t pii_utf16_decode(pii_decoder *d, int big_endian, const uint8_t *p, size_t n, uint64_t base,
                        int eof, pii_dec_sink *s);

#endif
