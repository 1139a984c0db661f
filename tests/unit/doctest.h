/* doctest.h -- helpers of the document-format tests (doctest.c). */
#ifndef PII_TESTS_DOCTEST_H
#define PII_TESTS_DOCTEST_H

#include <stddef.h>

#include "piiscan.h"

/* ---- collecting what a file scan or extraction reports ------------------- */
typedef struct trep {
    char path[512];
    char format[32];
    int status;
    char reason[256];
    unsigned depth;
} trep;

typedef struct tfound {
    char type[48];
    char path[512];
} tfound;

typedef struct col {
    const char *top;   /* path of the file named by the test */
    char *text;        /* text of `top` itself */
    size_t n, cap;
    char *all;         /* text of every path, in arrival order */
    size_t an, acap;
    trep rep[64];
    size_t nrep;
    tfound f[128];
    size_t nf;
} col;

/* ---- collecting what a file scan or extraction reports ------------------- */
void grow_append(char **p, size_t *n, size_t *cap, const char *s, size_t len);
int on_text(const char *path, const char *text, size_t len, void *user);
int on_file(const piiscan_file_report *r, void *user);
int on_finding(const piiscan_finding *f, void *user);
void col_free(col *c);
const char *fixture(const char *rel);
/* Extracts the text of a fixture (and its members) with default options. */
void extract(const char *rel, col *c);
/* Scans a fixture with the default engine; opts may be NULL. */
void scan_opts(const char *path, const piiscan_options *opts, col *c);
void scan(const char *rel, col *c);
const trep *report_of(const col *c, const char *path);
const trep *top_report(const col *c);
int ends_with(const char *s, const char *suffix);
/* Findings of `type` whose path ends with `suffix` ("" for any path). */
size_t count_found(const col *c, const char *type, const char *suffix);
/* s with every ASCII whitespace removed (malloc'd). */
char *no_space(const char *s);
/* s with each run of whitespace made one space, trimmed (malloc'd). */
char *collapse_space(const char *s);
/* Checks every manifest entry whose file starts with `prefix` and ends with
 * `suffix`: status "ok" -> the file's report is OK and the extracted text
 * holds every must_contain snippet (whitespace collapsed, or removed when
 * `nows`); status "encrypted" -> the report says ENCRYPTED and no text.
 * Returns the number of entries checked. */
size_t check_manifest(const char *prefix, const char *suffix, int nows);

#endif
