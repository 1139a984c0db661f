/* patternset.h -- the pattern-set builder (piiscan_patterns): parsing of the
 * pattern-file format (docs/patterns.md) and macro expansion of regexes. */
#ifndef PII_ENGINE_PATTERNSET_H
#define PII_ENGINE_PATTERNSET_H

#include <stddef.h>
#include <stdint.h>

#include "piiscan.h"

enum pii_trigger { PII_TRIGGER_ALWAYS = 0, PII_TRIGGER_DIGITS = 1, PII_TRIGGER_AT = 2, PII_TRIGGER_KEYWORD = 3 };

/* Bounds of the format; see docs/patterns.md#limits. */
#define PII_MAX_TYPES 256
#define PII_MAX_VALUE 16384
#define PII_MAX_CONTEXT_WINDOW 256
#define PII_MAX_ID 48
/* Alternatives of a `shape` line. */
#define PII_MAX_SHAPES 8

typedef struct pii_pattern_def {
    char id[PII_MAX_ID + 1];
    char *name;
    char *regex;       /* as written, macros not expanded */
    char *validator;
    int trigger;       /* enum pii_trigger */
    unsigned trigger_digits;
    unsigned trigger_group;
    unsigned trigger_group_max; /* 0: no upper bound */
    unsigned trigger_prefix;
    /* `shape`: alternatives, each the set of group lengths (bit L, 63 or
     * more: bit 63) a cluster must all have for the regex to be tried. */
    uint64_t shape[PII_MAX_SHAPES];
    unsigned nshape;   /* 0: no shape filter */
    unsigned lead;     /* `lead`: members a match starts with (0: not given) */
    char *context;     /* comma-separated keywords, as written; may be NULL */
    char *context_not; /* keywords that, just before a match, veto it; may be NULL */
    unsigned ctx_not_before;
    unsigned ctx_before, ctx_after;
    int ctx_required;
    int confidence;    /* piiscan_confidence */
    int enabled;
    char *source;      /* where `regex` was last set, for errors */
    unsigned line;
} pii_pattern_def;

struct piiscan_patterns {
    uint32_t magic;
    pii_pattern_def *v;
    size_t n, cap;
};

#define PII_PATTERNS_MAGIC 0x50415453u /* "PATS" */

/* Expands {{MACROS}} in regex into a malloc'd string.  Returns NULL on
 * allocation failure or an unknown macro (then *bad_macro points into regex). */
char *pii_regex_expand(const char *regex, const char **bad_macro);

/* Makes a new error (all strings copied; fmt is printf-like for message). */
piiscan_error *pii_error_new(const char *source, unsigned line, const char *type,
                             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
