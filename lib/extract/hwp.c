/* hwp.c -- text of HWP 5.0 documents (Hancom's binary word-processor
 * format), given the opened compound file.
 *
 * Source: Hancom, "한글 문서 파일 형식 5.0" (HWP 5.0 file format, revision
 * 1.3), sections 3.1 (FileHeader), 3.2.3/4.1 (records), 4.3 (BodyText
 * PARA_TEXT and its control characters) and the distribution-document
 * ViewText description.  docs/extract-hwp.md explains what is read.
 *
 * - FileHeader: "HWP Document File" signature, version, property bits
 *   (bit 0 compressed, bit 1 password, bit 2 distribution document).
 * - BodyText/Section0..N in numeric order: a sequence of records, each a
 *   32-bit header (tag 10 bits, level 10 bits, size 12 bits; size 0xFFF
 *   means a 32-bit size follows).  The section is raw deflate when the
 *   document is compressed; it is inflated in bounded chunks and the
 *   records are parsed as a stream, so neither a section nor a record is
 *   ever held whole once inflated.
 * - Distribution documents keep their text in ViewText/Section*, each
 *   starting with a DISTRIBUTE_DOC_DATA record whose 256 bytes, decoded
 *   with the MSVC rand() sequence seeded from their first 4 bytes, hold the
 *   AES-128 key; the rest of the stream is AES-128-ECB, then deflate. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "cfb.h"
#include "extract.h"

/* Record tags (HWPTAG_BEGIN = 0x10). */
#define HWPTAG_BEGIN 0x10u
#define HWPTAG_DISTRIBUTE_DOC_DATA (HWPTAG_BEGIN + 12)
#define HWPTAG_PARA_HEADER (HWPTAG_BEGIN + 50)
#define HWPTAG_PARA_TEXT (HWPTAG_BEGIN + 51)
#define HWPTAG_LIST_HEADER (HWPTAG_BEGIN + 56)

#define HWP_FH_SIZE 256u
#define HWP_PROP_COMPRESSED 0x1u
#define HWP_PROP_PASSWORD 0x2u
#define HWP_PROP_DISTRIBUTION 0x4u

/* Inflated bytes produced per step: bounds the memory of one section. */
#define HWP_INFLATE_CHUNK (64u * 1024u)
/* Sections per document: real documents have a few; more is corrupt. */
#define HWP_MAX_SECTIONS 4096u
/* UTF-16 code units gathered before they are handed to px_text_utf16le. */
#define HWP_TEXT_UNITS 512u

/* Kinds of the control characters in PARA_TEXT (spec table "제어 문자"):
 * CHAR controls take one code unit; INLINE and EXTENDED controls take 8
 * (the code, 6 units of parameters or a pointer to a control record, and
 * the code again). */
enum { CC_CHAR = 1, CC_INLINE = 2, CC_EXTENDED = 3 };
static const uint8_t control_kind[32] = {
    [0] = CC_CHAR,       /* unusable */
    [1] = CC_EXTENDED,   /* reserved */
    [2] = CC_EXTENDED,   /* section / column definition */
    [3] = CC_EXTENDED,   /* field start */
    [4] = CC_INLINE,     /* field end */
    [5] = CC_INLINE,     /* reserved */
    [6] = CC_INLINE,     /* reserved */
    [7] = CC_INLINE,     /* reserved */
    [8] = CC_INLINE,     /* title mark */
    [9] = CC_INLINE,     /* tab */
    [10] = CC_CHAR,      /* line break */
    [11] = CC_EXTENDED,  /* drawing object / table */
    [12] = CC_EXTENDED,  /* reserved */
    [13] = CC_CHAR,      /* paragraph end */
    [14] = CC_EXTENDED,  /* reserved */
    [15] = CC_EXTENDED,  /* hidden comment */
    [16] = CC_EXTENDED,  /* header / footer */
    [17] = CC_EXTENDED,  /* footnote / endnote */
    [18] = CC_EXTENDED,  /* auto number */
    [19] = CC_INLINE,    /* reserved */
    [20] = CC_INLINE,    /* reserved */
    [21] = CC_EXTENDED,  /* page control (hide, new page numbering) */
    [22] = CC_EXTENDED,  /* bookmark, overlapping characters */
    [23] = CC_EXTENDED,  /* dutmal (ruby), hidden comment */
    [24] = CC_CHAR,      /* hyphen */
    [25] = CC_CHAR, [26] = CC_CHAR, [27] = CC_CHAR, [28] = CC_CHAR, [29] = CC_CHAR, /* reserved */
    [30] = CC_CHAR,      /* non-breaking space (묶음 빈칸) */
    [31] = CC_CHAR,      /* fixed-width space (고정폭 빈칸) */
};

/* Streaming record parser state for one section. */
typedef struct rec_parser {
    px_doc *d;
    /* header assembly */
    uint8_t hdr[8];
    unsigned hlen, hneed;
    /* current record */
    uint32_t tag;
    uint64_t left; /* body bytes still to come */
    int in_body;
    uint64_t records;
    int first_tag_checked;
    int bad_first;   /* the first record was not a PARA_HEADER */
    /* PARA_TEXT decoding */
    uint8_t half[1]; /* odd byte of a code unit split between chunks */
    int has_half;
    unsigned skip;   /* code units of an 8-unit control still to skip */
    uint8_t out[HWP_TEXT_UNITS * 2];
    size_t nout;
} rec_parser;

static void rp_init(rec_parser *rp, px_doc *d)
{
    memset(rp, 0, sizeof *rp);
    rp->d = d;
    rp->hneed = 4;
}

/* Hands the gathered text to the driver.  A trailing high surrogate is held
 * back unless `all` (record end), so a pair is never split. */
static int rp_flush(rec_parser *rp, int all)
{
    size_t n = rp->nout;
    if (n == 0)
        return PX_CONTINUE;
    uint16_t last = (uint16_t)(rp->out[n - 2] | rp->out[n - 1] << 8);
    size_t keep = !all && last >= 0xD800 && last <= 0xDBFF ? 2 : 0;
    int r = px_text_utf16le(rp->d, rp->out, n - keep);
    memmove(rp->out, rp->out + n - keep, keep);
    rp->nout = keep;
    return r;
}

static int rp_emit_ascii(rec_parser *rp, const char *s)
{
    if (rp_flush(rp, 1) != PX_CONTINUE)
        return PX_ABORT;
    return px_text(rp->d, s, strlen(s));
}

/* One code unit of PARA_TEXT. */
static int rp_unit(rec_parser *rp, uint16_t u)
{
    if (rp->skip) {
        rp->skip--;
        return PX_CONTINUE;
    }
    if (u >= 32) {
        if (rp->nout == sizeof rp->out && rp_flush(rp, 0) != PX_CONTINUE)
            return PX_ABORT;
        if (rp->nout == sizeof rp->out) /* only a held surrogate: cannot happen, but bound it */
            rp->nout = 0;
        rp->out[rp->nout++] = (uint8_t)u;
        rp->out[rp->nout++] = (uint8_t)(u >> 8);
        return PX_CONTINUE;
    }
    if (control_kind[u] != CC_CHAR)
        rp->skip = 7;
    switch (u) {
    case 9:
        return rp_emit_ascii(rp, "\t");
    case 10:
        return rp_emit_ascii(rp, "\n");
    case 13:
        if (rp_flush(rp, 1) != PX_CONTINUE)
            return PX_ABORT;
        return px_break(rp->d, PX_BREAK_PARA);
    case 24:
        return rp_emit_ascii(rp, "-");
    case 30:
    case 31:
        return rp_emit_ascii(rp, " ");
    case 11: /* drawing object / table */
    case 15: /* hidden comment */
    case 16: /* header / footer */
    case 17: /* footnote / endnote */
        /* Anchors of objects whose text follows in nested paragraph lists:
         * a break keeps the text around the anchor from gluing (the number
         * of a footnote, a table between two words). */
        if (rp_flush(rp, 1) != PX_CONTINUE)
            return PX_ABORT;
        return px_break(rp->d, PX_BREAK_CELL);
    default:
        /* Fields, bookmarks, auto numbers, page controls: no text of their
         * own, and transparent, so "900101-" <field end> "1234568" stays
         * one value as it reads on the page. */
        return PX_CONTINUE;
    }
}

static int rp_text_bytes(rec_parser *rp, const uint8_t *p, size_t n)
{
    size_t i = 0;
    if (rp->has_half && n > 0) {
        rp->has_half = 0;
        if (rp_unit(rp, (uint16_t)(rp->half[0] | p[0] << 8)) != PX_CONTINUE)
            return PX_ABORT;
        i = 1;
    }
    for (; i + 1 < n; i += 2)
        if (rp_unit(rp, (uint16_t)(p[i] | p[i + 1] << 8)) != PX_CONTINUE)
            return PX_ABORT;
    if (i < n) {
        rp->half[0] = p[i];
        rp->has_half = 1;
    }
    return PX_CONTINUE;
}

static int rp_record_start(rec_parser *rp)
{
    if (!rp->first_tag_checked) {
        rp->first_tag_checked = 1;
        rp->bad_first = rp->tag != HWPTAG_PARA_HEADER;
    }
    rp->records++;
    if (rp->tag == HWPTAG_PARA_HEADER)
        return px_break(rp->d, PX_BREAK_PARA);
    if (rp->tag == HWPTAG_LIST_HEADER) /* table cell, note, header, text box */
        return px_break(rp->d, PX_BREAK_CELL);
    return PX_CONTINUE;
}

static int rp_record_end(rec_parser *rp)
{
    int r = PX_CONTINUE;
    if (rp->tag == HWPTAG_PARA_TEXT)
        r = rp_flush(rp, 1);
    rp->has_half = 0;
    rp->skip = 0;
    rp->in_body = 0;
    rp->hlen = 0;
    rp->hneed = 4;
    return r;
}

/* Feeds section bytes to the record parser.  Returns PX_CONTINUE or
 * PX_ABORT; with bad_first set the caller may stop early. */
static int rp_feed(rec_parser *rp, const uint8_t *p, size_t n)
{
    while (n > 0) {
        if (!rp->in_body) {
            size_t k = rp->hneed - rp->hlen;
            if (k > n)
                k = n;
            memcpy(rp->hdr + rp->hlen, p, k);
            rp->hlen += (unsigned)k;
            p += k;
            n -= k;
            if (rp->hlen < rp->hneed)
                return PX_CONTINUE;
            uint32_t h = (uint32_t)rp->hdr[0] | (uint32_t)rp->hdr[1] << 8 |
                         (uint32_t)rp->hdr[2] << 16 | (uint32_t)rp->hdr[3] << 24;
            uint32_t size = h >> 20;
            if (size == 0xFFF && rp->hneed == 4) {
                rp->hneed = 8; /* a 32-bit size follows */
                continue;
            }
            if (rp->hneed == 8)
                size = (uint32_t)rp->hdr[4] | (uint32_t)rp->hdr[5] << 8 |
                       (uint32_t)rp->hdr[6] << 16 | (uint32_t)rp->hdr[7] << 24;
            rp->tag = h & 0x3FF;
            rp->left = size;
            rp->in_body = 1;
            if (rp_record_start(rp) != PX_CONTINUE)
                return PX_ABORT;
            if (rp->bad_first)
                return PX_CONTINUE;
            if (rp->left == 0 && rp_record_end(rp) != PX_CONTINUE)
                return PX_ABORT;
            continue;
        }
        size_t k = rp->left < n ? (size_t)rp->left : n;
        if (rp->tag == HWPTAG_PARA_TEXT && rp_text_bytes(rp, p, k) != PX_CONTINUE)
            return PX_ABORT;
        p += k;
        n -= k;
        rp->left -= k;
        if (rp->left == 0 && rp_record_end(rp) != PX_CONTINUE)
            return PX_ABORT;
    }
    return PX_CONTINUE;
}

/* 1 if the section ended between records. */
static int rp_complete(const rec_parser *rp) { return !rp->in_body && rp->hlen == 0; }

/* Outcome of one section. */
enum { SEC_OK = 0, SEC_ABORT, SEC_BAD_DATA, SEC_TRUNCATED };

/* Parses a section's records from `p`, inflating first when compressed.
 * `padded`: the bytes were decrypted, so up to 15 bytes of AES block
 * padding may follow the last record (zeros read as empty records, and a
 * partial record header at the very end is not an error).
 * *records receives the number of record headers seen and *bad_first
 * whether the first was not a PARA_HEADER. */
static int parse_section(px_doc *d, const uint8_t *p, size_t n, int compressed, int padded,
                         uint64_t *records, int *bad_first, const char **why)
{
    rec_parser rp;
    rp_init(&rp, d);
    int res = SEC_OK;
    *why = NULL;
    if (!compressed) {
        if (rp_feed(&rp, p, n) != PX_CONTINUE)
            res = SEC_ABORT;
        else if (rp.bad_first)
            res = SEC_BAD_DATA, *why = "first record is not a paragraph header";
        else if (!rp_complete(&rp) && !(padded && !rp.in_body))
            res = SEC_TRUNCATED, *why = "record size exceeds the section";
        goto out;
    }
    uint8_t *buf = malloc(HWP_INFLATE_CHUNK);
    if (!buf) {
        res = SEC_BAD_DATA;
        *why = "out of memory";
        goto out;
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -15) != Z_OK) {
        free(buf);
        res = SEC_BAD_DATA;
        *why = "zlib initialisation failed";
        goto out;
    }
    zs.next_in = (Bytef *)(uintptr_t)p;
    zs.avail_in = 0;
    size_t fed = 0;
    for (;;) {
        if (zs.avail_in == 0 && fed < n) {
            size_t k = n - fed > (1u << 30) ? (1u << 30) : n - fed;
            zs.next_in = (Bytef *)(uintptr_t)(p + fed);
            zs.avail_in = (uInt)k;
            fed += k;
        }
        zs.next_out = buf;
        zs.avail_out = HWP_INFLATE_CHUNK;
        uInt in_before = zs.avail_in;
        int zr = inflate(&zs, Z_NO_FLUSH);
        size_t produced = HWP_INFLATE_CHUNK - zs.avail_out;
        if (produced > 0) {
            if (px_account(d, produced, in_before - zs.avail_in) != PX_CONTINUE ||
                rp_feed(&rp, buf, produced) != PX_CONTINUE) {
                res = SEC_ABORT;
                break;
            }
            if (rp.bad_first) {
                res = SEC_BAD_DATA;
                *why = "first record is not a paragraph header";
                break;
            }
        }
        if (zr == Z_STREAM_END) {
            if (!rp_complete(&rp))
                res = SEC_TRUNCATED, *why = "record size exceeds the section";
            break;
        }
        if (zr == Z_BUF_ERROR && zs.avail_in == 0 && fed >= n) {
            res = SEC_TRUNCATED;
            *why = "compressed data truncated";
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            res = SEC_BAD_DATA;
            *why = "compressed data corrupt";
            break;
        }
    }
    inflateEnd(&zs);
    free(buf);
out:
    *records = rp.records;
    *bad_first = rp.bad_first;
    return res;
}

/* ---- sections ---------------------------------------------------------- */

struct section {
    size_t idx;     /* CFB entry */
    uint32_t num;   /* N of SectionN */
};

static int cmp_section(const void *a, const void *b)
{
    const struct section *x = a, *y = b;
    return x->num < y->num ? -1 : x->num > y->num;
}

/* Entries "<storage>/Section<digits>", sorted by number; NULL if none. */
static struct section *list_sections(px_cfb *c, const char *storage, size_t *n)
{
    size_t sl = strlen(storage), k = 0;
    struct section *v = NULL;
    *n = 0;
    for (size_t i = 0; i < px_cfb_count(c); i++) {
        const char *p = px_cfb_path(c, i);
        if (px_cfb_type(c, i) != PX_CFB_STREAM || strncmp(p, storage, sl) != 0 ||
            strncmp(p + sl, "/Section", 8) != 0)
            continue;
        const char *q = p + sl + 8;
        uint32_t num = 0;
        int digits = 0;
        for (; *q >= '0' && *q <= '9' && digits < 9; q++, digits++)
            num = num * 10 + (uint32_t)(*q - '0');
        if (digits == 0 || *q != '\0' || k >= HWP_MAX_SECTIONS)
            continue;
        if (!v && !(v = malloc(HWP_MAX_SECTIONS * sizeof *v)))
            return NULL;
        v[k].idx = i;
        v[k].num = num;
        k++;
    }
    if (v)
        qsort(v, k, sizeof *v, cmp_section);
    *n = k;
    return v;
}

/* ---- distribution documents ------------------------------------------- */

/* MSVC's rand(): seed = seed * 214013 + 2531011, output bits 16..30. */
static uint32_t msvc_rand(uint32_t *seed)
{
    *seed = *seed * 214013u + 2531011u;
    return (*seed >> 16) & 0x7FFFu;
}

/* Decodes the 256-byte DISTRIBUTE_DOC_DATA payload and copies out the
 * AES-128 key: bytes from offset 4 on are XORed with a byte from rand(),
 * changed every (rand() & 15) + 1 bytes; the key is the first 16 bytes at
 * offset 4 + (first byte & 15) of the decoded data (the start of the SHA-1
 * text that the data holds). */
static void distribution_key(const uint8_t payload[256], uint8_t key[16])
{
    uint8_t data[256];
    memcpy(data, payload, 256);
    uint32_t seed = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
                    (uint32_t)data[3] << 24;
    uint8_t x = 0;
    unsigned run = 0;
    for (unsigned i = 0; i < 256; i++) {
        if (run == 0) {
            x = (uint8_t)(msvc_rand(&seed) & 0xFF);
            run = (msvc_rand(&seed) & 0xF) + 1;
        }
        if (i >= 4)
            data[i] ^= x;
        run--;
    }
    unsigned off = 4 + (data[0] & 0xF);
    memcpy(key, data + off, 16);
}

/* Decrypts a ViewText section into a px_buffer_alloc'd buffer of the
 * plaintext (*out, *out_len bytes).  Returns DEC_OK, DEC_FAILED (not a
 * readable distribution stream), DEC_BUDGET (the buffer was refused; the doc
 * is SKIPPED) or DEC_ABORT (a limit tripped). */
enum { DEC_OK = 0, DEC_FAILED, DEC_BUDGET, DEC_ABORT };

static int decrypt_viewtext(px_doc *d, const uint8_t *p, size_t n, uint8_t **out_p,
                            size_t *out_len)
{
    *out_p = NULL;
    *out_len = 0;
    if (n < 4 + 256)
        return DEC_FAILED;
    uint32_t h = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    if ((h & 0x3FF) != HWPTAG_DISTRIBUTE_DOC_DATA || (h >> 20) != 256)
        return DEC_FAILED;
    size_t tail = (n - 260) & ~(size_t)15;
    if (tail == 0)
        return DEC_FAILED;
    uint8_t *out = px_buffer_alloc(d, tail);
    if (!out)
        return DEC_BUDGET;
    if (px_account(d, tail, tail) != PX_CONTINUE) {
        px_buffer_free(d, out, tail);
        return DEC_ABORT;
    }
    uint8_t key[16];
    distribution_key(p + 4, key);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ok = ctx && EVP_DecryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) == 1 &&
             EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;
    size_t done = 0;
    /* EVP lengths are ints: decrypt in pieces of at most 1 GiB. */
    while (ok && done < tail) {
        size_t k = tail - done > (1u << 30) ? (1u << 30) : tail - done;
        int ol = 0;
        ok = EVP_DecryptUpdate(ctx, out + done, &ol, p + 260 + done, (int)k) == 1 &&
             (size_t)ol == k;
        done += k;
    }
    EVP_CIPHER_CTX_free(ctx);
    memset(key, 0, sizeof key);
    if (!ok) {
        px_buffer_free(d, out, tail);
        return DEC_FAILED;
    }
    *out_p = out;
    *out_len = tail;
    return DEC_OK;
}

/* ---- the document ----------------------------------------------------- */

static int extract_sections(px_doc *d, px_cfb *c, const char *storage, int compressed,
                            int distribution)
{
    size_t ns = 0;
    struct section *secs = list_sections(c, storage, &ns);
    if (ns == 0) {
        free(secs);
        if (distribution)
            px_set_status(d, PX_PROTECTED,
                          "HWP distribution document: ViewText could not be decrypted");
        else
            px_set_status(d, PX_ERROR, "HWP: no %s/Section stream", storage);
        return PX_CONTINUE;
    }
    int r = PX_CONTINUE;
    for (size_t s = 0; s < ns && r == PX_CONTINUE; s++) {
        const char *path = px_cfb_path(c, secs[s].idx);
        /* each section its own part (a header in --extract-text) */
        if (px_part(d, path) != PX_CONTINUE) {
            r = PX_ABORT;
            break;
        }
        size_t n = 0;
        const char *err = NULL;
        uint8_t *raw = px_cfb_read(c, d, secs[s].idx, &n, &err);
        if (!raw) {
            if (!err)
                break; /* budget: SKIPPED set by px_buffer_alloc */
            px_set_status(d, PX_ERROR, "%s: %s", path, err);
            continue;
        }
        const uint8_t *body = raw;
        size_t blen = n;
        uint8_t *plain = NULL;
        size_t plen = 0;
        if (distribution) {
            int dr = decrypt_viewtext(d, raw, n, &plain, &plen);
            if (dr != DEC_OK) {
                px_cfb_free(d, raw, n);
                if (dr == DEC_ABORT)
                    r = PX_ABORT;
                if (dr != DEC_FAILED)
                    break;
                px_set_status(d, PX_PROTECTED,
                              "HWP distribution document: ViewText could not be decrypted");
                continue;
            }
            body = plain;
            blen = plen;
        }
        uint64_t records = 0;
        int bad_first = 0;
        const char *why = NULL;
        int res = parse_section(d, body, blen, compressed, distribution, &records, &bad_first, &why);
        if (plain)
            px_buffer_free(d, plain, plen);
        px_cfb_free(d, raw, n);
        if (res == SEC_ABORT) {
            r = PX_ABORT;
            break;
        }
        if (res != SEC_OK) {
            /* Wrong key or not a distribution stream at all: nothing
             * readable came out, so the text is protected, not corrupt. */
            if (distribution && (bad_first || records == 0))
                px_set_status(d, PX_PROTECTED,
                              "HWP distribution document: ViewText could not be decrypted");
            else
                px_set_status(d, PX_ERROR, "%s: %s", path, why ? why : "unreadable");
        }
    }
    free(secs);
    return r;
}

/* ---- embedded objects (BinData) ------------------------------------------ */

/* Largest embedded object inflated to be handed to the driver. */
#define HWP_BINDATA_MAX (256u << 20)

/* 1 if p (n bytes) starts, at offset 0 or 4, with a compound file or a zip:
 * an OLE object (Hangul stores a 4-byte length before it) or an OOXML
 * package.  *skip receives the offset. */
static int embedded_container(const uint8_t *p, size_t n, size_t *skip)
{
    for (size_t off = 0; off <= 4; off += 4) {
        if (n >= off + 8 && px_cfb_sniff(p + off, n - off)) {
            *skip = off;
            return 1;
        }
        if (n >= off + 4 && memcmp(p + off, "PK\3\4", 4) == 0) {
            *skip = off;
            return 1;
        }
    }
    return 0;
}

/* Inflates the first bytes of raw deflate data into head; returns how many
 * (0 if the data does not start as valid deflate). */
static size_t inflate_head(const uint8_t *p, size_t n, uint8_t *head, size_t cap)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -15) != Z_OK)
        return 0;
    zs.next_in = (Bytef *)(uintptr_t)p;
    zs.avail_in = n > (1u << 30) ? (1u << 30) : (uInt)n;
    zs.next_out = head;
    zs.avail_out = (uInt)cap;
    int zr = inflate(&zs, Z_NO_FLUSH);
    size_t got = cap - zs.avail_out;
    inflateEnd(&zs);
    return zr == Z_OK || zr == Z_STREAM_END ? got : 0;
}

enum { INF_OK = 0, INF_BAD, INF_BUDGET, INF_ABORT };

/* Inflates raw deflate data whole into a px_buffer_alloc'd buffer that
 * doubles as needed (at most HWP_BINDATA_MAX bytes), accounting every step
 * with px_account(), so limits trip while inflating, not after. */
static int inflate_grow(px_doc *d, const uint8_t *p, size_t n, uint8_t **out, size_t *len,
                        size_t *cap)
{
    *out = NULL;
    *len = *cap = 0;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -15) != Z_OK)
        return INF_BAD;
    size_t c = 64u * 1024u, total = 0, fed = 0;
    uint8_t *buf = px_buffer_alloc(d, c);
    int res = buf ? INF_BAD : INF_BUDGET;
    while (buf) {
        if (total == c) {
            if (c >= HWP_BINDATA_MAX)
                break; /* too large: treated as unreadable */
            size_t nc = c * 2;
            uint8_t *nb = px_buffer_alloc(d, nc);
            if (!nb) {
                res = INF_BUDGET;
                break;
            }
            memcpy(nb, buf, total);
            px_buffer_free(d, buf, c);
            buf = nb;
            c = nc;
        }
        if (zs.avail_in == 0 && fed < n) {
            size_t k = n - fed > (1u << 30) ? (1u << 30) : n - fed;
            zs.next_in = (Bytef *)(uintptr_t)(p + fed);
            zs.avail_in = (uInt)k;
            fed += k;
        }
        size_t room = c - total > (1u << 30) ? (1u << 30) : c - total;
        zs.next_out = buf + total;
        zs.avail_out = (uInt)room;
        uInt in_before = zs.avail_in;
        int zr = inflate(&zs, Z_NO_FLUSH);
        size_t produced = room - zs.avail_out;
        total += produced;
        if (px_account(d, produced, in_before - zs.avail_in) != PX_CONTINUE) {
            res = INF_ABORT;
            break;
        }
        if (zr == Z_STREAM_END) {
            res = INF_OK;
            break;
        }
        if (zr != Z_OK)
            break; /* corrupt or truncated */
    }
    inflateEnd(&zs);
    if (res != INF_OK) {
        if (buf)
            px_buffer_free(d, buf, c);
        return res;
    }
    *out = buf;
    *len = total;
    *cap = c;
    return INF_OK;
}

/* Embedded OLE objects and OOXML packages in BinData/ are handed to the
 * driver as members ("BinData/BIN0001.OLE"), which types and reads them.
 * Pictures and other binary data are not: they hold no text.  When the
 * document is compressed, an item is inflated if it starts as valid deflate
 * (items may be stored uncompressed by choice, DocInfo's BIN_DATA says which;
 * trying is simpler and as safe); only the first bytes are inflated to
 * decide, so pictures cost nothing.  A damaged item is skipped: it is not
 * the document's error. */
static int extract_bindata(px_doc *d, px_cfb *c, int compressed)
{
    for (size_t i = 0; i < px_cfb_count(c); i++) {
        const char *path = px_cfb_path(c, i);
        if (px_cfb_type(c, i) != PX_CFB_STREAM || strncmp(path, "BinData/", 8) != 0)
            continue;
        size_t n = 0;
        const char *err = NULL;
        uint8_t *raw = px_cfb_read(c, d, i, &n, &err);
        if (!raw) {
            if (!err)
                return PX_CONTINUE; /* budget: SKIPPED already set */
            continue;
        }
        const uint8_t *obj = NULL;
        size_t olen = 0, skip = 0;
        uint8_t *plain = NULL;
        size_t plen = 0, pcap = 0;
        uint8_t head[16];
        size_t hn = compressed ? inflate_head(raw, n, head, sizeof head) : 0;
        int r = PX_CONTINUE;
        if (hn > 0) {
            if (embedded_container(head, hn, &skip)) {
                int ir = inflate_grow(d, raw, n, &plain, &plen, &pcap);
                if (ir == INF_ABORT)
                    r = PX_ABORT;
                else if (ir == INF_BUDGET) {
                    px_cfb_free(d, raw, n);
                    return PX_CONTINUE;
                } else if (ir == INF_OK && plen > skip) {
                    obj = plain + skip;
                    olen = plen - skip;
                }
            }
        } else if (embedded_container(raw, n, &skip)) {
            obj = raw + skip;
            olen = n - skip;
        }
        if (obj && r == PX_CONTINUE)
            r = px_member_blob(d, path, obj, olen);
        if (plain)
            px_buffer_free(d, plain, pcap);
        px_cfb_free(d, raw, n);
        if (r != PX_CONTINUE)
            return PX_ABORT;
    }
    return PX_CONTINUE;
}

int px_extract_hwp5(px_doc *d, px_cfb *c)
{
    long fi = px_cfb_find(c, "FileHeader");
    size_t n = 0;
    const char *err = NULL;
    uint8_t *fh = fi >= 0 ? px_cfb_read(c, d, (size_t)fi, &n, &err) : NULL;
    if (!fh) {
        if (err || fi < 0)
            px_set_status(d, PX_ERROR, "FileHeader: %s", err ? err : "missing");
        return PX_CONTINUE;
    }
    if (n < 40 || memcmp(fh, "HWP Document File", 17) != 0) {
        px_cfb_free(d, fh, n);
        px_set_status(d, PX_ERROR, "HWP: FileHeader too short or without signature");
        return PX_CONTINUE;
    }
    uint32_t props = (uint32_t)fh[36] | (uint32_t)fh[37] << 8 | (uint32_t)fh[38] << 16 |
                     (uint32_t)fh[39] << 24;
    uint8_t major = fh[35]; /* version is 0xMMnnPPrr, stored little-endian */
    px_cfb_free(d, fh, n);
    if (major != 5) {
        px_set_status(d, PX_UNSUPPORTED, "HWP: file format version %u is not 5.x", major);
        return PX_CONTINUE;
    }
    if (props & HWP_PROP_PASSWORD) {
        px_set_status(d, PX_ENCRYPTED, "HWP document protected with a password");
        return PX_CONTINUE;
    }
    int compressed = (props & HWP_PROP_COMPRESSED) != 0;
    /* The ViewText storage decides, not only the flag: the body of a
     * distribution document is a placeholder, never the real text. */
    long vt = px_cfb_find(c, "ViewText");
    int r;
    if ((props & HWP_PROP_DISTRIBUTION) || vt >= 0)
        r = extract_sections(d, c, "ViewText", compressed, 1);
    else
        r = extract_sections(d, c, "BodyText", compressed, 0);
    if (r == PX_CONTINUE)
        r = extract_bindata(d, c, compressed);
    return r;
}
