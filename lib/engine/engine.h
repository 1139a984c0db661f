/* engine.h -- piiscan_engine: the compiled, immutable pattern set.  It knows
 * nothing about files or streams; lib/scan does the scanning. */
#ifndef PII_ENGINE_ENGINE_H
#define PII_ENGINE_ENGINE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "detect/detect.h"
#include "keywords.h"
#include "patternset.h"
#include "piiscan.h"

/* Byte mode (never UTF: the scanner matches bytes and must not choke on
 * invalid UTF-8); ^ and $ at line boundaries; offset limits let a search stop
 * at the end of a candidate window instead of the end of the subject. */
#define PII_PCRE2_COMPILE_FLAGS (PCRE2_MULTILINE | PCRE2_USE_OFFSET_LIMIT | PCRE2_NEVER_UTF)

/* Longest lookbehind a pattern may use, in bytes; the stream keeps at least
 * this much text before every search start. */
#define PII_MAX_LOOKBEHIND 32
/* Longest match, in bytes of UTF-8.  A match that would run past a window's
 * subject end (window end + PII_MAX_MATCH) is dropped, so the result does not
 * depend on chunking.  13 full-width digits plus dashes take 45 bytes; an
 * e-mail address at most 254. */
#define PII_MAX_MATCH 256

typedef struct pii_engine_pattern {
    char *id;
    char *name;
    pcre2_code *re;
    int has_keywords;     /* context keywords are in the engine's kw with this type's bit */
    int has_veto;         /* context_not keywords are in the engine's veto set */
    unsigned ctx_not_before;
    const pii_detector *det;
    int trigger;          /* enum pii_trigger */
    unsigned trigger_digits;
    unsigned trigger_group; /* longest group of adjacent digits/masks the value must have */
    uint64_t group_mask;    /* group lengths (pii_window.groups bits) one of which it needs */
    unsigned trigger_prefix; /* bytes before the first digit/mask where a match may start */
    /* Group-length sets one of which a cluster must have all of (the
     * pattern's `shape`); nshape 0: any. */
    unsigned nshape;
    uint64_t shape[PII_MAX_SHAPES];
    unsigned ctx_before, ctx_after;
    int ctx_required;
    int confidence;
    /* Bytes a match can start with (PCRE2's start bitmap, or its one first
     * code unit); has_startmap = 0 when PCRE2 could not tell. */
    int has_startmap;
    uint8_t startmap[32];
    int starts_with_lb; /* every match is preceded by the regex's leading {{LB}} */
    /* The simple lookbehinds right after that {{LB}} (engine.c,
     * lb_lookbehinds): a match never follows a byte of lb_not_after (which
     * also holds {{LB}}'s ASCII letters), nor an ASCII digit and then a
     * byte of lb_digit_then. */
    int lb_extra;
    uint8_t lb_not_after[32], lb_digit_then[32];
    /* `lead`: a match that starts with a digit or mask character starts
     * with at least this many of them in a row (0: no such promise). */
    unsigned lead;
    int jit;            /* re was JIT-compiled: pcre2_jit_match() may be used */
    uint32_t re_group;  /* index of the first pattern with the same expanded regex */
    int re_shared;      /* another pattern has the same regex: search results are memoised */
} pii_engine_pattern;

#define PII_ENGINE_MAGIC 0x454e474eu /* "ENGN" */

struct piiscan_engine {
    uint32_t magic;
    pii_engine_pattern *p;
    size_t n;
    unsigned min_digits; /* smallest trigger among digit-triggered patterns, 0 if none */
    unsigned sat_digits; /* largest: a cluster with this many satisfies every pattern */
    /* The *band* [min_digits, band_hi): cluster sizes only the patterns with
     * the smallest trigger accept.  When every one of those starts with a
     * byte of band_start (its PCRE2 start bytes, none of them a prefilter
     * breaker), at most one byte before the cluster, and, if band_lb, not
     * right after an ASCII digit ({{LB}}), a cluster in the band without
     * such a byte can hold none of their matches: the prefilter does not
     * make it a window (a 9-digit build number 20190506.3 is no phone
     * number).  band_hi == min_digits: no band. */
    unsigned band_hi;
    int band_lb;
    uint8_t band_start[32];
    int has_at, has_always, has_keyword;
    unsigned max_ctx_before, max_ctx_after;
    /* Every pattern's context keywords in one set (a bit per type), so the
     * text is searched for keywords once, not once per pattern. */
    pii_keywords kw;
    pii_keywords veto; /* context_not keywords, likewise */
    pii_keywords kwtrig; /* the context keywords of `trigger = keyword` types */
    /* The digit triggers as bit sets over the digit-triggered patterns in
     * pattern order (bit t: the t-th of them), when there are at most 64
     * (trig_bits): a window switches on trig_count_on[min(count, 64)] (N <=
     * count; valid for counts up to 64) ANDed with the union of
     * trig_group_on[L] over its group lengths L (L in G..H), or with
     * trig_group_any when its lengths are unknown.  The scanner tests every
     * (window, pattern) pair of a page with it. */
    int trig_bits;
    size_t trig_ndig;
    uint64_t trig_count_on[65], trig_group_on[64], trig_group_any;
};

#endif
