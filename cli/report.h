/* report.h -- the piiscan CLI's report writers.  run.c (walking, workers)
 * produces a stream of events: for each top-level file, its findings and its
 * file records (members included), contiguous -- files in walk order with
 * -j 1, in the order they finish otherwise -- then one summary; a writer
 * turns them into one format.
 *
 * Privacy: a writer prints `match` (masked) and never `raw` unless the
 * writer was created with show_raw (the user passed --show-raw). */
#ifndef PII_CLI_REPORT_H
#define PII_CLI_REPORT_H

#include <stdint.h>
#include <stdio.h>

typedef struct report_finding {
    const char *path;        /* file or member ("a.zip!b.csv") */
    const char *type;        /* "kr_rrn" */
    const char *type_name;   /* "Resident registration number" */
    uint64_t line, offset, length;
    int masked;              /* already masked in the source */
    const char *match;       /* masked rendition: always safe */
    const char *validation;  /* "checksum" | "structural" | "context" */
    const char *confidence;  /* "high" | "medium" | "low" */
    const char *fingerprint; /* hex HMAC-SHA256 of the value, or NULL */
    const char *raw;         /* NULL unless --show-raw */
    size_t raw_len;
} report_finding;

/* A file or member that was not read completely, or that breaches the
 * retention period (or both). */
typedef struct report_file {
    const char *path;
    const char *status;      /* "ok" | "encrypted" | "protected" | "error" | "skipped" | "unsupported" */
    const char *reason;      /* "" when ok */
    const char *format;      /* "zip", "docx", "text"... or "" */
    int64_t mtime;           /* seconds since the epoch (0 if unknown) */
    int64_t age_days;        /* -1 unless --retention is given */
    int retention_breach;    /* 1: holds personal data and is older than --retention */
} report_file;

typedef struct report_type_count {
    const char *type;
    const char *type_name;
    uint64_t masked, unmasked;
} report_type_count;

typedef struct report_dir_count {
    const char *dir;         /* a directory (on disk; archive members count for their file) */
    uint64_t findings, unmasked;
} report_dir_count;

typedef struct report_summary {
    const char *version;     /* piiscan version */
    const char *started;     /* ISO 8601 UTC time the scan started */
    double seconds;          /* wall time */
    const char *const *roots;
    int nroots;
    uint64_t files;          /* top-level files scanned */
    uint64_t members;        /* archive members, attachments (depth > 0) */
    uint64_t bytes;          /* bytes of text scanned */
    uint64_t findings, masked, unmasked;
    uint64_t encrypted, protected_, errors, skipped, unsupported;
    uint64_t files_with_findings;
    uint64_t retention_breaches;   /* 0 unless --retention */
    const char *retention;         /* "5y" as given, or NULL */
    const report_type_count *types; /* every enabled type, in engine order (counts may be 0) */
    int ntypes;
    const report_dir_count *dirs;  /* directories by findings, most first (at most 20) */
    int ndirs;
} report_summary;

typedef struct report_writer report_writer;
struct report_writer {
    void (*begin)(report_writer *w);
    void (*finding)(report_writer *w, const report_finding *f);
    void (*file)(report_writer *w, const report_file *f);
    void (*end)(report_writer *w, const report_summary *s);
    void (*free)(report_writer *w);
    FILE *out;
    int show_raw;
    int color;               /* text only */
    int quiet;               /* text only: no summary */
    /* 1: finding() and file() keep no state between calls, so a copy of
     * the writer with another `out` may format records elsewhere (run.c
     * formats each file's records on its scanning thread). */
    int records_stateless;
    void *state;             /* the writer's own */
};

/* Each returns NULL on ENOMEM.  `out` stays the caller's. */
report_writer *report_text_new(FILE *out, int color, int show_raw, int quiet);
report_writer *report_jsonl_new(FILE *out, int show_raw);
report_writer *report_csv_new(FILE *out, int show_raw);   /* UTF-8 with BOM, for Korean Excel */
report_writer *report_sarif_new(FILE *out, int show_raw); /* SARIF 2.1.0 */
report_writer *report_html_new(FILE *out);                 /* one self-contained file; never raw */

/* Length of the well-formed UTF-8 sequence at p (1..4), or 0 when the byte
 * at p does not start one (writers put U+FFFD for that byte). */
size_t utf8_seq(const unsigned char *p, const unsigned char *end);
/* Writes s as a JSON string (quotes included); invalid UTF-8 becomes U+FFFD. */
void json_string(FILE *out, const char *s, size_t len);
/* json_string() of a C string; NULL is written as "". */
void json_cstr(FILE *out, const char *s);
/* The members of a file record shared by the JSON Lines and SARIF reports
 * ("path":…,"status":…,"reason":… and what is known of format, mtime,
 * age and retention), without braces or a leading comma. */
void json_file_fields(FILE *out, const report_file *f);

#endif
