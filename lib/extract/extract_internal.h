/* extract_internal.h -- the driver's own state, shared by extract.c and
 * archive.c only.  Format extractors see extract.h, never this. */
#ifndef PII_EXTRACT_INTERNAL_H
#define PII_EXTRACT_INTERNAL_H

#include <sys/types.h>

#include "extract.h"
#include "scan/options.h"

/* How a file is read. */
enum {
    PXK_TEXT = 1,       /* bytes, scanned in their own encoding */
    PXK_MEDIA,          /* image/audio/video/font: unsupported */
    PXK_ZIP,            /* zip: a document (docx, odt, hwpx...) or an archive */
    PXK_CFB,            /* MS-CFB: HWP 5.0, doc/xls/ppt, encrypted OOXML */
    PXK_PDF,
    PXK_MIME,
    PXK_STREAM_ARCHIVE, /* libarchive, readable in one pass (tar, gz, bz2, xz, zstd, cpio) */
    PXK_ARCHIVE         /* libarchive, needs seeking (7z, rar, iso) */
};

/* Why a job is ending early. */
enum { PXA_NONE = 0, PXA_LIMIT, PXA_STOPPED, PXA_NOMEM };

/* Depth 0..64 plus one: a member too deep is still reported at depth+1. */
#define PX_MAX_SLOTS 66

/* Per-depth resources, reused by every document at that depth. */
struct px_slot {
    struct piiscan_stream *stream;
    char *text;   /* PX_TEXT_BUF bytes of text not yet given to the sink */
    size_t ntext;
    uint8_t *head; /* PX_HEAD bytes used for typing */
};

typedef struct px_job {
    const piiscan_engine *engine; /* NULL when extracting text only */
    piiscan_scratch *scratch;
    struct piiscan_options opts;
    piiscan_on_finding on_finding;
    piiscan_on_file on_file;
    piiscan_on_text on_text;
    void *user;
    void *magic; /* magic_t */
    unsigned max_depth;
    uint64_t max_extracted, max_ratio, max_members;
    size_t max_buffer;
    uint64_t extracted, top_size, members;
    size_t buffered;
    int abort; /* PXA_* */
    piiscan_status error;
    char abort_reason[200];
    struct px_slot slots[PX_MAX_SLOTS];
} px_job;

struct px_doc {
    px_job *job;
    px_doc *parent;
    unsigned depth;
    char *path;
    char *part_path; /* text mode: path "#" current part, or NULL */
    const char *format;
    int status;
    char reason[208];
    uint64_t size, text_bytes, findings;
    uint64_t produced, consumed; /* for the ratio limit */
    int raw_text;    /* plain bytes in the user's encoding, not extracted UTF-8 */
    int binary;      /* raw_text with NULs that is not UTF-16: scanned as bytes */
    int stream_open;
    int emitted;     /* some text was emitted: breaks are meaningful */
    unsigned char last, last2;
    /* Alternatives (px_alt_*): text ranges [lo, next range's lo) of each
     * alternative, in text order, and the values already reported per
     * group (see on_stream_finding). */
    unsigned alt_depth, alt_groups, alt_index;
    struct px_alt_range {
        uint64_t lo;
        unsigned group, index; /* index 0 = the first alternative; group 0 = none */
    } *alt;
    size_t nalt, alt_cap, alt_cursor;
    struct px_alt_seen {
        uint64_t key; /* 0: empty slot */
        unsigned index;
    } *seen;
    size_t nseen, seen_cap;
};

/* Writes cp as UTF-8 into o (room for 4 bytes); returns the length. */
size_t px_put_utf8(char *o, uint32_t cp);
int px_classify(px_job *j, const uint8_t *h, size_t n, const char *name, const char **fmt);
void *px_magic_open(void);
void px_magic_close(void *m);

/* archive.c */
/* A zip: a document if its parts say so (docx, xlsx, pptx, odt/ods/odp,
 * hwpx, epub), else an archive whose members are followed. */
int px_extract_zip_any(px_doc *d, const uint8_t *data, size_t len);
int px_extract_archive_reader(px_doc *d, px_reader *r);
int px_extract_archive_fd(px_doc *d, int fd, off_t pos, uint64_t size);

#endif
