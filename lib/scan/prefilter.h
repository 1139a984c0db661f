/* prefilter.h -- one pass over the decoded text that finds candidate regions,
 * so PCRE2 and the validators only see the few bytes that can hold a value.
 *
 * A *cluster* is a run of digits and mask characters (ASCII or full-width
 * digits, * # ● ○ ＊ ×, and x/X inside a run) in which consecutive members
 * are separated by at most PII_CLUSTER_GAP other characters, none of them a
 * *breaker*: a line end, a field delimiter (tab , ; | " ' = : / < >) or a
 * letter of a script other than ASCII (Hangul, CJK, ...; every non-ASCII
 * character except those with lead byte C2 C3 E2 E3 EF, where the dashes
 * and spaces of {{DASH}}/{{SEP}} and the masks are), none of which a
 * built-in value has between its digits.  A cluster with at least the smallest
 * `digits N` trigger of the engine becomes a window; every '@' becomes a
 * window for `at` patterns.  A cluster also records its longest *group*
 * (members with nothing between them), so a pattern with `group G` skips
 * clusters like dates (2024-03-15: longest group 4) and prices (1,234,567),
 * and with `group G-H` also clusters with no group of G to H members (a
 * 13-digit timestamp is no phone number, whose groups have 4 to 12).
 *
 * Contract (ripgrep's "may report false positives, never false negatives"):
 * a value a digit-triggered pattern can match lies inside one cluster whose
 * count is at least that pattern's N, so the window covers its start.
 *
 * The walk that finds clusters goes character by character.  Where AVX2 runs,
 * a *segment skip* (prefilter.c) looks at 64 bytes at a time with bit masks
 * and hands the walk only the runs between two breakers that have at least
 * min_digits members or an '@' (about one cluster in seven of prose); the
 * windows are the same with it and without (tests/unit/test_perf_filters.c).
 * Where the walk goes on through a block of ASCII (a CSV export: one cluster
 * every 18 bytes), a *block walk* applies its rules to the same masks, a
 * run of members or of gap characters at a time. */
#ifndef PII_SCAN_PREFILTER_H
#define PII_SCAN_PREFILTER_H

#include <stddef.h>
#include <stdint.h>
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
#include <emmintrin.h>
#endif

/* Non-member characters allowed between two cluster members: "12-34" (1),
 * "(02) 123" (2), "M123A4567" (1), "010 - 1234" (3, typed forms). */
#define PII_CLUSTER_GAP 3
/* A cluster with this many members is handed over in pieces as it grows,
 * so memory stays bounded on a megabyte of digits; its pieces report group
 * 255 (every pattern runs), because a piece cannot know the groups to come. */
#define PII_CLUSTER_SATURATED 64
/* Bytes before a cluster where a match may start: a passport letter, "+82 ",
 * or an old licence's region name ("경기북부 " is 13 bytes). */
#define PII_WINDOW_PRE 32
/* A match in a cluster's window may end at most this many bytes after the
 * cluster's last member (lookaheads such as {{RB}} read a few bytes there).
 * Long runs handed over in pieces, '@' windows and whole pages use
 * PII_MAX_MATCH instead, because their matches may run on past the window. */
#define PII_WINDOW_TAIL 32
/* Bytes before an '@' where an e-mail address may start (local part <= 64). */
#define PII_AT_BACK 64

/* Blocks of 64 bytes the segment skip classifies in one go. */
#define PII_SKIP_BLOCKS 16

/* A candidate window: matches may start in [ws, we). */
typedef struct pii_window {
    uint64_t ws, we;
    uint64_t cs;    /* first member of the cluster (ws + PII_WINDOW_PRE unless cut) */
    uint64_t se;    /* subject end for searches in this window (see PII_WINDOW_TAIL) */
    uint32_t count; /* digits + mask characters of the cluster (0 for '@') */
    uint8_t group;  /* longest group of adjacent members; 255 = unknown (long run) */
    uint64_t groups; /* bit L set: a group of L members (L >= 63: bit 63); all ones if unknown */
    uint8_t at;     /* 1: an '@' window */
} pii_window;

/* A queue: v[first, n) are live; the scanner drops windows from the front
 * by advancing `first` and compacts only when most of the array is dead, so
 * a page costs nothing per window still queued behind it. */
typedef struct pii_winvec {
    pii_window *v;
    size_t first, n, cap;
} pii_winvec;

typedef struct pii_prefilter {
    uint64_t pos;        /* absolute text position of the next byte to examine */
    int open;            /* a cluster is open */
    uint64_t cl_ws;      /* start of the open cluster's (next) window piece */
    uint64_t cl_cs;      /* its first member (or where the piece continues) */
    uint64_t cl_last_end;/* end of its last member */
    unsigned count;      /* its members */
    unsigned gap;        /* non-member characters since the last member */
    unsigned run;        /* members in the current group */
    unsigned group;      /* longest group so far */
    uint64_t groups;     /* lengths of the groups so far (see pii_window.groups) */
    unsigned min_digits; /* 0: no digit-triggered pattern */
    unsigned sat_digits;
    /* The engine's band (engine.h): a cluster of min_digits .. band_hi - 1
     * members becomes a window only with a band_start byte in
     * [first member - 1, last member) (not right after an ASCII digit when
     * band_lb).  band_hi == min_digits: every cluster of min_digits does. */
    unsigned band_hi;
    int band_lb;
    uint8_t band_start[32];
    int want_at;
    /* Segment skip (see pii_prefilter_run): 1 when the AVX2 pre-pass runs,
     * chosen at init from the CPU; tests set 0 to compare with the walk. */
    int segment_skip;
    int sk_pext;        /* the skip may use PEXT/PDEP (fast on this CPU) */
    /* The skip classifies PII_SKIP_BLOCKS 64-byte blocks at a time (from
     * sk_block, absolute and 64-aligned; sk_n of them are held) and keeps
     * their masks, so the walk coming back into them costs no second look. */
    uint64_t sk_block;
    unsigned sk_n;
    unsigned sk_short;  /* skips in a row that got nowhere much */
    uint64_t sk_resume; /* no skip before this position */
    uint64_t sk_member[PII_SKIP_BLOCKS], sk_breaker[PII_SKIP_BLOCKS], sk_at[PII_SKIP_BLOCKS];
    /* Block walk (prefilter.c): the walk's own rules applied to a block of
     * ASCII with the skip's masks, a cluster or a member run at a time
     * instead of a character, where the skip is paused.  1 when the CPU
     * runs the skip; tests set 0. */
    int block_walk;
} pii_prefilter;

void pii_prefilter_init(pii_prefilter *pf, unsigned min_digits, unsigned sat_digits, int want_at);
/* Sets the band (after init; without it there is none). */
void pii_prefilter_set_band(pii_prefilter *pf, unsigned band_hi, const uint8_t start[32], int lb);

/* Examines text (text[0] is absolute position base) from pf->pos to base+len.
 * Without eof it stops before a character that may be incomplete; with eof it
 * also closes the open cluster.  Windows are appended to out.  Returns 0, or
 * -1 on allocation failure. */
int pii_prefilter_run(pii_prefilter *pf, const uint8_t *text, uint64_t base, size_t len, int eof,
                      pii_winvec *out);

/* 1 if a character starting with byte b is a breaker, whatever follows it
 * (see the top of this file).  Non-ASCII: a letter of another script
 * (Hangul, CJK, most of Latin-1 and the rest) ends a cluster, since values
 * hold only digits, masks, ASCII and the separators of {{DASH}}/{{SP}}/
 * {{SEP}} (lead bytes C2 E2 E3 EF) and × (C3); in Korean prose this closes
 * "2024년" at 년, and keeps dates written with 년 월 일 apart.  The
 * engine's band and the segment skip's masks use the same set. */
static inline int pii_prefilter_breaker(uint8_t b)
{
    if (b >= 0xC0)
        return b != 0xC2 && b != 0xC3 && b != 0xE2 && b != 0xE3 && b != 0xEF;
    switch (b) {
    case '\n': case '\r': case '\t': case ',': case ';': case '|': case '"': case '\'':
    case '=': case ':': case '/': case '<': case '>':
        return 1;
    default:
        return 0;
    }
}

/* The first i >= j with p[i] not an ASCII digit, or len (16 bytes at a
 * time).  Inline: the runs are short and the scan loops call it often. */
static inline size_t pii_digits_end(const uint8_t *p, size_t j, size_t len)
{
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
    const __m128i c0 = _mm_set1_epi8('0'), c9 = _mm_set1_epi8(9);
    while (j + 16 <= len) {
        __m128i t = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + j)), c0);
        unsigned other = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t, c9), t)) & 0xFFFFu;
        if (other)
            return j + (size_t)__builtin_ctz(other);
        j += 16;
    }
#endif
    while (j < len && (unsigned)(p[j] - '0') < 10)
        j++;
    return j;
}

/* Every window emitted from now on has ws >= this. */
uint64_t pii_prefilter_horizon(const pii_prefilter *pf);

#endif
