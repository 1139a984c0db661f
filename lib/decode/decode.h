/* decode.h -- input decoding in the scan path.  Every input is turned into
 * UTF-8 before matching, so Korean context keywords work in CP949 and
 * UTF-16 files too.  Decoders are streaming (a chunk may end in the middle
 * of a character) and keep an offset map so findings report offsets in the
 * original bytes. */
#ifndef PII_DECODE_DECODE_H
#define PII_DECODE_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* How many leading bytes pii_sniff() wants before it decides (fewer are
 * fine at end of input).  The stream buffers this much before scanning, so
 * the decision does not depend on how the input was split into chunks. */
#define PII_SNIFF_BYTES 512

/* Decoder modes. */
enum pii_decode_mode {
    PII_DEC_UTF8 = 1,      /* identity: bytes pass through unchanged */
    PII_DEC_UTF8_AUTO = 2, /* identity while the input is UTF-8; switches to CP949 for good at the
                              first invalid UTF-8 sequence that is a valid CP949 character, but only
                              if no valid multi-byte UTF-8 sequence was seen before it */
    PII_DEC_UTF16LE = 3,
    PII_DEC_UTF16BE = 4,
    PII_DEC_CP949 = 5
};

/* Looks at the first n bytes (n <= PII_SNIFF_BYTES is all it reads) and
 * picks a mode: BOM first (UTF-8 EF BB BF -> PII_DEC_UTF8; FF FE -> UTF16LE;
 * FE FF -> UTF16BE), then the NUL pattern of BOM-less UTF-16 (NULs on odd
 * positions -> LE, even -> BE, in mostly-ASCII text), else PII_DEC_UTF8_AUTO.
 * *bom_len receives the BOM length (0 if none); the BOM bytes are still fed to
 * the decoder, which drops a UTF-16 BOM and passes a UTF-8 BOM through. */
int pii_sniff(const uint8_t *p, size_t n, size_t *bom_len);

typedef struct pii_decoder {
    int mode;              /* current pii_decode_mode (UTF8_AUTO may become CP949) */
    int locked_utf8;       /* UTF8_AUTO: a valid multi-byte UTF-8 sequence was seen */
    uint8_t pend[4];       /* bytes of an incomplete character held from the last feed */
    size_t npend;
    uint64_t src_pos;      /* absolute source offset of the next byte to be fed */
    uint16_t hi_surrogate; /* UTF-16: pending high surrogate, 0 if none */
    uint64_t hi_pos;       /* its source offset */
} pii_decoder;

/* Initialises a decoder in `mode`; source offsets start at `start_offset`. */
void pii_decoder_init(pii_decoder *d, int mode, uint64_t start_offset);

/* Decodes src[0..n) and appends UTF-8 to out[0..out_cap).  If eof is
 * non-zero, an incomplete trailing character is emitted as U+FFFD (or, in
 * UTF-8 modes, passed through) instead of being held.
 *
 * Returns the number of source bytes consumed; all of them if
 * out_cap >= 3 * n + 16.  *out_len receives the bytes written.
 *
 * Offset map: for each output byte, map[i] receives the absolute source
 * offset of the first byte of the source character it came from.  While the
 * decoder is in an identity mode (UTF8, or UTF8_AUTO before a switch) the map
 * is not written; *ident_len receives how many output bytes at the start of
 * this call's output are identity (output byte k's source offset is then the
 * source offset of the corresponding input byte).  map may be NULL only if the
 * caller knows the mode is PII_DEC_UTF8.
 *
 * Invalid input never fails: UTF-16 unpaired surrogates and CP949 bytes that
 * do not form a character become U+FFFD; in UTF-8 modes invalid bytes pass
 * through unchanged (the scanner matches bytes, not code points). */
size_t pii_decoder_feed(pii_decoder *d, const uint8_t *src, size_t n, int eof, uint8_t *out,
                        uint64_t *map, size_t out_cap, size_t *out_len, size_t *ident_len);

/* The encoding the decoder is currently using, as PIISCAN_ENC_* (UTF8_AUTO
 * reports PIISCAN_ENC_UTF8 until it switches). */
int pii_decoder_encoding(const pii_decoder *d);

#endif
