/* extract.h -- the interface between the extraction driver (extract.c) and
 * the format extractors (one file per container format).
 *
 * The driver owns everything about a file that is not its format: the path
 * ("outer.zip!dir/inner.docx"), the text sink (a scanner stream, or the
 * caller's text callback for piiscan_extract_text_*), the file report, the
 * limits and the memory budget.  An extractor gets the bytes of one file or
 * member and a px_doc, and does exactly three things with them:
 *
 *   - emits the document's text in reading order: px_text() for UTF-8,
 *     px_text_utf16le() for UTF-16LE, px_break() between paragraphs, cells
 *     and parts, so that text from separate cells is never glued together;
 *   - hands nested files (archive members, attachments, embedded objects) to
 *     the driver with px_member_blob() / px_member_reader() /
 *     px_member_status(); the driver types them by content and recurses;
 *   - sets the document's status with px_set_status() when it is encrypted,
 *     protected (HWP distribution document), corrupt or over a limit.
 *
 * Every px_* call that can end the work returns PX_CONTINUE or PX_ABORT.
 * On PX_ABORT (a limit tripped, the caller's callback asked to stop, out of
 * memory) the extractor frees what it holds and returns PX_ABORT at once;
 * the driver has already recorded why.  Extractors return PX_CONTINUE when
 * they finished (even if they set an error status: a corrupt document is a
 * status, not an abort).
 *
 * Text given to px_text() must be UTF-8; invalid sequences are replaced by
 * the driver.  Reasons given to px_set_status() must never contain document
 * content (they end up in reports): say "BodyText/Section0: record size
 * exceeds stream", not the bytes.
 *
 * Extractors never write to disk and never read files by name: everything
 * arrives as memory.  All lengths of untrusted structures are checked against
 * the bytes actually present before use. */
#ifndef PII_EXTRACT_H
#define PII_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "piiscan.h"

enum { PX_CONTINUE = 0, PX_ABORT = 1 };

/* File statuses: the values of the public piiscan_file_status. */
enum {
    PX_OK = PIISCAN_FILE_OK,
    PX_ENCRYPTED = PIISCAN_FILE_ENCRYPTED,
    PX_PROTECTED = PIISCAN_FILE_PROTECTED,
    PX_ERROR = PIISCAN_FILE_ERROR,
    PX_SKIPPED = PIISCAN_FILE_SKIPPED,
    PX_UNSUPPORTED = PIISCAN_FILE_UNSUPPORTED
};

/* Kinds of boundary in a document's text.  Each becomes a character that
 * the scanner's prefilter treats as a breaker, so two cells can never form
 * one number: PARA -> "\n", CELL -> "\t", PART -> "\n\n" (between the parts
 * of a document: body, headers, footnotes, sheets, slides). */
enum { PX_BREAK_PARA = 1, PX_BREAK_CELL = 2, PX_BREAK_PART = 3 };

typedef struct px_doc px_doc;

/* ---- text ------------------------------------------------------------- */
int px_text(px_doc *d, const char *utf8, size_t n);
/* UTF-16LE code units (HWP, legacy Office).  Unpaired surrogates and NULs
 * are dropped; an odd trailing byte is ignored. */
int px_text_utf16le(px_doc *d, const uint8_t *p, size_t nbytes);
/* Text in a legacy 8-bit code page (Windows-1252 for "compressed" Word
 * pieces and BIFF strings, CP949 for Korean).  codepage: 1252 or 949. */
int px_text_codepage(px_doc *d, const uint8_t *p, size_t n, int codepage);
int px_break(px_doc *d, int kind);
/* Starts a named part of the document ("word/header1.xml", "sheet 명단",
 * "page 3", "BodyText/Section1"): a PX_BREAK_PART for the scanner, and for
 * piiscan_extract_text_* a new piece under the path "doc#part", so that
 * --extract-text shows every part under a header naming it. */
int px_part(px_doc *d, const char *name);

/* Alternatives (a mail's multipart/alternative: the plain text and the
 * HTML of one body).  Every alternative is read, but a value found in an
 * earlier alternative of the group is not reported again from a later one
 * (same type, same value), so a mail body does not count its values twice.
 * px_alt_begin() opens a group, px_alt_next() starts each alternative
 * (the first included), px_alt_end() closes it; a group opened inside
 * another is read as part of the outer one's current alternative. */
int px_alt_begin(px_doc *d);
int px_alt_next(px_doc *d);
int px_alt_end(px_doc *d);

/* ---- status ----------------------------------------------------------- */
/* Sets this document's status (the most severe one set wins:
 * ERROR > ENCRYPTED > PROTECTED > SKIPPED > UNSUPPORTED > OK) with a
 * printf-style reason (copied; truncated to 200 bytes). */
void px_set_status(px_doc *d, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets the document's format name ("docx", "hwp", "zip"...) when the
 * extractor knows it better than the driver did (a CFB that turns out to be
 * an HWP file).  `name` must be a string literal. */
void px_set_format(px_doc *d, const char *name);

/* ---- nested files ----------------------------------------------------- */
/* A member held in memory (MIME attachment, CFB embedded stream, a zip part
 * the extractor already read).  The driver copies nothing: data must stay
 * valid during the call.  `name` is the member's path inside d. */
int px_member_blob(px_doc *d, const char *name, const void *data, size_t len);

/* A member read sequentially (an archive entry).  read() returns the number
 * of bytes it made available in *buf (0 at the end, -1 on error, with a
 * reason in *err) ; the driver streams text members straight to the scanner
 * and buffers (within the memory budget) only members that need random
 * access.  size: the declared size, or -1 if unknown. */
typedef struct px_reader {
    long (*read)(void *ctx, const void **buf, const char **err);
    void *ctx;
    int64_t size;
} px_reader;
int px_member_reader(px_doc *d, const char *name, px_reader *r);

/* A member that cannot be read (an encrypted zip entry, say): reported with
 * its path and status, and counted, without content. */
int px_member_status(px_doc *d, const char *name, int status, const char *reason);

/* ---- limits ----------------------------------------------------------- */
/* Accounts bytes an extractor produced by decompression or decryption
 * (inflated HWP sections, decoded base64), and the compressed bytes they
 * came from (0 if unknown).  Returns PX_ABORT when the job's limit on
 * extracted bytes or on the compression ratio is passed. */
int px_account(px_doc *d, uint64_t produced, uint64_t consumed);
/* Memory for a buffer that holds a whole member or stream (within the
 * job's budget of live buffers); NULL with the doc set SKIPPED when the
 * budget would be passed, or on ENOMEM.  Release with px_buffer_free. */
void *px_buffer_alloc(px_doc *d, size_t n);
void px_buffer_free(px_doc *d, void *p, size_t n);
/* Nesting depth of d: 0 for the file the caller named. */
unsigned px_depth(const px_doc *d);
/* The member path of d ("a.zip!b.docx"), for messages in tests only. */
const char *px_path(const px_doc *d);

/* ---- zip-based documents (archive.c) ---------------------------------- */
/* Random access to the parts of a zip held in memory, for OOXML, ODF and
 * HWPX.  Names are as stored ("word/document.xml"). */
typedef struct px_zip px_zip;
/* Opens the zip; NULL if it is not a readable zip (reason in *err). */
px_zip *px_zip_open(px_doc *d, const uint8_t *data, size_t len, const char **err);
size_t px_zip_count(const px_zip *z);
const char *px_zip_name(const px_zip *z, size_t i);
/* Index of the part called `name` (exact, case-sensitive), or -1. */
long px_zip_find(const px_zip *z, const char *name);
/* 1 if part i is encrypted (then px_zip_read fails). */
int px_zip_encrypted(const px_zip *z, size_t i);
/* Reads part i whole into a px_buffer_alloc'd buffer; *len receives its
 * size.  Returns NULL on error/limit (the doc's status says which; an
 * abort is signalled by px_zip_aborted()). */
uint8_t *px_zip_read(px_zip *z, size_t i, size_t *len);
void px_zip_free_part(px_zip *z, uint8_t *p, size_t len);
int px_zip_aborted(const px_zip *z);
void px_zip_close(px_zip *z);

/* ---- format extractors (one file each) --------------------------------- */
/* archive.c: every libarchive format (zip, tar and its filters, 7z, rar,
 * cpio, iso, single gz/bz2/xz/zstd files). */
int px_extract_archive(px_doc *d, const uint8_t *data, size_t len);
/* ooxml.c: docx/xlsx/pptx, given the opened zip. */
enum { PX_OOXML_DOCX = 1, PX_OOXML_XLSX, PX_OOXML_PPTX };
int px_extract_ooxml(px_doc *d, px_zip *z, int kind);
/* odf.c: odt/ods/odp (content.xml, styles.xml for headers/footers). */
int px_extract_odf(px_doc *d, px_zip *z);
/* hwpx.c: OWPML Contents/section*.xml. */
int px_extract_hwpx(px_doc *d, px_zip *z);
/* cfb.c + hwp.c + msoffice.c: an MS-CFB (OLE2) file: HWP 5.0, .doc, .xls,
 * .ppt, or an encrypted OOXML package (EncryptionInfo + EncryptedPackage). */
int px_extract_cfb(px_doc *d, const uint8_t *data, size_t len);
/* pdf.c */
int px_extract_pdf(px_doc *d, const uint8_t *data, size_t len);
/* mime.c: RFC 5322 / MIME message. */
int px_extract_mime(px_doc *d, const uint8_t *data, size_t len);

#endif
