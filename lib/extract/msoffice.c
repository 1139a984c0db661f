/* msoffice.c -- text of the legacy binary Office formats: Word 97-2003
 * (.doc, [MS-DOC]), Excel BIFF8/BIFF5 (.xls, [MS-XLS]) and PowerPoint
 * 97-2003 (.ppt, [MS-PPT]), from the streams cfb.c found.
 *
 * Every structure is read from memory through bounds-checked helpers: a size
 * or offset that points outside its stream becomes an ERROR status with a
 * reason naming the structure (never its bytes), and whatever was read
 * before it stays emitted.  No recursion: the PowerPoint record tree is
 * walked with an explicit, bounded stack; Word fields nest on a bounded
 * counter.  See docs/extract-msoffice.md for what is read and what is not. */
#include "msoffice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- little-endian reads (callers check the bounds) -------------------- */
static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

/* ---- UTF-16 text buffer ------------------------------------------------ */
/* Code units are gathered here and handed to px_text_utf16le in batches, so
 * that per-character filtering (Word's control characters, BIFF's 8-bit
 * strings) does not cost one driver call per character. */
#define UBUF_UNITS 2048

typedef struct ubuf {
    px_doc *d;
    size_t n; /* code units held */
    uint8_t b[UBUF_UNITS * 2];
} ubuf;

static int ub_flush(ubuf *u)
{
    if (u->n == 0)
        return PX_CONTINUE;
    size_t n = u->n;
    u->n = 0;
    return px_text_utf16le(u->d, u->b, n * 2);
}

static int ub_put(ubuf *u, uint16_t c)
{
    if (u->n == UBUF_UNITS) {
        /* Keep a trailing high surrogate with its low half in the next batch. */
        uint16_t last = rd16(u->b + 2 * (UBUF_UNITS - 1));
        int keep = last >= 0xD800 && last <= 0xDBFF;
        u->n -= (size_t)keep;
        int rc = ub_flush(u);
        if (keep) {
            u->b[0] = (uint8_t)last;
            u->b[1] = (uint8_t)(last >> 8);
            u->n = 1;
        }
        if (rc != PX_CONTINUE)
            return rc;
    }
    u->b[2 * u->n] = (uint8_t)c;
    u->b[2 * u->n + 1] = (uint8_t)(c >> 8);
    u->n++;
    return PX_CONTINUE;
}

static int ub_break(ubuf *u, int kind)
{
    if (ub_flush(u) != PX_CONTINUE)
        return PX_ABORT;
    return px_break(u->d, kind);
}

/* 8-bit "compressed" text of Word pieces: Windows-1252 for 0x80-0x9F
 * ([MS-DOC] 2.4.1 lists the same mappings as exceptions to "byte = code
 * unit"; it leaves 0x80, 0x8E, 0x9E out, which Word writes for the euro
 * sign and Z/z with caron, so those are mapped as in 1252 too).  0 marks
 * the bytes 1252 leaves undefined: they are kept as C1 controls. */
static const uint16_t cp1252_80[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

static uint16_t cp1252_unit(uint8_t b)
{
    if (b >= 0x80 && b <= 0x9F && cp1252_80[b - 0x80])
        return cp1252_80[b - 0x80];
    return b;
}

/* ======================================================================
 * Word 97-2003
 * ====================================================================== */

/* FibBase flags ([MS-DOC] 2.5.2). */
#define FIB_FCOMPLEX 0x0004u
#define FIB_FENCRYPTED 0x0100u
#define FIB_FWHICHTBLSTM 0x0200u
#define FIB_FOBFUSCATED 0x8000u
#define FIB_BASE_LEN 32
/* nFib of Word 97 is 0x00C1; Word 6 and Word 95 write 101-105 and a
 * different FIB (no table stream, 8-bit text in the document's code page). */
#define NFIB_WORD97 0x00C0
/* Field nesting deeper than this is still tracked (as a counter) but only
 * the first levels remember whether they are in their instructions. */
#define FIELD_DEPTH 64
/* Stories after the main text, in CP order ([MS-DOC] 2.5.3 FibRgLw97:
 * ccpText, ccpFtn, ccpHdd, ccpMcr (reserved), ccpAtn, ccpEdn, ccpTxbx,
 * ccpHdrTxbx), at fibRgLw indices 3..10. */
#define N_STORIES 8
/* Fewest characters in a run the fallback sweep keeps: shorter runs in
 * binary data are mostly accidents. */
#define SWEEP_MIN_RUN 4

typedef struct wordtext {
    ubuf u;
    uint32_t bounds[N_STORIES]; /* CP where each story ends (cumulative) */
    int next_bound;             /* first bound not yet passed */
    unsigned field_depth;       /* nesting of 0x13 .. 0x15 */
    uint64_t instr_mask;        /* bit i: level i+1 is in its instructions */
    int last_was_cell; /* the last thing emitted was a cell break */
} wordtext;

/* 1 while the character at the current position belongs to field
 * instructions of some enclosing field (hidden from the reader). */
static int wt_in_instr(const wordtext *w)
{
    if (w->field_depth == 0)
        return 0;
    unsigned lv = w->field_depth < FIELD_DEPTH ? w->field_depth : FIELD_DEPTH;
    uint64_t mask = lv >= 64 ? UINT64_MAX : ((uint64_t)1 << lv) - 1;
    return (w->instr_mask & mask) != 0;
}

static int wt_break(wordtext *w, int kind)
{
    w->last_was_cell = kind == PX_BREAK_CELL;
    return ub_break(&w->u, kind);
}

/* One character of the text stream at CP `cp`. */
static int wt_char(wordtext *w, uint32_t cp, uint16_t c)
{
    while (w->next_bound < N_STORIES && cp >= w->bounds[w->next_bound]) {
        /* A new story (footnotes, headers, ...): fields never span stories. */
        w->field_depth = 0;
        w->instr_mask = 0;
        if (w->next_bound == 0 || w->bounds[w->next_bound] != w->bounds[w->next_bound - 1])
            if (wt_break(w, PX_BREAK_PART) != PX_CONTINUE)
                return PX_ABORT;
        w->next_bound++;
    }
    switch (c) {
    case 0x13: /* field begin: instructions follow */
        if (w->field_depth < FIELD_DEPTH)
            w->instr_mask |= (uint64_t)1 << w->field_depth;
        w->field_depth++;
        return PX_CONTINUE;
    case 0x14: /* field separator: the result follows */
        if (w->field_depth > 0 && w->field_depth <= FIELD_DEPTH)
            w->instr_mask &= ~((uint64_t)1 << (w->field_depth - 1));
        return PX_CONTINUE;
    case 0x15: /* field end */
        if (w->field_depth > 0) {
            w->field_depth--;
            if (w->field_depth < FIELD_DEPTH)
                w->instr_mask &= ~((uint64_t)1 << w->field_depth);
        }
        return PX_CONTINUE;
    default:
        break;
    }
    if (wt_in_instr(w))
        return PX_CONTINUE;
    switch (c) {
    case 0x0D: /* paragraph mark */
    case 0x0B: /* line break */
    case 0x0C: /* page or section break */
        return wt_break(w, PX_BREAK_PARA);
    case 0x07: /* cell mark; a second one in a row ends the table row */
        return wt_break(w, w->last_was_cell ? PX_BREAK_PARA : PX_BREAK_CELL);
    case 0x09:
        w->last_was_cell = 0;
        return ub_put(&w->u, 0x09);
    case 0x1E: /* non-breaking hyphen */
        w->last_was_cell = 0;
        return ub_put(&w->u, '-');
    default:
        /* Other controls are anchors of pictures, footnote references,
         * annotation marks, optional hyphens (0x1F): no text. */
        if (c < 0x20)
            return PX_CONTINUE;
        w->last_was_cell = 0;
        return ub_put(&w->u, c);
    }
}

/* Fallback when the piece table cannot be used: runs of printable UTF-16LE
 * (at even offsets) and, between them, runs of printable ASCII, each of at
 * least SWEEP_MIN_RUN characters, from the end of the FIB to the end of the
 * WordDocument stream, one paragraph each.  Word 97+ keeps the text there,
 * so a scan still sees it, with some noise from formatting data. */
static int is_sweep_unit(uint16_t c)
{
    if (c == 0x09 || c == 0x0D || c == 0x0B || c == 0x07)
        return 1;
    if (c < 0x20 || (c >= 0x7F && c < 0xA0))
        return 0;
    if (c >= 0xD800 && c <= 0xDFFF)
        return 0; /* surrogates are rare in documents; keep the sweep simple */
    return c != 0xFFFF && c != 0xFFFE;
}

static int sweep_unit_out(ubuf *u, uint16_t c)
{
    if (c == 0x0D || c == 0x0B || c == 0x07)
        return ub_break(u, c == 0x07 ? PX_BREAK_CELL : PX_BREAK_PARA);
    return ub_put(u, c);
}

static int is_sweep_byte(uint8_t b)
{
    return (b >= 0x20 && b < 0x7F) || b == 0x09 || b == 0x0D;
}

static int doc_sweep(px_doc *d, const uint8_t *p, size_t len, size_t start)
{
    ubuf u = {.d = d};
    size_t i = start & ~(size_t)1;
    while (i + 1 < len) {
        /* ASCII run first: two printable bytes also look like one CJK code
         * unit, while UTF-16 Latin text has zero bytes and fails here. */
        size_t j = i;
        while (j < len && is_sweep_byte(p[j]))
            j++;
        if (j - i >= 2 * SWEEP_MIN_RUN) {
            for (size_t k = i; k < j; k++)
                if (sweep_unit_out(&u, p[k]) != PX_CONTINUE)
                    return PX_ABORT;
            if (ub_break(&u, PX_BREAK_PARA) != PX_CONTINUE)
                return PX_ABORT;
            i = (j + 1) & ~(size_t)1;
            continue;
        }
        j = i;
        while (j + 1 < len && is_sweep_unit(rd16(p + j)))
            j += 2;
        if ((j - i) / 2 >= SWEEP_MIN_RUN) {
            for (size_t k = i; k < j; k += 2)
                if (sweep_unit_out(&u, rd16(p + k)) != PX_CONTINUE)
                    return PX_ABORT;
            if (ub_break(&u, PX_BREAK_PARA) != PX_CONTINUE)
                return PX_ABORT;
            i = j + 2;
            continue;
        }
        i += 2;
    }
    return ub_flush(&u);
}

/* Word 6 / Word 95: text from fcMin to fcMac, 8-bit in the document's code
 * page (Korean when the FIB's language is Korean).  Fast-saved (complex)
 * files of those versions are swept. */
static int doc_word6(px_doc *d, const uint8_t *w, size_t wlen, uint16_t flags)
{
    if (wlen < 0x20) {
        px_set_status(d, PX_ERROR, "WordDocument: FIB truncated");
        return PX_CONTINUE;
    }
    uint32_t fcmin = rd32(w + 0x18), fcmac = rd32(w + 0x1C);
    uint16_t lid = rd16(w + 6);
    int cp = (lid == 0x0412) ? 949 : 1252;
    if ((flags & FIB_FCOMPLEX) || fcmin > fcmac || fcmac > wlen || fcmin < FIB_BASE_LEN) {
        px_set_status(d, PX_ERROR, "WordDocument: Word 6/95 %s; text recovered by a sweep",
                      (flags & FIB_FCOMPLEX) ? "fast-saved file" : "text range outside the stream");
        return doc_sweep(d, w, wlen, FIB_BASE_LEN);
    }
    /* Map paragraph and cell marks to breaks; pass runs between them. */
    const uint8_t *t = w + fcmin;
    size_t n = fcmac - fcmin, s = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && t[i] != 0x0D && t[i] != 0x07 && t[i] != 0x0B && t[i] != 0x0C)
            continue;
        if (i > s && px_text_codepage(d, t + s, i - s, cp) != PX_CONTINUE)
            return PX_ABORT;
        if (i < n && px_break(d, t[i] == 0x07 ? PX_BREAK_CELL : PX_BREAK_PARA) != PX_CONTINUE)
            return PX_ABORT;
        s = i + 1;
    }
    return PX_CONTINUE;
}

int px_msoffice_doc(px_doc *d, const uint8_t *word, size_t wlen, const uint8_t *table0,
                    size_t t0len, const uint8_t *table1, size_t t1len)
{
    if (!word || wlen < FIB_BASE_LEN + 2) {
        px_set_status(d, PX_ERROR, "WordDocument: stream shorter than a FIB");
        return PX_CONTINUE;
    }
    if (rd16(word) != 0xA5EC) {
        px_set_status(d, PX_ERROR, "WordDocument: FIB identifier is not 0xA5EC");
        return PX_CONTINUE;
    }
    uint16_t nfib = rd16(word + 2), flags = rd16(word + 0x0A);
    if (flags & FIB_FENCRYPTED) {
        px_set_status(d, PX_ENCRYPTED, "Word document encrypted with a password%s",
                      (flags & FIB_FOBFUSCATED) ? " (XOR obfuscation)" : "");
        return PX_CONTINUE;
    }
    if (nfib < NFIB_WORD97)
        return doc_word6(d, word, wlen, flags);

    /* FibRgW97 (csw words), FibRgLw97 (cslw longs), FibRgFcLcb (cbRgFcLcb
     * pairs of longs): each is preceded by its count, read from the file. */
    size_t pos = FIB_BASE_LEN;
    uint16_t csw = rd16(word + pos);
    pos += 2 + (size_t)csw * 2;
    if (pos + 2 > wlen) {
        px_set_status(d, PX_ERROR, "WordDocument: FIB truncated (fibRgW)");
        return doc_sweep(d, word, wlen, FIB_BASE_LEN);
    }
    uint16_t cslw = rd16(word + pos);
    size_t lw = pos + 2;
    pos = lw + (size_t)cslw * 4;
    if (cslw < 3 + N_STORIES || pos + 2 > wlen) {
        px_set_status(d, PX_ERROR, "WordDocument: FIB truncated (fibRgLw)");
        return doc_sweep(d, word, wlen, FIB_BASE_LEN);
    }
    uint16_t cbfc = rd16(word + pos);
    size_t fclcb = pos + 2;
    const size_t iclx = 33; /* fcClx/lcbClx: the 34th pair of FibRgFcLcb97 */
    if (cbfc <= iclx || fclcb + (iclx + 1) * 8 > wlen) {
        px_set_status(d, PX_ERROR, "WordDocument: FIB truncated (fibRgFcLcb)");
        return doc_sweep(d, word, wlen, fclcb);
    }
    size_t fib_end = fclcb + (size_t)cbfc * 8;
    if (fib_end > wlen)
        fib_end = wlen;
    uint32_t fcclx = rd32(word + fclcb + iclx * 8), lcbclx = rd32(word + fclcb + iclx * 8 + 4);

    wordtext wt = {.u = {.d = d}};
    uint32_t total = 0;
    for (int i = 0; i < N_STORIES; i++) {
        uint32_t c = rd32(word + lw + (size_t)(3 + i) * 4);
        if ((int32_t)c < 0)
            c = 0;
        total = (c > UINT32_MAX - total) ? UINT32_MAX : total + c;
        wt.bounds[i] = total;
    }

    const char *tname = (flags & FIB_FWHICHTBLSTM) ? "1Table" : "0Table";
    const uint8_t *tab = (flags & FIB_FWHICHTBLSTM) ? table1 : table0;
    size_t tlen = (flags & FIB_FWHICHTBLSTM) ? t1len : t0len;
    if (!tab) {
        px_set_status(d, PX_ERROR, "%s stream missing; text recovered by a sweep", tname);
        return doc_sweep(d, word, wlen, fib_end);
    }
    if (lcbclx == 0 || fcclx > tlen || lcbclx > tlen - fcclx) {
        px_set_status(d, PX_ERROR, "%s: CLX outside the stream; text recovered by a sweep",
                      tname);
        return doc_sweep(d, word, wlen, fib_end);
    }
    /* Clx: Prc* (clxt 1, cbGrpprl, grpprl) then one Pcdt (clxt 2, lcb, PlcPcd). */
    const uint8_t *clx = tab + fcclx;
    size_t cp = 0;
    while (cp < lcbclx && clx[cp] == 0x01) {
        if (cp + 3 > lcbclx)
            break;
        int16_t cb = (int16_t)rd16(clx + cp + 1);
        if (cb < 0) {
            cp = lcbclx;
            break;
        }
        cp += 3 + (size_t)cb;
    }
    if (cp + 5 > lcbclx || clx[cp] != 0x02) {
        px_set_status(d, PX_ERROR, "%s: CLX has no piece table; text recovered by a sweep",
                      tname);
        return doc_sweep(d, word, wlen, fib_end);
    }
    uint32_t lcb = rd32(clx + cp + 1);
    const uint8_t *plc = clx + cp + 5;
    if (lcb > lcbclx - cp - 5 || lcb < 16 || (lcb - 4) % 12 != 0) {
        px_set_status(d, PX_ERROR, "%s: piece table size invalid; text recovered by a sweep",
                      tname);
        return doc_sweep(d, word, wlen, fib_end);
    }
    size_t npcd = (lcb - 4) / 12;
    const uint8_t *pcds = plc + (npcd + 1) * 4;
    /* CPs must ascend; a piece table that is not sorted is not trusted. */
    for (size_t i = 0; i < npcd; i++)
        if (rd32(plc + 4 * (i + 1)) < rd32(plc + 4 * i)) {
            px_set_status(d, PX_ERROR,
                          "%s: piece table CPs not ascending; text recovered by a sweep", tname);
            return doc_sweep(d, word, wlen, fib_end);
        }

    int bad = 0;
    for (size_t i = 0; i < npcd; i++) {
        uint32_t cp0 = rd32(plc + 4 * i), cp1 = rd32(plc + 4 * (i + 1));
        uint32_t fcraw = rd32(pcds + 8 * i + 2);
        int compressed = (fcraw & 0x40000000u) != 0;
        uint32_t fc = fcraw & 0x3FFFFFFFu;
        uint64_t nch = (uint64_t)(cp1 - cp0);
        uint64_t off = compressed ? fc / 2 : fc;
        uint64_t nbytes = compressed ? nch : nch * 2;
        if (off > wlen || nbytes > wlen - off) {
            /* Keep what lies inside the stream, then go on with the next piece. */
            bad++;
            if (off > wlen)
                continue;
            nch = compressed ? (wlen - off) : (wlen - off) / 2;
        }
        /* Pieces may all point at the same bytes: count what they produce,
         * so the job's limits on extracted bytes and on the ratio to the
         * file's size stop a piece table that repeats one range forever. */
        if (px_account(d, compressed ? nch : nch * 2, 0) != PX_CONTINUE)
            return PX_ABORT;
        const uint8_t *t = word + off;
        for (uint64_t k = 0; k < nch; k++) {
            uint16_t c = compressed ? cp1252_unit(t[k]) : rd16(t + 2 * k);
            if (wt_char(&wt, cp0 + (uint32_t)k, c) != PX_CONTINUE)
                return PX_ABORT;
        }
    }
    if (ub_flush(&wt.u) != PX_CONTINUE)
        return PX_ABORT;
    if (bad)
        px_set_status(d, PX_ERROR, "%s: %d piece(s) point outside WordDocument", tname, bad);
    return PX_CONTINUE;
}

/* ======================================================================
 * Excel BIFF8 / BIFF5
 * ====================================================================== */

enum {
    XL_FORMULA = 0x0006,
    XL_EOF = 0x000A,
    XL_HEADER = 0x0014,
    XL_FOOTER = 0x0015,
    XL_FILEPASS = 0x002F,
    XL_CONTINUE = 0x003C,
    XL_CODEPAGE = 0x0042,
    XL_BOUNDSHEET = 0x0085,
    XL_MULRK = 0x00BD,
    XL_RSTRING = 0x00D6,
    XL_SST = 0x00FC,
    XL_LABELSST = 0x00FD,
    XL_NUMBER = 0x0203,
    XL_LABEL = 0x0204,
    XL_STRING = 0x0207,
    XL_RK = 0x027E,
    XL_ARRAY = 0x0221,
    XL_TABLE = 0x0236,
    XL_SHRFMLA = 0x04BC,
    XL_BOF = 0x0809
};
enum { BIFF5 = 0x0500, BIFF8 = 0x0600 };
enum { BOF_GLOBALS = 0x0005, BOF_SHEET = 0x0010 };
/* Sheets whose names are remembered (BOUNDSHEET); more sheets are still
 * read, without a name line. */
#define XL_MAX_SHEETS 4096
/* Substreams nest (a chart inside a sheet); deeper BOFs are an error. */
#define XL_MAX_NEST 8

/* A byte sequence split over a record and its CONTINUE records. */
typedef struct xseg {
    uint32_t off, len;
} xseg;

typedef struct xreader {
    const uint8_t *base;
    const xseg *seg;
    size_t nseg, si, pos; /* current segment, position inside it */
} xreader;

static int xr_next_seg(xreader *r)
{
    while (r->si < r->nseg && r->pos >= r->seg[r->si].len) {
        r->si++;
        r->pos = 0;
    }
    return r->si < r->nseg;
}

/* Reads n bytes that may cross segment boundaries (string headers, runs). */
static int xr_bytes(xreader *r, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!xr_next_seg(r))
            return -1;
        uint8_t b = r->base[r->seg[r->si].off + r->pos++];
        if (out)
            out[i] = b;
    }
    return 0;
}

static int xr_skip(xreader *r, uint64_t n)
{
    while (n > 0) {
        if (!xr_next_seg(r))
            return -1;
        size_t avail = r->seg[r->si].len - r->pos;
        size_t k = n < avail ? (size_t)n : avail;
        r->pos += k;
        n -= k;
    }
    return 0;
}

typedef struct xls {
    px_doc *d;
    ubuf u;
    const uint8_t *wb;
    size_t len;
    int biff;     /* BIFF5 or BIFF8 */
    int codepage; /* for BIFF5 8-bit strings: 1252 or 949 */
    /* SST */
    xseg *seg; /* px_buffer_alloc'd: seg_cap entries */
    size_t nseg, seg_cap;
    uint64_t *sst; /* per string: segment index << 32 | position (sst_cap entries) */
    size_t nsst, sst_cap;
    /* cell layout */
    int in_sheet;
    long row; /* row of the last cell emitted in this sheet, -1 before one */
    struct {
        uint32_t bof;            /* BOUNDSHEET lbPlyPos: offset of the sheet's BOF */
        uint32_t name, name_len; /* the name's bytes (cch first) in its record */
    } sheets[XL_MAX_SHEETS];
    size_t nsheets, next_sheet;
    unsigned name_searches;
    int pending_string; /* a FORMULA's string result comes in the next STRING */
} xls;

/* Emits cch characters of an XLUnicode string body from a segmented reader:
 * at each new segment a fresh flags byte says whether the rest is 8-bit or
 * 16-bit ([MS-XLS] 2.5.293 XLUnicodeRichExtendedString, "If the string is
 * split across CONTINUE records, the first byte of the continuation is a
 * new fHighByte"). */
static int xl_chars(xls *x, xreader *r, uint32_t cch, int high, int *trunc)
{
    size_t si = r->si;
    for (uint32_t i = 0; i < cch; i++) {
        for (;;) {
            if (!xr_next_seg(r)) {
                *trunc = 1;
                return PX_CONTINUE;
            }
            if (r->si == si)
                break;
            si = r->si;
            high = r->base[r->seg[si].off + r->pos++] & 1;
        }
        uint16_t c;
        const uint8_t *p = r->base + r->seg[r->si].off + r->pos;
        if (high) {
            if (r->pos + 2 > r->seg[r->si].len) {
                *trunc = 1; /* a code unit never straddles records */
                return PX_CONTINUE;
            }
            c = rd16(p);
            r->pos += 2;
        } else {
            c = p[0];
            r->pos += 1;
        }
        if (ub_put(&x->u, c) != PX_CONTINUE)
            return PX_ABORT;
    }
    return PX_CONTINUE;
}

/* A one-segment reader over bytes [off, off+len) of the workbook. */
static xreader xl_flat(xls *x, xseg *s, size_t off, size_t len)
{
    s->off = (uint32_t)off;
    s->len = (uint32_t)len;
    return (xreader){.base = x->wb, .seg = s, .nseg = 1};
}

/* 8-bit BIFF5 text in the workbook's code page. */
static int xl_bytes8(xls *x, const uint8_t *p, size_t n)
{
    if (ub_flush(&x->u) != PX_CONTINUE)
        return PX_ABORT;
    return px_text_codepage(x->d, p, n, x->codepage);
}

/* XLUnicodeString (BIFF8: cch16 or cch8, flags, chars) or a BIFF5 string
 * (cch, 8-bit chars) at rec[0..n).  Returns PX_CONTINUE/PX_ABORT; counts
 * in *bad a string that does not fit. */
static int xl_string(xls *x, size_t off, size_t n, int cch16, int *bad)
{
    size_t hl = cch16 ? 2 : 1;
    if (n < hl) {
        (*bad)++;
        return PX_CONTINUE;
    }
    const uint8_t *p = x->wb + off;
    uint32_t cch = cch16 ? rd16(p) : p[0];
    if (x->biff == BIFF5) {
        if (cch > n - hl) {
            (*bad)++;
            cch = (uint32_t)(n - hl);
        }
        return xl_bytes8(x, p + hl, cch);
    }
    if (n < hl + 1) {
        (*bad)++;
        return PX_CONTINUE;
    }
    uint8_t fl = p[hl];
    size_t body = hl + 1;
    /* LABEL strings may carry rich-text runs or phonetic data in some
     * writers; skip their headers as XLUnicodeRichExtendedString does. */
    if (fl & 0x08)
        body += 2;
    if (fl & 0x04)
        body += 4;
    if (body > n) {
        (*bad)++;
        return PX_CONTINUE;
    }
    xseg s;
    xreader r = xl_flat(x, &s, off + body, n - body);
    int trunc = 0;
    if (xl_chars(x, &r, cch, fl & 1, &trunc) != PX_CONTINUE)
        return PX_ABORT;
    if (trunc)
        (*bad)++;
    return PX_CONTINUE;
}

static void xl_free_sst(xls *x)
{
    if (x->seg)
        px_buffer_free(x->d, x->seg, x->seg_cap * sizeof *x->seg);
    if (x->sst)
        px_buffer_free(x->d, x->sst, x->sst_cap * sizeof *x->sst);
    x->seg = NULL;
    x->sst = NULL;
    x->nseg = x->seg_cap = x->nsst = x->sst_cap = 0;
}

/* Parses the SST: remembers where each string starts (segment, position);
 * the count in its header is not trusted (strings are read while bytes
 * remain, up to that count). */
static int xl_sst_index(xls *x, size_t rec_off, size_t rec_len)
{
    /* Segments: the SST's own payload and every CONTINUE that follows. */
    size_t cap = 1, n = 0;
    for (size_t p = rec_off + rec_len; p + 4 <= x->len && rd16(x->wb + p) == XL_CONTINUE;) {
        size_t l = rd16(x->wb + p + 2);
        if (l > x->len - p - 4)
            break;
        cap++;
        p += 4 + l;
    }
    xl_free_sst(x);
    x->seg = px_buffer_alloc(x->d, cap * sizeof *x->seg);
    if (!x->seg)
        return -1;
    x->seg_cap = cap;
    x->seg[n++] = (xseg){(uint32_t)rec_off, (uint32_t)rec_len};
    for (size_t p = rec_off + rec_len; n < cap;) {
        size_t l = rd16(x->wb + p + 2);
        x->seg[n++] = (xseg){(uint32_t)(p + 4), (uint32_t)l};
        p += 4 + l;
    }
    x->nseg = n;
    if (rec_len < 8)
        return 1;
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += x->seg[i].len;
    /* cstUnique is not trusted (some writers leave it wrong): strings are
     * read while bytes remain.  Each takes at least 3 bytes (cch, flags),
     * which bounds the table by the bytes present. */
    size_t want = total / 3;
    uint32_t unique = rd32(x->wb + rec_off + 4);
    size_t scap = unique < want ? unique : want;
    if (scap < 16)
        scap = 16;
    x->sst = px_buffer_alloc(x->d, scap * sizeof *x->sst);
    if (!x->sst)
        return -1;
    x->sst_cap = scap;
    xreader r = {.base = x->wb, .seg = x->seg, .nseg = n, .si = 0, .pos = 8};
    int bad = 0;
    while (x->nsst < want) {
        if (!xr_next_seg(&r))
            break; /* the strings end where the records end */
        if (x->nsst == x->sst_cap) {
            /* more strings than cstUnique said: grow, still bounded by want */
            size_t ncap = x->sst_cap * 2 < want ? x->sst_cap * 2 : want;
            uint64_t *g = px_buffer_alloc(x->d, ncap * sizeof *g);
            if (!g)
                return -1;
            memcpy(g, x->sst, x->nsst * sizeof *g);
            px_buffer_free(x->d, x->sst, x->sst_cap * sizeof *x->sst);
            x->sst = g;
            x->sst_cap = ncap;
        }
        x->sst[x->nsst] = ((uint64_t)r.si << 32) | (uint32_t)r.pos;
        uint8_t h[3];
        if (xr_bytes(&r, h, 3) < 0) {
            bad = 1;
            break;
        }
        uint32_t cch = rd16(h);
        uint8_t fl = h[2];
        uint16_t runs = 0;
        uint32_t ext = 0;
        uint8_t t[4];
        if (fl & 0x08) {
            if (xr_bytes(&r, t, 2) < 0) {
                bad = 1;
                break;
            }
            runs = rd16(t);
        }
        if (fl & 0x04) {
            if (xr_bytes(&r, t, 4) < 0) {
                bad = 1;
                break;
            }
            ext = rd32(t);
        }
        x->nsst++;
        /* Skip the characters, honouring the flags byte at each new segment. */
        int high = fl & 1;
        uint32_t left = cch;
        while (left > 0) {
            if (!xr_next_seg(&r))
                break;
            size_t avail = r.seg[r.si].len - r.pos;
            size_t w = high ? 2 : 1;
            size_t k = avail / w < left ? avail / w : left;
            r.pos += k * w;
            left -= (uint32_t)k;
            if (left == 0)
                break;
            /* Next segment begins with a new flags byte. */
            r.pos = r.seg[r.si].len;
            size_t before = r.si;
            if (!xr_next_seg(&r) || r.si == before)
                break;
            uint8_t f;
            if (xr_bytes(&r, &f, 1) < 0)
                break;
            high = f & 1;
        }
        if (left > 0 || xr_skip(&r, (uint64_t)runs * 4 + ext) < 0) {
            bad = 1;
            break;
        }
    }
    return bad;
}

static int xl_emit_sst(xls *x, uint32_t isst, int *bad)
{
    if (isst >= x->nsst) {
        (*bad)++;
        return PX_CONTINUE;
    }
    uint64_t at = x->sst[isst];
    xreader r = {.base = x->wb, .seg = x->seg, .nseg = x->nseg, .si = (size_t)(at >> 32),
                 .pos = (size_t)(uint32_t)at};
    uint8_t h[3], t[4];
    if (xr_bytes(&r, h, 3) < 0) {
        (*bad)++;
        return PX_CONTINUE;
    }
    if (((h[2] & 0x08) && xr_bytes(&r, t, 2) < 0) || ((h[2] & 0x04) && xr_bytes(&r, t, 4) < 0)) {
        (*bad)++;
        return PX_CONTINUE;
    }
    int trunc = 0;
    /* Every LABELSST may name the longest string: count what is produced
     * (see the same in px_msoffice_doc). */
    if (px_account(x->d, (uint64_t)rd16(h) * ((h[2] & 1) ? 2 : 1), 0) != PX_CONTINUE)
        return PX_ABORT;
    if (xl_chars(x, &r, rd16(h), h[2] & 1, &trunc) != PX_CONTINUE)
        return PX_ABORT;
    if (trunc)
        (*bad)++;
    return PX_CONTINUE;
}

/* Before a cell's text: a PARA when the row changed, a CELL otherwise. */
static int xl_cell(xls *x, size_t rec_off, size_t rec_len)
{
    long row = rec_len >= 2 ? (long)rd16(x->wb + rec_off) : x->row;
    int rc = PX_CONTINUE;
    if (x->row >= 0)
        rc = ub_break(&x->u, row != x->row ? PX_BREAK_PARA : PX_BREAK_CELL);
    x->row = row;
    return rc;
}

/* A number as a reader sees it: integers without ".0", others with up to
 * 15 significant digits (what Excel shows), '.' as the decimal point
 * whatever the locale. */
static int xl_number(xls *x, double v)
{
    if (!isfinite(v))
        return PX_CONTINUE;
    char buf[64];
    if (v == floor(v) && fabs(v) < 1e17)
        snprintf(buf, sizeof buf, "%.0f", v);
    else
        snprintf(buf, sizeof buf, "%.15g", v);
    for (char *c = buf; *c; c++)
        if (*c == ',')
            *c = '.';
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    if (ub_flush(&x->u) != PX_CONTINUE)
        return PX_ABORT;
    return px_text(x->d, buf, strlen(buf));
}

static double xl_double(const uint8_t *p)
{
    uint64_t b = (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32);
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

/* RkNumber ([MS-XLS] 2.5.217): bit 0 divides by 100, bit 1 says the upper
 * 30 bits are a signed integer, else the upper 30 bits of a double. */
static double xl_rk(uint32_t rk)
{
    double v;
    if (rk & 2) {
        int32_t i = (int32_t)(rk & 0xFFFFFFFCu);
        v = (double)(i / 4);
    } else {
        uint64_t b = (uint64_t)(rk & 0xFFFFFFFCu) << 32;
        memcpy(&v, &b, sizeof v);
    }
    return (rk & 1) ? v / 100 : v;
}

/* The name of the sheet whose BOF is at bof_off.  Sheets come in
 * BOUNDSHEET order, so the next one is tried first; a search of the whole
 * list is allowed a few times only (a file with thousands of stray BOFs
 * must not cost sheets x BOFs). */
#define XL_NAME_SEARCHES 64

static int xl_sheet_name(xls *x, size_t bof_off)
{
    size_t i = x->next_sheet, n = x->nsheets;
    if (i >= n || x->sheets[i].bof != bof_off) {
        if (x->name_searches >= XL_NAME_SEARCHES)
            return PX_CONTINUE;
        x->name_searches++;
        for (i = 0; i < n && x->sheets[i].bof != bof_off; i++)
            ;
    }
    if (i < n) {
        x->next_sheet = i + 1;
        /* name: cch (1 byte), then BIFF8 flags + chars / BIFF5 8-bit chars */
        int bad = 0;
        if (xl_string(x, x->sheets[i].name, x->sheets[i].name_len, 0, &bad) != PX_CONTINUE)
            return PX_ABORT;
        return ub_break(&x->u, PX_BREAK_PARA);
    }
    return PX_CONTINUE;
}

static int xl_walk(xls *x)
{
    const uint8_t *wb = x->wb;
    size_t len = x->len, p = 0;
    int nest = 0, nrec = 0, bad_cells = 0;
    while (p + 4 <= len) {
        uint16_t type = rd16(wb + p), rl = rd16(wb + p + 2);
        size_t ro = p + 4;
        if (rl > len - ro) {
            /* Outside every substream (after the last EOF) it is padding
             * some writers leave; inside one, the workbook is cut short. */
            if (nest > 0)
                px_set_status(x->d, PX_ERROR, "Workbook: record 0x%04X at %zu exceeds the stream",
                              type, p);
            break;
        }
        size_t rec_start = p;
        p = ro + rl;
        const uint8_t *r = wb + ro;
        if (nrec++ == 0 && type != XL_BOF) {
            if (type == 0x0009 || type == 0x0209 || type == 0x0409)
                px_set_status(x->d, PX_UNSUPPORTED, "Workbook: BIFF2-4 not supported");
            else
                px_set_status(x->d, PX_ERROR, "Workbook: stream does not start with a BOF record");
            return PX_CONTINUE;
        }
        switch (type) {
        case XL_BOF:
            if (rl < 4) {
                px_set_status(x->d, PX_ERROR, "Workbook: BOF record too short");
                return PX_CONTINUE;
            }
            if (++nest > XL_MAX_NEST) {
                px_set_status(x->d, PX_ERROR, "Workbook: substreams nested too deep");
                return PX_CONTINUE;
            }
            if (nest == 1) {
                uint16_t vers = rd16(r), dt = rd16(r + 2);
                x->biff = vers == BIFF5 ? BIFF5 : BIFF8;
                if (vers != BIFF5 && vers != BIFF8 && nrec == 1) {
                    px_set_status(x->d, PX_UNSUPPORTED,
                                  "Workbook: BIFF version 0x%04X not supported", vers);
                    return PX_CONTINUE;
                }
                x->in_sheet = dt == BOF_SHEET;
                x->row = -1;
                x->pending_string = 0;
                if (x->in_sheet) {
                    if (ub_break(&x->u, PX_BREAK_PART) != PX_CONTINUE ||
                        xl_sheet_name(x, rec_start) != PX_CONTINUE)
                        return PX_ABORT;
                }
            }
            break;
        case XL_EOF:
            if (nest > 0)
                nest--;
            if (nest == 0)
                x->in_sheet = 0;
            break;
        case XL_FILEPASS:
            px_set_status(x->d, PX_ENCRYPTED,
                          "Excel workbook encrypted with a password (RC4/XOR)");
            return PX_CONTINUE;
        case XL_CODEPAGE:
            if (rl >= 2 && x->biff == BIFF5)
                x->codepage = rd16(r) == 949 ? 949 : 1252;
            break;
        case XL_BOUNDSHEET:
            /* lbPlyPos, hsState, dt, then the name: remembered, emitted at
             * the sheet's BOF. */
            if (rl >= 7 && x->nsheets < XL_MAX_SHEETS) {
                x->sheets[x->nsheets].bof = rd32(r);
                x->sheets[x->nsheets].name = (uint32_t)(ro + 6);
                x->sheets[x->nsheets].name_len = (uint32_t)(rl - 6);
                x->nsheets++;
            }
            break;
        case XL_SST: {
            int b = xl_sst_index(x, ro, rl);
            if (b < 0) {
                /* px_buffer_alloc has set the status (memory budget) */
                return ub_flush(&x->u);
            }
            if (b > 0)
                px_set_status(x->d, PX_ERROR, "Workbook: SST truncated");
            break;
        }
        case XL_LABELSST:
            if (!x->in_sheet)
                break;
            if (rl < 10) {
                bad_cells++;
                break;
            }
            if (xl_cell(x, ro, rl) != PX_CONTINUE ||
                xl_emit_sst(x, rd32(r + 6), &bad_cells) != PX_CONTINUE)
                return PX_ABORT;
            break;
        case XL_LABEL:
        case XL_RSTRING:
            if (!x->in_sheet)
                break;
            if (rl < 8) {
                bad_cells++;
                break;
            }
            if (xl_cell(x, ro, rl) != PX_CONTINUE ||
                xl_string(x, ro + 6, rl - 6, 1, &bad_cells) != PX_CONTINUE)
                return PX_ABORT;
            break;
        case XL_NUMBER:
            if (!x->in_sheet)
                break;
            if (rl < 14) {
                bad_cells++;
                break;
            }
            if (xl_cell(x, ro, rl) != PX_CONTINUE || xl_number(x, xl_double(r + 6)) != PX_CONTINUE)
                return PX_ABORT;
            break;
        case XL_RK:
            if (!x->in_sheet)
                break;
            if (rl < 10) {
                bad_cells++;
                break;
            }
            if (xl_cell(x, ro, rl) != PX_CONTINUE || xl_number(x, xl_rk(rd32(r + 6))) != PX_CONTINUE)
                return PX_ABORT;
            break;
        case XL_MULRK: {
            if (!x->in_sheet)
                break;
            if (rl < 12 || (rl - 6) % 6 != 0) {
                bad_cells++;
                break;
            }
            size_t n = (size_t)(rl - 6) / 6;
            for (size_t i = 0; i < n; i++)
                if (xl_cell(x, ro, rl) != PX_CONTINUE ||
                    xl_number(x, xl_rk(rd32(r + 4 + 6 * i + 2))) != PX_CONTINUE)
                    return PX_ABORT;
            break;
        }
        case XL_FORMULA:
            if (!x->in_sheet)
                break;
            if (rl < 14) {
                bad_cells++;
                break;
            }
            /* Cached result: a double, or (0xFFFF in bytes 6-7) a tagged
             * value whose type 0 says "a STRING record follows". */
            if (rd16(r + 12) == 0xFFFF) {
                if (r[6] == 0) {
                    if (xl_cell(x, ro, rl) != PX_CONTINUE)
                        return PX_ABORT;
                    x->pending_string = 1;
                }
                break;
            }
            if (xl_cell(x, ro, rl) != PX_CONTINUE || xl_number(x, xl_double(r + 6)) != PX_CONTINUE)
                return PX_ABORT;
            break;
        case XL_STRING:
            if (!x->in_sheet || !x->pending_string)
                break;
            x->pending_string = 0;
            /* The FORMULA placed the cell; this is its text. */
            if (xl_string(x, ro, rl, 1, &bad_cells) != PX_CONTINUE)
                return PX_ABORT;
            break;
        case XL_HEADER:
        case XL_FOOTER:
            if (!x->in_sheet || rl == 0)
                break;
            if (ub_break(&x->u, PX_BREAK_PARA) != PX_CONTINUE ||
                xl_string(x, ro, rl, x->biff == BIFF8, &bad_cells) != PX_CONTINUE ||
                ub_break(&x->u, PX_BREAK_PARA) != PX_CONTINUE)
                return PX_ABORT;
            x->row = -1;
            break;
        default:
            break;
        }
        /* Only shared-formula, array and table records may come between a
         * FORMULA and its STRING. */
        if (type != XL_FORMULA && type != XL_STRING && type != XL_CONTINUE &&
            type != XL_SHRFMLA && type != XL_ARRAY && type != XL_TABLE)
            x->pending_string = 0;
    }
    if (ub_flush(&x->u) != PX_CONTINUE)
        return PX_ABORT;
    if (bad_cells)
        px_set_status(x->d, PX_ERROR, "Workbook: %d cell record(s) malformed", bad_cells);
    return PX_CONTINUE;
}

int px_msoffice_xls(px_doc *d, const uint8_t *wb, size_t len)
{
    if (!wb || len < 8) {
        px_set_status(d, PX_ERROR, "Workbook: stream too short");
        return PX_CONTINUE;
    }
    xls *x = calloc(1, sizeof *x);
    if (!x) {
        px_set_status(d, PX_SKIPPED, "out of memory");
        return PX_CONTINUE;
    }
    x->d = d;
    x->u.d = d;
    x->wb = wb;
    x->len = len;
    x->biff = BIFF8;
    x->codepage = 1252;
    x->row = -1;
    int rc = xl_walk(x);
    xl_free_sst(x);
    free(x);
    return rc;
}

/* ======================================================================
 * PowerPoint 97-2003
 * ====================================================================== */

enum {
    PPT_TEXTCHARS = 0x0FA0,
    PPT_TEXTBYTES = 0x0FA8,
    PPT_CSTRING = 0x0FBA,
    PPT_CURRENTUSER = 0x0FF6,
    PPT_EXHYPERLINK = 0x0FD7,
    PPT_COMMENT10 = 0x2EE0,
    PPT_CRYPTSESSION = 0x2F14
};
/* headerToken of the CurrentUserAtom ([MS-PPT] 2.3.2). */
#define PPT_TOKEN_ENCRYPTED 0xF3D1C4DFu
/* Record containers nest a few levels in practice (document, slide, drawing,
 * group shapes); deeper trees are cut off and reported. */
#define PPT_MAX_DEPTH 64

static int ppt_encrypted(px_doc *d)
{
    px_set_status(d, PX_ENCRYPTED, "PowerPoint presentation encrypted with a password");
    return PX_CONTINUE;
}

/* Text of one atom: 0x0D and 0x0B end paragraphs/lines; other controls
 * (0x09 kept) carry no text. */
static int ppt_text(ubuf *u, const uint8_t *p, size_t n, int wide)
{
    size_t cnt = wide ? n / 2 : n;
    for (size_t i = 0; i < cnt; i++) {
        uint16_t c = wide ? rd16(p + 2 * i) : p[i];
        int rc;
        if (c == 0x0D || c == 0x0B)
            rc = ub_break(u, PX_BREAK_PARA);
        else if (c < 0x20 && c != 0x09)
            rc = PX_CONTINUE;
        else
            rc = ub_put(u, c);
        if (rc != PX_CONTINUE)
            return PX_ABORT;
    }
    return ub_break(u, PX_BREAK_PARA);
}

static int has_cryptsession_header(const uint8_t *p, size_t n)
{
    /* recVer 0xF, recInstance 0, recType 0x2F14 */
    static const uint8_t h[4] = {0x0F, 0x00, 0x14, 0x2F};
    for (size_t i = 0; i + 8 <= n; i++)
        if (memcmp(p + i, h, 4) == 0)
            return 1;
    return 0;
}

int px_msoffice_ppt(px_doc *d, const uint8_t *doc, size_t len, const uint8_t *cur,
                    size_t curlen, int has_encrypted_summary)
{
    if (has_encrypted_summary)
        return ppt_encrypted(d);
    if (cur && curlen >= 16 && rd16(cur + 2) == PPT_CURRENTUSER &&
        rd32(cur + 12) == PPT_TOKEN_ENCRYPTED)
        return ppt_encrypted(d);
    if (!doc || len < 8) {
        px_set_status(d, PX_ERROR, "PowerPoint Document: stream too short");
        return PX_CONTINUE;
    }
    ubuf u = {.d = d};
    size_t end[PPT_MAX_DEPTH];
    uint16_t type_at[PPT_MAX_DEPTH];
    int depth = 0, keep_cstring = 0;
    size_t p = 0;
    const char *err = NULL;
    while (p < len) {
        while (depth > 0 && p >= end[depth - 1]) {
            depth--;
            if (type_at[depth] == PPT_COMMENT10 || type_at[depth] == PPT_EXHYPERLINK)
                keep_cstring--;
        }
        size_t lim = depth > 0 ? end[depth - 1] : len;
        if (lim - p < 8) {
            if (depth > 0 || p + 8 <= len)
                err = "record header truncated";
            /* trailing bytes shorter than a header at top level: padding */
            if (depth > 0) {
                p = lim;
                continue;
            }
            break;
        }
        uint16_t verinst = rd16(doc + p), type = rd16(doc + p + 2);
        uint32_t rlen = rd32(doc + p + 4);
        if (rlen > lim - p - 8) {
            /* Skip the rest of the container and go on with its siblings:
             * text in the following slides is still read. */
            err = "record size exceeds its container";
            if (depth > 0) {
                p = lim;
                continue;
            }
            break;
        }
        size_t body = p + 8;
        if (type == PPT_CRYPTSESSION)
            return ub_flush(&u) != PX_CONTINUE ? PX_ABORT : ppt_encrypted(d);
        if ((verinst & 0x000F) == 0x000F) {
            if (depth == PPT_MAX_DEPTH) {
                err = "records nested too deep";
                p = body + rlen;
                continue;
            }
            end[depth] = body + rlen;
            type_at[depth] = type;
            if (type == PPT_COMMENT10 || type == PPT_EXHYPERLINK)
                keep_cstring++;
            depth++;
            p = body;
            continue;
        }
        int rc = PX_CONTINUE;
        if (type == PPT_TEXTCHARS)
            rc = ppt_text(&u, doc + body, rlen, 1);
        else if (type == PPT_TEXTBYTES)
            rc = ppt_text(&u, doc + body, rlen, 0);
        else if (type == PPT_CSTRING && keep_cstring > 0)
            rc = ppt_text(&u, doc + body, rlen, 1);
        if (rc != PX_CONTINUE)
            return PX_ABORT;
        p = body + rlen;
    }
    if (ub_flush(&u) != PX_CONTINUE)
        return PX_ABORT;
    if (err) {
        /* An encrypted document's records are ciphertext after the first
         * few: look for its CryptSession10Container before calling it
         * corrupt. */
        if (has_cryptsession_header(doc, len))
            return ppt_encrypted(d);
        px_set_status(d, PX_ERROR, "PowerPoint Document: %s", err);
    }
    return PX_CONTINUE;
}
