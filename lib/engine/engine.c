/* engine.c -- compiles the enabled types of a pattern set into an immutable
 * engine: PCRE2 code (JIT where available) for each regex and its context
 * keywords, the validator, and the prefilter thresholds. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "patternset.h"
#include "scan/prefilter.h"

static void pattern_free(pii_engine_pattern *p)
{
    free(p->id);
    free(p->name);
    pcre2_code_free(p->re);
}

PIISCAN_API void piiscan_engine_free(piiscan_engine *engine)
{
    if (!engine || engine->magic != PII_ENGINE_MAGIC)
        return;
    for (size_t i = 0; i < engine->n; i++)
        pattern_free(&engine->p[i]);
    pii_keywords_free(&engine->kw);
    pii_keywords_free(&engine->veto);
    pii_keywords_free(&engine->kwtrig);
    free(engine->p);
    engine->magic = 0;
    free(engine);
}

/* 1 if every match of the regex is preceded by the {{LB}} guard: it begins
 * with {{LB}}, the guard carries no quantifier (an assertion with a minimum
 * of 0 may be skipped), and no top-level '|' opens an alternative that has
 * no guard ("{{LB}}a|b" lets "b" start right after a digit).  The scanner
 * then skips starts right after a letter or digit without calling PCRE2.
 * Escapes, \Q..\E, character classes and (?#...) comments are stepped
 * over; where the syntax is not followed exactly (extended mode, where '#'
 * starts a comment; unbalanced parentheses) the answer is 0, which costs
 * speed, never a match. */
static int lb_guards_every_match(const char *re)
{
    if (strncmp(re, "{{LB}}", 6) != 0)
        return 0;
    const char *p = re + 6;
    if (*p == '?' || *p == '*' || *p == '+' || (*p == '{' && p[1] != '{'))
        return 0;
    int depth = 0;
    while (*p) {
        char c = *p++;
        if (c == '\\') {
            if (*p == 'Q') {
                const char *e = strstr(p + 1, "\\E");
                if (!e)
                    return 1; /* literal to the end: no '|' can follow */
                p = e + 2;
            } else if (*p) {
                p++;
            }
        } else if (c == '[') {
            /* A class: ']' right after '[' or '[^' is a member. */
            if (*p == '^')
                p++;
            if (*p == ']')
                p++;
            while (*p && *p != ']') {
                if (*p == '\\' && p[1])
                    p += 2;
                else if (p[0] == '[' && p[1] == ':' && strstr(p + 2, ":]"))
                    p = strstr(p + 2, ":]") + 2;
                else
                    p++;
            }
            if (!*p)
                return 0;
            p++;
        } else if (c == '(') {
            if (p[0] == '?' && p[1] == '#') {
                p = strchr(p, ')');
                if (!p)
                    return 0;
                p++;
                continue;
            }
            if (*p == '?') {
                /* Option settings: extended mode makes '#' a comment. */
                for (const char *q = p + 1; *q && strchr("imnsxJU^-", *q); q++)
                    if (*q == 'x')
                        return 0;
            }
            depth++;
        } else if (c == ')') {
            if (--depth < 0)
                return 0;
        } else if (c == '|' && depth == 0) {
            return 0;
        }
    }
    return depth == 0;
}

/* Sets bit c of a 256-bit set. */
static void set_bit(uint8_t set[32], unsigned c)
{
    set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

/* One literal character of a regex at *pp ("x", or "\." for punctuation),
 * or -1.  In a class, '*' or '.' is one, and an unescaped '-' none (it makes
 * a range). */
static int regex_literal(const char **pp, int in_class)
{
    const char *q = *pp;
    unsigned char c0 = (unsigned char)q[0], c1 = c0 ? (unsigned char)q[1] : 0;
    if (c0 == '\\' && c1 && c1 < 0x80 && !((c1 >= '0' && c1 <= '9') || (c1 >= 'A' && c1 <= 'Z') ||
                                           (c1 >= 'a' && c1 <= 'z'))) {
        *pp = q + 2;
        return c1;
    }
    if (c0 && c0 < 0x80 && !strchr(in_class ? "\\[]-" : "\\[]()|^$.*+?{}", c0)) {
        *pp = q + 1;
        return c0;
    }
    return -1;
}

/* For a regex that begins with {{LB}} guarding every match, the simple
 * lookbehinds right after it, which every match must also pass:
 * (?<![*#]) gives the characters a match never follows (not_after),
 * (?<![0-9]\.) the ones it never follows after an ASCII digit
 * (digit_then: a decimal point, "0.5309136012499991"; a dash, the "-3" of
 * "20240315-3").  Anything else ends the list.  Returns 1 if any was found;
 * next_start() (stream.c) then steps over those starts without PCRE2. */
static int lb_lookbehinds(const char *re, uint8_t not_after[32], uint8_t digit_then[32])
{
    int found = 0;
    const char *p = re + 6; /* after {{LB}} */
    for (;;) {
        if (!strncmp(p, "(?<![0-9]", 9)) {
            const char *q = p + 9;
            int c = regex_literal(&q, 0);
            if (c < 0 || *q != ')')
                break;
            set_bit(digit_then, (unsigned)c);
            p = q + 1;
            found = 1;
        } else if (!strncmp(p, "(?<![", 5) && p[5] != '^' && p[5] != ']') {
            const char *q = p + 5;
            uint8_t set[32] = {0};
            int c;
            while ((c = regex_literal(&q, 1)) >= 0)
                set_bit(set, (unsigned)c);
            if (q[0] != ']' || q[1] != ')')
                break;
            for (int k = 0; k < 32; k++)
                not_after[k] |= set[k];
            p = q + 2;
            found = 1;
        } else {
            break;
        }
    }
    return found;
}

static pcre2_code *compile_jit(const char *pattern, uint32_t extra, piiscan_error **error,
                               const pii_pattern_def *d, const char *what)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PII_PCRE2_COMPILE_FLAGS | extra, &ec, &eo, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        if (error)
            *error = pii_error_new(d->source, d->line, d->id, "[%s] %s: PCRE2 error at offset %zu: %s",
                                   d->id, what, (size_t)eo, (const char *)msg);
        return NULL;
    }
    /* JIT is an optimisation: when it is unavailable (no JIT support, W^X
     * policy) the interpreter gives the same results, only slower. */
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

/* Fills the band fields (engine.h) once every pattern is known. */
static void engine_band(piiscan_engine *e)
{
    e->band_hi = e->min_digits;
    e->band_lb = 1;
    memset(e->band_start, 0, sizeof e->band_start);
    if (!e->min_digits)
        return;
    unsigned hi = 65;
    for (size_t i = 0; i < e->n; i++) {
        const pii_engine_pattern *p = &e->p[i];
        if (p->trigger != PII_TRIGGER_DIGITS)
            continue;
        if (p->trigger_digits > e->min_digits) {
            if (p->trigger_digits < hi)
                hi = p->trigger_digits;
            continue;
        }
        /* A pattern of the band: its start must be known, adjacent to the
         * cluster and no breaker, so that it lies in the cluster's segment. */
        if (!p->has_startmap || p->trigger_prefix > 1)
            return;
        for (unsigned b = 0; b < 256; b++)
            if ((p->startmap[b >> 3] >> (b & 7) & 1) && pii_prefilter_breaker((uint8_t)b))
                return;
        for (unsigned k = 0; k < 32; k++)
            e->band_start[k] |= p->startmap[k];
        if (!p->starts_with_lb)
            e->band_lb = 0;
    }
    e->band_hi = hi > 64 ? 64 : hi;
}

PIISCAN_API piiscan_status piiscan_engine_compile(const piiscan_patterns *set,
                                                  piiscan_engine **out, piiscan_error **error)
{
    if (error)
        *error = NULL;
    if (!set || set->magic != PII_PATTERNS_MAGIC || !out)
        return PIISCAN_E_INVALID;
    *out = NULL;
    size_t enabled = 0;
    for (size_t i = 0; i < set->n; i++)
        enabled += set->v[i].enabled != 0;
    if (enabled == 0) {
        if (error)
            *error = pii_error_new(NULL, 0, NULL, "no type is enabled");
        return PIISCAN_E_PATTERN;
    }
    piiscan_engine *e = calloc(1, sizeof *e);
    if (!e)
        return PIISCAN_E_NOMEM;
    e->magic = PII_ENGINE_MAGIC;
    e->p = calloc(enabled, sizeof *e->p);
    if (!e->p) {
        free(e);
        return PIISCAN_E_NOMEM;
    }
    piiscan_status st = PIISCAN_OK;
    for (size_t i = 0; i < set->n && st == PIISCAN_OK; i++) {
        const pii_pattern_def *d = &set->v[i];
        if (!d->enabled)
            continue;
        pii_engine_pattern *p = &e->p[e->n++];
        p->id = strdup(d->id);
        p->name = strdup(d->name ? d->name : d->id);
        p->det = pii_detector_find(d->validator ? d->validator : "none");
        p->trigger = d->trigger;
        p->trigger_digits = d->trigger_digits;
        p->trigger_group = d->trigger_group;
        {
            /* Bits G..H of the window's group-length mask (bit 63: 63 or more). */
            unsigned lo = d->trigger_group ? d->trigger_group : 1;
            unsigned hi = d->trigger_group_max ? d->trigger_group_max : 63;
            if (lo > 63)
                lo = 63;
            if (hi > 63)
                hi = 63;
            p->group_mask = 0;
            for (unsigned b = lo; b <= hi; b++)
                p->group_mask |= (uint64_t)1 << b;
            if (!d->trigger_group_max)
                p->group_mask |= (uint64_t)1 << 63;
        }
        p->trigger_prefix = d->trigger_prefix;
        if (d->trigger == PII_TRIGGER_DIGITS) {
            p->nshape = d->nshape;
            memcpy(p->shape, d->shape, sizeof d->shape);
        }
        p->ctx_before = d->ctx_before;
        p->ctx_after = d->ctx_after;
        p->ctx_required = d->ctx_required;
        p->confidence = d->confidence;
        if (!p->id || !p->name) {
            st = PIISCAN_E_NOMEM;
            break;
        }
        if (!p->det) {
            if (error)
                *error = pii_error_new(d->source, d->line, d->id, "[%s] unknown validator", d->id);
            st = PIISCAN_E_PATTERN;
            break;
        }
        const char *bad = NULL;
        char *ex = pii_regex_expand(d->regex, &bad);
        if (!ex) {
            st = bad ? PIISCAN_E_PATTERN : PIISCAN_E_NOMEM;
            if (bad && error)
                *error = pii_error_new(d->source, d->line, d->id, "[%s] unknown macro", d->id);
            break;
        }
        p->starts_with_lb = lb_guards_every_match(d->regex);
        p->lb_extra = p->starts_with_lb && lb_lookbehinds(d->regex, p->lb_not_after, p->lb_digit_then);
        /* next_start() looks up the byte before a start once: {{LB}}'s
         * ASCII letters join the lookbehinds' bytes. */
        for (unsigned c = 'A'; c <= 'z'; c++)
            if (c <= 'Z' || c >= 'a')
                set_bit(p->lb_not_after, c);
        p->lead = d->trigger == PII_TRIGGER_DIGITS ? d->lead : 0;
        /* Patterns with the same regex (kr_rrn and kr_frn) share search
         * results within a scan call; see the scratch's memo. */
        p->re_group = (uint32_t)(e->n - 1);
        for (size_t q = 0; q + 1 < e->n; q++) {
            const pii_pattern_def *dq = NULL;
            for (size_t r = 0; r < set->n; r++)
                if (set->v[r].enabled && !strcmp(set->v[r].id, e->p[q].id))
                    dq = &set->v[r];
            if (dq && !strcmp(dq->regex, d->regex)) {
                p->re_group = (uint32_t)q;
                break;
            }
        }
        p->re = compile_jit(ex, 0, error, d, "regex");
        free(ex);
        if (!p->re) {
            st = PIISCAN_E_PATTERN;
            break;
        }
        size_t jit_size = 0;
        p->jit = pcre2_pattern_info(p->re, PCRE2_INFO_JITSIZE, &jit_size) == 0 && jit_size > 0;
        {
            uint32_t ft = 0;
            const uint8_t *bm = NULL;
            pcre2_pattern_info(p->re, PCRE2_INFO_FIRSTCODETYPE, &ft);
            pcre2_pattern_info(p->re, PCRE2_INFO_FIRSTBITMAP, &bm);
            if (ft == 1) {
                uint32_t cu = 0;
                pcre2_pattern_info(p->re, PCRE2_INFO_FIRSTCODEUNIT, &cu);
                memset(p->startmap, 0, sizeof p->startmap);
                p->startmap[(cu & 0xFF) >> 3] |= (uint8_t)(1u << (cu & 7));
                p->has_startmap = 1;
            } else if (ft == 0 && bm) {
                memcpy(p->startmap, bm, sizeof p->startmap);
                p->has_startmap = 1;
            }
        }
        if (d->context) {
            int k = pii_keywords_add(&e->kw, d->context, (unsigned)(e->n - 1));
            if (k < 0) {
                st = PIISCAN_E_NOMEM;
                break;
            }
            p->has_keywords = k > 0;
            /* A keyword-triggered type's keywords also in a set of their
             * own: the page is searched for those few, not for all. */
            if (d->trigger == PII_TRIGGER_KEYWORD &&
                pii_keywords_add(&e->kwtrig, d->context, (unsigned)(e->n - 1)) < 0) {
                st = PIISCAN_E_NOMEM;
                break;
            }
        }
        p->ctx_not_before = d->ctx_not_before;
        if (d->context_not) {
            int k = pii_keywords_add(&e->veto, d->context_not, (unsigned)(e->n - 1));
            if (k < 0) {
                st = PIISCAN_E_NOMEM;
                break;
            }
            p->has_veto = k > 0;
        }
        if (p->trigger == PII_TRIGGER_DIGITS) {
            if (e->min_digits == 0 || p->trigger_digits < e->min_digits)
                e->min_digits = p->trigger_digits;
            if (p->trigger_digits > e->sat_digits)
                e->sat_digits = p->trigger_digits;
        } else if (p->trigger == PII_TRIGGER_AT) {
            e->has_at = 1;
        } else if (p->trigger == PII_TRIGGER_KEYWORD) {
            e->has_keyword = 1;
        } else {
            e->has_always = 1;
        }
        if (p->ctx_before > e->max_ctx_before)
            e->max_ctx_before = p->ctx_before;
        if (p->ctx_after > e->max_ctx_after)
            e->max_ctx_after = p->ctx_after;
    }
    if (st != PIISCAN_OK) {
        piiscan_engine_free(e);
        return st;
    }
    engine_band(e);
    pii_keywords_prepare(&e->kw);
    pii_keywords_prepare(&e->veto);
    pii_keywords_prepare(&e->kwtrig);
    for (size_t i = 0; i < e->n; i++) {
        const pii_engine_pattern *p = &e->p[i];
        if (p->trigger != PII_TRIGGER_DIGITS)
            continue;
        size_t t = e->trig_ndig++;
        if (t >= 64)
            continue;
        for (unsigned c = p->trigger_digits; c <= 64; c++)
            e->trig_count_on[c] |= (uint64_t)1 << t;
        for (unsigned l = 0; l < 64; l++)
            if (p->group_mask & ((uint64_t)1 << l))
                e->trig_group_on[l] |= (uint64_t)1 << t;
        if (p->group_mask)
            e->trig_group_any |= (uint64_t)1 << t;
    }
    e->trig_bits = e->trig_ndig <= 64;
    for (size_t i = 0; i < e->n; i++)
        if (e->p[i].re_group != i)
            e->p[i].re_shared = e->p[e->p[i].re_group].re_shared = 1;
    *out = e;
    return PIISCAN_OK;
}

PIISCAN_API piiscan_status piiscan_engine_compile_default(piiscan_engine **out)
{
    if (!out)
        return PIISCAN_E_INVALID;
    piiscan_patterns *set = NULL;
    piiscan_status st = piiscan_patterns_new_default(&set);
    if (st == PIISCAN_OK)
        st = piiscan_engine_compile(set, out, NULL);
    piiscan_patterns_free(set);
    return st;
}

PIISCAN_API size_t piiscan_engine_type_count(const piiscan_engine *engine)
{
    return (engine && engine->magic == PII_ENGINE_MAGIC) ? engine->n : 0;
}

PIISCAN_API const char *piiscan_engine_type_id(const piiscan_engine *engine, size_t i)
{
    if (!engine || engine->magic != PII_ENGINE_MAGIC || i >= engine->n)
        return NULL;
    return engine->p[i].id;
}
