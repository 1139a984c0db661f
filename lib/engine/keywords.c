/* keywords.c -- see keywords.h. */
#include "keywords.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
#include <emmintrin.h>
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

size_t pii_keywords_next(const pii_keywords *kw, const uint8_t *p, size_t n, size_t from,
                         size_t to)
{
    if (to > n)
        to = n;
    /* Most bytes cannot start a keyword (in Korean UTF-8, two bytes in
     * three are continuation bytes; digits, spaces and punctuation never
     * do): a 16-byte compare against a superset of first1 first, then the
     * one-byte table, the two-byte filter only where that passes. */
    size_t i = from;
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
            /* first2 is only set under first1 bytes: no need to test both. */
            for (unsigned bits = (unsigned)_mm_movemask_epi8(m); bits; bits &= bits - 1) {
                size_t j = i + (size_t)__builtin_ctz(bits);
                unsigned idx = (unsigned)p[j] << 8 | (j + 1 < n ? p[j + 1] : 0);
                if ((kw->first2[idx >> 3] & (1u << (idx & 7))) && third_ok(kw, p, n, j, idx))
                    return j;
            }
        }
    }
#endif
    for (; i < to; i++) {
        if (!kw->first1[p[i]])
            continue;
        unsigned idx = (unsigned)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
        if ((kw->first2[idx >> 3] & (1u << (idx & 7))) && third_ok(kw, p, n, i, idx))
            return i;
    }
    return SIZE_MAX;
}

uint32_t pii_keywords_bucket(const pii_keywords *kw, const uint8_t *p, size_t n, size_t i)
{
    unsigned idx = (unsigned)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
    return kw->head ? kw->head[idx] : 0;
}
