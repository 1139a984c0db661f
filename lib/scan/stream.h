/* stream.h -- piiscan_stream: the streaming scanner.  See docs/design.md
 * "Streaming" for why findings do not depend on how input is split:
 *
 *  - decoded text is cut into fixed absolute pages of PII_PAGE bytes; a page
 *    is processed once every window that can touch it is known and the text
 *    after it (PII_MAX_MATCH + context) is there, or at end of input;
 *  - windows inside a page are visited in start order, each with its own
 *    trigger data, and a pattern skips starts it already examined, so a
 *    window cut into pieces examines exactly what it would whole;
 *  - each pattern searches from max(window start, end of its last accepted
 *    match, what it already searched), with an offset limit at the window
 *    end; matches longer than PII_MAX_MATCH are dropped;
 *  - overlapping findings of different types are resolved in groups that are
 *    complete (no later page can touch them), again at page boundaries.
 * So the whole-buffer scan is simply a stream fed once. */
#ifndef PII_SCAN_STREAM_H
#define PII_SCAN_STREAM_H

#include "decode/decode.h"
#include "engine.h"
#include "options.h"
#include "prefilter.h"

#define PII_STREAM_MAGIC 0x5354524du /* "STRM" */
/* Page of decoded text processed at once: large enough that per-page work
 * (merging windows, always-patterns) is noise, small enough to keep the
 * carried text well under a megabyte. */
#define PII_PAGE 16384
/* Input is decoded and scanned in slices of this many bytes, so feeding a
 * gigabyte at once still needs only ~1 MB of working memory. */
#define PII_FEED_SLICE 65536
/* Text kept before the next unprocessed page: context windows and lookbehind. */
#define PII_LOOKBACK (256 + PII_MAX_LOOKBEHIND + 32)

typedef struct pii_pending {
    uint64_t start, end; /* decoded-text positions */
    uint64_t src_off, src_len, line;
    uint32_t type;
    uint8_t validation, confidence, masked;
    char *raw;           /* copy of the value if expose_raw, else NULL */
    size_t raw_len;
    char display[PII_NORM_MAX + 8];
} pii_pending;

/* Keyword occurrences found so far (all patterns' keywords at once), for
 * context queries: each byte of text is searched once, whatever the number
 * of patterns and of overlapping windows. */
typedef struct pii_kwcache {
    uint64_t low;        /* queries below this reset the cache */
    uint64_t scanned_to; /* every keyword start in [low, scanned_to) is in pos */
    uint64_t *pos;
    uint32_t *kw;        /* index into the engine's keyword set */
    size_t first, n, cap;
} pii_kwcache;

enum { PII_ST_SNIFF = 0, PII_ST_RUN, PII_ST_DONE, PII_ST_STOPPED };

struct piiscan_stream {
    uint32_t magic;
    const piiscan_engine *engine;
    struct piiscan_options opts;
    int state;
    int in_use;
    /* sniffing */
    uint8_t sniff[PII_SNIFF_BYTES];
    size_t nsniff;
    /* decoding */
    pii_decoder dec;
    uint64_t src_total;  /* source bytes fed to the decoder */
    /* decoded text, text[0] at absolute position base */
    uint8_t *text;
    uint64_t *map;       /* source offsets for positions >= ident_end */
    size_t len, cap, map_cap;
    uint64_t base;
    uint64_t ident_end;  /* positions below are identity-mapped */
    /* scanning */
    pii_prefilter pf;
    pii_winvec windows;
    uint64_t next_page;
    uint64_t *last_end;  /* per pattern: end of its last accepted match */
    uint64_t *searched_to; /* per pattern: every start below was examined */
    pii_kwcache kwc;
    uint64_t line_pos, line_no;
    /* Allow markers: within [mk_lo, mk_hi) of the text, the first marker
     * starts at mk_pos (UINT64_MAX: none); mk_valid 0 = nothing known. */
    uint64_t mk_lo, mk_hi, mk_pos;
    int mk_valid;
    pii_pending *pend;
    size_t npend, pend_cap;
};

/* Internal entry points used by api.c. */
piiscan_status pii_stream_init(struct piiscan_stream *s, const piiscan_engine *e,
                               const struct piiscan_options *o);
void pii_stream_release(struct piiscan_stream *s);

#endif
