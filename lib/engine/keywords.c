/* keywords.c -- see keywords.h. */
#include "keywords.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
#include <emmintrin.h>
#endif
/* Teddy needs PSHUFB (SSSE3, AVX2 for 32 bytes), beyond x86-64's
 * baseline: compiled for those targets function by function and chosen at
 * run time. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) && !defined(PII_NO_SIMD)
#define PII_HAVE_TEDDY 1
#include <immintrin.h>
#endif

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

static int is_letter(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_alnum(uint8_t c)
{
    return is_letter(c) || (c >= '0' && c <= '9');
}

void pii_keywords_free(pii_keywords *kw)
{
    for (size_t i = 0; i < kw->n; i++)
        free(kw->v[i].bytes);
    free(kw->v);
    free(kw->head);
    free(kw->ent);
    kw->v = NULL;
    kw->head = NULL;
    kw->ent = NULL;
    kw->n = kw->nent = 0;
}

/* Bit index of the first three bytes a, b, c in first3. */
static unsigned kw_hash3(uint8_t a, uint8_t b, uint8_t c)
{
    return (((unsigned)a << 8 | b) ^ ((unsigned)c * 0x9E5u)) & 0xFFFFu;
}

/* 1 if the first3/short2 filter lets a keyword start at p[i] (i + 1 < n
 * and idx = p[i] << 8 | p[i + 1] passed first2). */
static int third_ok(const pii_keywords *kw, const uint8_t *p, size_t n, size_t i, unsigned idx)
{
    if (kw->short2[idx >> 3] & (1u << (idx & 7)))
        return 1;
    if (i + 2 >= n)
        return 0; /* a keyword of 3 bytes or more does not fit */
    unsigned h = kw_hash3(p[i], p[i + 1], p[i + 2]);
    return (kw->first3[h >> 3] >> (h & 7)) & 1;
}

/* Describes first1 as the classes pii_keywords_next tests 16 bytes at a
 * time.  Keywords start with Hangul (lead bytes EA..ED) or ASCII letters. */
static void simd_classes(pii_keywords *kw)
{
    kw->simd = 1;
    kw->has_hi = 0;
    kw->letters = 0;
    kw->nextra = 0;
    for (unsigned b = 0; b < 256; b++) {
        if (!kw->first1[b])
            continue;
        if (b >= 0x80) {
            if (!kw->has_hi)
                kw->hi_min = (uint8_t)b;
            kw->has_hi = 1;
        } else if (is_letter((uint8_t)b)) {
            kw->letters = 1;
        } else if (kw->nextra < sizeof kw->extra) {
            kw->extra[kw->nextra++] = (uint8_t)b;
        } else {
            kw->simd = 0;
        }
    }
}

/* ---- Teddy ------------------------------------------------------------------
 * The block filter of pii_keywords_next: for bytes 0, 1, 2, 4 and 5 of a
 * possible keyword start, tables from the byte's low and high nibble to the
 * buckets (8, a bit each) whose keywords allow that nibble there; a start
 * passes when some bucket allows all ten nibbles.  Byte 3 is left out: in a
 * Hangul keyword it is the second syllable's lead byte (EA..ED, as nearly
 * every lead byte of the text), while bytes 4 and 5 tell 주민 from 주문 and
 * 이체 from 이번 -- with bytes 0..2 only, common first syllables (이 수 전
 * 주) pass everywhere. */
static const unsigned teddy_pos[PII_TEDDY_NPOS] = {0, 1, 2, 4, 5};
#define TEDDY_REACH 5 /* the last of teddy_pos: a block of B starts reads B + 5 bytes */
_Static_assert(PII_TEDDY_NPOS == 5, "teddy_ssse3 and teddy_avx2 are unrolled for five bytes");

/* A keyword's (or a bucket's) nibble sets at each of teddy_pos: both cases
 * of an ASCII letter; any nibble past a short keyword's end. */
typedef struct teddy_fp {
    uint16_t lo[PII_TEDDY_NPOS], hi[PII_TEDDY_NPOS];
} teddy_fp;

/* Bits set in a 16-bit x, by table: __builtin_popcount is a libgcc call
 * on baseline x86-64, and clustering counts bits some 150,000 times. */
#define BITS2(n) n, n + 1, n + 1, n + 2
#define BITS4(n) BITS2(n), BITS2(n + 1), BITS2(n + 1), BITS2(n + 2)
#define BITS6(n) BITS4(n), BITS4(n + 1), BITS4(n + 1), BITS4(n + 2)
static const uint8_t bits8[256] = {BITS6(0), BITS6(1), BITS6(1), BITS6(2)};
static int64_t bits16(unsigned x)
{
    return bits8[x & 0xFF] + bits8[x >> 8];
}

/* How often a fingerprint passes, as a share of 3 * 64^5: the starts it
 * lets through in Korean text (syllables of a lead byte EA..ED and two
 * trail bytes 80..BF, the start at any of the three) plus in ASCII text
 * (bytes 40..7F, letters and the like).  Each byte class counts 64 nibble
 * pairs (a lead byte's 4 weigh 16 each).  Uniform bytes would be the wrong
 * model: they make a Hangul bucket's lead bytes look selective and its
 * ASCII buckets costly, when in Korean prose the opposite holds. */
static int64_t teddy_cost(const teddy_fp *f)
{
    int64_t lead[PII_TEDDY_NPOS], trail[PII_TEDDY_NPOS], ascii = 1, korean = 0;
    for (int k = 0; k < PII_TEDDY_NPOS; k++) {
        int64_t lo = bits16(f->lo[k]);
        lead[k] = ((f->hi[k] >> 0xE) & 1) * bits16(f->lo[k] & 0x3C00u) * 16;
        trail[k] = bits16(f->hi[k] & 0x0F00u) * lo;
        ascii *= bits16(f->hi[k] & 0x00F0u) * lo;
    }
    for (unsigned phase = 0; phase < 3; phase++) {
        int64_t r = 1;
        for (int k = 0; k < PII_TEDDY_NPOS; k++)
            r *= (phase + teddy_pos[k]) % 3 == 0 ? lead[k] : trail[k];
        korean += r;
    }
    return korean + 3 * ascii;
}

static teddy_fp teddy_union(const teddy_fp *a, const teddy_fp *b)
{
    teddy_fp u;
    for (int k = 0; k < PII_TEDDY_NPOS; k++) {
        u.lo[k] = (uint16_t)(a->lo[k] | b->lo[k]);
        u.hi[k] = (uint16_t)(a->hi[k] | b->hi[k]);
    }
    return u;
}

#define TEDDY_BUCKETS 8
/* Fingerprints clustered exactly; more than this (a large custom keyword
 * set) are first folded in greedily, which bounds the work (cubic in this). */
#define TEDDY_UNITS 64

/* Splits the units (fingerprints) into TEDDY_BUCKETS buckets: merges the
 * pair whose union adds least until they fit, then moves single units to
 * the bucket where they add least while that helps (merging alone can leave
 * a unit where an early merge put it).  Returns the number of buckets;
 * bucket[u] is unit u's. */
static size_t teddy_cluster(const teddy_fp *unit, size_t nu, teddy_fp *out, unsigned *bucket)
{
    teddy_fp cl[TEDDY_UNITS];
    int64_t own[TEDDY_UNITS];                  /* teddy_cost(&cl[c]) */
    int64_t pair[TEDDY_UNITS][TEDDY_UNITS];    /* a < b: teddy_cost of their union */
    size_t ncl = nu;
    memcpy(cl, unit, nu * sizeof *unit);
    for (size_t u = 0; u < nu; u++) {
        bucket[u] = (unsigned)u;
        own[u] = teddy_cost(&cl[u]);
    }
    for (size_t a = 0; a < ncl; a++)
        for (size_t b = a + 1; b < ncl; b++) {
            teddy_fp w = teddy_union(&cl[a], &cl[b]);
            pair[a][b] = teddy_cost(&w);
        }
    while (ncl > TEDDY_BUCKETS) {
        size_t ba = 0, bb = 1;
        int64_t best = INT64_MAX;
        for (size_t a = 0; a < ncl; a++)
            for (size_t b = a + 1; b < ncl; b++)
                if (pair[a][b] - own[a] - own[b] < best)
                    best = pair[a][b] - own[a] - own[b], ba = a, bb = b;
        cl[ba] = teddy_union(&cl[ba], &cl[bb]);
        own[ba] = pair[ba][bb];
        ncl--; /* the last cluster takes bb's place */
        cl[bb] = cl[ncl];
        own[bb] = own[ncl];
        for (size_t u = 0; u < nu; u++)
            bucket[u] = bucket[u] == bb ? (unsigned)ba : bucket[u] == ncl ? (unsigned)bb : bucket[u];
        /* Only the pairs with a changed cluster (ba, bb) need new costs. */
        for (size_t a = 0; a < ncl; a++)
            for (size_t c = 0; c < 2; c++) {
                size_t x = c ? bb : ba;
                if (a == x || x >= ncl)
                    continue;
                teddy_fp w = teddy_union(&cl[a], &cl[x]);
                pair[a < x ? a : x][a < x ? x : a] = teddy_cost(&w);
            }
    }
    for (int pass = 0; pass < 8; pass++) {
        int moved = 0;
        for (size_t u = 0; u < nu; u++) {
            unsigned from = bucket[u];
            /* Bucket `from` without u. */
            teddy_fp rest = unit[u];
            int any = 0;
            for (size_t v = 0; v < nu; v++)
                if (v != u && bucket[v] == from) {
                    rest = any ? teddy_union(&rest, &unit[v]) : unit[v];
                    any = 1;
                }
            if (!any)
                continue; /* alone: moving it would only empty a bucket */
            int64_t rest_cost = teddy_cost(&rest), gain = own[from] - rest_cost;
            int64_t best_add = gain, best_cost = 0;
            unsigned to = from;
            for (unsigned b = 0; b < ncl; b++) {
                if (b == from)
                    continue;
                teddy_fp w = teddy_union(&cl[b], &unit[u]);
                int64_t c = teddy_cost(&w);
                if (c - own[b] < best_add)
                    best_add = c - own[b], best_cost = c, to = b;
            }
            if (to == from)
                continue;
            cl[from] = rest;
            own[from] = rest_cost;
            cl[to] = teddy_union(&cl[to], &unit[u]);
            own[to] = best_cost;
            bucket[u] = to;
            moved = 1;
        }
        if (!moved)
            break;
    }
    memcpy(out, cl, ncl * sizeof *cl);
    return ncl;
}

void pii_keywords_prepare(pii_keywords *kw)
{
    teddy_fp unit[TEDDY_UNITS], cl[TEDDY_BUCKETS > TEDDY_UNITS ? TEDDY_BUCKETS : TEDDY_UNITS];
    unsigned bucket[TEDDY_UNITS];
    size_t nu = 0;
    for (size_t i = 0; i < kw->n; i++) {
        const pii_keyword *k = &kw->v[i];
        teddy_fp f;
        for (int j = 0; j < PII_TEDDY_NPOS; j++) {
            if (teddy_pos[j] >= k->len) {
                f.lo[j] = f.hi[j] = 0xFFFF;
                continue;
            }
            uint8_t b = k->bytes[teddy_pos[j]], u = is_letter(b) ? (uint8_t)(b - 32) : b;
            f.lo[j] = (uint16_t)(1u << (b & 15) | 1u << (u & 15));
            f.hi[j] = (uint16_t)(1u << (b >> 4) | 1u << (u >> 4));
        }
        size_t dup = 0;
        while (dup < nu && memcmp(&unit[dup], &f, sizeof f))
            dup++;
        if (dup < nu)
            continue; /* the same bytes at teddy_pos as a keyword already there */
        if (nu < TEDDY_UNITS) {
            unit[nu++] = f;
            continue;
        }
        size_t best = 0;
        int64_t best_cost = INT64_MAX, fc = teddy_cost(&f);
        for (size_t c = 0; c < nu; c++) {
            teddy_fp w = teddy_union(&unit[c], &f);
            int64_t d = teddy_cost(&w) - teddy_cost(&unit[c]) - fc;
            if (d < best_cost)
                best_cost = d, best = c;
        }
        unit[best] = teddy_union(&unit[best], &f);
    }
    memset(kw->teddy_lo, 0, sizeof kw->teddy_lo);
    memset(kw->teddy_hi, 0, sizeof kw->teddy_hi);
    kw->teddy = PII_TEDDY_OFF;
    if (nu == 0)
        return;
    size_t ncl = teddy_cluster(unit, nu, cl, bucket);
    for (size_t c = 0; c < ncl; c++)
        for (int k = 0; k < PII_TEDDY_NPOS; k++)
            for (unsigned x = 0; x < 16; x++) {
                if (cl[c].lo[k] >> x & 1)
                    kw->teddy_lo[k][x] |= (uint8_t)(1u << c);
                if (cl[c].hi[k] >> x & 1)
                    kw->teddy_hi[k][x] |= (uint8_t)(1u << c);
            }
    /* The distinct first 3 bytes, if there are few and no keyword is
     * shorter (nfew 0: not a FEW set). */
    unsigned nfew = 0;
    for (size_t i = 0; i < kw->n && nfew <= PII_FEW_STARTS; i++) {
        const pii_keyword *k = &kw->v[i];
        unsigned s = 0;
        while (s < nfew && k->len >= 3 && memcmp(kw->few[s], k->bytes, 3))
            s++;
        if (k->len < 3 || s == PII_FEW_STARTS) {
            nfew = PII_FEW_STARTS + 1; /* too short, or a fifth start */
        } else if (s == nfew) {
            memcpy(kw->few[s], k->bytes, 3);
            for (int b = 0; b < 3; b++)
                kw->fold[s][b] = is_letter(k->bytes[b]) ? 0x20 : 0;
            nfew++;
        }
    }
    kw->nfew = nfew <= PII_FEW_STARTS ? (uint8_t)nfew : 0;
#ifdef PII_HAVE_TEDDY
    if (kw->nfew && __builtin_cpu_supports("avx2"))
        kw->teddy = PII_TEDDY_FEW;
    else if (__builtin_cpu_supports("avx2"))
        kw->teddy = PII_TEDDY_AVX2;
    else if (__builtin_cpu_supports("ssse3"))
        kw->teddy = PII_TEDDY_SSSE3;
#endif
}

int pii_keywords_add(pii_keywords *kw, const char *list, unsigned pattern)
{
    size_t more = 1;
    for (const char *c = list; *c; c++)
        more += *c == ',';
    pii_keyword *nv = realloc(kw->v, (kw->n + more) * sizeof *nv);
    if (!nv)
        return -1;
    kw->v = nv;
    int count = 0;
    const char *p = list;
    while (*p) {
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if (t > p) {
            size_t len = (size_t)(t - p);
            uint8_t tmp[256];
            int dup = -1;
            if (len <= sizeof tmp) {
                for (size_t i = 0; i < len; i++)
                    tmp[i] = lower((uint8_t)p[i]);
                for (size_t k = 0; k < kw->n && dup < 0; k++)
                    if (kw->v[k].len == len && !memcmp(kw->v[k].bytes, tmp, len))
                        dup = (int)k;
            }
            pii_keyword *k = dup >= 0 ? &kw->v[dup] : &kw->v[kw->n];
            if (dup < 0) {
                memset(k, 0, sizeof *k);
                k->len = len;
                k->bytes = malloc(len);
                if (!k->bytes)
                    return -1;
                for (size_t i = 0; i < len; i++)
                    k->bytes[i] = lower((uint8_t)p[i]);
                /* A keyword that begins or ends with an ASCII letter or digit
                 * is a word: "bank" must not fire inside "samplebank.com". */
                k->word = is_alnum(k->bytes[0]) || is_alnum(k->bytes[len - 1]);
                /* Every case variant of the first two bytes goes in the
                 * table, so the scan needs no case folding. */
                uint8_t a = k->bytes[0], b = len > 1 ? k->bytes[1] : 0;
                uint8_t c = len > 2 ? k->bytes[2] : 0;
                uint8_t as[2] = {a, is_letter(a) ? (uint8_t)(a - 32) : a};
                uint8_t bs[2] = {b, is_letter(b) ? (uint8_t)(b - 32) : b};
                uint8_t cs[2] = {c, is_letter(c) ? (uint8_t)(c - 32) : c};
                if (!kw->head && !(kw->head = calloc(65536, sizeof *kw->head)))
                    return -1;
                for (int x = 0; x < 2; x++) {
                    if (x == 1 && as[1] == as[0])
                        break;
                    for (unsigned y = 0; y < 256; y++) {
                        if (len > 1 && y != bs[0] && y != bs[1])
                            continue;
                        unsigned idx = (unsigned)as[x] << 8 | y;
                        kw->first2[idx >> 3] |= (uint8_t)(1u << (idx & 7));
                        kw->first1[as[x]] = 1;
                        if (len < 3) {
                            kw->short2[idx >> 3] |= (uint8_t)(1u << (idx & 7));
                        } else {
                            for (int z = 0; z < 2; z++) {
                                unsigned h = kw_hash3(as[x], (uint8_t)y, cs[z]);
                                kw->first3[h >> 3] |= (uint8_t)(1u << (h & 7));
                            }
                        }
                        uint32_t(*ne)[2] = realloc(kw->ent, (kw->nent + 1) * sizeof *ne);
                        if (!ne)
                            return -1;
                        kw->ent = ne;
                        kw->ent[kw->nent][0] = (uint32_t)kw->n;
                        kw->ent[kw->nent][1] = kw->head[idx];
                        kw->head[idx] = (uint32_t)++kw->nent;
                    }
                }
                kw->n++;
            }
            k->mask[pattern >> 3] |= (uint8_t)(1u << (pattern & 7));
            count++;
        }
        p = e;
    }
    simd_classes(kw);
    kw->teddy = PII_TEDDY_OFF; /* the tables no longer cover the set: pii_keywords_prepare */
    return count;
}

int pii_keyword_at(const pii_keyword *k, const uint8_t *p, size_t n, size_t i)
{
    if (i + k->len > n)
        return 0;
    /* Keywords sharing two first bytes (계좌, 계좌번호; a Hangul syllable's
     * first two bytes are shared by 64 syllables) usually differ at the last. */
    if (lower(p[i + k->len - 1]) != k->bytes[k->len - 1])
        return 0;
    for (size_t j = 0; j < k->len; j++)
        if (lower(p[i + j]) != k->bytes[j])
            return 0;
    if (k->word && ((i > 0 && is_letter(p[i - 1])) || (i + k->len < n && is_letter(p[i + k->len]))))
        return 0;
    return 1;
}

/* 1 if some keyword may start at p[j] of p[0..n) by the first2 and first3
 * filters (first1 is implied: first2 is only set under first1 bytes). */
static inline int first_bytes_ok(const pii_keywords *kw, const uint8_t *p, size_t n, size_t j)
{
    unsigned idx = (unsigned)p[j] << 8 | (j + 1 < n ? p[j + 1] : 0);
    return (kw->first2[idx >> 3] & (1u << (idx & 7))) && third_ok(kw, p, n, j, idx);
}

/* pii_keywords_next one byte at a time from i. */
static inline size_t next_scalar(const pii_keywords *kw, const uint8_t *p, size_t n, size_t i,
                                 size_t to)
{
    for (; i < to; i++)
        if (kw->first1[p[i]] && first_bytes_ok(kw, p, n, i))
            return i;
    return SIZE_MAX;
}

#ifdef PII_HAVE_TEDDY
/* pii_keywords_next with the Teddy filter, 16 starts at a time while a
 * block's loads stay inside p, then one at a time (the buffer's last 20
 * bytes).  Blocks may run past `to` (never past n): lanes from `to` on are
 * masked off, so a short search costs one block, not a scalar tail.  Most
 * blocks of ASCII or digits have no byte that can start a keyword: the
 * byte-0 lookup alone rejects them, before the other four. */
/* The buckets that allow each of the 16 bytes at q, by its two nibbles. */
__attribute__((target("ssse3"))) static inline __m128i teddy_look128(const uint8_t *q, __m128i lo,
                                                                      __m128i hi, __m128i nib)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
    return _mm_and_si128(_mm_shuffle_epi8(lo, _mm_and_si128(v, nib)),
                         _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), nib)));
}

__attribute__((target("avx2"))) static inline __m256i teddy_look256(const uint8_t *q, __m256i lo,
                                                                     __m256i hi, __m256i nib)
{
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)q);
    return _mm256_and_si256(_mm256_shuffle_epi8(lo, _mm256_and_si256(v, nib)),
                            _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
}

__attribute__((target("ssse3"))) static size_t teddy_ssse3(const pii_keywords *kw, const uint8_t *p,
                                                            size_t n, size_t i, size_t to)
{
    const __m128i nib = _mm_set1_epi8(0x0F), zero = _mm_setzero_si128();
    __m128i lo[PII_TEDDY_NPOS], hi[PII_TEDDY_NPOS];
    for (int k = 0; k < PII_TEDDY_NPOS; k++) {
        lo[k] = _mm_loadu_si128((const __m128i *)(const void *)kw->teddy_lo[k]);
        hi[k] = _mm_loadu_si128((const __m128i *)(const void *)kw->teddy_hi[k]);
    }
    for (; i < to && i + 16 + TEDDY_REACH <= n; i += 16) {
        /* Unrolled by hand: -O2 keeps a loop over k, with the k == 0 test. */
        __m128i m = teddy_look128(p + i, lo[0], hi[0], nib);
        unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(m, zero)) ^ 0xFFFFu;
        if (!bits)
            continue;
        m = _mm_and_si128(m, teddy_look128(p + i + teddy_pos[1], lo[1], hi[1], nib));
        m = _mm_and_si128(m, teddy_look128(p + i + teddy_pos[2], lo[2], hi[2], nib));
        m = _mm_and_si128(m, teddy_look128(p + i + teddy_pos[3], lo[3], hi[3], nib));
        m = _mm_and_si128(m, teddy_look128(p + i + teddy_pos[4], lo[4], hi[4], nib));
        bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(m, zero)) ^ 0xFFFFu;
        if (to - i < 16)
            bits &= (1u << (to - i)) - 1;
        for (; bits; bits &= bits - 1) {
            size_t j = i + (size_t)__builtin_ctz(bits);
            if (first_bytes_ok(kw, p, n, j))
                return j;
        }
    }
    return next_scalar(kw, p, n, i, to);
}

/* teddy_ssse3 32 starts at a time (PSHUFB works within each 16-byte half,
 * so the tables are repeated in both). */
__attribute__((target("avx2"))) static size_t teddy_avx2(const pii_keywords *kw, const uint8_t *p,
                                                          size_t n, size_t i, size_t to)
{
    const __m256i nib = _mm256_set1_epi8(0x0F);
    __m256i lo[PII_TEDDY_NPOS], hi[PII_TEDDY_NPOS];
    for (int k = 0; k < PII_TEDDY_NPOS; k++) {
        lo[k] = _mm256_broadcastsi128_si256(
            _mm_loadu_si128((const __m128i *)(const void *)kw->teddy_lo[k]));
        hi[k] = _mm256_broadcastsi128_si256(
            _mm_loadu_si128((const __m128i *)(const void *)kw->teddy_hi[k]));
    }
    for (; i < to && i + 32 + TEDDY_REACH <= n; i += 32) {
        __m256i m = teddy_look256(p + i, lo[0], hi[0], nib);
        if (_mm256_testz_si256(m, m))
            continue;
        m = _mm256_and_si256(m, teddy_look256(p + i + teddy_pos[1], lo[1], hi[1], nib));
        m = _mm256_and_si256(m, teddy_look256(p + i + teddy_pos[2], lo[2], hi[2], nib));
        m = _mm256_and_si256(m, teddy_look256(p + i + teddy_pos[3], lo[3], hi[3], nib));
        m = _mm256_and_si256(m, teddy_look256(p + i + teddy_pos[4], lo[4], hi[4], nib));
        unsigned bits = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, _mm256_setzero_si256()));
        if (to - i < 32)
            bits &= (1u << (to - i)) - 1;
        for (; bits; bits &= bits - 1) {
            size_t j = i + (size_t)__builtin_ctz(bits);
            if (first_bytes_ok(kw, p, n, j))
                return j;
        }
    }
    return next_scalar(kw, p, n, i, to);
}
#endif

#ifdef PII_HAVE_TEDDY
/* pii_keywords_next for a few keywords: each distinct 3-byte start compared
 * at 32 positions at once (three loads, three compares and two ANDs a start,
 * where Teddy needs five table lookups whatever the set).  NFEW is a
 * constant in each instance, so the starts' vectors stay in registers (with
 * a count known only at run time they were reloaded from the stack on every
 * step: half of the loop's instructions). */
__attribute__((target("avx2"), always_inline)) static inline size_t
few_avx2_n(const pii_keywords *kw, const uint8_t *p, size_t n, size_t i, size_t to, const unsigned NFEW)
{
    __m256i b[PII_FEW_STARTS][3], f[PII_FEW_STARTS][3];
    for (unsigned s = 0; s < NFEW; s++)
        for (int j = 0; j < 3; j++) {
            b[s][j] = _mm256_set1_epi8((char)kw->few[s][j]);
            f[s][j] = _mm256_set1_epi8((char)kw->fold[s][j]);
        }
    for (; i < to && i + 32 + 2 <= n; i += 32) {
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + i + 1));
        __m256i v2 = _mm256_loadu_si256((const __m256i *)(const void *)(p + i + 2));
        __m256i m = _mm256_setzero_si256();
        for (unsigned s = 0; s < NFEW; s++)
            m = _mm256_or_si256(
                m, _mm256_and_si256(
                       _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_or_si256(v0, f[s][0]), b[s][0]),
                                        _mm256_cmpeq_epi8(_mm256_or_si256(v1, f[s][1]), b[s][1])),
                       _mm256_cmpeq_epi8(_mm256_or_si256(v2, f[s][2]), b[s][2])));
        unsigned bits = (unsigned)_mm256_movemask_epi8(m);
        if (to - i < 32)
            bits &= (1u << (to - i)) - 1;
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
    return next_scalar(kw, p, n, i, to);
}

__attribute__((target("avx2"))) static size_t few_avx2(const pii_keywords *kw, const uint8_t *p,
                                                       size_t n, size_t i, size_t to)
{
    switch (kw->nfew) {
    case 1:
        return few_avx2_n(kw, p, n, i, to, 1);
    case 2:
        return few_avx2_n(kw, p, n, i, to, 2);
    case 3:
        return few_avx2_n(kw, p, n, i, to, 3);
    default:
        return few_avx2_n(kw, p, n, i, to, PII_FEW_STARTS);
    }
}
#endif

size_t pii_keywords_next(const pii_keywords *kw, const uint8_t *p, size_t n, size_t from,
                         size_t to)
{
    if (to > n)
        to = n;
    size_t i = from;
#ifdef PII_HAVE_TEDDY
    /* Teddy's fingerprint of five bytes passes well under one start in a
     * hundred of Korean prose, where the one-byte classes below pass one
     * in three (every Hangul lead byte). */
    if (kw->teddy == PII_TEDDY_FEW)
        return few_avx2(kw, p, n, i, to);
    if (kw->teddy == PII_TEDDY_AVX2)
        return teddy_avx2(kw, p, n, i, to);
    if (kw->teddy == PII_TEDDY_SSSE3)
        return teddy_ssse3(kw, p, n, i, to);
#endif
    /* Most bytes cannot start a keyword (in Korean UTF-8, two bytes in
     * three are continuation bytes; digits, spaces and punctuation never
     * do): a 16-byte compare against a superset of first1 first, then the
     * one-byte table, the two-byte filter only where that passes. */
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
    if (kw->simd) {
        const __m128i hi = _mm_set1_epi8((char)kw->hi_min), c20 = _mm_set1_epi8(0x20);
        const __m128i ca = _mm_set1_epi8('a'), c25 = _mm_set1_epi8(25);
        for (; i + 16 <= to; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i m = _mm_setzero_si128();
            if (kw->has_hi)
                m = _mm_cmpeq_epi8(_mm_max_epu8(v, hi), v);
            if (kw->letters) {
                __m128i t = _mm_sub_epi8(_mm_or_si128(v, c20), ca);
                m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_min_epu8(t, c25), t));
            }
            for (unsigned x = 0; x < kw->nextra; x++)
                m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)kw->extra[x])));
            for (unsigned bits = (unsigned)_mm_movemask_epi8(m); bits; bits &= bits - 1) {
                size_t j = i + (size_t)__builtin_ctz(bits);
                if (first_bytes_ok(kw, p, n, j))
                    return j;
            }
        }
    }
#endif
    return next_scalar(kw, p, n, i, to);
}

const pii_keyword *pii_keywords_find(const pii_keywords *kw, unsigned pattern, const uint8_t *p,
                                     size_t n, size_t to, pii_keyword_iter *it, size_t *at)
{
    for (;;) {
        if (!it->e) {
            it->i = pii_keywords_next(kw, p, n, it->i, to);
            if (it->i == SIZE_MAX) {
                it->i = to;
                return NULL;
            }
            it->e = pii_keywords_bucket(kw, p, n, it->i);
        }
        while (it->e) {
            const pii_keyword *k = &kw->v[kw->ent[it->e - 1][0]];
            it->e = kw->ent[it->e - 1][1];
            if ((k->mask[pattern >> 3] & (1u << (pattern & 7))) && it->i + k->len <= to &&
                pii_keyword_at(k, p, n, it->i)) {
                *at = it->i;
                if (!it->e)
                    it->i++;
                return k;
            }
        }
        it->i++;
    }
}

uint32_t pii_keywords_bucket(const pii_keywords *kw, const uint8_t *p, size_t n, size_t i)
{
    unsigned idx = (unsigned)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
    return kw->head ? kw->head[idx] : 0;
}
