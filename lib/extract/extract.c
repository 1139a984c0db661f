/* extract.c -- the extraction driver: types a file or member by content,
 * hands it to its format's extractor, feeds the text it emits to the
 * scanner (or to the caller, for piiscan_extract_text_*), follows members,
 * keeps the limits and reports every file's status.
 *
 * One top-level file is one job.  Each file or member being read is a
 * px_doc on the C stack of the call that reads it, so nesting depth is the
 * recursion depth, and it is bounded by PIISCAN_OPT_MAX_DEPTH (<= 64).  Each
 * depth has its own scanner stream and text buffer, reused from member to
 * member, so a zip of ten thousand small files allocates nothing per file. */
#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <poll.h>
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
#include <emmintrin.h>
#endif
#include <sys/stat.h>
#include <unistd.h>

#include "decode/cp949.h"
#include "engine.h"
#include "extract_internal.h"
#include "scan/options.h"
#include "scan/scratch.h"
#include "scan/stream.h"

/* ---- typing ---------------------------------------------------------------- */

/* Bytes looked at to decide a type: libmagic finds an ISO 9660 volume
 * descriptor at 32 KiB, everything else in the first few KiB. */
#define PX_HEAD 65536
/* Text is handed to the scanner in pieces of this size. */
#define PX_TEXT_BUF 65536
/* Top-level zip files up to this size are read into memory, so a document
 * (docx, xlsx, hwpx) can be opened from the buffer; larger ones are read as
 * archives straight from the descriptor, their parts scanned as files. */
#define PX_ZIP_IN_MEMORY (64u << 20)

struct kind_map {
    const char *mime;
    int prefix; /* 1: mime is a prefix */
    int kind;
    const char *format;
};

/* libmagic's MIME type -> how we read it.  Order matters for prefixes. */
static const struct kind_map kind_table[] = {
    {"application/zip", 0, PXK_ZIP, "zip"},
    {"application/x-zip-compressed", 0, PXK_ZIP, "zip"},
    {"application/java-archive", 0, PXK_ZIP, "zip"},
    {"application/epub+zip", 0, PXK_ZIP, "epub"},
    {"application/hwp+zip", 0, PXK_ZIP, "hwpx"},
    {"application/vnd.openxmlformats-officedocument.", 1, PXK_ZIP, "zip"},
    {"application/vnd.oasis.opendocument.", 1, PXK_ZIP, "zip"},
    {"application/vnd.ms-excel.sheet.", 1, PXK_ZIP, "zip"},
    {"application/x-ole-storage", 0, PXK_CFB, "cfb"},
    {"application/CDFV2", 1, PXK_CFB, "cfb"},
    {"application/msword", 0, PXK_CFB, "cfb"},
    {"application/vnd.ms-", 1, PXK_CFB, "cfb"},
    {"application/x-hwp", 0, PXK_CFB, "hwp"},
    {"application/pdf", 0, PXK_PDF, "pdf"},
    {"message/rfc822", 0, PXK_MIME, "eml"},
    {"message/news", 0, PXK_MIME, "eml"},
    {"application/mbox", 0, PXK_MIME, "mbox"},
    {"application/x-tar", 0, PXK_STREAM_ARCHIVE, "tar"},
    {"application/gzip", 0, PXK_STREAM_ARCHIVE, "gzip"},
    {"application/x-gzip", 0, PXK_STREAM_ARCHIVE, "gzip"},
    {"application/x-bzip2", 0, PXK_STREAM_ARCHIVE, "bzip2"},
    {"application/x-xz", 0, PXK_STREAM_ARCHIVE, "xz"},
    {"application/zstd", 0, PXK_STREAM_ARCHIVE, "zstd"},
    {"application/x-zstd", 0, PXK_STREAM_ARCHIVE, "zstd"},
    {"application/x-lzma", 0, PXK_STREAM_ARCHIVE, "lzma"},
    {"application/x-lzip", 0, PXK_STREAM_ARCHIVE, "lzip"},
    {"application/x-lz4", 0, PXK_STREAM_ARCHIVE, "lz4"},
    {"application/x-compress", 0, PXK_STREAM_ARCHIVE, "compress"},
    {"application/x-cpio", 0, PXK_STREAM_ARCHIVE, "cpio"},
    {"application/x-archive", 0, PXK_STREAM_ARCHIVE, "ar"},
    {"application/vnd.debian.binary-package", 0, PXK_STREAM_ARCHIVE, "deb"},
    {"application/x-rpm", 0, PXK_STREAM_ARCHIVE, "rpm"},
    {"application/x-7z-compressed", 0, PXK_ARCHIVE, "7z"},
    {"application/x-rar", 0, PXK_ARCHIVE, "rar"},
    {"application/vnd.rar", 0, PXK_ARCHIVE, "rar"},
    {"application/x-rar-compressed", 0, PXK_ARCHIVE, "rar"},
    {"application/x-iso9660-image", 0, PXK_ARCHIVE, "iso"},
    {"application/vnd.ms-cab-compressed", 0, PXK_ARCHIVE, "cab"},
    {"application/x-xar", 0, PXK_ARCHIVE, "xar"},
    {"application/x-lha", 0, PXK_ARCHIVE, "lha"},
    {"application/x-lzh-compressed", 0, PXK_ARCHIVE, "lha"},
    {"image/svg+xml", 0, PXK_TEXT, "svg"},
    {"image/", 1, PXK_MEDIA, "image"},
    {"audio/", 1, PXK_MEDIA, "audio"},
    {"video/", 1, PXK_MEDIA, "video"},
    {"font/", 1, PXK_MEDIA, "font"},
};

static int has_suffix(const char *name, const char *suffix)
{
    if (!name)
        return 0;
    size_t n = strlen(name), k = strlen(suffix);
    return n >= k && strcasecmp(name + n - k, suffix) == 0;
}

/* "%PDF-" may follow junk (a mail header, a BOM) within the first KiB. */
static int find_pdf_header(const uint8_t *h, size_t n)
{
    size_t lim = n < 1024 ? n : 1024;
    if (lim < 5)
        return 0;
    const uint8_t *end = h + lim - 4; /* a header starting before end fits */
    for (const uint8_t *p = h; p < end && (p = memchr(p, '%', (size_t)(end - p))) != NULL; p++)
        if (memcmp(p, "%PDF-", 5) == 0)
            return 1;
    return 0;
}

/* Signatures, for when libmagic is unavailable or calls a container
 * "data" (a truncated head): each is the format's own magic number. */
static int classify_by_signature(const uint8_t *h, size_t n, const char **fmt)
{
    static const uint8_t cfb_sig[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (n >= 4 && h[0] == 'P' && h[1] == 'K' && (h[2] == 3 || h[2] == 5 || h[2] == 7)) {
        *fmt = "zip";
        return PXK_ZIP;
    }
    if (n >= 8 && memcmp(h, cfb_sig, 8) == 0) {
        *fmt = "cfb";
        return PXK_CFB;
    }
    /* HWP 3.x (not a compound file): cfb.c reports it unsupported. */
    if (n >= 19 && memcmp(h, "HWP Document File V", 19) == 0) {
        *fmt = "hwp";
        return PXK_CFB;
    }
    if (find_pdf_header(h, n)) {
        *fmt = "pdf";
        return PXK_PDF;
    }
    if (n >= 6 && memcmp(h, "7z\xBC\xAF\x27\x1C", 6) == 0) {
        *fmt = "7z";
        return PXK_ARCHIVE;
    }
    if (n >= 6 && memcmp(h, "Rar!\x1A\x07", 6) == 0) {
        *fmt = "rar";
        return PXK_ARCHIVE;
    }
    if (n >= 2 && h[0] == 0x1F && h[1] == 0x8B) {
        *fmt = "gzip";
        return PXK_STREAM_ARCHIVE;
    }
    if (n >= 3 && memcmp(h, "BZh", 3) == 0) {
        *fmt = "bzip2";
        return PXK_STREAM_ARCHIVE;
    }
    if (n >= 6 && memcmp(h, "\xFD" "7zXZ\0", 6) == 0) {
        *fmt = "xz";
        return PXK_STREAM_ARCHIVE;
    }
    if (n >= 4 && memcmp(h, "\x28\xB5\x2F\xFD", 4) == 0) {
        *fmt = "zstd";
        return PXK_STREAM_ARCHIVE;
    }
    if (n >= 262 && memcmp(h + 257, "ustar", 5) == 0) {
        *fmt = "tar";
        return PXK_STREAM_ARCHIVE;
    }
    return -1;
}

/* libmagic checks we do not need: we decode text ourselves (encoding,
 * tokens, JSON, CSV, text), we read compound files ourselves (CDF), and we
 * never want it to look inside compressed data (COMPRESS). */
#define PX_MAGIC_FLAGS                                                                             \
    (MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_ENCODING |  \
     MAGIC_NO_CHECK_TOKENS | MAGIC_NO_CHECK_JSON | MAGIC_NO_CHECK_CSV | MAGIC_NO_CHECK_TEXT |     \
     MAGIC_NO_CHECK_CDF | MAGIC_ERROR)

void *px_magic_open(void)
{
    magic_t m = magic_open(PX_MAGIC_FLAGS);
    if (!m)
        return NULL;
    if (magic_load(m, NULL) != 0) {
        magic_close(m);
        return NULL;
    }
    return m;
}

void px_magic_close(void *m)
{
    if (m)
        magic_close((magic_t)m);
}

/* Text needs no libmagic: no NUL and almost no control bytes in the first
 * 4 KiB (a UTF-16 text with its BOM counts as text too). */
static int looks_textual(const uint8_t *h, size_t n)
{
    if (n >= 2 && ((h[0] == 0xFF && h[1] == 0xFE) || (h[0] == 0xFE && h[1] == 0xFF)))
        return 1;
    if (memchr(h, 0, n < 4096 ? n : 4096))
        return 0;
    /* Control bytes are counted in the first KiB: every member of an
     * archive comes through here, so this stays short. */
    size_t lim = n < 1024 ? n : 1024, ctl = 0, i = 0;
    /* Bit c of `allowed`: control byte c is usual in text (\t \n \f \r ESC). */
    const uint32_t allowed = 1u << '\t' | 1u << '\n' | 1u << '\f' | 1u << '\r' | 1u << 0x1B;
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
    /* Text has none, or a few: 16 bytes are checked at once for any byte
     * below 0x20, and only a block with one is counted byte by byte. */
    const __m128i c1f = _mm_set1_epi8(0x1F);
    for (; i + 16 <= lim; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(h + i));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v)) == 0)
            continue;
        for (size_t k = i; k < i + 16; k++)
            ctl += h[k] < 0x20 ? !((allowed >> h[k]) & 1) : 0;
    }
#endif
    for (; i < lim; i++) {
        uint8_t c = h[i];
        ctl += c < 0x20 ? !((allowed >> c) & 1) : 0;
    }
    return ctl * 100 <= lim;
}

/* An RFC 5322 message starts with header fields; a mail is recognised by
 * two of the fields every mail has, at line starts in its first 4 KiB (or
 * an mbox "From " line).  A CSV whose first column is "Subject" is not a
 * mail: the first line must itself be a header field. */
static int looks_like_mail(const uint8_t *h, size_t n, int *mbox)
{
    static const char *const fields[] = {"from:", "to:", "subject:", "date:", "message-id:",
                                         "mime-version:", "received:", "return-path:",
                                         "content-type:", "delivered-to:"};
    size_t lim = n < 4096 ? n : 4096;
    *mbox = lim > 5 && memcmp(h, "From ", 5) == 0;
    size_t i = 0;
    if (*mbox) {
        while (i < lim && h[i] != '\n')
            i++;
        if (i < lim)
            i++;
    }
    /* the first line must be "Name: value" */
    size_t k = i;
    while (k < lim && (((h[k] | 0x20) >= 'a' && (h[k] | 0x20) <= 'z') || h[k] == '-' ||
                       (h[k] >= '0' && h[k] <= '9')))
        k++;
    if (k == i || k >= lim || h[k] != ':')
        return 0;
    int hits = 0;
    for (size_t p = i; p < lim && hits < 2; p++) {
        if (p != i && h[p - 1] != '\n')
            continue;
        if (h[p] == '\r' || h[p] == '\n')
            break; /* end of the header */
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            size_t fl = strlen(fields[f]);
            if (p + fl <= lim && strncasecmp((const char *)h + p, fields[f], fl) == 0) {
                hits++;
                break;
            }
        }
    }
    return hits >= 2;
}

int px_classify(px_job *j, const uint8_t *h, size_t n, const char *name, const char **fmt)
{
    *fmt = "text";
    if (n == 0) {
        *fmt = "empty";
        return PXK_TEXT;
    }
    /* The containers we open are decided by their own magic numbers (the
     * rules libmagic applies to them); text by its bytes; libmagic decides
     * the rest.  Asking libmagic about every member costs about two million
     * instructions a call -- more than scanning a small text member -- and
     * tells nothing new about these. */
    const char *sfmt;
    int kind = classify_by_signature(h, n, &sfmt);
    if (kind >= 0) {
        *fmt = sfmt;
        return kind;
    }
    if (looks_textual(h, n)) {
        int mbox = 0;
        if (looks_like_mail(h, n, &mbox)) {
            *fmt = mbox ? "mbox" : "eml";
            return PXK_MIME;
        }
        if (has_suffix(name, ".eml") || has_suffix(name, ".mht") || has_suffix(name, ".mhtml")) {
            *fmt = "eml"; /* the name breaks the tie: a message whose headers we did not know */
            return PXK_MIME;
        }
        return PXK_TEXT;
    }
    const char *mime = NULL;
    if (!j->magic)
        j->magic = px_magic_open();
    if (j->magic)
        mime = magic_buffer((magic_t)j->magic, h, n);
    if (mime) {
        for (size_t i = 0; i < sizeof kind_table / sizeof kind_table[0]; i++) {
            const struct kind_map *k = &kind_table[i];
            if (k->prefix ? strncmp(mime, k->mime, strlen(k->mime)) == 0
                          : strcmp(mime, k->mime) == 0) {
                *fmt = k->format;
                return k->kind;
            }
        }
    }
    *fmt = memchr(h, 0, n < 4096 ? n : 4096) ? "binary" : "text";
    return PXK_TEXT;
}

/* ---- the document ------------------------------------------------------------ */

static char *join_path(const char *parent, const char *name);

/* A file with NULs that is not UTF-16 text (a database, an executable, a
 * .dat) holds its strings as 8-bit text among binary bytes.  The stream's
 * own sniffing would take a few NUL-ASCII pairs in it for UTF-16 and decode
 * every string into nonsense, so such a file is scanned byte for byte.
 * UTF-16 text is recognised by most of its first units being ASCII+NUL. */
static void mark_binary(px_doc *d, const uint8_t *h, size_t n)
{
    if (strcmp(d->format, "binary") != 0)
        return;
    size_t units = (n < 4096 ? n : 4096) / 2, le = 0, be = 0;
    for (size_t i = 0; i < units; i++) {
        uint8_t a = h[2 * i], b = h[2 * i + 1];
        le += b == 0 && a >= 0x09 && a < 0x80;
        be += a == 0 && b >= 0x09 && b < 0x80;
    }
    if (le * 2 < units && be * 2 < units)
        d->binary = 1;
}


/* Which status a document keeps when several are set: the most severe. */
static int severity(int status)
{
    switch (status) {
    case PX_ERROR:
        return 6;
    case PX_ENCRYPTED:
        return 5;
    case PX_PROTECTED:
        return 4;
    case PX_SKIPPED:
        return 3;
    case PX_UNSUPPORTED:
        return 2;
    default:
        return 1;
    }
}

void px_set_status(px_doc *d, int status, const char *fmt, ...)
{
    if (status == PX_OK || severity(status) <= severity(d->status))
        return;
    d->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->reason, sizeof d->reason, fmt, ap);
    va_end(ap);
}

void px_set_format(px_doc *d, const char *name)
{
    d->format = name;
}

unsigned px_depth(const px_doc *d)
{
    return d->depth;
}

const char *px_path(const px_doc *d)
{
    return d->path;
}

/* Ends the job for a limit: this document and every one above it are
 * skipped with the reason; findings made so far are kept. */
static int job_abort_limit(px_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int job_abort_limit(px_doc *d, const char *fmt, ...)
{
    px_job *j = d->job;
    if (!j->abort) {
        j->abort = PXA_LIMIT;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(j->abort_reason, sizeof j->abort_reason, fmt, ap);
        va_end(ap);
    }
    return PX_ABORT;
}

static int job_abort_nomem(px_doc *d)
{
    if (!d->job->abort)
        d->job->abort = PXA_NOMEM;
    return PX_ABORT;
}

/* ---- alternatives (px_alt_*) ----------------------------------------- */

static struct px_slot *slot_of(px_doc *d);

/* Where the next text byte of d will be in its stream. */
static uint64_t text_offset(px_doc *d)
{
    return d->text_bytes + slot_of(d)->ntext;
}

static int alt_push(px_doc *d, unsigned group, unsigned index)
{
    if (d->nalt == d->alt_cap) {
        size_t nc = d->alt_cap ? d->alt_cap * 2 : 8;
        struct px_alt_range *na = realloc(d->alt, nc * sizeof *na);
        if (!na)
            return job_abort_nomem(d);
        d->alt = na;
        d->alt_cap = nc;
    }
    d->alt[d->nalt++] = (struct px_alt_range){text_offset(d), group, index};
    return PX_CONTINUE;
}

int px_alt_begin(px_doc *d)
{
    if (d->alt_depth++ == 0) {
        d->alt_groups++;
        d->alt_index = 0;
    }
    return PX_CONTINUE;
}

int px_alt_next(px_doc *d)
{
    return d->alt_depth == 1 ? alt_push(d, d->alt_groups, d->alt_index++) : PX_CONTINUE;
}

int px_alt_end(px_doc *d)
{
    if (d->alt_depth == 0)
        return PX_CONTINUE;
    return --d->alt_depth == 0 ? alt_push(d, 0, 0) : PX_CONTINUE;
}

/* A value's key within its group: FNV-1a over the group, the type and the
 * value's letters and digits (upper case; full-width digits as ASCII), so
 * "010-1234-5678" in the plain text and "010 1234 5678" in the HTML are
 * one value.  0 is kept for empty slots. */
static uint64_t alt_key(unsigned group, unsigned type, const char *raw, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    const uint32_t head[2] = {group, type};
    const unsigned char *hp = (const unsigned char *)head;
    for (size_t i = 0; i < sizeof head; i++)
        h = (h ^ hp[i]) * 1099511628211ull;
    const unsigned char *p = (const unsigned char *)raw;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == 0xEF && i + 2 < n && p[i + 1] == 0xBC && p[i + 2] >= 0x90 && p[i + 2] <= 0x99) {
            c = (unsigned char)('0' + (p[i + 2] - 0x90));
            i += 2;
        } else if (c >= 'a' && c <= 'z') {
            c = (unsigned char)(c - 32);
        } else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c >= 0x80 || c == '@' ||
                     c == '.' || c == '_' || c == '+')) {
            continue; /* separators */
        }
        h = (h ^ c) * 1099511628211ull;
    }
    return h ? h : 1;
}

/* 1 if the value was reported from an earlier alternative of its group;
 * otherwise records it (for later alternatives) and returns 0. */
static int alt_seen_before(px_doc *d, uint64_t key, unsigned index)
{
    if ((d->nseen + 1) * 2 > d->seen_cap) {
        size_t nc = d->seen_cap ? d->seen_cap * 2 : 64;
        struct px_alt_seen *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return 0; /* out of memory: report it again rather than lose it */
        for (size_t i = 0; i < d->seen_cap; i++)
            if (d->seen[i].key) {
                size_t k = (size_t)d->seen[i].key & (nc - 1);
                while (ns[k].key)
                    k = (k + 1) & (nc - 1);
                ns[k] = d->seen[i];
            }
        free(d->seen);
        d->seen = ns;
        d->seen_cap = nc;
    }
    size_t k = (size_t)key & (d->seen_cap - 1);
    while (d->seen[k].key && d->seen[k].key != key)
        k = (k + 1) & (d->seen_cap - 1);
    if (d->seen[k].key == key)
        return d->seen[k].index < index;
    d->seen[k] = (struct px_alt_seen){key, index};
    d->nseen++;
    return 0;
}

/* 1 if finding f repeats a value of an earlier alternative (px_alt_*).
 * Findings come in text order, so the ranges are walked with a cursor. */
static int alt_duplicate(px_doc *d, const piiscan_finding *f)
{
    if (!d->nalt || !f->raw)
        return 0;
    size_t c = d->alt_cursor;
    while (c + 1 < d->nalt && d->alt[c + 1].lo <= f->offset)
        c++;
    while (c > 0 && d->alt[c].lo > f->offset)
        c--;
    d->alt_cursor = c;
    const struct px_alt_range *r = &d->alt[c];
    if (r->lo > f->offset || r->group == 0)
        return 0;
    return alt_seen_before(d, alt_key(r->group, f->type_index, f->raw, f->raw_len), r->index);
}

static int on_stream_finding(const piiscan_finding *f, void *user)
{
    px_doc *d = user;
    px_job *j = d->job;
    if (alt_duplicate(d, f))
        return PIISCAN_CONTINUE;
    d->findings++;
    if (!j->on_finding)
        return PIISCAN_CONTINUE;
    piiscan_finding g = *f;
    g.path = d->path;
    if (!j->opts.expose_raw) {
        /* raw was asked for here only to tell alternatives' values apart */
        g.raw = NULL;
        g.raw_len = 0;
    }
    return j->on_finding(&g, j->user);
}

static struct px_slot *slot_of(px_doc *d)
{
    return &d->job->slots[d->depth];
}

/* Hands bytes to the sink: the scanner stream of this depth, or the text
 * callback.  `raw`: the bytes are a plain file in its own encoding. */
static int sink(px_doc *d, const uint8_t *p, size_t n)
{
    px_job *j = d->job;
    if (n == 0 || j->abort)
        return j->abort ? PX_ABORT : PX_CONTINUE;
    d->text_bytes += n;
    if (j->on_text) {
        const char *path = d->part_path ? d->part_path : d->path;
        if (j->on_text(path, (const char *)p, n, j->user) != PIISCAN_CONTINUE) {
            j->abort = PXA_STOPPED;
            return PX_ABORT;
        }
        return PX_CONTINUE;
    }
    if (!j->engine)
        return PX_CONTINUE;
    struct px_slot *s = slot_of(d);
    if (!d->stream_open) {
        if (!s->stream) {
            s->stream = calloc(1, sizeof *s->stream);
            if (!s->stream)
                return job_abort_nomem(d);
        }
        struct piiscan_options o = j->opts;
        if (!d->raw_text || (d->binary && o.encoding == PIISCAN_ENC_AUTO))
            o.encoding = PIISCAN_ENC_UTF8; /* extractors emit UTF-8; see also mark_binary */
        if (!strcmp(d->format, "eml") || !strcmp(d->format, "mbox"))
            o.expose_raw = 1; /* mails have alternatives: values are compared (px_alt_*) */
        piiscan_status st = pii_stream_init(s->stream, j->engine, &o);
        if (st != PIISCAN_OK) {
            j->abort = PXA_NOMEM;
            return PX_ABORT;
        }
        d->stream_open = 1;
    }
    piiscan_status st = piiscan_stream_feed(s->stream, p, n, j->scratch, on_stream_finding, d);
    if (st == PIISCAN_STOPPED) {
        j->abort = PXA_STOPPED;
        return PX_ABORT;
    }
    if (st != PIISCAN_OK) {
        j->abort = PXA_NOMEM;
        j->error = st;
        return PX_ABORT;
    }
    return PX_CONTINUE;
}

static int flush_text(px_doc *d)
{
    struct px_slot *s = slot_of(d);
    size_t n = s->ntext;
    s->ntext = 0;
    return sink(d, (const uint8_t *)s->text, n);
}

int px_text(px_doc *d, const char *utf8, size_t n)
{
    if (d->job->abort)
        return PX_ABORT;
    struct px_slot *s = slot_of(d);
    size_t n0 = n;
    if (!s->text) {
        s->text = malloc(PX_TEXT_BUF);
        if (!s->text)
            return job_abort_nomem(d);
    }
    while (n) {
        size_t room = PX_TEXT_BUF - s->ntext;
        if (room == 0) {
            if (flush_text(d) != PX_CONTINUE)
                return PX_ABORT;
            room = PX_TEXT_BUF;
        }
        size_t k = n < room ? n : room;
        memcpy(s->text + s->ntext, utf8, k);
        s->ntext += k;
        utf8 += k;
        n -= k;
    }
    d->emitted = 1;
    if (n0 >= 2) {
        d->last2 = (unsigned char)utf8[-2];
        d->last = (unsigned char)utf8[-1];
    } else if (n0 == 1) {
        d->last2 = d->last;
        d->last = (unsigned char)utf8[-1];
    }
    return PX_CONTINUE;
}

int px_break(px_doc *d, int kind)
{
    if (!d->emitted)
        return d->job->abort ? PX_ABORT : PX_CONTINUE;
    switch (kind) {
    case PX_BREAK_CELL:
        return px_text(d, "\t", 1);
    case PX_BREAK_PART:
        if (d->last == '\n' && d->last2 == '\n')
            return PX_CONTINUE;
        return px_text(d, d->last == '\n' ? "\n" : "\n\n", d->last == '\n' ? 1 : 2);
    default:
        return px_text(d, "\n", 1);
    }
}

int px_part(px_doc *d, const char *name)
{
    px_job *j = d->job;
    if (!j->on_text || !name)
        return px_break(d, PX_BREAK_PART);
    if (j->abort)
        return PX_ABORT;
    /* The text so far, ended by a part break, belongs to the previous part:
     * a caller that joins the pieces still sees the parts apart. */
    if (px_break(d, PX_BREAK_PART) != PX_CONTINUE || flush_text(d) != PX_CONTINUE)
        return PX_ABORT;
    char *np = join_path(d->path, name);
    if (!np)
        return job_abort_nomem(d);
    np[strlen(d->path)] = '#';
    free(d->part_path);
    d->part_path = np;
    d->emitted = 0; /* a new piece: no leading break */
    return PX_CONTINUE;
}

size_t px_put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Code points on their way to px_text, encoded into a small buffer. */
typedef struct cp_out {
    px_doc *d;
    size_t n;
    char buf[4096];
} cp_out;

static int cp_put(cp_out *o, uint32_t cp)
{
    o->n += px_put_utf8(o->buf + o->n, cp);
    if (o->n > sizeof o->buf - 8) {
        size_t n = o->n;
        o->n = 0;
        return px_text(o->d, o->buf, n);
    }
    return PX_CONTINUE;
}

static int cp_end(cp_out *o)
{
    if (o->n)
        return px_text(o->d, o->buf, o->n);
    return o->d->job->abort ? PX_ABORT : PX_CONTINUE;
}

int px_text_utf16le(px_doc *d, const uint8_t *p, size_t nbytes)
{
    cp_out o = {.d = d};
    for (size_t i = 0; i + 1 < nbytes; i += 2) {
        uint32_t u = (uint32_t)p[i] | ((uint32_t)p[i + 1] << 8);
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 3 < nbytes) {
                uint32_t v = (uint32_t)p[i + 2] | ((uint32_t)p[i + 3] << 8);
                if (v >= 0xDC00 && v <= 0xDFFF) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                    i += 2;
                } else
                    continue;
            } else
                continue;
        } else if ((u >= 0xDC00 && u <= 0xDFFF) || u == 0)
            continue;
        if (cp_put(&o, u) != PX_CONTINUE)
            return PX_ABORT;
    }
    return cp_end(&o);
}

/* Windows-1252 0x80-0x9F; the rest of the range is ISO 8859-1. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

int px_text_codepage(px_doc *d, const uint8_t *p, size_t n, int codepage)
{
    cp_out o = {.d = d};
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = p[i];
        if (cp >= 0x80) {
            if (codepage == 949 && i + 1 < n && (cp = pii_cp949_lookup(p[i], p[i + 1])) != 0)
                i++;
            else if (codepage == 949)
                cp = 0xFFFD;
            else
                cp = p[i] < 0xA0 ? cp1252_high[p[i] - 0x80] : p[i];
        } else if (cp == 0)
            continue;
        if (cp_put(&o, cp) != PX_CONTINUE)
            return PX_ABORT;
    }
    return cp_end(&o);
}

/* ---- limits and memory ------------------------------------------------------- */

int px_account(px_doc *d, uint64_t produced, uint64_t consumed)
{
    px_job *j = d->job;
    if (j->abort)
        return PX_ABORT;
    j->extracted += produced;
    d->produced += produced;
    d->consumed += consumed;
    if (j->extracted > j->max_extracted)
        return job_abort_limit(d, "more than %llu bytes extracted (limit; a decompression bomb?)",
                               (unsigned long long)j->max_extracted);
    /* A member that expands more than max_ratio times is a bomb, checked
     * once it has produced enough that a small, very repetitive file
     * (a sheet of empty cells) does not trip it. */
    if (d->consumed && d->produced > ((uint64_t)16 << 20) &&
        d->produced / d->consumed > j->max_ratio)
        return job_abort_limit(d, "compression ratio above %llu:1 (limit; a decompression bomb?)",
                               (unsigned long long)j->max_ratio);
    if (j->top_size && j->extracted > ((uint64_t)64 << 20) &&
        j->extracted / j->top_size > j->max_ratio)
        return job_abort_limit(d,
                               "more than %llu times the file's size extracted (limit; nested "
                               "archives bomb?)",
                               (unsigned long long)j->max_ratio);
    return PX_CONTINUE;
}

void *px_buffer_alloc(px_doc *d, size_t n)
{
    px_job *j = d->job;
    if (n > j->max_buffer || j->buffered > j->max_buffer - n) {
        px_set_status(d, PX_SKIPPED,
                      "needs %zu MiB in memory, over the limit of %zu MiB for held files",
                      (n >> 20) + 1, j->max_buffer >> 20);
        return NULL;
    }
    void *p = malloc(n ? n : 1);
    if (!p) {
        px_set_status(d, PX_SKIPPED, "out of memory for a %zu MiB buffer", (n >> 20) + 1);
        return NULL;
    }
    j->buffered += n;
    return p;
}

void px_buffer_free(px_doc *d, void *p, size_t n)
{
    if (!p)
        return;
    d->job->buffered -= n;
    free(p);
}

/* ---- documents: begin, run, end ------------------------------------------------ */

/* Member names come from the file: they may hold control characters or
 * invalid UTF-8.  Reports show them with those replaced, cut at 1 KiB. */
static char *join_path(const char *parent, const char *name)
{
    size_t pl = parent ? strlen(parent) : 0, nl = name ? strlen(name) : 0;
    if (nl > 1024)
        nl = 1024;
    char *p = malloc(pl + nl + 2);
    if (!p)
        return NULL;
    size_t o = 0;
    if (parent) {
        memcpy(p, parent, pl);
        o = pl;
        p[o++] = '!';
    }
    for (size_t i = 0; i < nl; i++) {
        unsigned char c = (unsigned char)name[i];
        p[o++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    p[o] = 0;
    return p;
}

static int doc_begin(px_doc *d, px_job *j, px_doc *parent, const char *name)
{
    memset(d, 0, sizeof *d);
    d->job = j;
    d->parent = parent;
    d->depth = parent ? parent->depth + 1 : 0;
    d->format = "text";
    d->path = join_path(parent ? parent->path : NULL, name ? name : "-");
    if (!d->path)
        return job_abort_nomem(d);
    if (parent)
        j->members++;
    return PX_CONTINUE;
}

/* Finishes the text, the stream and the report of d.  Returns PX_ABORT if
 * the job is ending (then the report says why, unless the caller stopped). */
static int doc_end(px_doc *d)
{
    px_job *j = d->job;
    struct px_slot *s = slot_of(d);
    if (!j->abort)
        flush_text(d);
    s->ntext = 0;
    if (d->stream_open) {
        if (!j->abort) {
            piiscan_status st = piiscan_stream_finish(s->stream, j->scratch, on_stream_finding, d);
            if (st == PIISCAN_STOPPED)
                j->abort = PXA_STOPPED;
            else if (st != PIISCAN_OK) {
                j->abort = PXA_NOMEM;
                j->error = st;
            }
        }
        d->stream_open = 0;
    }
    if (j->abort == PXA_LIMIT)
        px_set_status(d, PX_SKIPPED, "%s", j->abort_reason);
    else if (j->abort == PXA_NOMEM)
        px_set_status(d, PX_ERROR, "out of memory");
    int rc = j->abort ? PX_ABORT : PX_CONTINUE;
    if (j->on_file && j->abort != PXA_STOPPED && d->path) {
        piiscan_file_report r = {0};
        r.path = d->path;
        r.depth = d->depth;
        r.format = d->format;
        r.status = (piiscan_file_status)d->status;
        r.reason = d->status == PX_OK ? NULL : d->reason;
        r.size = d->size;
        r.text_bytes = d->text_bytes;
        r.findings = d->findings;
        if (j->on_file(&r, j->user) != PIISCAN_CONTINUE) {
            j->abort = PXA_STOPPED;
            rc = PX_ABORT;
        }
    }
    free(d->path);
    free(d->part_path);
    free(d->alt);
    free(d->seen);
    d->path = NULL;
    d->part_path = NULL;
    d->alt = NULL;
    d->seen = NULL;
    return rc;
}

/* Runs the extractor for `kind` over a blob. */
static int run_blob(px_doc *d, int kind, const uint8_t *data, size_t len)
{
    switch (kind) {
    case PXK_TEXT:
        d->raw_text = 1;
        mark_binary(d, data, len < PX_HEAD ? len : PX_HEAD);
        return sink(d, data, len);
    case PXK_MEDIA:
        px_set_status(d, PX_UNSUPPORTED, "%s file: no text to scan", d->format);
        return PX_CONTINUE;
    case PXK_ZIP:
        return px_extract_zip_any(d, data, len);
    case PXK_CFB:
        return px_extract_cfb(d, data, len);
    case PXK_PDF:
        return px_extract_pdf(d, data, len);
    case PXK_MIME:
        return px_extract_mime(d, data, len);
    case PXK_ARCHIVE:
    case PXK_STREAM_ARCHIVE:
        return px_extract_archive(d, data, len);
    }
    px_set_status(d, PX_ERROR, "internal: unknown kind");
    return PX_CONTINUE;
}

static int member_allowed(px_doc *parent, const char *name)
{
    px_job *j = parent->job;
    if (j->abort)
        return PX_ABORT;
    if (j->members >= j->max_members)
        return job_abort_limit(parent, "more than %llu members (limit)",
                               (unsigned long long)j->max_members);
    (void)name;
    return PX_CONTINUE;
}

/* A member deeper than the limit is reported skipped without being opened;
 * the rest of its container is still read. */
static int too_deep(px_doc *parent, const char *name, uint64_t size)
{
    px_job *j = parent->job;
    if (parent->depth + 1 <= j->max_depth)
        return 0;
    px_doc d;
    if (doc_begin(&d, j, parent, name) != PX_CONTINUE)
        return -1;
    d.size = size;
    d.format = "unknown";
    px_set_status(&d, PX_SKIPPED, "nested deeper than %u levels (limit)", j->max_depth);
    return doc_end(&d) == PX_ABORT ? -1 : 1;
}

int px_member_blob(px_doc *parent, const char *name, const void *data, size_t len)
{
    if (member_allowed(parent, name) != PX_CONTINUE)
        return PX_ABORT;
    int deep = too_deep(parent, name, len);
    if (deep)
        return deep < 0 ? PX_ABORT : PX_CONTINUE;
    px_doc d;
    if (doc_begin(&d, parent->job, parent, name) != PX_CONTINUE)
        return PX_ABORT;
    d.size = len;
    size_t hl = len < PX_HEAD ? len : PX_HEAD;
    int kind = px_classify(parent->job, data, hl, name, &d.format);
    int rc = run_blob(&d, kind, data, len);
    int rc2 = doc_end(&d);
    return rc == PX_ABORT || rc2 == PX_ABORT ? PX_ABORT : PX_CONTINUE;
}

int px_member_status(px_doc *parent, const char *name, int status, const char *reason)
{
    if (member_allowed(parent, name) != PX_CONTINUE)
        return PX_ABORT;
    px_doc d;
    if (doc_begin(&d, parent->job, parent, name) != PX_CONTINUE)
        return PX_ABORT;
    d.format = "unknown";
    px_set_status(&d, status, "%s", reason ? reason : "");
    return doc_end(&d);
}

/* Reads the first PX_HEAD bytes of a sequential member into the slot's
 * head buffer; the rest of the block that crossed the mark is kept. */
struct seq {
    px_reader *r;
    const uint8_t *rest; /* unread part of the last block */
    size_t nrest;
    int eof, err;
    const char *errmsg;
};

static long seq_read(struct seq *q, const void **buf)
{
    if (q->nrest) {
        *buf = q->rest;
        long n = (long)q->nrest;
        q->nrest = 0;
        return n;
    }
    if (q->eof)
        return 0;
    const char *err = NULL;
    long n = q->r->read(q->r->ctx, buf, &err);
    if (n < 0) {
        q->err = 1;
        q->errmsg = err;
        q->eof = 1;
        return -1;
    }
    if (n == 0)
        q->eof = 1;
    return n;
}

/* px_reader that replays the head, then the rest: given to libarchive for
 * a tar.gz member so it is never held whole. */
struct replay {
    const uint8_t *head;
    size_t nhead;
    struct seq *q;
};

static long replay_read(void *ctx, const void **buf, const char **err)
{
    struct replay *rp = ctx;
    if (rp->nhead) {
        *buf = rp->head;
        long n = (long)rp->nhead;
        rp->nhead = 0;
        return n;
    }
    long n = seq_read(rp->q, buf);
    if (n < 0)
        *err = rp->q->errmsg;
    return n;
}

static int run_sequential(px_doc *d, px_reader *r, int64_t size_hint)
{
    px_job *j = d->job;
    struct px_slot *s = slot_of(d);
    if (!s->head) {
        s->head = malloc(PX_HEAD);
        if (!s->head)
            return job_abort_nomem(d);
    }
    struct seq q = {.r = r};
    size_t nh = 0;
    while (nh < PX_HEAD) {
        const void *b;
        long n = seq_read(&q, &b);
        if (n <= 0)
            break;
        size_t k = (size_t)n < PX_HEAD - nh ? (size_t)n : PX_HEAD - nh;
        memcpy(s->head + nh, b, k);
        nh += k;
        if (k < (size_t)n) {
            q.rest = (const uint8_t *)b + k;
            q.nrest = (size_t)n - k;
        }
    }
    if (j->abort)
        return PX_ABORT;
    int kind = px_classify(j, s->head, nh, d->path, &d->format);
    int rc = PX_CONTINUE;
    uint64_t total = nh;
    if (kind == PXK_TEXT) {
        d->raw_text = 1;
        mark_binary(d, s->head, nh);
        rc = sink(d, s->head, nh);
        const void *b;
        long n;
        while (rc == PX_CONTINUE && (n = seq_read(&q, &b)) > 0) {
            total += (uint64_t)n;
            rc = sink(d, b, (size_t)n);
        }
    } else if (kind == PXK_MEDIA) {
        px_set_status(d, PX_UNSUPPORTED, "%s file: no text to scan", d->format);
    } else if (kind == PXK_STREAM_ARCHIVE) {
        struct replay rp = {s->head, nh, &q};
        px_reader rr = {replay_read, &rp, size_hint};
        rc = px_extract_archive_reader(d, &rr);
    } else {
        /* Needs random access: hold it whole, within the budget. */
        size_t cap = size_hint >= 0 && (uint64_t)size_hint >= nh ? (size_t)size_hint : nh * 2;
        if (cap < nh)
            cap = nh;
        uint8_t *buf = cap ? px_buffer_alloc(d, cap) : NULL;
        if (!buf && cap)
            goto done;
        memcpy(buf, s->head, nh);
        size_t len = nh;
        const void *b;
        long n;
        while ((n = seq_read(&q, &b)) > 0) {
            if (len + (size_t)n > cap) {
                size_t ncap = cap * 2 > len + (size_t)n ? cap * 2 : len + (size_t)n;
                uint8_t *nb = px_buffer_alloc(d, ncap);
                if (!nb) {
                    px_buffer_free(d, buf, cap);
                    goto done;
                }
                memcpy(nb, buf, len);
                px_buffer_free(d, buf, cap);
                buf = nb;
                cap = ncap;
            }
            memcpy(buf + len, b, (size_t)n);
            len += (size_t)n;
        }
        total = len;
        if (!q.err && !j->abort)
            rc = run_blob(d, kind, buf, len);
        px_buffer_free(d, buf, cap);
    }
done:
    if (q.err && !j->abort)
        px_set_status(d, PX_ERROR, "read error: %s", q.errmsg ? q.errmsg : "truncated");
    if (d->size == 0)
        d->size = total;
    return j->abort ? PX_ABORT : rc;
}

int px_member_reader(px_doc *parent, const char *name, px_reader *r)
{
    if (member_allowed(parent, name) != PX_CONTINUE)
        return PX_ABORT;
    int deep = too_deep(parent, name, r->size > 0 ? (uint64_t)r->size : 0);
    if (deep)
        return deep < 0 ? PX_ABORT : PX_CONTINUE;
    px_doc d;
    if (doc_begin(&d, parent->job, parent, name) != PX_CONTINUE)
        return PX_ABORT;
    d.size = r->size > 0 ? (uint64_t)r->size : 0;
    int rc = run_sequential(&d, r, r->size);
    int rc2 = doc_end(&d);
    return rc == PX_ABORT || rc2 == PX_ABORT ? PX_ABORT : PX_CONTINUE;
}

/* ---- jobs: the top-level file ---------------------------------------------------- */

static void job_init(px_job *j, const piiscan_engine *e, const piiscan_options *opts,
                     piiscan_scratch *scr)
{
    memset(j, 0, sizeof *j);
    j->engine = e;
    j->scratch = scr;
    if (opts)
        j->opts = *opts;
    else
        pii_options_defaults(&j->opts);
    j->max_depth = j->opts.max_depth;
    j->max_extracted = j->opts.max_extracted;
    j->max_ratio = j->opts.max_ratio;
    j->max_members = j->opts.max_members;
    j->max_buffer = (size_t)j->opts.max_buffer;
}

static void job_release(px_job *j)
{
    for (unsigned i = 0; i < PX_MAX_SLOTS; i++) {
        struct px_slot *s = &j->slots[i];
        if (s->stream) {
            pii_stream_release(s->stream);
            free(s->stream);
        }
        free(s->text);
        free(s->head);
    }
}

static piiscan_status job_result(px_job *j)
{
    switch (j->abort) {
    case PXA_STOPPED:
        return PIISCAN_STOPPED;
    case PXA_NOMEM:
        return j->error ? j->error : PIISCAN_E_NOMEM;
    default:
        return PIISCAN_OK;
    }
}

/* libarchive and the sequential path read from a descriptor through this. */
struct fd_reader {
    int fd;
    uint8_t *buf;
    size_t cap;
    const char *err;
    off_t off; /* next pread() offset; -1: read() in order (a pipe) */
};

static long fd_read(void *ctx, const void **buf, const char **err)
{
    struct fd_reader *f = ctx;
    for (;;) {
        ssize_t n = f->off < 0 ? read(f->fd, f->buf, f->cap) : pread(f->fd, f->buf, f->cap, f->off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            /* A non-blocking pipe or socket: wait as a blocking read would. */
            struct pollfd pfd = {f->fd, POLLIN, 0};
            if (poll(&pfd, 1, -1) >= 0 || errno == EINTR)
                continue;
        }
        if (n < 0) {
            *err = strerror(errno);
            return -1;
        }
        if (f->off >= 0)
            f->off += (off_t)n;
        *buf = f->buf;
        return (long)n;
    }
}

/* Reads up to n bytes at off; returns how many (fewer only at the end of
 * the file), or -1.  `size` is what fstat() said is left: once that much
 * has come in a short read, the end is taken as reached without another
 * call (a file growing meanwhile is scanned as it was). */
static long read_up_to_at(int fd, uint8_t *p, size_t n, off_t off, uint64_t size)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, p + got, n - got, off + (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        got += (size_t)k;
        if (got < n && got >= size)
            break;
    }
    return (long)got;
}

static int read_all_at(int fd, uint8_t *p, size_t n, off_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, p + got, n - got, off + (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    return 0;
}

/* Scans what is left of fd.  just_opened: fd was opened here a moment ago,
 * so a regular file is read from offset 0 without asking (one system call
 * fewer per file: a tree of small files costs about six). */
static piiscan_status scan_fd_job(px_job *j, int fd, const char *name, int just_opened)
{
    px_doc d;
    if (doc_begin(&d, j, NULL, name) != PX_CONTINUE) {
        free(d.path);
        return PIISCAN_E_NOMEM;
    }
    piiscan_status io = PIISCAN_OK;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        px_set_status(&d, PX_ERROR, "cannot stat: %s", strerror(errno));
        io = PIISCAN_E_IO;
        goto end;
    }
    if (S_ISDIR(st.st_mode)) {
        d.format = "directory";
        px_set_status(&d, PX_SKIPPED, "a directory");
        goto end;
    }
    off_t pos = !S_ISREG(st.st_mode) ? (off_t)-1 : just_opened ? 0 : lseek(fd, 0, SEEK_CUR);
    if (!S_ISREG(st.st_mode) || pos < 0) {
        /* A pipe or a terminal: read it once, in order. */
        struct fd_reader fr = {fd, NULL, 1u << 18, NULL, -1};
        fr.buf = malloc(fr.cap);
        if (!fr.buf) {
            j->abort = PXA_NOMEM;
            goto end;
        }
        px_reader r = {fd_read, &fr, -1};
        run_sequential(&d, &r, -1);
        free(fr.buf);
        goto end;
    }
    uint64_t size = (uint64_t)(st.st_size - pos);
    d.size = size;
    j->top_size = size;
    struct px_slot *s = slot_of(&d);
    if (!s->head)
        s->head = malloc(PX_HEAD);
    if (!s->head) {
        j->abort = PXA_NOMEM;
        goto end;
    }
    /* Up to PX_HEAD bytes whatever the size said: a short read is the end
     * of the file, so a small file (nearly every one) is read exactly once. */
    long got = read_up_to_at(fd, s->head, PX_HEAD, pos, size);
    if (got < 0) {
        px_set_status(&d, PX_ERROR, "read error: %s", strerror(errno));
        io = PIISCAN_E_IO;
        goto end;
    }
    size_t nh = (size_t)got;
    int kind = px_classify(j, s->head, nh, name, &d.format);
    if (kind == PXK_TEXT) {
        d.raw_text = 1;
        mark_binary(&d, s->head, nh);
        /* The head is the start of the text: scan it, then read on after it. */
        if ((nh > 0 && sink(&d, s->head, nh) != PX_CONTINUE) || nh < PX_HEAD)
            goto end;
        struct fd_reader fr = {fd, NULL, 1u << 18, NULL, pos + (off_t)nh};
        fr.buf = malloc(fr.cap);
        if (!fr.buf) {
            j->abort = PXA_NOMEM;
            goto end;
        }
        const void *b;
        const char *err = NULL;
        long n;
        while ((n = fd_read(&fr, &b, &err)) > 0)
            if (sink(&d, b, (size_t)n) != PX_CONTINUE)
                break;
        if (n < 0) {
            px_set_status(&d, PX_ERROR, "read error: %s", err);
            io = PIISCAN_E_IO;
        }
        free(fr.buf);
    } else if (kind == PXK_MEDIA) {
        px_set_status(&d, PX_UNSUPPORTED, "%s file: no text to scan", d.format);
    } else if (kind == PXK_ARCHIVE || kind == PXK_STREAM_ARCHIVE ||
               (kind == PXK_ZIP && (size > PX_ZIP_IN_MEMORY || size > j->max_buffer))) {
        px_extract_archive_fd(&d, fd, pos, size);
    } else {
        uint8_t *buf = px_buffer_alloc(&d, (size_t)size);
        if (buf) {
            if (read_all_at(fd, buf, (size_t)size, pos) != 0) {
                px_set_status(&d, PX_ERROR, "read error: %s",
                              errno ? strerror(errno) : "short read");
                io = PIISCAN_E_IO;
            } else
                run_blob(&d, kind, buf, (size_t)size);
            px_buffer_free(&d, buf, (size_t)size);
        }
    }
end:
    doc_end(&d);
    piiscan_status rs = job_result(j);
    return rs != PIISCAN_OK ? rs : io;
}

static piiscan_status scan_blob_job(px_job *j, const void *data, size_t len, const char *name)
{
    px_doc d;
    if (doc_begin(&d, j, NULL, name) != PX_CONTINUE) {
        free(d.path);
        return PIISCAN_E_NOMEM;
    }
    d.size = len;
    j->top_size = len;
    size_t hl = len < PX_HEAD ? len : PX_HEAD;
    int kind = px_classify(j, data, hl, name, &d.format);
    run_blob(&d, kind, data, len);
    doc_end(&d);
    return job_result(j);
}

/* ---- public API ------------------------------------------------------------------- */

static piiscan_status check_scan_args(const piiscan_engine *engine, const piiscan_options *opts,
                                      piiscan_scratch *scratch)
{
    if (!engine || engine->magic != PII_ENGINE_MAGIC || !scratch ||
        scratch->magic != PII_SCRATCH_MAGIC || (opts && opts->magic != PII_OPTIONS_MAGIC))
        return PIISCAN_E_INVALID;
    if (scratch->engine != engine)
        return PIISCAN_E_MISMATCH;
    if (scratch->in_use || scratch->file_busy)
        return PIISCAN_E_SCRATCH_IN_USE;
    return PIISCAN_OK;
}

static void job_from_scratch(px_job *j, piiscan_scratch *scratch)
{
    j->magic = scratch->magic_cookie;
    j->slots[0].stream = scratch->file_stream;
    j->slots[0].head = scratch->file_head;
    scratch->file_stream = NULL;
    scratch->file_head = NULL;
    scratch->file_busy = 1;
}

static void job_to_scratch(px_job *j, piiscan_scratch *scratch)
{
    scratch->magic_cookie = j->magic; /* libmagic's database is loaded once per scratch */
    scratch->file_busy = 0;
    /* The top level's stream and head stay for the next file, unless the
     * stream grew large (a long line of a big file): memory stays bounded. */
    struct px_slot *s = &j->slots[0];
    if (s->stream && s->stream->cap <= (1u << 20)) {
        scratch->file_stream = s->stream;
        s->stream = NULL;
    }
    scratch->file_head = s->head;
    s->head = NULL;
    job_release(j);
}

static piiscan_status report_open_error(px_job *j, const char *path, int err)
{
    px_doc d;
    if (doc_begin(&d, j, NULL, path) != PX_CONTINUE) {
        free(d.path);
        return PIISCAN_E_NOMEM;
    }
    d.format = "unknown";
    px_set_status(&d, PX_ERROR, "cannot open: %s", strerror(err));
    doc_end(&d);
    errno = err;
    return j->abort == PXA_STOPPED ? PIISCAN_STOPPED : PIISCAN_E_IO;
}

static int open_input(const char *path)
{
    /* O_NONBLOCK keeps open() of a FIFO from waiting for a writer.  It is
     * left on: it changes nothing for regular files (no fcntl() calls per
     * file), and fd_read() waits in poll() where a read would block. */
    return open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

PIISCAN_API piiscan_status piiscan_scan_file(const piiscan_engine *engine, const char *path,
                                             const piiscan_options *opts,
                                             piiscan_scratch *scratch,
                                             piiscan_on_finding on_finding,
                                             piiscan_on_file on_file, void *user)
{
    piiscan_status st = check_scan_args(engine, opts, scratch);
    if (st != PIISCAN_OK || !path)
        return st != PIISCAN_OK ? st : PIISCAN_E_INVALID;
    px_job j;
    job_init(&j, engine, opts, scratch);
    j.on_finding = on_finding;
    j.on_file = on_file;
    j.user = user;
    job_from_scratch(&j, scratch);
    int fd = open_input(path);
    if (fd < 0) {
        st = report_open_error(&j, path, errno);
    } else {
        st = scan_fd_job(&j, fd, path, 1);
        int e = errno;
        close(fd);
        errno = e;
    }
    job_to_scratch(&j, scratch);
    return st;
}

PIISCAN_API piiscan_status piiscan_scan_fd(const piiscan_engine *engine, int fd,
                                           const char *name, const piiscan_options *opts,
                                           piiscan_scratch *scratch,
                                           piiscan_on_finding on_finding,
                                           piiscan_on_file on_file, void *user)
{
    piiscan_status st = check_scan_args(engine, opts, scratch);
    if (st != PIISCAN_OK || fd < 0)
        return st != PIISCAN_OK ? st : PIISCAN_E_INVALID;
    px_job j;
    job_init(&j, engine, opts, scratch);
    j.on_finding = on_finding;
    j.on_file = on_file;
    j.user = user;
    job_from_scratch(&j, scratch);
    st = scan_fd_job(&j, fd, name ? name : "-", 0);
    job_to_scratch(&j, scratch);
    return st;
}

PIISCAN_API piiscan_status piiscan_scan_blob(const piiscan_engine *engine, const void *data,
                                             size_t len, const char *name,
                                             const piiscan_options *opts,
                                             piiscan_scratch *scratch,
                                             piiscan_on_finding on_finding,
                                             piiscan_on_file on_file, void *user)
{
    piiscan_status st = check_scan_args(engine, opts, scratch);
    if (st != PIISCAN_OK || (!data && len))
        return st != PIISCAN_OK ? st : PIISCAN_E_INVALID;
    px_job j;
    job_init(&j, engine, opts, scratch);
    j.on_finding = on_finding;
    j.on_file = on_file;
    j.user = user;
    job_from_scratch(&j, scratch);
    st = scan_blob_job(&j, data, len, name ? name : "-");
    job_to_scratch(&j, scratch);
    return st;
}

PIISCAN_API piiscan_status piiscan_extract_text_file(const char *path,
                                                     const piiscan_options *opts,
                                                     piiscan_on_text on_text,
                                                     piiscan_on_file on_file, void *user)
{
    if (!path || (opts && opts->magic != PII_OPTIONS_MAGIC))
        return PIISCAN_E_INVALID;
    px_job j;
    job_init(&j, NULL, opts, NULL);
    j.on_text = on_text;
    j.on_file = on_file;
    j.user = user;
    piiscan_status st;
    int fd = open_input(path);
    if (fd < 0) {
        st = report_open_error(&j, path, errno);
    } else {
        st = scan_fd_job(&j, fd, path, 1);
        int e = errno;
        close(fd);
        errno = e;
    }
    px_magic_close(j.magic);
    job_release(&j);
    return st;
}

PIISCAN_API piiscan_status piiscan_extract_text_blob(const void *data, size_t len,
                                                     const char *name,
                                                     const piiscan_options *opts,
                                                     piiscan_on_text on_text,
                                                     piiscan_on_file on_file, void *user)
{
    if ((!data && len) || (opts && opts->magic != PII_OPTIONS_MAGIC))
        return PIISCAN_E_INVALID;
    px_job j;
    job_init(&j, NULL, opts, NULL);
    j.on_text = on_text;
    j.on_file = on_file;
    j.user = user;
    piiscan_status st = scan_blob_job(&j, data, len, name ? name : "-");
    px_magic_close(j.magic);
    job_release(&j);
    return st;
}

PIISCAN_API const char *piiscan_file_status_name(piiscan_file_status s)
{
    switch (s) {
    case PIISCAN_FILE_OK:
        return "ok";
    case PIISCAN_FILE_ENCRYPTED:
        return "encrypted";
    case PIISCAN_FILE_PROTECTED:
        return "protected";
    case PIISCAN_FILE_ERROR:
        return "error";
    case PIISCAN_FILE_SKIPPED:
        return "skipped";
    case PIISCAN_FILE_UNSUPPORTED:
        return "unsupported";
    }
    return "unknown";
}
