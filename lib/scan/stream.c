/* stream.c -- the streaming scanner; see stream.h for the invariants. */
#include "stream.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "detect/checks.h"
#include "patternset.h"
#include "scratch.h"
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
#include <emmintrin.h>
#endif

/* ---- text buffer ------------------------------------------------------------- */

static int ensure_cap(struct piiscan_stream *s, size_t need)
{
    if (need <= s->cap)
        return 0;
    size_t ncap = s->cap ? s->cap : 1 << 16;
    while (ncap < need)
        ncap *= 2;
    uint8_t *nt = realloc(s->text, ncap);
    if (!nt)
        return -1;
    s->text = nt;
    s->cap = ncap;
    if (s->map) {
        uint64_t *nm = realloc(s->map, ncap * sizeof *nm);
        if (!nm)
            return -1;
        s->map = nm;
        s->map_cap = ncap;
    }
    return 0;
}

static uint64_t src_of(const struct piiscan_stream *s, uint64_t t)
{
    if (t < s->ident_end)
        return t;
    if (t - s->base < s->len)
        return s->map[t - s->base];
    return s->src_total; /* end of text: only reached at end of input */
}

/* Decodes n source bytes (eof: flush) and appends them to the text. */
static piiscan_status decode_append(struct piiscan_stream *s, const uint8_t *src, size_t n, int eof)
{
    if (ensure_cap(s, s->len + 3 * n + 16) != 0)
        return PIISCAN_E_NOMEM;
    if (!s->map && s->dec.mode != PII_DEC_UTF8 && s->dec.mode != PII_DEC_UTF8_AUTO) {
        s->map = malloc(s->cap * sizeof *s->map);
        if (!s->map)
            return PIISCAN_E_NOMEM;
        s->map_cap = s->cap;
    }
    /* UTF8_AUTO may switch to CP949 in this call; give it a map to write. */
    if (!s->map && s->dec.mode == PII_DEC_UTF8_AUTO && !s->dec.locked_utf8) {
        s->map = malloc(s->cap * sizeof *s->map);
        if (!s->map)
            return PIISCAN_E_NOMEM;
        s->map_cap = s->cap;
    }
    size_t out_len = 0, ident_len = 0;
    size_t used = pii_decoder_feed(&s->dec, src, n, eof, s->text + s->len,
                                   s->map ? s->map + s->len : NULL, s->cap - s->len, &out_len,
                                   &ident_len);
    if (used != n)
        return PIISCAN_E_INTERNAL; /* cap >= 3n+16 guarantees full consumption */
    if (ident_len < out_len && s->ident_end == UINT64_MAX)
        s->ident_end = s->base + s->len + ident_len;
    s->len += out_len;
    s->src_total += n;
    return PIISCAN_OK;
}

/* ---- context ------------------------------------------------------------------ */

/* Forgets keyword hits before `lo` (called as pages advance). */
static void kwcache_trim(pii_kwcache *c, uint64_t lo)
{
    /* What is kept covers [low, scanned_to) exactly; queries below low rescan. */
    if (lo > c->low)
        c->low = lo;
    if (c->scanned_to < c->low)
        c->scanned_to = c->low;
    while (c->first < c->n && c->pos[c->first] < lo)
        c->first++;
    if (c->first > 64 && c->first * 2 > c->n) {
        memmove(c->pos, c->pos + c->first, (c->n - c->first) * sizeof *c->pos);
        memmove(c->kw, c->kw + c->first, (c->n - c->first) * sizeof *c->kw);
        c->n -= c->first;
        c->first = 0;
    }
}

/* 1 if a keyword of pattern pi occurs wholly inside [lo, hi) of the text
 * (judged with its real neighbours). */
static int keyword_in(struct piiscan_stream *s, uint32_t pi, uint64_t lo, uint64_t hi)
{
    const pii_keywords *kws = &s->engine->kw;
    pii_kwcache *c = &s->kwc;
    if (!s->engine->p[pi].has_keywords || hi <= lo)
        return 0;
    if (lo < c->low || lo > c->scanned_to) {
        /* Outside what the cache covers: start over at lo (never leave a
         * stretch unsearched between low and scanned_to). */
        c->first = c->n = 0;
        c->low = c->scanned_to = lo;
    }
    uint64_t from = c->scanned_to > lo ? c->scanned_to : lo;
    if (hi > from) {
        size_t i = (size_t)(from - s->base), to = (size_t)(hi - s->base);
        while ((i = pii_keywords_next(kws, s->text, s->len, i, to)) != SIZE_MAX) {
            for (uint32_t e = pii_keywords_bucket(kws, s->text, s->len, i); e; e = kws->ent[e - 1][1]) {
                uint32_t k = kws->ent[e - 1][0];
                if (!pii_keyword_at(&kws->v[k], s->text, s->len, i))
                    continue;
                if (c->n == c->cap) {
                    size_t ncap = c->cap ? c->cap * 2 : 64;
                    uint64_t *np = realloc(c->pos, ncap * sizeof *np);
                    if (np)
                        c->pos = np;
                    uint32_t *nk = np ? realloc(c->kw, ncap * sizeof *nk) : NULL;
                    if (!nk)
                        return 1; /* out of memory: err on the side of reporting */
                    c->kw = nk;
                    c->cap = ncap;
                }
                c->pos[c->n] = s->base + i;
                c->kw[c->n++] = k;
            }
            i++;
        }
        c->scanned_to = hi;
    }
    for (size_t j = c->first; j < c->n && c->pos[j] < hi; j++) {
        const pii_keyword *k = &kws->v[c->kw[j]];
        if (c->pos[j] >= lo && c->pos[j] + k->len <= hi && (k->mask[pi >> 3] & (1u << (pi & 7))))
            return 1;
    }
    return 0;
}

/* 1 if a context_not keyword of pattern pi lies wholly inside [lo, hi): a
 * short window searched directly, without the cache. */
static int veto_in(const struct piiscan_stream *s, uint32_t pi, uint64_t lo, uint64_t hi)
{
    const pii_keywords *kws = &s->engine->veto;
    if (lo < s->base)
        lo = s->base;
    pii_keyword_iter it = {(size_t)(lo - s->base), 0};
    size_t at;
    return pii_keywords_find(kws, pi, s->text, s->len, (size_t)(hi - s->base), &it, &at) != NULL;
}

/* 1 if a keyword of pattern pi lies in the union of the context windows of
 * every match that starts at or after `from` and ends by `to` (for one
 * match, its own context window). */
static int keyword_near(struct piiscan_stream *s, uint32_t pi, uint64_t from, uint64_t to)
{
    const pii_engine_pattern *p = &s->engine->p[pi];
    uint64_t lo = from > p->ctx_before ? from - p->ctx_before : 0;
    uint64_t hi = to + p->ctx_after;
    if (lo < s->base)
        lo = s->base;
    if (hi > s->base + s->len)
        hi = s->base + s->len;
    return keyword_in(s, pi, lo, hi);
}

typedef struct ctx_state {
    struct piiscan_stream *s;
    piiscan_scratch *scratch;
    const pii_engine_pattern *p;
    uint32_t pi;
    uint64_t ms, me;
    int cached; /* -1 unknown */
} ctx_state;

/* Between a label and its value: spaces, punctuation, and one Korean
 * particle (주민등록번호는, 여권번호가, 계좌번호: ...). */
static int label_gap(const uint8_t *p, size_t n)
{
    int particle = 0;
    for (size_t i = 0; i < n;) {
        if (p[i] == ' ' || p[i] == '\t' || p[i] == ':' || p[i] == '=' || p[i] == '(' ||
            p[i] == '[' || p[i] == '#' || p[i] == '-' || p[i] == '.') {
            i++;
            continue;
        }
        /* 은 는 이 가 을 를 의: EC 9D 80, EB 8A 94, EC 9D B4, EA B0 80, EC 9D 84, EB A5 BC, EC 9D 98 */
        static const uint8_t particles[7][3] = {{0xEC, 0x9D, 0x80}, {0xEB, 0x8A, 0x94},
                                                {0xEC, 0x9D, 0xB4}, {0xEA, 0xB0, 0x80},
                                                {0xEC, 0x9D, 0x84}, {0xEB, 0xA5, 0xBC},
                                                {0xEC, 0x9D, 0x98}};
        int ok = 0;
        for (int k = 0; !particle && k < 7 && !ok; k++)
            ok = i + 3 <= n && memcmp(p + i, particles[k], 3) == 0;
        if (!ok)
            return 0;
        particle = 1;
        i += 3;
    }
    return 1;
}

/* A keyword of pattern pi that ends within `before` bytes before ms with
 * only a label gap after it: it names the value at ms, not another one in
 * the sentence. */
static int named_at(struct piiscan_stream *s, uint32_t pi, uint64_t ms, unsigned before)
{
    uint64_t lo = ms > before ? ms - before : 0;
    if (lo < s->base)
        lo = s->base;
    if (!keyword_in(s, pi, lo, ms))
        return 0;
    const pii_keywords *kws = &s->engine->kw;
    const pii_kwcache *kc = &s->kwc;
    for (size_t j = kc->first; j < kc->n && kc->pos[j] < ms; j++) {
        const pii_keyword *k = &kws->v[kc->kw[j]];
        uint64_t end = kc->pos[j] + k->len;
        if (kc->pos[j] >= lo && end <= ms && (k->mask[pi >> 3] & (1u << (pi & 7))) &&
            label_gap(s->text + (end - s->base), (size_t)(ms - end)))
            return 1;
    }
    return 0;
}

static int names_value(const pii_candidate *c, unsigned before)
{
    ctx_state *cs = c->scan_state;
    return cs ? named_at(cs->s, cs->pi, cs->ms, before) : 0;
}

static int has_context(const pii_candidate *c)
{
    ctx_state *cs = c->scan_state;
    if (!cs)
        return 0;
    if (cs->cached >= 0)
        return cs->cached;
    cs->cached = keyword_near(cs->s, cs->pi, cs->ms, cs->me);
    return cs->cached;
}

/* ---- findings ------------------------------------------------------------------ */

/* The allow marker: "piiscan:allow" on the value's line, within
 * PII_ALLOW_REACH bytes of it on either side.  Both sides are always in the
 * buffer when a page is processed (LOOKBACK before it, need_after after
 * it), so the answer does not depend on how the input was split. */
#define PII_ALLOW_REACH 256
static const char allow_marker[] = "piiscan:allow";

/* The first allow marker lying wholly inside [lo, hi) of the held text, or
 * UINT64_MAX. */
static uint64_t find_marker(const struct piiscan_stream *s, uint64_t lo, uint64_t hi)
{
    const size_t ml = sizeof allow_marker - 1;
    if (hi < lo + ml)
        return UINT64_MAX;
    const uint8_t *t = s->text + (lo - s->base), *end = t + (hi - lo) - ml + 1;
    for (const uint8_t *m = t; m < end && (m = memchr(m, 'p', (size_t)(end - m))) != NULL; m++)
        if (memcmp(m, allow_marker, ml) == 0)
            return lo + (uint64_t)(m - t);
    return UINT64_MAX;
}

/* 1 if an allow marker lies wholly inside [lo, hi).  Markers are rare and
 * the queries of a page move forward, so one remembered stretch of text
 * (where its first marker is) answers most of them without reading the
 * text again: a CSV export has a finding every hundred bytes. */
static int marker_in(struct piiscan_stream *s, uint64_t lo, uint64_t hi)
{
    const size_t ml = sizeof allow_marker - 1;
    if (s->mk_valid && lo >= s->mk_lo && lo <= s->mk_hi &&
        (s->mk_pos == UINT64_MAX || s->mk_pos >= lo)) {
        if (s->mk_pos != UINT64_MAX)
            return s->mk_pos + ml <= hi;
        if (hi <= s->mk_hi)
            return 0;
        /* No marker in [mk_lo, mk_hi): only the stretch after it is new
         * (a marker could straddle mk_hi). */
        uint64_t from = s->mk_hi > lo + ml ? s->mk_hi - ml + 1 : lo;
        if (from < s->base)
            from = s->base;
        s->mk_pos = find_marker(s, from, hi);
        s->mk_hi = hi;
        return s->mk_pos != UINT64_MAX;
    }
    s->mk_valid = 1;
    s->mk_lo = lo;
    s->mk_hi = hi;
    s->mk_pos = find_marker(s, lo, hi);
    return s->mk_pos != UINT64_MAX;
}

static int allowed_line(struct piiscan_stream *s, uint64_t ms, uint64_t me)
{
    uint64_t lo = ms > PII_ALLOW_REACH ? ms - PII_ALLOW_REACH : 0;
    uint64_t hi = me + PII_ALLOW_REACH;
    if (lo < s->base)
        lo = s->base;
    if (hi > s->base + s->len)
        hi = s->base + s->len;
    /* Cheap test first: no marker within reach at all (nearly always). */
    if (!marker_in(s, lo, hi))
        return 0;
    size_t a = (size_t)(ms - s->base), b = (size_t)(me - s->base);
    size_t l = (size_t)(lo - s->base), h = (size_t)(hi - s->base);
    while (a > l && s->text[a - 1] != '\n')
        a--;
    while (b < h && s->text[b] != '\n')
        b++;
    return find_marker(s, s->base + a, s->base + b) != UINT64_MAX;
}

static pii_pending *pend_push(struct piiscan_stream *s)
{
    if (s->npend == s->pend_cap) {
        size_t ncap = s->pend_cap ? s->pend_cap * 2 : 16;
        pii_pending *nv = realloc(s->pend, ncap * sizeof *nv);
        if (!nv)
            return NULL;
        s->pend = nv;
        s->pend_cap = ncap;
    }
    pii_pending *f = &s->pend[s->npend++];
    memset(f, 0, offsetof(pii_pending, display));
    f->display[0] = 0;
    return f;
}

/* Validates one regex match; returns 1 if accepted (and pushed), 0 if not,
 * -1 on allocation failure. */
static int evaluate(struct piiscan_stream *s, piiscan_scratch *scr, uint32_t pi, uint64_t ms,
                    uint64_t me)
{
    const pii_engine_pattern *p = &s->engine->p[pi];
    size_t len = (size_t)(me - ms);
    if (len > PII_NORM_MAX)
        return 0;
    pii_candidate c;
    if (scr->cand_ok && scr->cand_ms == ms && scr->cand_me == me) {
        c = scr->cand;
        c.text = s->text + (ms - s->base); /* the text may have moved since */
    } else {
        pii_candidate_init(&c, &scr->cbuf, s->text + (ms - s->base), len);
        scr->cand = c;
        scr->cand_ms = ms;
        scr->cand_me = me;
        scr->cand_ok = 1;
    }
    ctx_state cs = {s, scr, p, pi, ms, me, -1};
    c.rrn_policy = s->opts.rrn_policy;
    c.has_context = has_context;
    c.names_value = names_value;
    c.scan_state = &cs;
    pii_verdict v = {1, PIISCAN_VALID_STRUCTURAL, (piiscan_confidence)p->confidence, c.nmask > 0};
    p->det->validate(&c, &v);
    /* The validator runs first: it rejects most candidates (dates, prices)
     * on their digits alone, which is cheaper than the keyword search. */
    if (!v.accept || (p->ctx_required && !has_context(&c)))
        return 0;
    /* A veto keyword right before the value names it as something else
     * ("운송장번호 6434-5015-5470" is a parcel, not an account). */
    if (p->has_veto && veto_in(s, pi, ms > p->ctx_not_before ? ms - p->ctx_not_before : 0, ms))
        return 0;
    if (p->ctx_required && v.validation == PIISCAN_VALID_STRUCTURAL && !strcmp(p->det->name, "none"))
        v.validation = PIISCAN_VALID_CONTEXT;
    if (s->opts.allow_marker && allowed_line(s, ms, me))
        return 0;
    pii_pending *f = pend_push(s);
    if (!f)
        return -1;
    f->start = ms;
    f->end = me;
    f->type = pi;
    f->validation = (uint8_t)v.validation;
    f->confidence = (uint8_t)v.confidence;
    f->masked = (uint8_t)(v.masked != 0);
    p->det->display(&c, f->display, sizeof f->display);
    f->src_off = src_of(s, ms);
    f->src_len = src_of(s, me) - f->src_off;
    if (s->opts.expose_raw) {
        f->raw = malloc(len + 1);
        if (!f->raw)
            return -1;
        memcpy(f->raw, s->text + (ms - s->base), len);
        f->raw[len] = 0;
        f->raw_len = len;
    }
    return 1;
}

/* The end of the digit run at j, at most end.  The run is measured against
 * the whole text (tlen bytes), not the window: windows are short, and
 * pii_digits_end() goes 16 bytes at a time only where 16 are left. */
static inline size_t digit_run_end(const uint8_t *text, size_t tlen, size_t j, size_t end)
{
    size_t e = pii_digits_end(text, j, tlen);
    return e < end ? e : end;
}

/* A one-byte digit or mask character: what {{MDIGIT}} matches in ASCII. */
static inline int is_ascii_member(uint8_t b)
{
    return (b >= '0' && b <= '9') || b == '*' || b == '#' || b == 'x' || b == 'X';
}

/* 1 if the first n (1..8) of the 8 bytes at p are ASCII digits (SWAR: a
 * byte minus '0' is below 10 iff adding 0x76 leaves its top bit clear). */
static inline int digits8(const uint8_t *p, unsigned n)
{
    uint64_t x;
    memcpy(&x, p, 8);
    x ^= 0x3030303030303030ull;
    uint64_t bad = (x | (x + 0x7676767676767676ull)) & 0x8080808080808080ull;
    return (bad & (n >= 8 ? ~0ull : (1ull << (8 * n)) - 1)) == 0;
}

/* The first i in [i, end) of text where pattern ep can start a match, or end.
 * For a regex that begins with {{LB}}, a position right after an ASCII letter
 * or digit or a full-width digit cannot start one: the same test as the
 * macro's lookbehind, done here so PCRE2 is not called inside digit runs.
 * text[i - 1..] is readable for i > 0 (the stream keeps lookbehind bytes).
 * cs: the window's first member (0 for windows without a cluster). */
static size_t next_start(const pii_engine_pattern *ep, const uint8_t *text, size_t tlen, size_t i,
                         size_t end, size_t cs)
{
    for (; i < end; i++) {
        uint8_t b = text[i];
        /* Before the cluster (the `prefix` zone) a digit belongs to another
         * cluster, and by the prefilter's contract one value's digits never
         * span two clusters: only a prefix such as "서울 " or "+" starts there. */
        if (!(ep->startmap[b >> 3] & (1u << (b & 7))) ||
            (i < cs && ((b >= '0' && b <= '9') || b == '*' || b == '#' || b == 0xEF))) {
            /* No start here, and for {{LB}} none right after a digit: skip
             * the rest of a digit run at once (a passport's regex, which
             * starts with a letter, is checked on every window of digits). */
            if (ep->starts_with_lb && b >= '0' && b <= '9')
                i = digit_run_end(text, tlen, i + 1, end);
            continue;
        }
        if (ep->starts_with_lb && i > 0) {
            uint8_t a = text[i - 1];
            if (a >= '0' && a <= '9') {
                /* Inside a run of digits nothing starts, nor right after
                 * it: go to the run's end (the loop steps past it). */
                i = digit_run_end(text, tlen, i, end);
                continue;
            }
            /* An ASCII letter, or a byte of the regex's own lookbehinds
             * after {{LB}} ((?<![*#]), see engine.h). */
            if (ep->lb_not_after[a >> 3] >> (a & 7) & 1)
                continue;
            if (i >= 3 && text[i - 3] == 0xEF && text[i - 2] == 0xBC && a >= 0x90 && a <= 0x99)
                continue;
            /* (?<![0-9]\.): a card is no decimal fraction's digits. */
            if (ep->lb_extra && (ep->lb_digit_then[a >> 3] >> (a & 7) & 1) && i >= 2 &&
                text[i - 2] >= '0' && text[i - 2] <= '9')
                continue;
        }
        /* `lead`: a match that starts with a member starts with `lead` of
         * them in a row ("0.1691882154506551" starts no card at its 0).
         * Only ASCII is counted: where a byte >= 0x80 or the end of the
         * text comes first, the start stays (a full-width digit is a
         * member too). */
        if (ep->lead > 1 && is_ascii_member(b) && !(ep->lead <= 8 && i + 8 <= tlen && digits8(text + i, ep->lead))) {
            size_t j = i + 1, lim = i + ep->lead;
            while (j < lim && j < tlen && is_ascii_member(text[j]))
                j++;
            if (j < lim && j < tlen && text[j] < 0x80)
                continue;
        }
        return i;
    }
    return end;
}

/* One past the last position where a match with at least n members (the
 * pattern's `digits N`) can start in the cluster whose members lie in
 * [cs, ce): the position of its n-th member from the end.  By the trigger
 * contract (docs/patterns.md) a match holds at least N members, all of its
 * own cluster, and starts at or before its first member; PCRE2 need not
 * try any later start.  Only ASCII members are counted: at a non-ASCII
 * byte (a full-width digit, a dash) it gives up and answers ce, which
 * costs speed, never a match.  Within [cs, ce) every ASCII digit, '*', '#',
 * 'x' and 'X' is a member (the cluster is open there). */
static uint64_t feasible_end(const struct piiscan_stream *s, uint64_t cs, uint64_t ce,
                             uint32_t count, unsigned n)
{
    if (n == 0 || count < n || cs < s->base || ce > s->base + s->len || ce <= cs)
        return ce;
    const uint8_t *t = s->text + (cs - s->base);
    size_t j = (size_t)(ce - cs);
    if (j == count)
        return ce - n + 1; /* every byte a one-byte member: a plain run of digits */
    for (unsigned seen = 0; j > 0;) {
        uint8_t b = t[--j];
        if (b >= 0x80)
            return ce;
        if (is_ascii_member(b)) {
            if (++seen == n)
                return cs + j + 1;
        }
    }
    return ce;
}

/* 1 if the cluster [cs, ce) is one run of ASCII digits held in the text;
 * then *run, *len give it. */
static int plain_digit_run(const struct piiscan_stream *s, uint64_t cs, uint64_t ce,
                           const char **run, size_t *len)
{
    if (cs < s->base || ce > s->base + s->len || ce <= cs)
        return 0;
    const uint8_t *t = s->text + (cs - s->base);
    size_t n = (size_t)(ce - cs);
    if (pii_digits_end(t, 0, n) != n)
        return 0;
    *run = (const char *)t;
    *len = n;
    return 1;
}

/* 1 if pattern pi's validator rejects every candidate the cluster [cs, ce)
 * can give, the cluster being one plain run of ASCII digits: its
 * rejects_run() says so, or says PII_REJECTS_UNLESS_NAMED and no keyword
 * names the value at cs.  *plain caches whether the cluster is such a run
 * (-1: not yet known), *run and *len the run. */
static inline int run_rejected(struct piiscan_stream *s, uint32_t pi, uint64_t cs, uint64_t ce, int *plain,
                        const char **run, size_t *len)
{
    if (*plain < 0)
        *plain = plain_digit_run(s, cs, ce, run, len);
    if (!*plain)
        return 0;
    int rj = s->engine->p[pi].det->rejects_run(*run, *len);
    return rj == 1 || (rj == PII_REJECTS_UNLESS_NAMED && !named_at(s, pi, cs, PII_NAMES_VALUE_REACH));
}

/* Runs pattern pi over match starts in [ws, we); starts at or after
 * start_end (<= we) are known to be infeasible (see feasible_end()) and are
 * not tried, but the window still counts as searched up to we. */
static piiscan_status search(struct piiscan_stream *s, piiscan_scratch *scr, uint32_t pi,
                             uint64_t ws, uint64_t we, uint64_t start_end, uint64_t se,
                             uint64_t cs, int eof)
{
    const pii_engine_pattern *p = &s->engine->p[pi];
    uint64_t text_end = s->base + s->len;
    uint64_t st = ws > s->last_end[pi] ? ws : s->last_end[pi];
    if (st < s->searched_to[pi])
        st = s->searched_to[pi];
    if (st >= we)
        return PIISCAN_OK;
    s->searched_to[pi] = we;
    if (start_end > we)
        start_end = we;
    if (st >= start_end)
        return PIISCAN_OK;
    uint64_t subj_end = se < text_end ? se : text_end;
    /* A match that reaches a subject end which is not the end of the input
     * might be longer in truth: it is dropped rather than reported cut. */
    int truncated = !(eof && subj_end == text_end);
    /* PCRE2 itself advances the start up to this limit when a start fails:
     * on a failed call that walk over the rest of the cluster is most of
     * the cost, so it stops at the last feasible start. */
    pcre2_set_offset_limit(scr->mctx, (PCRE2_SIZE)(start_end - 1 - s->base));
    uint32_t mopts = truncated ? PCRE2_NOTEOL : 0;
    we = start_end;
    while (st < we) {
        /* A PCRE2 call costs a few hundred instructions even when it finds
         * nothing; a pattern that must start with a letter (a passport)
         * need not be called on a window of digits and punctuation. */
        if (p->has_startmap) {
            /* Skip to the first byte the regex can start with; for a regex
             * that begins with {{LB}}, also not right after a letter or a
             * digit (inside a run of digits nothing can start). */
            size_t i = (size_t)(st - s->base), end = (size_t)(we - s->base);
            i = next_start(p, s->text, s->len, i, end, cs > s->base ? (size_t)(cs - s->base) : 0);
            if (i >= end)
                break;
            st = s->base + i;
        }
        int rc = -1;
        uint64_t ms = 0, me = 0;
        /* Only patterns that share their regex look in the memo (the
         * lookup and the store cost as much as the rest of this loop). */
        unsigned m = scr->memo_n;
        for (m = p->re_shared ? 0 : m; m < scr->memo_n; m++) {
            const struct pii_search_memo *x = &scr->memo[m];
            if (x->group == p->re_group && x->st == st && x->se == subj_end && x->we == we)
                break;
        }
        if (m < scr->memo_n) {
            rc = scr->memo[m].rc;
            ms = scr->memo[m].ms;
            me = scr->memo[m].me;
        } else {
            /* pcre2_jit_match() is the documented fast path: it skips the
             * argument checks pcre2_match() repeats on every call. */
            rc = p->jit ? pcre2_jit_match(p->re, s->text, (PCRE2_SIZE)(subj_end - s->base),
                                          (PCRE2_SIZE)(st - s->base), mopts, scr->md, scr->mctx)
                        : pcre2_match(p->re, s->text, (PCRE2_SIZE)(subj_end - s->base),
                                      (PCRE2_SIZE)(st - s->base), mopts, scr->md, scr->mctx);
            if (rc >= 0) {
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(scr->md);
                ms = s->base + ov[0];
                me = s->base + ov[1];
            }
            if (p->re_shared) {
                struct pii_search_memo *x = &scr->memo[scr->memo_next];
                *x = (struct pii_search_memo){p->re_group, st, subj_end, we, rc, ms, me};
                scr->memo_next = (scr->memo_next + 1) % 8;
                if (scr->memo_n < 8)
                    scr->memo_n++;
            }
        }
        if (rc < 0)
            break; /* no match, or a match/depth limit on a pathological custom regex */
        if (ms >= we || me < ms)
            break;
        /* Longer than PII_MAX_MATCH, or cut by the subject end: either way
         * the answer could depend on where windows and chunks ended. */
        if (me == ms || me - ms > PII_MAX_MATCH || (truncated && me == subj_end)) {
            st = ms + 1;
            continue;
        }
        int r = evaluate(s, scr, pi, ms, me);
        if (r < 0)
            return PIISCAN_E_NOMEM;
        if (r > 0) {
            s->last_end[pi] = me;
            st = me;
        } else {
            st = ms + 1;
        }
    }
    return PIISCAN_OK;
}

static int pend_cmp_start(const void *a, const void *b)
{
    const pii_pending *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->type < y->type ? -1 : x->type > y->type;
}

/* Sorts a page's findings by start, then type.  They come nearly sorted
 * (window by window, each window's patterns in order), so an insertion sort
 * moves few of them; qsort() copied every one of these 600-byte records
 * through its merge buffer (1 % of a CSV scan). */
static void pend_sort(pii_pending *v, size_t n)
{
    size_t moves = 0;
    for (size_t i = 1; i < n; i++) {
        if (pend_cmp_start(&v[i - 1], &v[i]) <= 0)
            continue;
        if (moves > 8 * n) {
            /* Far from sorted (crafted input): no quadratic time. */
            qsort(v, n, sizeof *v, pend_cmp_start);
            return;
        }
        pii_pending t = v[i];
        size_t j = i;
        while (j > 0 && pend_cmp_start(&v[j - 1], &t) > 0) {
            v[j] = v[j - 1];
            j--;
            moves++;
        }
        v[j] = t;
    }
}

/* The number of newlines in p[0, n).  Every byte of the text is counted
 * once; memchr() per line cost a call for every 100 bytes of prose. */
static uint64_t count_newlines(const uint8_t *p, size_t n)
{
    uint64_t lines = 0;
    size_t i = 0;
#if defined(__SSE2__) && !defined(PII_NO_SIMD)
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        /* Per-byte counters (each cmpeq hit subtracts -1) for at most 255
         * blocks, then summed by PSADBW. */
        __m128i acc = _mm_setzero_si128();
        size_t stop = n - i >= 255 * 16 ? i + 255 * 16 : i + (n - i) / 16 * 16;
        for (; i < stop; i += 16)
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), nl));
        __m128i sum = _mm_sad_epu8(acc, zero);
        lines += (uint64_t)_mm_cvtsi128_si32(sum) + (uint64_t)_mm_cvtsi128_si32(_mm_unpackhi_epi64(sum, sum));
    }
#endif
    for (; i < n; i++)
        lines += p[i] == '\n';
    return lines;
}

/* Counts the newlines between the line cursor and `to` (text still held). */
static void count_lines_to(struct piiscan_stream *s, uint64_t to)
{
    if (to <= s->line_pos)
        return;
    s->line_no += count_newlines(s->text + (s->line_pos - s->base), (size_t)(to - s->line_pos));
    s->line_pos = to;
}

/* 1 if a window with group lengths `groups` has the pattern's shape: one
 * of its sets of group lengths all present (13, or 6 and 7, for an RRN).
 * A long run handed over in pieces has every bit set and always passes. */
static inline int shape_ok(const pii_engine_pattern *p, uint64_t groups)
{
    if (p->nshape == 0)
        return 1;
    for (unsigned a = 0; a < p->nshape; a++)
        if ((groups & p->shape[a]) == p->shape[a])
            return 1;
    return 0;
}

/* Windows in a page from which the types that need a keyword are checked
 * for one once for the page (process_page). */
#define PII_DENSE_PAGE 128

/* Scans page [P, PE). */
static piiscan_status process_page(struct piiscan_stream *s, piiscan_scratch *scr, uint64_t P,
                                   uint64_t PE, int eof)
{
    const piiscan_engine *e = s->engine;
    uint64_t text_end = s->base + s->len;
    uint64_t pe = PE < text_end ? PE : text_end;
    /* The queue is sorted by start (see process()): only its front can
     * touch this page. */
    size_t nfront = s->windows.first;
    while (nfront < s->windows.n && s->windows.v[nfront].ws < PE)
        nfront++;
    /* Windows are not merged: each keeps its own count and group, so a
     * pattern runs only where its trigger holds (merging would let one
     * 13-digit timestamp switch every pattern on for a whole CSV line).
     * searched_to keeps overlapping windows from searching a position twice. */
    size_t first_new = s->npend;
    piiscan_status st = PIISCAN_OK;
    for (uint32_t pi = 0; pi < e->n && st == PIISCAN_OK; pi++)
        if (e->p[pi].trigger == PII_TRIGGER_ALWAYS && P < pe)
            st = search(s, scr, pi, P, pe, pe, pe + PII_MAX_MATCH, 0, eof);
    /* Window by window (each pattern still sees its windows in order, which
     * is all its last_end/searched_to bookkeeping needs), so the keyword
     * cache is queried front to back. */
    /* The trigger data of the digit and '@' patterns, in pattern order, in
     * two short arrays: on a CSV page this test runs for every (window,
     * pattern) pair, a million times per 16 MB. */
    struct trig {
        uint64_t group_mask;
        uint32_t digits, pi;
        /* rejects_run() may settle a whole plain run before any start is
         * looked for (see the loop below) */
        int run_shortcut;
    } dig[PII_MAX_TYPES], at[PII_MAX_TYPES];
    size_t ndig = 0, nat = 0;
    for (uint32_t pi = 0; pi < e->n && pi < PII_MAX_TYPES; pi++) {
        const pii_engine_pattern *p = &e->p[pi];
        if (p->trigger == PII_TRIGGER_DIGITS)
            dig[ndig++] = (struct trig){p->group_mask, p->trigger_digits, pi,
                                        p->det->rejects_run && p->starts_with_lb && p->trigger_prefix == 0};
        else if (p->trigger == PII_TRIGGER_AT)
            at[nat++] = (struct trig){0, 0, pi, 0};
    }
    /* The engine's bit-set form of the digit triggers (see engine.h). */
    int trig_bits = e->trig_bits && ndig == e->trig_ndig;
    /* A page dense with windows (a CSV export: 500 in 16 KiB) asks once for
     * each type that needs a keyword whether one is near any of them, not
     * once per window; the types with none (bit t of dig[]) are left out.
     * On prose (70 windows a page) the context cache is read only where
     * windows are, and a query over the whole page would search it all. */
    uint64_t dead = 0;
    if (nfront - s->windows.first >= PII_DENSE_PAGE) {
        uint64_t page_se = pe;
        for (size_t k = s->windows.first; k < nfront; k++)
            if (s->windows.v[k].se > page_se)
                page_se = s->windows.v[k].se;
        for (size_t t = 0; t < ndig && t < 64; t++) {
            const pii_engine_pattern *p = &e->p[dig[t].pi];
            if (p->ctx_required && !keyword_near(s, dig[t].pi, P, page_se))
                dead |= (uint64_t)1 << t;
        }
    }
    /* Which patterns a window switches on (bit t of dig[]) depends on its
     * count and group lengths alone, given the page's dead bits; a CSV
     * export's windows come in a handful of kinds (a timestamp, a barcode,
     * a date-time, a phone number), so the answer, shapes applied, is kept
     * for the last few kinds. */
    struct on_memo {
        uint64_t groups, on;
        uint32_t count;
    } memo[8];
    for (size_t i = 0; i < 8; i++)
        memo[i].count = UINT32_MAX;
    for (size_t k = s->windows.first; k < nfront && st == PIISCAN_OK; k++) {
        /* The window's piece inside the page. */
        pii_window wc = s->windows.v[k];
        if (wc.ws >= pe || wc.we <= P)
            continue;
        if (wc.ws < P)
            wc.ws = P;
        if (wc.we > pe)
            wc.we = pe;
        const pii_window *w = &wc;
        const struct trig *tv = w->at ? at : dig;
        size_t nt = w->at ? nat : ndig;
        /* A whole cluster (not a piece of a long run): its count is final,
         * and feasible_end() applies; computed once per distinct N. */
        int whole_cluster = !w->at && w->group != 255;
        unsigned fe_digits = 0;
        uint64_t fe_end = 0;
        /* The last next_start() answer in this window, and what it was for. */
        uint32_t ns_group = UINT32_MAX;
        unsigned ns_lead = 0;
        uint64_t ns_from = 0;
        size_t ns_at = 0;
        /* The cluster as one plain run of ASCII digits (-1: not yet known). */
        int plain_run = -1;
        const char *run = NULL;
        size_t run_len = 0;
        uint64_t on = 0;
        int use_bits = trig_bits && !w->at && w->count <= 64;
        if (use_bits) {
            struct on_memo *m = &memo[(w->count ^ (uint32_t)((w->groups * 0x9E3779B97F4A7C15u) >> 61)) & 7];
            if (m->count == w->count && m->groups == w->groups) {
                on = m->on;
            } else {
                uint64_t g = 0;
                if (w->groups == ~(uint64_t)0)
                    g = e->trig_group_any;
                else
                    for (uint64_t b = w->groups; b; b &= b - 1)
                        g |= e->trig_group_on[__builtin_ctzll(b)];
                on = e->trig_count_on[w->count] & g & ~dead;
                for (uint64_t b = on; b; b &= b - 1)
                    if (!shape_ok(&e->p[dig[__builtin_ctzll(b)].pi], w->groups))
                        on &= ~(b & -b);
                *m = (struct on_memo){w->groups, on, w->count};
            }
        }
        for (size_t t = 0; t < nt && st == PIISCAN_OK; t++) {
            if (use_bits) {
                if (!(on >> t))
                    break;
                t += (size_t)__builtin_ctzll(on >> t);
            } else if (!w->at && (w->count < tv[t].digits || !(w->groups & tv[t].group_mask) ||
                                  (t < 64 && (dead >> t & 1)))) {
                continue;
            }
            uint32_t pi = tv[t].pi;
            const pii_engine_pattern *p = &e->p[pi];
            /* The pattern's shape (use_bits applied it above). */
            if (!use_bits && !w->at && !shape_ok(p, w->groups))
                continue;
            /* A plain run of digits of which the validator rejects every
             * candidate (a timestamp, a barcode) is settled before any start
             * is looked for: a regex guarded by {{LB}}, with no prefix zone,
             * can start nowhere in it but at its first digit (see below). */
            int run_asked = 0;
            if (whole_cluster && tv[t].run_shortcut && w->cs >= w->ws) {
                if (run_rejected(s, pi, w->cs, s->windows.v[k].we, &plain_run, &run, &run_len)) {
                    if (s->searched_to[pi] < w->we)
                        s->searched_to[pi] = w->we; /* as search() would mark it */
                    continue;
                }
                run_asked = 1;
            }
            /* Digit patterns start at most `prefix` bytes before the cluster. */
            uint64_t from = w->ws;
            if (p->trigger == PII_TRIGGER_DIGITS && w->cs > from + p->trigger_prefix)
                from = w->cs - p->trigger_prefix;
            /* The first byte the regex can start at: none in the window is
             * common (a phone number starts with 0, + or '(', an order
             * number 20190506-3 with a 2), and then nothing below is needed. */
            if (p->has_startmap && from < w->we) {
                /* Patterns with one regex (kr_rrn and kr_frn) and the same
                 * lead start at the same place. */
                size_t f;
                if (ns_group == p->re_group && ns_lead == p->lead && ns_from == from) {
                    f = ns_at;
                } else {
                    f = next_start(p, s->text, s->len, (size_t)(from - s->base), (size_t)(w->we - s->base),
                                   whole_cluster && w->cs > s->base ? (size_t)(w->cs - s->base) : 0);
                    ns_group = p->re_group;
                    ns_lead = p->lead;
                    ns_from = from;
                    ns_at = f;
                }
                if (f >= (size_t)(w->we - s->base))
                    continue;
                from = s->base + f;
            }
            /* A pattern that needs a keyword is not searched where no keyword
             * is near any match the window could hold (a CSV export has
             * none: kr_account's regex would otherwise run on every long
             * number only to be refused for want of one). */
            if (p->ctx_required && !keyword_near(s, pi, from, w->se))
                continue;
            uint64_t start_end = w->we;
            if (whole_cluster) {
                if (fe_digits != p->trigger_digits) {
                    fe_digits = p->trigger_digits;
                    fe_end = feasible_end(s, w->cs, s->windows.v[k].we, w->count, fe_digits);
                }
                start_end = fe_end;
                /* A regex that can only start at the first digit of a plain
                 * run (guarded by {{LB}}, no prefix zone): its validator may
                 * reject every candidate the run can give without PCRE2
                 * being asked (a 13-digit timestamp is no card). */
                if (!run_asked && p->det->rejects_run && p->starts_with_lb && from >= w->cs &&
                    run_rejected(s, pi, w->cs, s->windows.v[k].we, &plain_run, &run, &run_len))
                    start_end = w->cs; /* no feasible start; still counts as searched */
            }
            st = search(s, scr, pi, from, w->we, start_end, w->se, whole_cluster ? w->cs : 0, eof);
        }
    }
    /* Patterns searched only near their keywords (`trigger = keyword`, with
     * context required).  A match [ms, me) counts only with a keyword
     * [k, k + len) inside [ms - before, me + after], and me - ms is at most
     * PII_MAX_MATCH: so it starts in [k + len - after - PII_MAX_MATCH,
     * k + before].  Keywords are few, and a value no keyword is near costs
     * nothing (a passport number's 7 digits would otherwise open a window
     * on every date with a time). */
    for (uint32_t pi = 0; e->has_keyword && pi < e->n && st == PIISCAN_OK && P < pe; pi++) {
        const pii_engine_pattern *p = &e->p[pi];
        if (p->trigger != PII_TRIGGER_KEYWORD)
            continue;
        uint64_t lo = P > p->ctx_before ? P - p->ctx_before : 0;
        uint64_t hi = pe + PII_MAX_MATCH + p->ctx_after;
        if (lo < s->base)
            lo = s->base;
        if (hi > text_end)
            hi = text_end;
        /* The type's own keyword set, searched directly (these are few;
         * the context cache holds every type's and is filled lazily). */
        pii_keyword_iter it = {(size_t)(lo - s->base), 0};
        size_t kat;
        for (const pii_keyword *k; st == PIISCAN_OK && (k = pii_keywords_find(&e->kwtrig, pi, s->text, s->len,
                                                                               (size_t)(hi - s->base), &it, &kat));) {
            uint64_t kp = s->base + kat;
            uint64_t ws = kp + k->len > p->ctx_after + PII_MAX_MATCH ? kp + k->len - p->ctx_after - PII_MAX_MATCH : 0;
            uint64_t we = kp + p->ctx_before + 1;
            if (ws < P)
                ws = P;
            if (we > pe)
                we = pe;
            if (ws < we)
                st = search(s, scr, pi, ws, we, we, we + PII_MAX_MATCH, 0, eof);
        }
    }
    if (st != PIISCAN_OK)
        return st;
    /* This page's findings start in [P, pe), after every earlier one. */
    if (s->npend - first_new > 1)
        pend_sort(s->pend + first_new, s->npend - first_new);
    for (size_t i = first_new; i < s->npend; i++) {
        pii_pending *f = &s->pend[i];
        count_lines_to(s, f->start);
        f->line = s->line_no;
    }
    /* Drop windows that end inside this page (all in the front part): the
     * few that reach past it are packed, in order, against the rest of the
     * queue (they start before PE, everything behind them at or after). */
    size_t k = nfront;
    for (size_t i = nfront; i-- > s->windows.first;)
        if (s->windows.v[i].we > PE)
            s->windows.v[--k] = s->windows.v[i];
    s->windows.first = k;
    return PIISCAN_OK;
}

/* Priority for overlap resolution: stronger validation, then higher
 * confidence, then the type listed first in the pattern set. */
static int stronger(const pii_pending *a, const pii_pending *b)
{
    if (a->validation != b->validation)
        return a->validation > b->validation;
    if (a->confidence != b->confidence)
        return a->confidence > b->confidence;
    if (a->type != b->type)
        return a->type < b->type;
    if (a->start != b->start)
        return a->start < b->start;
    return a->end > b->end;
}

static void pend_release(pii_pending *f)
{
    free(f->raw);
    f->raw = NULL;
}

/* Emits, in start order, the complete overlap groups of pending findings
 * whose every member ends at or before `limit`. */
static piiscan_status flush(struct piiscan_stream *s, uint64_t limit, piiscan_on_finding cb,
                            void *user)
{
    size_t i = 0;
    piiscan_status st = PIISCAN_OK;
    while (i < s->npend) {
        size_t j = i + 1;
        uint64_t gmax = s->pend[i].end;
        while (j < s->npend && s->pend[j].start < gmax) {
            if (s->pend[j].end > gmax)
                gmax = s->pend[j].end;
            j++;
        }
        if (gmax > limit)
            break;
        /* Resolve the group [i, j): keep the strongest, drop what overlaps it. */
        unsigned char keep_local[32];
        unsigned char *keep = (j - i) <= sizeof keep_local ? keep_local : calloc(j - i, 1);
        if (!keep)
            return PIISCAN_E_NOMEM;
        memset(keep, 0, j - i);
        for (;;) {
            size_t best = SIZE_MAX;
            for (size_t a = i; a < j; a++) {
                if (keep[a - i] != 0)
                    continue;
                if (best == SIZE_MAX || stronger(&s->pend[a], &s->pend[best]))
                    best = a;
            }
            if (best == SIZE_MAX)
                break;
            keep[best - i] = 1; /* 1 = kept */
            for (size_t a = i; a < j; a++)
                if (keep[a - i] == 0 && s->pend[a].start < s->pend[best].end &&
                    s->pend[best].start < s->pend[a].end)
                    keep[a - i] = 2; /* 2 = dropped */
        }
        for (size_t a = i; a < j; a++) {
            pii_pending *f = &s->pend[a];
            int emit = keep[a - i] == 1 && st == PIISCAN_OK &&
                       f->confidence >= s->opts.min_confidence &&
                       (s->opts.report_masked || !f->masked);
            if (emit && s->state != PII_ST_STOPPED) {
                const pii_engine_pattern *p = &s->engine->p[f->type];
                piiscan_finding out = {p->id,
                                       p->name,
                                       f->type,
                                       f->src_off,
                                       f->src_len,
                                       f->line,
                                       f->masked,
                                       (piiscan_validation)f->validation,
                                       (piiscan_confidence)f->confidence,
                                       f->display,
                                       f->raw,
                                       f->raw_len,
                                       NULL};
                if (cb && cb(&out, user) == PIISCAN_STOP) {
                    s->state = PII_ST_STOPPED;
                    st = PIISCAN_STOPPED;
                }
            }
            pend_release(f);
        }
        if (keep != keep_local)
            free(keep);
        i = j;
        if (st != PIISCAN_OK)
            break;
    }
    if (st == PIISCAN_STOPPED) {
        for (size_t a = i; a < s->npend; a++)
            pend_release(&s->pend[a]);
        i = s->npend;
    }
    if (i > 0) {
        memmove(s->pend, s->pend + i, (s->npend - i) * sizeof *s->pend);
        s->npend -= i;
    }
    return st;
}

/* Runs the prefilter and every page that is ready; then drops text nobody
 * needs any more. */
static piiscan_status process(struct piiscan_stream *s, piiscan_scratch *scr, int eof,
                              piiscan_on_finding cb, void *user)
{
    const piiscan_engine *e = s->engine;
    pii_winvec *wq = &s->windows;
    if (wq->first > 0 && wq->first * 2 >= wq->n) {
        /* Mostly dead: move the live tail down (amortised O(1) per window). */
        memmove(wq->v, wq->v + wq->first, (wq->n - wq->first) * sizeof *wq->v);
        wq->n -= wq->first;
        wq->first = 0;
    }
    size_t old_n = wq->n;
    if (pii_prefilter_run(&s->pf, s->text, s->base, s->len, eof, &s->windows) != 0)
        return PIISCAN_E_NOMEM;
    /* Keep the queue sorted by start.  New windows arrive nearly sorted
     * (only an '@' window reaches 64 bytes back), so insertion is cheap. */
    for (size_t i = old_n > wq->first ? old_n : wq->first + 1; i < wq->n; i++) {
        if (wq->v[i - 1].ws <= wq->v[i].ws)
            continue; /* in place already: no copy of the window */
        pii_window w = wq->v[i];
        size_t j = i;
        while (j > wq->first && wq->v[j - 1].ws > w.ws) {
            wq->v[j] = wq->v[j - 1];
            j--;
        }
        wq->v[j] = w;
    }
    uint64_t text_end = s->base + s->len;
    /* After a page: the longest match, the context window after it, and room
     * for a keyword that starts inside that window to be read whole. */
    uint64_t need_after = PII_MAX_MATCH + e->max_ctx_after + PII_MAX_CONTEXT_WINDOW + 8;
    piiscan_status st = PIISCAN_OK;
    while (s->next_page < text_end) {
        uint64_t P = s->next_page, PE = P + PII_PAGE;
        if (!eof && (pii_prefilter_horizon(&s->pf) < PE || text_end < PE + need_after))
            break;
        st = flush(s, P, cb, user);
        if (st != PIISCAN_OK)
            return st;
        /* Context queries of this page start at P - PII_MAX_CONTEXT_WINDOW at the earliest. */
        kwcache_trim(&s->kwc, P > PII_MAX_CONTEXT_WINDOW ? P - PII_MAX_CONTEXT_WINDOW : 0);
        st = process_page(s, scr, P, PE, eof);
        if (st != PIISCAN_OK)
            return st;
        s->next_page = PE;
    }
    if (eof)
        return flush(s, UINT64_MAX, cb, user);
    /* Keep PII_LOOKBACK bytes before the next page for lookbehind and context. */
    uint64_t keep = s->next_page > PII_LOOKBACK ? s->next_page - PII_LOOKBACK : 0;
    if (keep > s->base) {
        size_t drop = (size_t)(keep - s->base);
        if (drop > s->len)
            drop = s->len;
        if (s->line_pos < keep) {
            count_lines_to(s, s->base + drop);
            s->line_pos = keep;
        }
        memmove(s->text, s->text + drop, s->len - drop);
        /* While everything is identity-mapped (UTF-8 that may still switch
         * to CP949) the map holds nothing anyone reads: entries are only
         * read at or after ident_end, and the decoder writes those when it
         * sets it. */
        if (s->map && s->ident_end != UINT64_MAX)
            memmove(s->map, s->map + drop, (s->len - drop) * sizeof *s->map);
        s->len -= drop;
        s->base += drop;
    }
    return st;
}

static piiscan_status start_decoding(struct piiscan_stream *s)
{
    int mode;
    size_t bom = 0;
    switch (s->opts.encoding) {
    case PIISCAN_ENC_UTF8:
        mode = PII_DEC_UTF8;
        break;
    case PIISCAN_ENC_UTF16LE:
        mode = PII_DEC_UTF16LE;
        break;
    case PIISCAN_ENC_UTF16BE:
        mode = PII_DEC_UTF16BE;
        break;
    case PIISCAN_ENC_CP949:
        mode = PII_DEC_CP949;
        break;
    default:
        mode = pii_sniff(s->sniff, s->nsniff, &bom);
        break;
    }
    pii_decoder_init(&s->dec, mode, 0);
    s->ident_end = (mode == PII_DEC_UTF8 || mode == PII_DEC_UTF8_AUTO) ? UINT64_MAX : 0;
    s->state = PII_ST_RUN;
    return PIISCAN_OK;
}

/* Decodes and scans n bytes in slices. */
static piiscan_status run_bytes(struct piiscan_stream *s, piiscan_scratch *scr, const uint8_t *p,
                                size_t n, piiscan_on_finding cb, void *user)
{
    while (n > 0) {
        size_t k = n < PII_FEED_SLICE ? n : PII_FEED_SLICE;
        piiscan_status st = decode_append(s, p, k, 0);
        if (st == PIISCAN_OK)
            st = process(s, scr, 0, cb, user);
        if (st != PIISCAN_OK)
            return st;
        p += k;
        n -= k;
    }
    return PIISCAN_OK;
}

/* ---- lifecycle ---------------------------------------------------------------- */

piiscan_status pii_stream_init(struct piiscan_stream *s, const piiscan_engine *e,
                               const struct piiscan_options *o)
{
    uint64_t *le = s->last_end, *sto = s->searched_to;
    pii_kwcache kwc = s->kwc;
    uint8_t *text = s->text;
    uint64_t *map = s->map;
    size_t cap = s->cap, map_cap = s->map_cap;
    pii_winvec w = s->windows;
    pii_pending *pend = s->pend;
    size_t pend_cap = s->pend_cap;
    for (size_t i = 0; i < s->npend; i++)
        pend_release(&s->pend[i]);
    if (s->engine != e) {
        free(le);
        free(sto);
        le = sto = NULL;
    }
    memset(s, 0, sizeof *s);
    s->magic = PII_STREAM_MAGIC;
    s->engine = e;
    if (o)
        s->opts = *o;
    else
        pii_options_defaults(&s->opts);
    s->text = text;
    s->cap = cap;
    s->map = map;
    s->map_cap = map_cap;
    s->windows = w;
    s->windows.first = s->windows.n = 0;
    s->pend = pend;
    s->pend_cap = pend_cap;
    s->last_end = le ? le : calloc(e->n ? e->n : 1, sizeof *s->last_end);
    s->searched_to = sto ? sto : calloc(e->n ? e->n : 1, sizeof *s->searched_to);
    if (!s->last_end || !s->searched_to)
        return PIISCAN_E_NOMEM;
    memset(s->last_end, 0, (e->n ? e->n : 1) * sizeof *s->last_end);
    memset(s->searched_to, 0, (e->n ? e->n : 1) * sizeof *s->searched_to);
    s->kwc = kwc;
    s->kwc.low = s->kwc.scanned_to = 0;
    s->kwc.first = s->kwc.n = 0;
    s->ident_end = UINT64_MAX;
    s->line_no = 1;
    pii_prefilter_init(&s->pf, e->min_digits, e->sat_digits, e->has_at);
    pii_prefilter_set_band(&s->pf, e->band_hi, e->band_start, e->band_lb);
    /* A map allocated for an earlier stream is kept but its size must match. */
    if (s->map && s->map_cap != s->cap) {
        free(s->map);
        s->map = NULL;
        s->map_cap = 0;
    }
    return PIISCAN_OK;
}

void pii_stream_release(struct piiscan_stream *s)
{
    for (size_t i = 0; i < s->npend; i++)
        pend_release(&s->pend[i]);
    free(s->pend);
    free(s->text);
    free(s->map);
    free(s->windows.v);
    free(s->last_end);
    free(s->searched_to);
    free(s->kwc.pos);
    free(s->kwc.kw);
    memset(s, 0, sizeof *s);
}

/* ---- public API -------------------------------------------------------------------- */

static piiscan_status enter(piiscan_stream *s, piiscan_scratch *scr)
{
    if (!s || s->magic != PII_STREAM_MAGIC || !scr || scr->magic != PII_SCRATCH_MAGIC)
        return PIISCAN_E_INVALID;
    if (scr->engine != s->engine)
        return PIISCAN_E_MISMATCH;
    if (scr->in_use)
        return PIISCAN_E_SCRATCH_IN_USE;
    if (s->in_use)
        return PIISCAN_E_INVALID;
    scr->in_use = 1;
    s->in_use = 1;
    scr->memo_n = scr->memo_next = 0; /* memo entries refer to this call's text */
    scr->cand_ok = 0;
    return PIISCAN_OK;
}

static void leave(piiscan_stream *s, piiscan_scratch *scr)
{
    scr->in_use = 0;
    s->in_use = 0;
}

PIISCAN_API piiscan_status piiscan_stream_open(const piiscan_engine *engine,
                                               const piiscan_options *opts, piiscan_stream **out)
{
    if (!engine || engine->magic != PII_ENGINE_MAGIC || !out ||
        (opts && opts->magic != PII_OPTIONS_MAGIC))
        return PIISCAN_E_INVALID;
    piiscan_stream *s = calloc(1, sizeof *s);
    if (!s)
        return PIISCAN_E_NOMEM;
    piiscan_status st = pii_stream_init(s, engine, opts);
    if (st != PIISCAN_OK) {
        pii_stream_release(s);
        free(s);
        return st;
    }
    *out = s;
    return PIISCAN_OK;
}

static piiscan_status feed_locked(piiscan_stream *s, piiscan_scratch *scr, const uint8_t *p,
                                  size_t len, piiscan_on_finding cb, void *user)
{
    if (s->state == PII_ST_SNIFF) {
        size_t k = PII_SNIFF_BYTES - s->nsniff;
        if (k > len)
            k = len;
        if (k)
            memcpy(s->sniff + s->nsniff, p, k);
        s->nsniff += k;
        p += k;
        len -= k;
        if (s->nsniff < PII_SNIFF_BYTES)
            return PIISCAN_OK;
        start_decoding(s);
        piiscan_status st = run_bytes(s, scr, s->sniff, s->nsniff, cb, user);
        if (st != PIISCAN_OK)
            return st;
    }
    return run_bytes(s, scr, p, len, cb, user);
}

PIISCAN_API piiscan_status piiscan_stream_feed(piiscan_stream *stream, const void *data,
                                               size_t len, piiscan_scratch *scratch,
                                               piiscan_on_finding on_finding, void *user)
{
    if (!data && len)
        return PIISCAN_E_INVALID;
    piiscan_status st = enter(stream, scratch);
    if (st != PIISCAN_OK)
        return st;
    if (stream->state == PII_ST_STOPPED)
        st = PIISCAN_STOPPED;
    else if (stream->state == PII_ST_DONE)
        st = PIISCAN_E_INVALID;
    else
        st = feed_locked(stream, scratch, data, len, on_finding, user);
    leave(stream, scratch);
    return st;
}

PIISCAN_API piiscan_status piiscan_stream_finish(piiscan_stream *stream,
                                                 piiscan_scratch *scratch,
                                                 piiscan_on_finding on_finding, void *user)
{
    piiscan_status st = enter(stream, scratch);
    if (st != PIISCAN_OK)
        return st;
    if (stream->state == PII_ST_STOPPED) {
        st = PIISCAN_STOPPED;
    } else if (stream->state == PII_ST_DONE) {
        st = PIISCAN_E_INVALID;
    } else {
        if (stream->state == PII_ST_SNIFF) {
            start_decoding(stream);
            st = run_bytes(stream, scratch, stream->sniff, stream->nsniff, on_finding, user);
        }
        if (st == PIISCAN_OK)
            st = decode_append(stream, NULL, 0, 1);
        if (st == PIISCAN_OK)
            st = process(stream, scratch, 1, on_finding, user);
        if (stream->state != PII_ST_STOPPED)
            stream->state = PII_ST_DONE;
    }
    leave(stream, scratch);
    return st;
}

PIISCAN_API piiscan_status piiscan_stream_reset(piiscan_stream *stream)
{
    if (!stream || stream->magic != PII_STREAM_MAGIC || stream->in_use)
        return PIISCAN_E_INVALID;
    struct piiscan_options o = stream->opts;
    return pii_stream_init(stream, stream->engine, &o);
}

PIISCAN_API int piiscan_stream_encoding(const piiscan_stream *stream)
{
    if (!stream || stream->magic != PII_STREAM_MAGIC || stream->state == PII_ST_SNIFF)
        return -1;
    return pii_decoder_encoding(&stream->dec);
}

PIISCAN_API void piiscan_stream_free(piiscan_stream *stream)
{
    if (!stream || stream->magic != PII_STREAM_MAGIC)
        return;
    pii_stream_release(stream);
    free(stream);
}
