/* detect.h -- the validator side of a detector: one file per detector family,
 * joined by the table in registry.c.  A pattern (patterns/NN-*.pat) finds a
 * candidate shape with PCRE2; its validator decides whether the candidate is
 * real, how sure we are, and how to render it masked. */
#ifndef PII_DETECT_DETECT_H
#define PII_DETECT_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "piiscan.h"

/* Longest candidate the normaliser keeps (bytes of `norm`).  Matches are
 * capped at PII_MAX_MATCH bytes of UTF-8 by the scanner; normalised text is
 * never longer than the UTF-8 it came from. */
#define PII_NORM_MAX 512
/* Group sizes a candidate keeps (the validators ask for at most 8). */
#define PII_CAND_GROUPS 8

/* A candidate as the validator sees it.  Everything is built by the scanner
 * (lib/scan) from the regex match; validators never see the surrounding
 * text except through has_context(). */
typedef struct pii_candidate {
    const uint8_t *text;   /* the match, UTF-8 (decoded) bytes, not NUL-terminated */
    size_t len;
    /* `norm`: the match normalised to ASCII, NUL-terminated, one char per
     * source character:
     *   full-width digits U+FF10..FF19          -> '0'..'9'
     *   dash family (U+2010..2015, U+2212, U+FF0D, U+30FC) -> '-'
     *   mask symbols (U+25CF ●, U+25CB ○, U+FF0A ＊, U+00D7 ×) -> '*'
     *   full-width letters/space                -> ASCII letter / ' '
     *   other ASCII                              -> itself (x, X, # and * stay as written)
     *   any other non-ASCII character           -> '~'
     * norm_off[i] is the byte offset in `text` where norm char i starts
     * (norm_off[norm_len] == len). */
    const char *norm;
    size_t norm_len;
    const uint16_t *norm_off;
    /* `digits`: only the digit and mask positions of norm, in order: '0'..'9'
     * for digits, '*' for a mask character ('*', '#', 'x', 'X' in norm).
     * digit_pos[i] is the index in norm of digits[i]. */
    const char *digits;
    size_t ndigits;
    const uint16_t *digit_pos;
    size_t nmask;          /* number of '*' in digits */
    /* Its groups, kept by pii_digit_groups() (checks.h) when first asked
     * (a phone number's validator and display both ask): how many runs of
     * digit/mask positions norm has (SIZE_MAX: not yet worked out), the
     * sizes of the first PII_CAND_GROUPS, and whether one and the same
     * separator character lies between each two. */
    size_t ngroups;
    uint16_t group_size[PII_CAND_GROUPS];
    int groups_consistent;
    /* Policy knobs from piiscan_options. */
    int rrn_policy;        /* PIISCAN_RRN_* */
    /* 1 if a context keyword of this pattern is within its window around the
     * match (computed lazily by the scanner; cheap to call twice).  Patterns
     * without keywords always answer 0. */
    int (*has_context)(const struct pii_candidate *c);
    /* 1 if a keyword of this pattern ends within `before` bytes before the
     * match: a keyword that names this very value ("바코드 880..." has none;
     * "주민등록번호: 880..." has one), not merely one in the paragraph. */
    int (*names_value)(const struct pii_candidate *c, unsigned before);
    void *scan_state;      /* for has_context; validators don't touch it */
} pii_candidate;

/* The validator's answer.  On entry: accept = 1, validation = STRUCTURAL,
 * confidence = the pattern's default confidence, masked = (nmask > 0). */
typedef struct pii_verdict {
    int accept;
    piiscan_validation validation;
    piiscan_confidence confidence;
    int masked;
} pii_verdict;

typedef void (*pii_validate_fn)(const pii_candidate *c, pii_verdict *v);
/* Writes the masked rendition of an accepted candidate into out (NUL-
 * terminated, truncated to cap).  Must never copy a digit that the type's
 * masking rule hides. */
typedef void (*pii_display_fn)(const pii_candidate *c, char *out, size_t cap);

/* Optional shortcut: 1 if validate() rejects every candidate with no mask
 * whose digits are the first n digits of run[0..len) (any n <= len), all
 * ASCII digits; PII_REJECTS_UNLESS_NAMED if it rejects every such candidate
 * for which names_value(c, PII_NAMES_VALUE_REACH) answers 0 (a 13-digit
 * timestamp or barcode: the scanner then looks for a keyword that names
 * it, and runs the regex only if there is one).  The scanner asks it
 * before running a regex that can only start at the first digit of a
 * cluster that is one plain run of digits: by the trigger contract
 * (docs/patterns.md) such a match holds that run's leading digits and no
 * other digit or mask.  Answering 0 is always safe. */
typedef int (*pii_rejects_run_fn)(const char *run, size_t len);
#define PII_REJECTS_UNLESS_NAMED 2

typedef struct pii_detector {
    const char *name;          /* validator name used in pattern files */
    pii_validate_fn validate;
    pii_display_fn display;
    pii_rejects_run_fn rejects_run; /* NULL: no shortcut */
} pii_detector;

/* Looks a validator up by name ("kr_rrn", "card", "none", ...).  NULL if unknown. */
const pii_detector *pii_detector_find(const char *name);
/* Names of all validators, NULL-terminated (for error messages and docs). */
const char *const *pii_detector_names(void);

/* Shared display helper: copies norm to out, replacing digit number i (index
 * into c->digits) by '*' unless keep[i] is non-zero; non-digit characters
 * (separators, letters) are copied as they are in norm except '~' which is
 * copied as '?'.  keep may be shorter than ndigits: keep_len gives its length,
 * positions beyond it are masked. */
void pii_display_digits(const pii_candidate *c, const uint8_t *keep, size_t keep_len, char *out,
                        size_t cap);

/* Storage for a candidate's normalised forms (lives in the scratch). */
typedef struct pii_candidate_buf {
    char norm[PII_NORM_MAX + 1];
    uint16_t norm_off[PII_NORM_MAX + 1];
    char digits[PII_NORM_MAX + 1];
    uint16_t digit_pos[PII_NORM_MAX + 1];
} pii_candidate_buf;

/* Builds c from the match text[0..len) (len <= PII_NORM_MAX): fills norm,
 * norm_off, digits, digit_pos, nmask as described above, using buf for
 * storage.  Sets rrn_policy = PIISCAN_RRN_CONTEXT, has_context = a function
 * that answers 0, scan_state = NULL; the scanner overrides those. */
void pii_candidate_init(pii_candidate *c, pii_candidate_buf *buf, const uint8_t *text, size_t len);

#endif
