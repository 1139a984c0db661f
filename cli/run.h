/* run.h -- the scan of a piiscan invocation: walk the roots (on -j threads,
 * one scratch each, each scanning the files it finds), and hand each file's
 * events to the report writer in one piece, with the summary at the end. */
#ifndef PII_CLI_RUN_H
#define PII_CLI_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "piiscan.h"
#include "report.h"

typedef struct baseline baseline;

typedef struct run_config {
    const piiscan_engine *engine;
    const piiscan_options *opts; /* EXPOSE_RAW is set when fingerprints or --show-raw need it */
    piiscan_walker *walker;
    report_writer *writer;
    int jobs;                    /* threads (1..256); 1: the main thread alone, in walk order */
    int show_raw;
    const char *fp_key;          /* --fingerprint-key or $PIISCAN_FINGERPRINT_KEY; NULL: none */
    int64_t retention_secs;      /* 0: no retention audit */
    const char *retention_label; /* "5y" as given */
    int time_field;              /* 0 mtime, 1 atime, 2 ctime */
    const char *fail_on;         /* comma list of types that make the exit status 1; NULL: any */
    baseline *baseline;          /* findings to suppress, or NULL */
    FILE *write_baseline;        /* --write-baseline target, or NULL */
    int progress;                /* a progress line on stderr */
    const char *version;
} run_config;

/* Scans the roots ("-" is standard input).  Returns the exit status:
 * 0 nothing found, 1 findings, 2 errors. */
int run_scan(run_config *cfg, char *const *roots, int nroots);

/* Scans the staged (index) content of the git repository in the current
 * directory: every added, copied, modified or renamed file as it will be
 * committed.  Returns the exit status, or 2 with a message on stderr. */
int run_staged(run_config *cfg);

/* Baselines: known findings, by fingerprint and path (not line, so edits
 * above a finding do not resurrect it). */
baseline *baseline_load(const char *path, char *err, size_t errlen);
void baseline_free(baseline *b);

#endif
