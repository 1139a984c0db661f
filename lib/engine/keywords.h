/* keywords.h -- context keywords of a pattern, found by a two-byte filter
 * and a compare instead of a PCRE2 alternation: Korean text puts a possible
 * keyword start (a Hangul lead byte) at every third byte, where an
 * alternation of twenty words costs far more than one table lookup. */
#ifndef PII_ENGINE_KEYWORDS_H
#define PII_ENGINE_KEYWORDS_H

#include <stddef.h>
#include <stdint.h>

/* Patterns a keyword belongs to: one bit per type index (PII_MAX_TYPES). */
#define PII_KW_MASK_BYTES 32

typedef struct pii_keyword {
    uint8_t *bytes; /* ASCII letters lowered */
    size_t len;
    int word;       /* ASCII word: must not touch an ASCII letter on either side */
    uint8_t mask[PII_KW_MASK_BYTES];
} pii_keyword;

/* Versions of pii_keywords_next's block filter, narrowest first. */
enum { PII_TEDDY_OFF = 0, PII_TEDDY_SSSE3 = 1, PII_TEDDY_AVX2 = 2, PII_TEDDY_FEW = 3 };
/* Up to this many distinct 3-byte starts: the FEW filter compares them. */
#define PII_FEW_STARTS 4
#define PII_TEDDY_NPOS 5 /* bytes of a start the Teddy filter looks at */

typedef struct pii_keywords {
    pii_keyword *v;
    size_t n;
    /* Bit (a << 8 | b) is set when some keyword starts with bytes a, b
     * (every case variant of ASCII letters); a one-byte keyword sets every b. */
    uint8_t first2[65536 / 8];
    uint8_t first1[256]; /* 1 if some keyword can start with this byte */
    /* A third-byte filter behind first2, hashed (see keywords.c: kw_hash3):
     * a Hangul syllable's first two bytes are shared by 64 syllables, and
     * 이/의/은/을 (EC 9D xx) start every other Korean word.  short2 marks
     * two-byte prefixes of keywords shorter than 3 bytes (no third byte to
     * test). */
    uint8_t first3[65536 / 8];
    uint8_t short2[65536 / 8];
    /* first1 as a superset a 16-byte compare can test (see
     * pii_keywords_next): bytes >= hi_min (when has_hi), any ASCII letter
     * (when letters), and up to 4 other bytes; simd = 0 if first1 needs more. */
    uint8_t simd, has_hi, hi_min, letters, nextra, extra[4];
    /* The Teddy filter (Hyperscan's; see pii_keywords_prepare): keywords
     * in 8 buckets, and for bytes 0, 1, 2, 4, 5 of a possible start, tables
     * from the byte's low and high nibble to the buckets whose keywords
     * allow that nibble there.  teddy is the widest version this CPU runs
     * (PII_TEDDY_*); tests may lower it to check the others. */
    uint8_t teddy;
    uint8_t teddy_lo[PII_TEDDY_NPOS][16], teddy_hi[PII_TEDDY_NPOS][16];
    /* A set of a few keywords of at least 3 bytes (the keywords that
     * trigger a search; not the big context set) is cheaper to find by
     * comparing its distinct first 3 bytes outright (teddy = PII_TEDDY_FEW):
     * few[s] are those bytes, lowered; fold[s] has 0x20 where they are ASCII
     * letters (the text byte is ORed with it, to match either case). */
    uint8_t nfew, few[PII_FEW_STARTS][3], fold[PII_FEW_STARTS][3];
    /* Keywords by their first two bytes: head[a << 8 | b] is 1 + the first
     * entry of a chain in ent (0: none); ent[i] = {keyword, 1 + next}. */
    uint32_t *head;
    uint32_t (*ent)[2];
    size_t nent;
} pii_keywords;

/* Adds the keywords of a comma-separated list for pattern number `pattern`
 * (< PII_KW_MASK_BYTES * 8); a keyword already there gains the pattern's
 * bit.  Start from a zeroed struct.  Returns the number of keywords in the
 * list, or -1 on allocation failure. */
int pii_keywords_add(pii_keywords *kw, const char *list, unsigned pattern);

/* Builds the Teddy filter for the keywords added so far (once, after the
 * last pii_keywords_add: it clusters the keywords, which costs more than
 * adding them).  Until then pii_keywords_next uses its SSE2 filter. */
void pii_keywords_prepare(pii_keywords *kw);

/* 1 if keyword k occurs at p[i] (of p[0..n)), neighbours read from p. */
int pii_keyword_at(const pii_keyword *k, const uint8_t *p, size_t n, size_t i);
void pii_keywords_free(pii_keywords *kw);

/* The first i in [from, to) where the two-byte filter lets some keyword
 * start in p[0..n), or SIZE_MAX.  Confirm with pii_keyword_at().  ASCII
 * letters match caselessly; a word keyword must not be preceded or
 * followed by an ASCII letter. */
size_t pii_keywords_next(const pii_keywords *kw, const uint8_t *p, size_t n, size_t from,
                         size_t to);

/* The chain of keywords that may start at p[i]: returns 1 + an entry index
 * (0: none); walk with kw->ent[e - 1][1]. */
uint32_t pii_keywords_bucket(const pii_keywords *kw, const uint8_t *p, size_t n, size_t i);

/* Where pii_keywords_find() is: start with {from, 0}. */
typedef struct pii_keyword_iter {
    size_t i;   /* the position being looked at */
    uint32_t e; /* the next entry of its chain (0: the chain is not started) */
} pii_keyword_iter;

/* The next keyword of pattern number `pattern` lying wholly inside
 * [it->i, to) of p[0..n), in order of position (several may start at one
 * position: 여권 and 여권번호); *at receives its start.  NULL when there is
 * none left. */
const pii_keyword *pii_keywords_find(const pii_keywords *kw, unsigned pattern, const uint8_t *p,
                                     size_t n, size_t to, pii_keyword_iter *it, size_t *at);

#endif
