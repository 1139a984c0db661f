/* options.h -- piiscan_options: scan policies (see piiscan.h). */
#ifndef PII_SCAN_OPTIONS_H
#define PII_SCAN_OPTIONS_H

#include <stdint.h>

#include "piiscan.h"

#define PII_OPTIONS_MAGIC 0x4f505453u /* "OPTS" */

struct piiscan_options {
    uint32_t magic;
    int encoding;       /* PIISCAN_ENC_* */
    int min_confidence; /* piiscan_confidence */
    int expose_raw;
    int rrn_policy;     /* PIISCAN_RRN_* */
    int report_masked;
    int allow_marker;   /* honour "piiscan:allow" on the value's line */
    /* limits of file scans (extract/) */
    unsigned max_depth;
    uint64_t max_extracted, max_ratio, max_members, max_buffer;
};

/* Fills o with the defaults. */
void pii_options_defaults(struct piiscan_options *o);

#endif
