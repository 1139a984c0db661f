/* testutil.h -- helpers shared by the Criterion unit tests: scan through the
 * public API and collect findings, whole or in chunks, to compare them. */
#ifndef PII_TESTS_TESTUTIL_H
#define PII_TESTS_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "piiscan.h"

typedef struct tfinding {
    char type[49];
    uint64_t offset, length, line;
    int masked;
    int validation; /* piiscan_validation */
    int confidence; /* piiscan_confidence */
    char display[160];
} tfinding;

typedef struct tfindings {
    tfinding *v;
    size_t n, cap;
} tfindings;

/* The default engine, compiled once per test process (Criterion forks per test). */
const piiscan_engine *t_default_engine(void);

/* Scans data whole with piiscan_scan(); returns the piiscan_status. */
int t_scan(const piiscan_engine *e, const piiscan_options *o, const void *data, size_t len,
           tfindings *out);
/* Scans data through a stream fed in chunks of `chunk` bytes (the last may be shorter). */
int t_scan_chunked(const piiscan_engine *e, const piiscan_options *o, const void *data,
                   size_t len, size_t chunk, tfindings *out);
/* Scans data through a stream split at the given cut positions (sorted, < len). */
int t_scan_split(const piiscan_engine *e, const piiscan_options *o, const void *data, size_t len,
                 const size_t *cuts, size_t ncuts, tfindings *out);
/* Default engine, default options, a NUL-terminated string. */
int t_scan_str(const char *s, tfindings *out);

size_t t_count_type(const tfindings *f, const char *type);
const tfinding *t_first_type(const tfindings *f, const char *type);
/* 1 if both lists are identical (type, offset, length, line, masked, validation,
 * confidence, display). */
int t_same(const tfindings *a, const tfindings *b);
/* Prints a list to stderr (type, offset, length, display only: never raw values). */
void t_dump(const char *label, const tfindings *f);
void t_free(tfindings *f);

/* ---- file scans (documents, archives) ---- */
typedef struct tfile_finding {
    char path[512];
    char type[49];
    uint64_t offset, length, line;
    int masked, validation, confidence;
} tfile_finding;

typedef struct treport {
    char path[512];
    char format[32];
    char reason[256];
    int status; /* piiscan_file_status */
    unsigned depth;
    uint64_t findings, text_bytes;
} treport;

typedef struct tfilescan {
    tfile_finding *f;
    size_t nf, capf;
    treport *r;
    size_t nr, capr;
} tfilescan;

/* piiscan_scan_file() / piiscan_scan_blob() with the default engine. */
int t_scan_path(const char *path, const piiscan_options *o, tfilescan *out);
int t_scan_blob_named(const void *data, size_t len, const char *name, const piiscan_options *o,
                      tfilescan *out);
/* The report of `path`, or NULL. */
const treport *t_report(const tfilescan *s, const char *path);
/* Findings of `type` (NULL: any) at exactly `path`. */
size_t t_count_at(const tfilescan *s, const char *path, const char *type);
void t_filescan_free(tfilescan *s);
/* All extracted text of a file, parts in order, NUL-terminated (caller
 * frees); *status receives the call's piiscan_status, *top_status the file
 * status of the top-level file (either may be NULL). */
char *t_extract_text(const char *path, const piiscan_options *o, int *status, int *top_status);
/* 1 if needle occurs in hay after collapsing whitespace runs to one space
 * in both (drop_ws: deleting all whitespace instead). */
int t_contains_ws(const char *hay, const char *needle, int drop_ws);

/* Reads a whole file; returns malloc'd bytes (caller frees) or NULL. */
char *t_read_file(const char *path, size_t *len);

#endif
