/* prefilter.c -- see prefilter.h.  Outside a cluster the loop skips 16 bytes
 * at a time (SSE2) to the next byte that can start one, or 64 at a time
 * with the segment skip (AVX2); inside a cluster it walks character by
 * character, or a cluster at a time with the block walk where the skip is
 * paused (a CSV export). */
#include "prefilter.h"

#include "engine.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
#include <emmintrin.h>
#endif
/* The segment skip needs AVX2 (PSHUFB on 32 bytes), beyond x86-64's
 * baseline: compiled for that target alone and chosen at run time. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) && !defined(PII_NO_SIMD)
#define PII_HAVE_SEGMENT_SKIP 1
#include <immintrin.h>
#endif

void pii_prefilter_init(pii_prefilter *pf, unsigned min_digits, unsigned sat_digits, int want_at)
{
    memset(pf, 0, sizeof *pf);
    pf->min_digits = min_digits;
    pf->sat_digits = sat_digits < PII_CLUSTER_SATURATED ? PII_CLUSTER_SATURATED : sat_digits;
    pf->want_at = want_at;
    pf->band_hi = min_digits;
    pf->sk_block = UINT64_MAX;
    pf->sk_n = 0;
#ifdef PII_HAVE_SEGMENT_SKIP
    /* Its bit strings count members up to 64 (a `digits N` trigger is at
     * most 64). */
    pf->segment_skip = min_digits > 1 && min_digits <= 64 && __builtin_cpu_supports("avx2") &&
                       __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
    /* PEXT/PDEP are microcoded, and slow, on AMD before Zen 3. */
    pf->block_walk = min_digits > 0 && __builtin_cpu_supports("avx2") &&
                     __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
    pf->sk_pext = pf->segment_skip && !(__builtin_cpu_is("amd") && (__builtin_cpu_is("znver1") ||
                                                                     __builtin_cpu_is("znver2") ||
                                                                     __builtin_cpu_is("amdfam15h")));
#endif
}

static uint64_t sub_sat(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

static int push(pii_winvec *out, uint64_t ws, uint64_t we, uint64_t cs, uint32_t count,
                unsigned group, uint64_t groups, uint8_t at)
{
    if (we <= ws)
        return 0;
    if (out->n == out->cap) {
        size_t ncap = out->cap ? out->cap * 2 : 64;
        pii_window *nv = realloc(out->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        out->v = nv;
        out->cap = ncap;
    }
    /* Subject end: a whole cluster's matches end near its last member; a
     * piece of a long run or an '@' window may be followed by more value. */
    uint64_t se = we + ((at || group >= 255) ? PII_MAX_MATCH : PII_WINDOW_TAIL);
    out->v[out->n++] = (pii_window){ws,     we, cs, se, count, (uint8_t)(group > 255 ? 255 : group),
                                    group >= 255 ? ~(uint64_t)0 : groups, at};
    return 0;
}

static uint64_t group_bit(unsigned len)
{
    return (uint64_t)1 << (len < 63 ? len : 63);
}

void pii_prefilter_set_band(pii_prefilter *pf, unsigned band_hi, const uint8_t start[32], int lb)
{
    pf->band_hi = band_hi > pf->min_digits ? band_hi : pf->min_digits;
    pf->band_lb = lb;
    memcpy(pf->band_start, start, sizeof pf->band_start);
}

/* 1 if [lo, hi) of the text (text[0] at base) holds a band start: a byte of
 * band_start not right after an ASCII digit (when band_lb).  Bytes before
 * base are not held: a start at base counts, whatever came before. */
static int band_start_in(const pii_prefilter *pf, const uint8_t *text, uint64_t base, uint64_t lo,
                         uint64_t hi)
{
    if (lo < base)
        lo = base;
    for (uint64_t q = lo; q < hi; q++) {
        uint8_t b = text[q - base];
        if (!(pf->band_start[b >> 3] >> (b & 7) & 1))
            continue;
        if (!pf->band_lb || q == base || (unsigned)(text[q - 1 - base] - '0') >= 10)
            return 1;
    }
    return 0;
}

/* 1 if a cluster of `count` members whose first member is at cs and whose
 * last ends at end can become a window. */
static int window_worthy(const pii_prefilter *pf, const uint8_t *text, uint64_t base, unsigned count,
                         uint64_t cs, uint64_t end)
{
    if (count < pf->min_digits)
        return 0;
    if (count >= pf->band_hi)
        return 1;
    return band_start_in(pf, text, base, cs > 0 ? cs - 1 : 0, end);
}

static int close_cluster(pii_prefilter *pf, pii_winvec *out, const uint8_t *text, uint64_t base)
{
    int r = 0;
    if (window_worthy(pf, text, base, pf->count, pf->cl_cs, pf->cl_last_end))
        r = push(out, pf->cl_ws, pf->cl_last_end, pf->cl_cs, pf->count,
                 pf->count >= pf->sat_digits ? 255 : pf->group,
                 pf->gap == 0 ? pf->groups | group_bit(pf->run) : pf->groups, 0);
    pf->open = 0;
    pf->count = 0;
    pf->gap = 0;
    pf->run = 0;
    pf->group = 0;
    pf->groups = 0;
    return r;
}

/* Character classes. */
enum { C_OTHER, C_DIGIT, C_MASK, C_XMASK, C_AT, C_BREAK };

/* Classifies the character at p (n bytes available).  *clen receives its
 * length; returns -1 if more bytes are needed to tell.  A lead byte whose
 * continuation bytes are not 0x80..0xBF counts as a one-byte character, so
 * a digit after a stray high byte is never swallowed. */
static int classify(const uint8_t *p, size_t n, int eof, size_t *clen)
{
    uint8_t b = p[0];
    *clen = 1;
    if (b < 0x80) {
        if (b >= '0' && b <= '9')
            return C_DIGIT;
        switch (b) {
        case '*':
        case '#':
            return C_MASK;
        case 'x':
        case 'X':
            return C_XMASK;
        case '@':
            return C_AT;
        default:
            return pii_prefilter_breaker(b) ? C_BREAK : C_OTHER;
        }
    }
    if (pii_prefilter_breaker(b))
        return C_BREAK;
    size_t want = b >= 0xF0 && b <= 0xF7 ? 4 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 1;
    if (want == 1)
        return C_OTHER;
    for (size_t i = 1; i < want; i++) {
        if (i >= n)
            return eof ? C_OTHER : -1;
        if ((p[i] & 0xC0) != 0x80)
            return C_OTHER; /* invalid: one byte */
    }
    *clen = want;
    if (b == 0xEF && p[1] == 0xBC) {
        if (p[2] >= 0x90 && p[2] <= 0x99)
            return C_DIGIT; /* ０..９ */
        if (p[2] == 0x8A)
            return C_MASK; /* ＊ */
    } else if (b == 0xE2 && p[1] == 0x97 && (p[2] == 0x8F || p[2] == 0x8B)) {
        return C_MASK; /* ● ○ */
    } else if (b == 0xC3 && p[1] == 0x97) {
        return C_MASK; /* × */
    }
    return C_OTHER;
}

static void open_cluster(pii_prefilter *pf, uint64_t at_pos)
{
    pf->open = 1;
    pf->cl_ws = sub_sat(at_pos, PII_WINDOW_PRE);
    pf->cl_cs = at_pos;
    pf->count = 0;
    pf->run = 0;
    pf->group = 0;
    pf->groups = 0;
    pf->gap = 0;
}

/* Index of the first byte in p[0..n) that can start a cluster or is an '@'
 * (when wanted), or n. */
static size_t skip_boring(const uint8_t *p, size_t n, int want_at)
{
    size_t i = 0;
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
    const __m128i c0 = _mm_set1_epi8('0'), c9 = _mm_set1_epi8(9);
    const __m128i star = _mm_set1_epi8('*'), hash = _mm_set1_epi8('#');
    const __m128i e2 = _mm_set1_epi8((char)0xE2), ef = _mm_set1_epi8((char)0xEF);
    const __m128i c3 = _mm_set1_epi8((char)0xC3);
    const __m128i at = _mm_set1_epi8(want_at ? '@' : '0');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i t = _mm_sub_epi8(v, c0);
        __m128i dig = _mm_cmpeq_epi8(_mm_min_epu8(t, c9), t);
        __m128i m = _mm_or_si128(dig, _mm_or_si128(_mm_cmpeq_epi8(v, star), _mm_cmpeq_epi8(v, hash)));
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, e2), _mm_cmpeq_epi8(v, ef)));
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, c3), _mm_cmpeq_epi8(v, at)));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; i < n; i++) {
        uint8_t b = p[i];
        if ((b >= '0' && b <= '9') || b == '*' || b == '#' || b == 0xE2 || b == 0xEF || b == 0xC3 ||
            (want_at && b == '@'))
            return i;
    }
    return n;
}

#ifdef PII_HAVE_SEGMENT_SKIP
/* A skip shorter than PII_SKIP_SHORT bytes is short; after
 * PII_SKIP_SHORT_RUN short ones in a row the skip pauses for
 * PII_SKIP_PAUSE bytes. */
#define PII_SKIP_SHORT 48
#define PII_SKIP_SHORT_RUN 16
#define PII_SKIP_PAUSE 8192

/* ---- segment skip -------------------------------------------------------------
 *
 * Most clusters of prose are short (a date, a price, "3개"): the walk above
 * spends about 250 instructions on each, nearly all of them mispredicted
 * branches, to learn that it is below every trigger.  The skip looks at 64
 * bytes at a time with bit masks instead, and hands the walk only the
 * *segments* that may hold a cluster of at least min_digits members.
 *
 * A segment is a run of bytes between two breakers, byte by byte the
 * walk's set (ASCII \n \r \t , ; | " ' = : / < > and lead bytes >= 0xC0
 * other than C2 C3 E2 E3 EF, which the walk calls breakers whatever
 * follows), so every cluster of the walk lies inside one segment.  (The
 * walk also closes a cluster after four gap characters; testing that here
 * with bit masks cost more than it saved.)  Its members are counted
 * generously: ASCII digits, * # x X, and every lead byte C2 C3 E2 E3 EF
 * (one per character, as the walk counts ０-９ ● ×), so a cluster has at
 * most its segment's count of members: a segment below min_digits with no
 * '@' holds no window.  Where nearly every segment may hold one (a CSV
 * export) the skip only adds its cost: after PII_SKIP_SHORT_RUN short skips
 * in a row it pauses.
 *
 * The walk resumes at the first member of a segment that reaches
 * min_digits members or holds an '@'; whatever the skip passed over closed
 * no cluster of the walk's that could become a window, and the walk is not
 * in a cluster there (it only skips while none is open). */

/* Per-byte classes of 32 bytes as bit masks.  Nibble tables (both nibbles
 * looked up, the two results ANDed) give each ASCII byte exactly one of
 * these bits or none.  The values are chosen so that one signed comparison
 * tells a class apart: '@' is the sign bit, members are above 0x0F,
 * breakers below 0x10. */
enum {
    SB_BRK0 = 0x01,  /* \t \n \r */
    SB_BRK2 = 0x02,  /* " ' , / */
    SB_BRK3 = 0x04,  /* : ; < = > */
    SB_BRK7 = 0x08,  /* | */
    SB_DIGIT = 0x10, /* 0-9 */
    SB_MASK2 = 0x20, /* # * */
    SB_XMASK = 0x40, /* X x */
    SB_AT = 0x80     /* @ */
};

/* Classifies the 64 bytes at q: members, breakers and '@' as bit masks. */
__attribute__((target("avx2"))) static inline void seg_classify(const uint8_t *q, uint64_t *out_member,
                                                                uint64_t *out_breaker, uint64_t *out_at)
{
    const __m256i lut_hi = _mm256_setr_epi8(
        SB_BRK0, 0, SB_BRK2 | SB_MASK2, SB_DIGIT | SB_BRK3, (char)SB_AT, SB_XMASK, 0, SB_BRK7 | SB_XMASK,
        0, 0, 0, 0, 0, 0, 0, 0,
        SB_BRK0, 0, SB_BRK2 | SB_MASK2, SB_DIGIT | SB_BRK3, (char)SB_AT, SB_XMASK, 0, SB_BRK7 | SB_XMASK,
        0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i lut_lo = _mm256_setr_epi8(
        (char)(SB_DIGIT | SB_AT), SB_DIGIT, SB_DIGIT | SB_BRK2, SB_DIGIT | SB_MASK2, SB_DIGIT, SB_DIGIT,
        SB_DIGIT, SB_DIGIT | SB_BRK2, SB_DIGIT | SB_XMASK, SB_DIGIT | SB_BRK0, SB_BRK0 | SB_BRK3 | SB_MASK2,
        SB_BRK3, SB_BRK2 | SB_BRK3 | SB_BRK7, SB_BRK0 | SB_BRK3, SB_BRK3, SB_BRK2,
        (char)(SB_DIGIT | SB_AT), SB_DIGIT, SB_DIGIT | SB_BRK2, SB_DIGIT | SB_MASK2, SB_DIGIT, SB_DIGIT,
        SB_DIGIT, SB_DIGIT | SB_BRK2, SB_DIGIT | SB_XMASK, SB_DIGIT | SB_BRK0, SB_BRK0 | SB_BRK3 | SB_MASK2,
        SB_BRK3, SB_BRK2 | SB_BRK3 | SB_BRK7, SB_BRK0 | SB_BRK3, SB_BRK3, SB_BRK2);
    const __m256i nib = _mm256_set1_epi8(0x0F), zero = _mm256_setzero_si256();
    const __m256i de = _mm256_set1_epi8((char)0xDE), c2 = _mm256_set1_epi8((char)0xC2);
    const __m256i ef = _mm256_set1_epi8((char)0xEF), bf = _mm256_set1_epi8((char)0xBF);
    uint64_t m = 0, b = 0, a = 0;
    for (int h = 0; h < 2; h++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(q + 32 * h));
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib);
        __m256i cls = _mm256_and_si256(_mm256_shuffle_epi8(lut_hi, hi),
                                       _mm256_shuffle_epi8(lut_lo, _mm256_and_si256(v, nib)));
        uint32_t member = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(cls, nib));
        uint32_t classed = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(cls, zero));
        /* Non-ASCII: C2 C3 E2 E3 EF start the walk's separators and masks
         * (members here, generously: (b & 0xDE) == 0xC2 is C2 C3 E2 E3); any
         * other byte >= C0 is a breaker (signed, > 0xBF is C0..FF or ASCII). */
        uint32_t keep = (uint32_t)_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_and_si256(v, de), c2), _mm256_cmpeq_epi8(v, ef)));
        uint32_t lead = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(v, bf)) &
                        (uint32_t)_mm256_movemask_epi8(v);
        m |= (uint64_t)(member | keep) << (32 * h);
        b |= (uint64_t)((classed & ~member) | (lead & ~keep)) << (32 * h);
        a |= (uint64_t)(uint32_t)_mm256_movemask_epi8(cls) << (32 * h);
    }
    *out_member = m;
    *out_breaker = b;
    *out_at = a;
}

/* The bytes >= 0x80 of the 64 bytes at q, and the x and X among them, for
 * the block walk (below): asked only of the blocks it walks. */
__attribute__((target("avx2"))) static inline uint64_t block_high_x(const uint8_t *q, uint64_t *out_x)
{
    const __m256i lower = _mm256_set1_epi8(0x20), x = _mm256_set1_epi8('x');
    __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)q);
    __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(q + 32));
    *out_x = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_or_si256(v0, lower), x)) |
             (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_or_si256(v1, lower), x)) << 32;
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(v0) | (uint64_t)(uint32_t)_mm256_movemask_epi8(v1) << 32;
}

/* Classifies the blocks from bb (64-aligned, inside the text) on, up to
 * PII_SKIP_BLOCKS of them and no further than the text's end. */
__attribute__((target("avx2"))) static void segment_blocks(pii_prefilter *pf, const uint8_t *text,
                                                           uint64_t base, uint64_t bb, uint64_t end)
{
    unsigned n = 0;
    for (; n < PII_SKIP_BLOCKS && bb + 64 * (n + 1) <= end; n++)
        seg_classify(text + (size_t)(bb - base) + 64 * n, &pf->sk_member[n], &pf->sk_breaker[n],
                     &pf->sk_at[n]);
    pf->sk_block = bb;
    pf->sk_n = n;
}

/* Bit p set: bits p .. p+k-1 of z are all set (k >= 1), by doubling. */
static inline uint64_t runs_of(uint64_t z, unsigned k)
{
    uint64_t acc = ~0ull, pw = z;
    unsigned have = 0, pl = 1;
    for (;;) {
        if (k & 1) {
            acc &= pw >> have;
            have += pl;
        }
        k >>= 1;
        if (!k)
            return acc;
        pw &= pw >> pl;
        pl <<= 1;
    }
}

/* After a block with members M and breakers B that held no window: the
 * members of the segment still open at its end, and the first of them. */
__attribute__((target("popcnt,bmi"))) static inline void seg_carry(uint64_t M, uint64_t B, uint64_t bb,
                                                                   uint64_t *carry, uint64_t *seg_first)
{
    if (!B) {
        if (!*carry && M)
            *seg_first = bb + (uint64_t)__builtin_ctzll(M);
        *carry += (uint64_t)__builtin_popcountll(M);
        return;
    }
    unsigned lb = 63u - (unsigned)__builtin_clzll(B);
    uint64_t tail = lb == 63 ? 0 : M >> (lb + 1);
    *carry = (uint64_t)__builtin_popcountll(tail);
    *seg_first = tail ? bb + lb + 1 + (uint64_t)__builtin_ctzll(tail) : UINT64_MAX;
}

/* The first position >= base + i where the walk must go on (see above):
 * the first member of a segment that reaches min_digits members or holds
 * an '@'; or, where the next 64-byte block is not all in the text, the
 * first member of the segment still open there (or the block's start).
 * Blocks are 64-aligned in absolute positions, so a block is classified
 * once however often the walk comes back into it. */
__attribute__((target("popcnt,bmi,bmi2"))) static size_t segment_skip(pii_prefilter *pf,
                                                                       const uint8_t *text,
                                                                       uint64_t base, size_t i,
                                                                       size_t len)
{
    const uint64_t K = pf->min_digits, end = base + len;
    uint64_t pos = base + i;
    uint64_t bb = pos & ~(uint64_t)63;
    if (bb < base || bb + 64 > end)
        return i; /* the block straddles the text's start or end: the walk does it */
    uint64_t carry = 0;              /* members of the segment open at the block start */
    uint64_t seg_first = UINT64_MAX; /* its first member */
    uint64_t from = ~0ull << (pos - bb); /* bits at or after pos in the first block */
    const uint64_t at_on = pf->want_at ? ~0ull : 0;
    for (; bb + 64 <= end; bb += 64, from = ~0ull) {
        if (bb < pf->sk_block || bb >= pf->sk_block + 64ull * pf->sk_n)
            segment_blocks(pf, text, base, bb, end);
        unsigned k = (unsigned)((bb - pf->sk_block) / 64);
        uint64_t M = pf->sk_member[k] & from, B = pf->sk_breaker[k], A = pf->sk_at[k] & from & at_on;
        if (!A && carry + (uint64_t)__builtin_popcountll(M) < K) {
            /* No segment here can reach K: only the open one is carried
             * (most blocks of prose: a few digits among the Hangul). */
            seg_carry(M, B, bb, &carry, &seg_first);
            continue;
        }
        if (!A && pf->sk_pext) {
            uint64_t X = M | B;
            unsigned nx = (unsigned)__builtin_popcountll(X);
            if (nx + carry <= 64) {
                /* Without a branch per segment, or on the count: the block's
                 * members and breakers in order as one bit string (PEXT of
                 * the breakers over both; 1 = breaker), the open segment's
                 * members in front; a segment of K members is a run of K
                 * zeros. */
                uint64_t E = _pext_u64(B, X);
                uint64_t Z = ~E & _bzhi_u64(~0ull, nx);
                Z = Z << carry | _bzhi_u64(~0ull, (unsigned)carry);
                E <<= carry;
                uint64_t run = runs_of(Z, (unsigned)K);
                while (run) {
                    unsigned c = (unsigned)__builtin_ctzll(run);
                    if (c < carry)
                        return (size_t)(seg_first - base);
                    uint64_t first = bb + (uint64_t)__builtin_ctzll(_pdep_u64(1ull << (c - carry), X));
                    /* A segment of this block in the band (engine.h) is
                     * asked what the walk asks of each cluster in it: a
                     * cluster has no more members, and lies inside it. */
                    uint64_t eb = E & (~0ull << c);
                    if (pf->band_hi > K && eb) {
                        unsigned ec = (unsigned)__builtin_ctzll(eb);
                        uint64_t seg_end = bb + (uint64_t)__builtin_ctzll(_pdep_u64(1ull << (ec - carry), X));
                        if (!window_worthy(pf, text, base, ec - c, first, seg_end)) {
                            run &= ec >= 63 ? 0 : ~0ull << (ec + 1);
                            continue;
                        }
                    }
                    return (size_t)(first - base);
                }
                seg_carry(M, B, bb, &carry, &seg_first);
                continue;
            }
        }
        uint64_t rem = M | A;
        /* The open segment ends at a breaker before this block's first
         * member (or in it, if it has none: then nx + carry > 64 brought
         * us here, with breakers only). */
        if (carry && (rem ? (B & ((1ull << __builtin_ctzll(rem)) - 1)) != 0 : B != 0))
            carry = 0;
        while (rem) {
            unsigned m = (unsigned)__builtin_ctzll(rem);
            uint64_t after = B & (~0ull << m);
            unsigned e = after ? (unsigned)__builtin_ctzll(after) : 64;
            uint64_t seg = (e == 64 ? ~0ull : (1ull << e) - 1) & (~0ull << m);
            if (!carry)
                seg_first = bb + m;
            carry += (uint64_t)__builtin_popcountll(M & seg);
            if (carry >= K || (A & seg))
                return (size_t)(seg_first - base);
            if (e >= 63) {
                if (e == 63)
                    carry = 0;
                break;
            }
            carry = 0;
            rem &= ~0ull << (e + 1);
        }
    }
    return (size_t)((carry ? seg_first : bb) - base);
}

/* ---- block walk ---------------------------------------------------------------
 *
 * In a CSV export nearly every field is a cluster and the skip pauses; the
 * walk then went character by character through every separator
 * ("2024-01-01 00", "156920.64"), about 250 instructions per cluster.  In a
 * block of ASCII its rules read off the skip's masks: members D (digits * #),
 * breakers B, and everything else a gap character.  An open cluster goes on
 * to the next member if no breaker and at most PII_CLUSTER_GAP - gap gap
 * characters come first; it closes at a breaker, or at the gap character
 * that makes one too many.  The state (open, count, run, gap, groups ...) is
 * the walk's, so either may take over from the other at any character.
 *
 * Two things leave a block to the walk: a byte >= 0x80 (full-width digits,
 * dashes and masks are members or gaps of several bytes), and an x or X
 * within PII_CLUSTER_GAP + 1 bytes after a member (or at the start of the
 * block with a cluster open): only there can it be a mask, which the walk
 * counts as a member.  Any other x is a letter, a gap character. */

/* Pushes the '@' window of every bit of A (bit 0 at bb). */
static int push_ats(pii_winvec *out, uint64_t A, uint64_t bb)
{
    for (; A; A &= A - 1) {
        uint64_t at_pos = bb + (uint64_t)__builtin_ctzll(A);
        if (push(out, sub_sat(at_pos, PII_AT_BACK), at_pos, sub_sat(at_pos, PII_AT_BACK), 0, 0, 0, 1) != 0)
            return -1;
    }
    return 0;
}

/* The length of the run of set bits of M that starts at bit at (set). */
static inline unsigned run_at(uint64_t M, unsigned at)
{
    uint64_t after = ~(M >> at);
    return after ? (unsigned)__builtin_ctzll(after) : 64 - at;
}

/* Bits [lo, hi) of a mask (lo <= hi <= 64). */
static inline uint64_t bits_between(unsigned lo, unsigned hi)
{
    uint64_t below_hi = hi >= 64 ? ~0ull : (1ull << hi) - 1;
    return lo >= 64 ? 0 : below_hi & (~0ull << lo);
}

/* The walk's steps through bits [p, 64) of a block at bb, one member run or
 * stretch of gap characters at a time: for a block with an '@', whose
 * window is pushed in the walk's order among the clusters' windows. */
static int block_events(pii_prefilter *pf, uint64_t D, uint64_t B, uint64_t A, unsigned p, uint64_t bb,
                        const uint8_t *text, uint64_t base, pii_winvec *out)
{
    while (p < 64) {
        uint64_t Dp = D & (~0ull << p);
        unsigned nm = Dp ? (unsigned)__builtin_ctzll(Dp) : 64;
        if (!pf->open) {
            if (A && push_ats(out, A & bits_between(p, nm), bb) != 0)
                return -1;
            if (nm == 64)
                break;
            open_cluster(pf, bb + nm);
            unsigned L = run_at(D, nm);
            pf->count = pf->run = pf->group = L;
            pf->cl_last_end = bb + nm + L;
            p = nm + L;
            continue;
        }
        uint64_t Bp = B & (~0ull << p);
        unsigned nb = Bp ? (unsigned)__builtin_ctzll(Bp) : 64;
        unsigned stop = nm < nb ? nm : nb;
        unsigned room = PII_CLUSTER_GAP - pf->gap;
        if (stop > p && pf->gap == 0)
            pf->groups |= group_bit(pf->run); /* the group that just ended */
        if (stop - p > room) {
            /* The gap character at p + room is one too many ('@' there
             * included: the walk pushes its window first). */
            unsigned c = p + room;
            if (A && push_ats(out, A & bits_between(p, c + 1), bb) != 0)
                return -1;
            if (close_cluster(pf, out, text, base) != 0)
                return -1;
            p = c + 1;
            continue;
        }
        if (A && push_ats(out, A & bits_between(p, stop), bb) != 0)
            return -1;
        pf->gap += stop - p;
        if (stop == 64)
            break;
        if (stop == nb) {
            if (close_cluster(pf, out, text, base) != 0)
                return -1;
            p = nb + 1;
            continue;
        }
        unsigned L = run_at(D, nm);
        pf->count += L;
        pf->run = pf->gap == 0 ? pf->run + L : L;
        if (pf->run > pf->group)
            pf->group = pf->run;
        pf->gap = 0;
        pf->cl_last_end = bb + nm + L;
        p = nm + L;
    }
    return 0;
}

/* One cluster whose members in the block at bb are Mc (none before bit p).
 * carry: it was open before them, and the state holds it.  Leaves the state
 * as the walk leaves it after the cluster's last member and what follows in
 * the block: closed (its window pushed if it is one), or open at the block's
 * end.  B: the block's breakers. */
__attribute__((target("popcnt,bmi"))) static int take_cluster(pii_prefilter *pf, uint64_t Mc, uint64_t B,
                                                                     unsigned p, uint64_t bb, int carry,
                                                                     const uint8_t *text, uint64_t base,
                                                                     pii_winvec *out)
{
    unsigned first = (unsigned)__builtin_ctzll(Mc), last = 63u - (unsigned)__builtin_clzll(Mc);
    uint64_t Ba = last < 63 ? B & (~0ull << (last + 1)) : 0;
    /* After its last member it closes at a breaker, or at the gap character
     * one too many, unless the block ends first. */
    int closes = Ba != 0 || last + PII_CLUSTER_GAP + 1 <= 63;
    unsigned count = (unsigned)__builtin_popcountll(Mc) + (carry ? pf->count : 0);
    if (closes && count < pf->min_digits) {
        /* Below every trigger: no window, and nothing about it to keep. */
        if (carry) {
            pf->open = 0;
            pf->count = pf->gap = pf->run = pf->group = 0;
            pf->groups = 0;
        }
        return 0;
    }
    int run_goes_on = 0;
    if (!carry)
        open_cluster(pf, bb + first);
    else if (pf->gap == 0 && first == p)
        run_goes_on = 1; /* the run at the end of the last block goes on */
    else if (pf->gap == 0)
        pf->groups |= group_bit(pf->run); /* ended by the gap at p */
    for (uint64_t m = Mc; m;) {
        unsigned rs = (unsigned)__builtin_ctzll(m);
        unsigned L = run_at(m, rs);
        pf->run = run_goes_on ? pf->run + L : L;
        run_goes_on = 0;
        if (pf->run > pf->group)
            pf->group = pf->run;
        pf->count += L;
        m = rs + L >= 64 ? 0 : m & (~0ull << (rs + L));
        if (m)
            pf->groups |= group_bit(pf->run); /* gap characters follow it */
    }
    pf->cl_last_end = bb + last + 1;
    if (last == 63) {
        pf->gap = 0;
        return 0;
    }
    pf->groups |= group_bit(pf->run);
    if (!closes) {
        pf->gap = 63 - last;
        return 0;
    }
    pf->gap = 1; /* groups holds every run */
    return close_cluster(pf, out, text, base);
}

/* Bits [p, 64) of a block without '@': all its clusters from masks.  A
 * member links to the member before it when at most PII_CLUSTER_GAP gap
 * characters and no breaker lie between them; a member that links to none
 * starts a cluster, and a cluster's members are those from its start to the
 * next start.  Only a cluster that may become a window, or stays open at the
 * block's end, has its runs counted. */
__attribute__((target("popcnt,bmi"))) static int block_clusters(pii_prefilter *pf, uint64_t D, uint64_t B,
                                                                       unsigned p, uint64_t bb,
                                                                       const uint8_t *text, uint64_t base,
                                                                       pii_winvec *out)
{
    uint64_t link = 0, clear = ~0ull;
    for (unsigned d = 1; d <= PII_CLUSTER_GAP + 1; d++) {
        link |= (D << d) & clear; /* a member d bytes back, no breaker since */
        clear &= ~(B << d);
    }
    uint64_t starts = D & ~link;
    if (pf->open) {
        /* The cluster open at p goes on if its next member comes before any
         * breaker and within the gap it has left. */
        unsigned nm = D ? (unsigned)__builtin_ctzll(D) : 64, nb = B ? (unsigned)__builtin_ctzll(B) : 64;
        if (nm < 64 && nm < nb && nm - p + pf->gap <= PII_CLUSTER_GAP) {
            starts &= ~(1ull << nm);
            unsigned s0 = starts ? (unsigned)__builtin_ctzll(starts) : 64;
            if (take_cluster(pf, D & bits_between(p, s0), B, p, bb, 1, text, base, out) != 0)
                return -1;
        } else {
            unsigned stop = nm < nb ? nm : nb;
            if (stop > p && pf->gap == 0)
                pf->groups |= group_bit(pf->run);
            if (stop == 64 && 64 - p + pf->gap <= PII_CLUSTER_GAP) {
                pf->gap += 64 - p; /* nothing but a few gap characters */
                return 0;
            }
            if (close_cluster(pf, out, text, base) != 0)
                return -1;
        }
    }
    while (starts) {
        unsigned s = (unsigned)__builtin_ctzll(starts);
        starts &= starts - 1;
        unsigned next = starts ? (unsigned)__builtin_ctzll(starts) : 64;
        uint64_t Mc = D & bits_between(s, next);
        /* Closed before the next start, and below every trigger (most of a
         * CSV line: quantities, prices, coordinates): nothing to do. */
        if (next < 64 && (unsigned)__builtin_popcountll(Mc) < pf->min_digits)
            continue;
        if (take_cluster(pf, Mc, B, p, bb, 0, text, base, out) != 0)
            return -1;
    }
    return 0;
}

/* Walks from base + i through every following 64-byte block the rules above
 * allow.  Returns the position where the character walk goes on (i if the
 * first block is not for it), or SIZE_MAX if a window could not be stored. */
__attribute__((target("avx2,popcnt,bmi,bmi2"))) static size_t block_walk(pii_prefilter *pf, const uint8_t *text,
                                                                     uint64_t base, size_t i, size_t len,
                                                                     pii_winvec *out)
{
    const uint64_t end = base + len;
    const uint64_t at_on = pf->want_at ? ~0ull : 0;
    uint64_t pos = base + i;
    for (;;) {
        uint64_t bb = pos & ~(uint64_t)63;
        if (bb < base || bb + 64 > end)
            break;
        if (bb < pf->sk_block || bb >= pf->sk_block + 64ull * pf->sk_n)
            segment_blocks(pf, text, base, bb, end);
        unsigned k = (unsigned)((bb - pf->sk_block) / 64);
        unsigned p = (unsigned)(pos - bb);
        uint64_t from = ~0ull << p, X;
        if (block_high_x(text + (size_t)(bb - base), &X) & from)
            break;
        X &= from;
        uint64_t D = pf->sk_member[k] & ~X & from;
        if (X) {
            uint64_t near = 0;
            for (unsigned d = 1; d <= PII_CLUSTER_GAP + 1; d++)
                near |= D << d;
            if (pf->open)
                near |= bits_between(p, p + PII_CLUSTER_GAP + 1 < 64 ? p + PII_CLUSTER_GAP + 1 : 64);
            if (X & near)
                break;
        }
        uint64_t B = pf->sk_breaker[k] & from, A = pf->sk_at[k] & from & at_on;
        int r = A ? block_events(pf, D, B, A, p, bb, text, base, out)
                  : block_clusters(pf, D, B, p, bb, text, base, out);
        if (r != 0)
            return SIZE_MAX;
        pos = bb + 64;
    }
    return (size_t)(pos - base);
}
#endif

int pii_prefilter_run(pii_prefilter *pf, const uint8_t *text, uint64_t base, size_t len, int eof,
                      pii_winvec *out)
{
    const int digits_on = pf->min_digits > 0;
    size_t i = (size_t)(pf->pos - base);
#ifdef PII_HAVE_SEGMENT_SKIP
    uint64_t bw_next = 0; /* no block walk before this (a block it turned down) */
#endif
    while (i < len) {
        if (!pf->open) {
            if (!digits_on) {
                /* No digit-triggered pattern: only '@' matters. */
                const uint8_t *at = pf->want_at ? memchr(text + i, '@', len - i) : NULL;
                if (!at) {
                    i = len;
                    break;
                }
                i = (size_t)(at - text);
            } else {
#ifdef PII_HAVE_SEGMENT_SKIP
                if (pf->segment_skip && base + i >= pf->sk_resume && len - i >= 64) {
                    size_t r = segment_skip(pf, text, base, i, len);
                    /* Where nearly every cluster is a window (a CSV export)
                     * the skip never gets far and only adds its cost: after
                     * a run of short skips, the walk goes alone for a while. */
                    if (r - i >= PII_SKIP_SHORT)
                        pf->sk_short = 0;
                    else if (++pf->sk_short >= PII_SKIP_SHORT_RUN) {
                        pf->sk_short = 0;
                        pf->sk_resume = base + r + PII_SKIP_PAUSE;
                    }
                    i = r;
                } else if (pf->block_walk && base + i >= bw_next) {
                    /* Where the skip is paused (or off): elsewhere it passes
                     * over most blocks, and leaves the walk mostly clusters
                     * in Korean text, which the block walk does not take. */
                    size_t r = block_walk(pf, text, base, i, len, out);
                    if (r == SIZE_MAX)
                        return -1;
                    if (r > i) {
                        i = r;
                        continue;
                    }
                    bw_next = ((base + i) | 63) + 1;
                }
#endif
                i += skip_boring(text + i, len - i, pf->want_at);
                /* Most numbers in prose are short and end at a breaker
                 * ("3월", "12,000원", "10:22"): a cluster that would open
                 * here, hold only this run and close at once, below every
                 * trigger.  Step over it without opening it. */
                if (i < len && (unsigned)(text[i] - '0') < 10) {
                    size_t j = pii_digits_end(text, i + 1, len);
                    if (j < len && j - i < pf->min_digits && pii_prefilter_breaker(text[j])) {
                        i = j + 1;
                        continue;
                    }
                    /* Otherwise open it with this run, as below would. */
                    open_cluster(pf, base + i);
                    unsigned n = (unsigned)(j - i);
                    pf->count = pf->run = pf->group = n;
                    pf->cl_last_end = base + j;
                    i = j;
                    continue;
                }
            }
            if (i >= len)
                break;
        }
        size_t clen;
        int c = classify(text + i, len - i, eof, &clen);
        if (c < 0)
            break; /* wait for the rest of the character */
        uint64_t at_pos = base + i;
        if (c == C_AT && pf->want_at &&
            push(out, sub_sat(at_pos, PII_AT_BACK), at_pos, sub_sat(at_pos, PII_AT_BACK), 0, 0, 0, 1) != 0)
            return -1;
        if (c == C_XMASK)
            c = pf->open ? C_MASK : C_OTHER; /* x/X only mask inside a run: "x" is a letter */
        if (c == C_DIGIT || c == C_MASK) {
            if (digits_on) {
                if (!pf->open)
                    open_cluster(pf, at_pos);
                /* Digit-dense text: take a whole run of ASCII digits at once. */
                size_t j = i + clen;
                if (c == C_DIGIT && clen == 1)
                    j = pii_digits_end(text, j, len);
                unsigned n = (unsigned)(j - i - clen) + 1;
                pf->count += n;
                pf->run = pf->gap == 0 ? pf->run + n : n;
                if (pf->run > pf->group)
                    pf->group = pf->run;
                pf->gap = 0;
                pf->cl_last_end = base + j;
                i = j;
                continue;
            }
        } else if (pf->open) {
            if (pf->gap == 0)
                pf->groups |= group_bit(pf->run); /* the group that just ended */
            if (c == C_BREAK || ++pf->gap > PII_CLUSTER_GAP) {
                if (close_cluster(pf, out, text, base) != 0)
                    return -1;
            }
        }
        i += clen;
    }
    pf->pos = base + i;
    if (pf->open && eof && i >= len) {
        if (close_cluster(pf, out, text, base) != 0)
            return -1;
    } else if (pf->open && pf->count >= pf->sat_digits && pf->cl_last_end > pf->cl_ws) {
        /* A long run that already satisfies every pattern: hand over what we
         * have so far, so memory stays bounded on a megabyte of digits.
         * Pieces are contiguous, so their union (all the scanner looks at)
         * does not depend on where the chunks ended. */
        if (push(out, pf->cl_ws, pf->cl_last_end, pf->cl_cs, pf->count, 255, 0, 0) != 0)
            return -1;
        /* The next piece continues the run: no prefix before it. */
        pf->cl_ws = pf->cl_cs = pf->cl_last_end;
    }
    return 0;
}

uint64_t pii_prefilter_horizon(const pii_prefilter *pf)
{
    uint64_t h = pf->open ? pf->cl_ws : sub_sat(pf->pos, PII_WINDOW_PRE);
    if (pf->want_at) {
        uint64_t a = sub_sat(pf->pos, PII_AT_BACK);
        if (a < h)
            h = a;
    }
    return h;
}
