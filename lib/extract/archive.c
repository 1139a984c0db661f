/* archive.c -- every archive format through libarchive, and random access
 * to the parts of zip-based documents (px_zip).
 *
 * Members are never extracted to disk: each is handed to the driver as a
 * sequential reader over archive_read_data_block(), so a text member goes
 * straight to the scanner and only members that need random access are
 * held in memory.  libarchive reads from a source of ours (memory, a
 * descriptor, or the sequential reader of a member) that counts the bytes
 * it hands over: that count, against the bytes members produce, is the
 * compression ratio the bomb limit checks. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "decode/cp949.h"
#include "extract_internal.h"

/* ---- member names ------------------------------------------------------------------ */

/* libarchive converts names through the locale's character set; a library
 * must not depend on the process locale, so archives are read under a
 * C.UTF-8 thread locale: names flagged UTF-8 (and 7z/rar/ISO Unicode names)
 * come out as UTF-8, other names as the bytes stored. */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void make_utf8_locale(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t enter_utf8(void)
{
    pthread_once(&utf8_once, make_utf8_locale);
    return utf8_locale ? uselocale(utf8_locale) : (locale_t)0;
}

static void leave_utf8(locale_t old)
{
    if (old)
        uselocale(old);
}

static int valid_utf8(const unsigned char *p)
{
    while (*p) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        int n = (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || (*p & 0xFE) == 0xC0)
            return 0;
        for (int i = 1; i <= n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += n + 1;
    }
    return 1;
}

/* A stored name that is not UTF-8 is in its maker's code page: on Korean
 * Windows (Explorer, ALZip, Bandizip's legacy mode) that is CP949, not the
 * CP437 of the zip specification.  Undecodable bytes become '?'. */
static const char *member_name(struct archive_entry *e, char *buf, size_t cap)
{
    const char *n = archive_entry_pathname_utf8(e);
    if (n)
        return n;
    const unsigned char *raw = (const unsigned char *)archive_entry_pathname(e);
    if (!raw)
        return "?";
    if (valid_utf8(raw))
        return (const char *)raw;
    size_t o = 0;
    for (size_t i = 0; raw[i] && o + 4 < cap; i++) {
        uint32_t cp = raw[i];
        if (cp >= 0x80) {
            cp = raw[i + 1] ? pii_cp949_lookup(raw[i], raw[i + 1]) : 0;
            if (cp)
                i++;
            else
                cp = '?';
        }
        o += px_put_utf8(buf + o, cp);
    }
    buf[o] = 0;
    return buf;
}

/* Blocks handed to libarchive.  Small enough that the ratio check sees
 * consumption as it happens, large enough to cost nothing. */
#define AR_MEM_BLOCK 65536
#define AR_FD_BLOCK (256 * 1024)
/* A broken archive can make libarchive return ARCHIVE_RETRY forever. */
#define AR_MAX_RETRIES 16

struct src {
    const uint8_t *data; /* memory source */
    size_t len;
    int fd;              /* descriptor source (fd >= 0) */
    off_t base;
    uint8_t *buf;
    px_reader *r;        /* sequential source */
    uint64_t size, pos;
    uint64_t fed;        /* bytes handed to libarchive */
    const char *err;
};

static la_ssize_t src_read(struct archive *a, void *ctx, const void **buf)
{
    (void)a;
    struct src *s = ctx;
    if (s->r) {
        const char *err = NULL;
        long n = s->r->read(s->r->ctx, buf, &err);
        if (n < 0) {
            s->err = err ? err : "read error";
            archive_set_error(a, EIO, "%s", s->err);
            return -1;
        }
        s->fed += (uint64_t)n;
        return n;
    }
    if (s->pos >= s->size)
        return 0;
    if (s->data) {
        size_t k = s->size - s->pos < AR_MEM_BLOCK ? (size_t)(s->size - s->pos) : AR_MEM_BLOCK;
        *buf = s->data + s->pos;
        s->pos += k;
        s->fed += k;
        return (la_ssize_t)k;
    }
    size_t want = s->size - s->pos < AR_FD_BLOCK ? (size_t)(s->size - s->pos) : AR_FD_BLOCK;
    for (;;) {
        ssize_t n = pread(s->fd, s->buf, want, s->base + (off_t)s->pos);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            archive_set_error(a, errno, "read error");
            return -1;
        }
        *buf = s->buf;
        s->pos += (uint64_t)n;
        s->fed += (uint64_t)n;
        return n;
    }
}

static la_int64_t src_seek(struct archive *a, void *ctx, la_int64_t off, int whence)
{
    (void)a;
    struct src *s = ctx;
    int64_t np;
    switch (whence) {
    case SEEK_SET:
        np = off;
        break;
    case SEEK_CUR:
        np = (int64_t)s->pos + off;
        break;
    case SEEK_END:
        np = (int64_t)s->size + off;
        break;
    default:
        return ARCHIVE_FATAL;
    }
    if (np < 0)
        return ARCHIVE_FATAL;
    s->pos = (uint64_t)np > s->size ? s->size : (uint64_t)np;
    return (la_int64_t)s->pos;
}

static la_int64_t src_skip(struct archive *a, void *ctx, la_int64_t req)
{
    (void)a;
    struct src *s = ctx;
    if (req <= 0)
        return 0;
    uint64_t k = s->size - s->pos < (uint64_t)req ? s->size - s->pos : (uint64_t)req;
    s->pos += k;
    return (la_int64_t)k;
}

static int is_compressor(const char *fmt)
{
    static const char *const names[] = {"gzip", "bzip2", "xz", "zstd", "lzma",
                                        "lzip", "lz4",   "compress"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(fmt, names[i]) == 0)
            return 1;
    return 0;
}

/* zip_only: px_zip wants the zip reader alone (seekable, central
 * directory); raw: a lone compressed file is one member (AR_RAW_ONLY: and
 * never an archive, see ar_run). */
#define AR_RAW_ONLY 2
static struct archive *ar_open(struct src *s, int zip_only, int raw)
{
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    if (zip_only) {
        archive_read_support_format_zip(a);
    } else {
        archive_read_support_filter_all(a);
        if (raw != AR_RAW_ONLY)
            archive_read_support_format_all(a);
        if (raw)
            archive_read_support_format_raw(a);
    }
    archive_read_set_read_callback(a, src_read);
    if (!s->r) {
        archive_read_set_seek_callback(a, src_seek);
        archive_read_set_skip_callback(a, src_skip);
    }
    archive_read_set_callback_data(a, s);
    if (archive_read_open1(a) != ARCHIVE_OK) {
        /* the caller reads the error from the handle */
    }
    return a;
}

static int mentions_encryption(const char *msg)
{
    return msg && (strstr(msg, "ncrypt") || strstr(msg, "assphrase") || strstr(msg, "assword"));
}

/* The name a lone compressed file's content gets: "log.txt.gz" -> "log.txt". */
static void raw_member_name(const char *path, char *out, size_t cap)
{
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '!')
            base = p + 1;
    static const char *const sfx[] = {".gz", ".bz2", ".xz", ".zst", ".lzma", ".lz", ".lz4", ".Z",
                                      ".gzip"};
    size_t n = strlen(base);
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        size_t k = strlen(sfx[i]);
        if (n > k && strcasecmp(base + n - k, sfx[i]) == 0) {
            snprintf(out, cap, "%.*s", (int)(n - k), base);
            return;
        }
    }
    snprintf(out, cap, "%s", "data");
}

struct member {
    struct archive *a;
    struct src *s;
    px_doc *d;
    uint64_t *accounted; /* bytes of the source already set against output (headers included) */
    int fatal, encrypted;
    const char *err;
};

static long member_read(void *ctx, const void **buf, const char **err)
{
    struct member *m = ctx;
    for (;;) {
        size_t size = 0;
        la_int64_t off = 0;
        int r = archive_read_data_block(m->a, buf, &size, &off);
        if (r == ARCHIVE_EOF)
            return 0;
        if (r < ARCHIVE_WARN) {
            m->err = archive_error_string(m->a);
            m->encrypted = mentions_encryption(m->err);
            m->fatal = r == ARCHIVE_FATAL;
            *err = m->err ? m->err : "archive read error";
            return -1;
        }
        uint64_t consumed = m->s->fed - *m->accounted;
        *m->accounted = m->s->fed;
        if (px_account(m->d, size, consumed) != PX_CONTINUE) {
            *err = "limit";
            return -1;
        }
        if (size)
            return (long)size;
    }
}

static int ar_run_locked(px_doc *d, struct src *s, int raw);

static int ar_run(px_doc *d, struct src *s, int raw)
{
    locale_t old = enter_utf8();
    int rc = ar_run_locked(d, s, raw);
    leave_utf8(old);
    return rc;
}

static int ar_run_locked(px_doc *d, struct src *s, int raw)
{
    struct archive *a = ar_open(s, 0, raw);
    if (!a) {
        px_set_status(d, PX_ERROR, "out of memory opening the archive");
        return PX_CONTINUE;
    }
    int rc = PX_CONTINUE, retries = 0, empty_tar = 0;
    uint64_t entries = 0, encrypted = 0, accounted = 0;
    char rawname[256], namebuf[3 * 1024 + 8];
    for (;;) {
        struct archive_entry *e;
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF) {
            /* libarchive's tar reader bids on a block of zeros (an end-of-archive
             * mark), so a lone compressed file whose content begins with 512 NUL
             * bytes (a disk image, a database, a log with a hole) reads as an
             * empty tar and nothing of it would be scanned. */
            empty_tar = raw == 1 && entries == 0 && archive_filter_count(a) > 1 &&
                        (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR;
            break;
        }
        if (r == ARCHIVE_RETRY && ++retries < AR_MAX_RETRIES)
            continue;
        if (r < ARCHIVE_WARN) {
            const char *msg = archive_error_string(a);
            if (mentions_encryption(msg))
                px_set_status(d, PX_ENCRYPTED, "archive is encrypted: %s", msg);
            else if (entries == 0)
                px_set_status(d, PX_ERROR, "not a readable archive: %s",
                              msg ? msg : "unrecognized format");
            else
                px_set_status(d, PX_ERROR, "corrupt or truncated after %llu members: %s",
                              (unsigned long long)entries, msg ? msg : "read error");
            break;
        }
        entries++;
        if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
            raw_member_name(d->path, rawname, sizeof rawname);
        }
        int ft = (int)archive_entry_filetype(e);
        if (ft != 0 && ft != AE_IFREG)
            continue; /* directories, links, devices hold no data */
        const char *name = archive_format(a) == ARCHIVE_FORMAT_RAW
                               ? rawname
                               : member_name(e, namebuf, sizeof namebuf);
        if (archive_entry_is_data_encrypted(e)) {
            encrypted++;
            if (px_member_status(d, name, PX_ENCRYPTED,
                                 "encrypted archive entry (needs a password)") == PX_ABORT) {
                rc = PX_ABORT;
                break;
            }
            continue;
        }
        struct member m = {a, s, d, &accounted, 0, 0, NULL};
        px_reader rd = {member_read, &m,
                        archive_entry_size_is_set(e) ? (int64_t)archive_entry_size(e) : -1};
        if (px_member_reader(d, name, &rd) == PX_ABORT) {
            rc = PX_ABORT;
            break;
        }
        if (m.fatal) {
            px_set_status(d, m.encrypted ? PX_ENCRYPTED : PX_ERROR,
                          "corrupt or truncated at member %llu: %s", (unsigned long long)entries,
                          m.err ? m.err : "read error");
            break;
        }
    }
    archive_read_free(a);
    if (empty_tar) {
        if (s->r) /* a streamed member cannot be read again */
            px_set_status(d, PX_ERROR, "compressed data that begins with zero blocks (an empty "
                                       "tar?) could not be read again as one file");
        else {
            s->pos = 0;
            s->fed = 0;
            return ar_run(d, s, AR_RAW_ONLY);
        }
    }
    /* An archive with encrypted entries is an encrypted file for the audit,
     * even though its other entries were read. */
    if (encrypted)
        px_set_status(d, PX_ENCRYPTED, "%llu of %llu entries encrypted (need a password)",
                      (unsigned long long)encrypted, (unsigned long long)entries);
    return rc;
}

int px_extract_archive(px_doc *d, const uint8_t *data, size_t len)
{
    struct src s = {.data = data, .len = len, .fd = -1, .size = len};
    return ar_run(d, &s, is_compressor(d->format));
}

int px_extract_archive_reader(px_doc *d, px_reader *r)
{
    struct src s = {.fd = -1, .r = r};
    return ar_run(d, &s, is_compressor(d->format));
}

int px_extract_archive_fd(px_doc *d, int fd, off_t pos, uint64_t size)
{
    struct src s = {.fd = fd, .base = pos, .size = size};
    s.buf = malloc(AR_FD_BLOCK);
    if (!s.buf) {
        px_set_status(d, PX_ERROR, "out of memory");
        return PX_CONTINUE;
    }
    int rc = ar_run(d, &s, is_compressor(d->format));
    free(s.buf);
    return rc;
}

/* ---- px_zip: parts of a zip held in memory --------------------------------------- */

struct zent {
    char *name;
    int encrypted;
    int64_t size; /* -1 if unknown */
};

struct px_zip {
    px_doc *d;
    struct src s;
    struct archive *a; /* open handle, positioned after entry `next - 1` */
    size_t next;
    struct zent *ents;
    size_t n;
    int aborted;
    int listing_cut; /* more parts than the member limit: only the first were listed */
};

static void zip_close_handle(px_zip *z)
{
    if (z->a)
        archive_read_free(z->a);
    z->a = NULL;
    z->next = 0;
}

static int zip_reopen(px_zip *z)
{
    zip_close_handle(z);
    z->s.pos = 0;
    z->a = ar_open(&z->s, 1, 0);
    return z->a ? 0 : -1;
}

px_zip *px_zip_open(px_doc *d, const uint8_t *data, size_t len, const char **err)
{
    px_zip *z = calloc(1, sizeof *z);
    if (!z) {
        *err = "out of memory";
        return NULL;
    }
    z->d = d;
    z->s = (struct src){.data = data, .len = len, .fd = -1, .size = len};
    if (zip_reopen(z) != 0) {
        free(z);
        *err = "out of memory";
        return NULL;
    }
    size_t cap = 0;
    uint64_t limit = d->job->max_members;
    locale_t old_locale = enter_utf8();
    for (;;) {
        struct archive_entry *e;
        int r = archive_read_next_header(z->a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            if (z->n == 0) {
                *err = archive_error_string(z->a) ? archive_error_string(z->a) : "not a zip";
                leave_utf8(old_locale);
                px_zip_close(z);
                return NULL;
            }
            px_set_status(d, PX_ERROR, "zip directory damaged after %zu entries", z->n);
            break;
        }
        if (z->n == limit) {
            z->listing_cut = 1; /* reported if this zip is read as a document */
            break;
        }
        if (z->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct zent *ne = realloc(z->ents, nc * sizeof *ne);
            if (!ne)
                break;
            z->ents = ne;
            cap = nc;
        }
        char nbuf[3 * 1024 + 8];
        const char *nm = member_name(e, nbuf, sizeof nbuf);
        struct zent *ze = &z->ents[z->n];
        ze->name = strdup(nm);
        if (!ze->name)
            break;
        ze->encrypted = archive_entry_is_data_encrypted(e);
        ze->size = archive_entry_size_is_set(e) ? (int64_t)archive_entry_size(e) : -1;
        z->n++;
        z->next++;
    }
    leave_utf8(old_locale);
    return z;
}

size_t px_zip_count(const px_zip *z)
{
    return z->n;
}

const char *px_zip_name(const px_zip *z, size_t i)
{
    return i < z->n ? z->ents[i].name : NULL;
}

long px_zip_find(const px_zip *z, const char *name)
{
    for (size_t i = 0; i < z->n; i++)
        if (strcmp(z->ents[i].name, name) == 0)
            return (long)i;
    return -1;
}

int px_zip_encrypted(const px_zip *z, size_t i)
{
    return i < z->n && z->ents[i].encrypted;
}

int px_zip_aborted(const px_zip *z)
{
    return z->aborted || z->d->job->abort;
}

uint8_t *px_zip_read(px_zip *z, size_t i, size_t *len)
{
    *len = 0;
    if (i >= z->n || px_zip_aborted(z))
        return NULL;
    px_doc *d = z->d;
    if (z->ents[i].encrypted) {
        px_set_status(d, PX_ENCRYPTED, "%s: encrypted zip entry (needs a password)",
                      z->ents[i].name);
        return NULL;
    }
    if (!z->a || z->next > i)
        if (zip_reopen(z) != 0)
            return NULL;
    struct archive_entry *e = NULL;
    while (z->next <= i) {
        int r = archive_read_next_header(z->a, &e);
        if (r < ARCHIVE_WARN || r == ARCHIVE_EOF) {
            px_set_status(d, PX_ERROR, "%s: cannot reach the part", z->ents[i].name);
            zip_close_handle(z);
            return NULL;
        }
        z->next++;
    }
    size_t cap = z->ents[i].size >= 0 ? (size_t)z->ents[i].size : 65536;
    uint8_t *buf = px_buffer_alloc(d, cap);
    if (!buf)
        return NULL;
    size_t n = 0;
    uint64_t fed0 = z->s.fed;
    for (;;) {
        const void *b;
        size_t sz = 0;
        la_int64_t off = 0;
        int r = archive_read_data_block(z->a, &b, &sz, &off);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            const char *msg = archive_error_string(z->a);
            px_set_status(d, mentions_encryption(msg) ? PX_ENCRYPTED : PX_ERROR, "%s: %s",
                          z->ents[i].name, msg ? msg : "read error");
            px_buffer_free(d, buf, cap);
            zip_close_handle(z);
            return NULL;
        }
        if (px_account(d, sz, z->s.fed - fed0) != PX_CONTINUE) {
            z->aborted = 1;
            px_buffer_free(d, buf, cap);
            return NULL;
        }
        fed0 = z->s.fed;
        if (n + sz > cap) {
            size_t nc = cap * 2 > n + sz ? cap * 2 : n + sz;
            uint8_t *nb = px_buffer_alloc(d, nc);
            if (!nb) {
                px_buffer_free(d, buf, cap);
                return NULL;
            }
            memcpy(nb, buf, n);
            px_buffer_free(d, buf, cap);
            buf = nb;
            cap = nc;
        }
        if (sz) /* libarchive may hand back an empty block as NULL */
            memcpy(buf + n, b, sz);
        n += sz;
    }
    /* Hand back exactly n bytes of budget: shrink the accounting. */
    if (cap > n) {
        d->job->buffered -= cap - n;
        uint8_t *nb = realloc(buf, n ? n : 1);
        if (nb)
            buf = nb;
    }
    *len = n;
    return buf;
}

void px_zip_free_part(px_zip *z, uint8_t *p, size_t len)
{
    px_buffer_free(z->d, p, len);
}

void px_zip_close(px_zip *z)
{
    if (!z)
        return;
    zip_close_handle(z);
    for (size_t i = 0; i < z->n; i++)
        free(z->ents[i].name);
    free(z->ents);
    free(z);
}

/* Which document a zip is, from its parts: OOXML by its main part, ODF and
 * HWPX by the mimetype part they start with. */
int px_extract_zip_any(px_doc *d, const uint8_t *data, size_t len)
{
    const char *err = NULL;
    px_zip *z = px_zip_open(d, data, len, &err);
    if (!z) {
        /* libarchive's zip reader refused it: let the general reader try
         * (a self-extracting or oddly prefixed zip), which reports why. */
        return px_extract_archive(d, data, len);
    }
    int rc = -1;
    long mt = px_zip_find(z, "mimetype");
    if (mt >= 0 && !px_zip_encrypted(z, (size_t)mt)) {
        size_t ml = 0;
        uint8_t *m = px_zip_read(z, (size_t)mt, &ml);
        if (m) {
            static const char odf[] = "application/vnd.oasis.opendocument.";
            static const char hwpx[] = "application/hwp+zip";
            if (ml >= sizeof odf - 1 && memcmp(m, odf, sizeof odf - 1) == 0) {
                px_set_format(d, "odf");
                rc = px_extract_odf(d, z);
            } else if (ml >= sizeof hwpx - 1 && memcmp(m, hwpx, sizeof hwpx - 1) == 0) {
                px_set_format(d, "hwpx");
                rc = px_extract_hwpx(d, z);
            }
            px_zip_free_part(z, m, ml);
        }
    }
    if (rc < 0 && px_zip_find(z, "[Content_Types].xml") >= 0) {
        if (px_zip_find(z, "word/document.xml") >= 0) {
            px_set_format(d, "docx");
            rc = px_extract_ooxml(d, z, PX_OOXML_DOCX);
        } else if (px_zip_find(z, "xl/workbook.xml") >= 0) {
            px_set_format(d, "xlsx");
            rc = px_extract_ooxml(d, z, PX_OOXML_XLSX);
        } else if (px_zip_find(z, "ppt/presentation.xml") >= 0) {
            px_set_format(d, "pptx");
            rc = px_extract_ooxml(d, z, PX_OOXML_PPTX);
        }
    }
    if (rc < 0 && (px_zip_find(z, "Contents/section0.xml") >= 0 ||
                   px_zip_find(z, "Contents/content.hpf") >= 0)) {
        px_set_format(d, "hwpx");
        rc = px_extract_hwpx(d, z);
    }
    if (rc >= 0 && z->listing_cut)
        px_set_status(d, PX_SKIPPED, "more than %llu parts (limit); only the first were read",
                      (unsigned long long)d->job->max_members);
    int aborted = px_zip_aborted(z);
    px_zip_close(z);
    if (aborted)
        return PX_ABORT;
    if (rc >= 0)
        return rc;
    px_set_format(d, "zip");
    return px_extract_archive(d, data, len);
}
