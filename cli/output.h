/* output.h -- report writers for the piiscan CLI (text and JSON Lines).
 * Only masked renditions are printed unless the user passed --show-raw. */
#ifndef PII_CLI_OUTPUT_H
#define PII_CLI_OUTPUT_H

#include <stdio.h>

#include "piiscan.h"

enum cli_format { FORMAT_TEXT, FORMAT_JSONL };

typedef struct cli_output {
    FILE *out;
    int format;
    int show_raw;
    int color;
} cli_output;

void out_finding(const cli_output *o, const char *path, const piiscan_finding *f);
/* A file-level record: status is "error", "skipped", ...; reason never holds data. */
void out_file_status(const cli_output *o, const char *path, const char *status, const char *reason);

/* Writes s as a JSON string (quotes included); invalid UTF-8 bytes become U+FFFD. */
void json_string(FILE *out, const char *s, size_t len);

#endif
