/* patternset.c -- piiscan_patterns: the pattern-file parser and builder.
 *
 * A load works on a deep copy of the set and replaces the set only when every
 * touched section is valid, so a bad file leaves the set unchanged.  Regexes
 * are compiled once here purely to report errors with their file and line;
 * the engine compiles them again (with JIT) from the stored text. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "patternset.h"

#include <ctype.h>
#include <errno.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "default_patterns.h"
#include "detect/detect.h"
#include "engine.h"
#include "scan/prefilter.h"

/* ---- macros -------------------------------------------------------------- */

/* Byte-mode building blocks for Korean text: full-width digits are
 * EF BC 90..99, the dash family is U+2010..2015, U+2212, U+FF0D, U+30FC, mask
 * symbols are ● U+25CF, ○ U+25CB, ＊ U+FF0A, × U+00D7.  Keep in sync with the
 * normaliser (lib/detect/candidate.c) and the prefilter (lib/scan/prefilter.c).
 * The groups are atomic: no alternative is a prefix of another (they differ
 * in their first or second byte), so at most one can match at a position and
 * atomicity changes no match, but PCRE2 then keeps no backtracking point
 * for each repetition ({{MDIGIT}}{12,18}). */
static const struct {
    const char *name;
    const char *expansion;
} regex_macros[] = {
    {"DIGIT", "(?>[0-9]|\\xEF\\xBC[\\x90-\\x99])"},
    {"MDIGIT", "(?>[0-9*#xX]|\\xEF\\xBC[\\x90-\\x99\\x8A]|\\xE2\\x97[\\x8B\\x8F]|\\xC3\\x97)"},
    {"DASH", "(?>-|\\xE2\\x80[\\x90-\\x95]|\\xE2\\x88\\x92|\\xEF\\xBC\\x8D|\\xE3\\x83\\xBC)"},
    {"SP", "(?>\\x20|\\xC2\\xA0|\\xE3\\x80\\x80)"},
    {"SEP", "(?>[-.\\x20]|\\xE2\\x80[\\x90-\\x95]|\\xE2\\x88\\x92|\\xEF\\xBC\\x8D|\\xE3\\x83\\xBC|"
            "\\xC2\\xA0|\\xE3\\x80\\x80)"},
    {"LB", "(?<![0-9A-Za-z]|\\xEF\\xBC[\\x90-\\x99])"},
    {"RB", "(?![0-9A-Za-z]|\\xEF\\xBC[\\x90-\\x99])"},
};

char *pii_regex_expand(const char *regex, const char **bad_macro)
{
    size_t cap = strlen(regex) + 1, len = 0;
    for (const char *p = regex; (p = strstr(p, "{{")) != NULL; p += 2)
        cap += 128; /* every expansion is shorter than 128 bytes */
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = regex; *p;) {
        if (p[0] == '{' && p[1] == '{') {
            const char *end = strstr(p + 2, "}}");
            size_t i, n = end ? (size_t)(end - (p + 2)) : 0;
            for (i = 0; end && i < sizeof regex_macros / sizeof regex_macros[0]; i++)
                if (strlen(regex_macros[i].name) == n && memcmp(regex_macros[i].name, p + 2, n) == 0)
                    break;
            if (!end || i == sizeof regex_macros / sizeof regex_macros[0]) {
                if (bad_macro)
                    *bad_macro = p;
                free(out);
                return NULL;
            }
            size_t el = strlen(regex_macros[i].expansion);
            memcpy(out + len, regex_macros[i].expansion, el);
            len += el;
            p = end + 2;
        } else {
            out[len++] = *p++;
        }
    }
    out[len] = 0;
    return out;
}

/* ---- errors ----------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

piiscan_error *pii_error_new(const char *source, unsigned line, const char *type, const char *fmt,
                             ...)
{
    piiscan_error *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    e->message = strdup(msg);
    e->source = dup_or_null(source);
    e->type = dup_or_null(type);
    e->line = line;
    return e;
}

PIISCAN_API void piiscan_error_free(piiscan_error *error)
{
    if (!error)
        return;
    free(error->message);
    free(error->source);
    free(error->type);
    free(error);
}

/* ---- the set ---------------------------------------------------------------- */

static void def_free(pii_pattern_def *d)
{
    free(d->name);
    free(d->regex);
    free(d->validator);
    free(d->context);
    free(d->context_not);
    free(d->source);
}

static int def_copy(pii_pattern_def *dst, const pii_pattern_def *src)
{
    *dst = *src;
    dst->name = dup_or_null(src->name);
    dst->regex = dup_or_null(src->regex);
    dst->validator = dup_or_null(src->validator);
    dst->context = dup_or_null(src->context);
    dst->context_not = dup_or_null(src->context_not);
    dst->source = dup_or_null(src->source);
    if ((src->name && !dst->name) || (src->regex && !dst->regex) ||
        (src->validator && !dst->validator) || (src->context && !dst->context) ||
        (src->context_not && !dst->context_not) ||
        (src->source && !dst->source)) {
        def_free(dst);
        return -1;
    }
    return 0;
}

static void set_clear(piiscan_patterns *s)
{
    for (size_t i = 0; i < s->n; i++)
        def_free(&s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static int set_copy(piiscan_patterns *dst, const piiscan_patterns *src)
{
    memset(dst, 0, sizeof *dst);
    dst->magic = PII_PATTERNS_MAGIC;
    if (src->n == 0)
        return 0;
    dst->v = calloc(src->n, sizeof *dst->v);
    if (!dst->v)
        return -1;
    dst->cap = src->n;
    for (size_t i = 0; i < src->n; i++) {
        if (def_copy(&dst->v[i], &src->v[i]) != 0) {
            set_clear(dst);
            return -1;
        }
        dst->n++;
    }
    return 0;
}

static pii_pattern_def *set_find(piiscan_patterns *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].id, id) == 0)
            return &s->v[i];
    return NULL;
}

static pii_pattern_def *set_add(piiscan_patterns *s, const char *id)
{
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 16;
        pii_pattern_def *nv = realloc(s->v, ncap * sizeof *nv);
        if (!nv)
            return NULL;
        s->v = nv;
        s->cap = ncap;
    }
    pii_pattern_def *d = &s->v[s->n++];
    memset(d, 0, sizeof *d);
    snprintf(d->id, sizeof d->id, "%s", id);
    d->trigger = PII_TRIGGER_ALWAYS;
    d->trigger_prefix = PII_WINDOW_PRE;
    d->ctx_before = 64;
    d->ctx_after = 32;
    d->ctx_not_before = 24;
    d->confidence = PIISCAN_CONF_MEDIUM;
    d->enabled = 1;
    return d;
}

/* ---- parsing -------------------------------------------------------------- */

typedef struct parse_state {
    const char *source;
    unsigned line;
    piiscan_error **error;
} parse_state;

#define PARSE_FAIL(ps, type, ...)                                                                  \
    do {                                                                                           \
        if ((ps)->error)                                                                           \
            *(ps)->error = pii_error_new((ps)->source, (ps)->line, (type), __VA_ARGS__);          \
        return PIISCAN_E_PATTERN;                                                                  \
    } while (0)

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

static int parse_yesno(const char *v)
{
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
        return 1;
    if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
        return 0;
    return -1;
}

static int parse_uint(const char *v, unsigned max, unsigned *out)
{
    if (!*v)
        return -1;
    char *end;
    errno = 0;
    unsigned long x = strtoul(v, &end, 10);
    if (errno || *end || x > max || *v == '-')
        return -1;
    *out = (unsigned)x;
    return 0;
}

/* Sets or appends (+=) a string field, bounded by PII_MAX_VALUE. */
static int set_string(char **field, const char *v, int append)
{
    size_t old = (append && *field) ? strlen(*field) : 0;
    size_t n = strlen(v);
    if (old + n > PII_MAX_VALUE)
        return -2;
    char *s = malloc(old + n + 1);
    if (!s)
        return -1;
    if (old)
        memcpy(s, *field, old);
    memcpy(s + old, v, n + 1);
    free(*field);
    *field = s;
    return 0;
}

static piiscan_status apply_key(parse_state *ps, pii_pattern_def *d, const char *key, char *val,
                                int append)
{
    unsigned u;
    int r = 0;
    if (append && strcmp(key, "regex") && strcmp(key, "context") && strcmp(key, "context_not") &&
        strcmp(key, "name"))
        PARSE_FAIL(ps, d->id, "'+=' is only allowed for regex, context, context_not and name");
    if (!strcmp(key, "name")) {
        r = set_string(&d->name, val, append);
    } else if (!strcmp(key, "regex")) {
        r = set_string(&d->regex, val, append);
        if (r == 0) {
            free(d->source);
            d->source = ps->source ? strdup(ps->source) : NULL;
            d->line = ps->line;
            /* A shape or a lead describes one regex: a new one starts
             * without them. */
            if (!append) {
                d->nshape = 0;
                d->lead = 0;
            }
        }
    } else if (!strcmp(key, "shape")) {
        /* "13 | 6+7": alternatives of group lengths that must all be there. */
        unsigned ns = 0;
        uint64_t sh[PII_MAX_SHAPES];
        for (char *alt = val, *bar; alt; alt = bar) {
            if ((bar = strchr(alt, '|')) != NULL)
                *bar++ = 0;
            if (ns == PII_MAX_SHAPES)
                PARSE_FAIL(ps, d->id, "shape: at most %d alternatives", PII_MAX_SHAPES);
            sh[ns] = 0;
            for (char *len = alt, *plus; len; len = plus) {
                if ((plus = strchr(len, '+')) != NULL)
                    *plus++ = 0;
                if (parse_uint(trim(len), 64, &u) || u == 0)
                    PARSE_FAIL(ps, d->id, "shape: group lengths 1..64, joined by + and |");
                sh[ns] |= (uint64_t)1 << (u < 63 ? u : 63);
            }
            ns++;
        }
        memcpy(d->shape, sh, sizeof sh[0] * ns);
        d->nshape = ns;
    } else if (!strcmp(key, "lead")) {
        /* "4": a match that starts with a digit or mask starts with 4. */
        if (parse_uint(val, 64, &u) || u == 0)
            PARSE_FAIL(ps, d->id, "lead: a number of members, 1..64");
        d->lead = u;
    } else if (!strcmp(key, "validator")) {
        if (!pii_detector_find(val))
            PARSE_FAIL(ps, d->id, "unknown validator '%s'", val);
        r = set_string(&d->validator, val, 0);
    } else if (!strcmp(key, "trigger")) {
        if (!strcmp(val, "always")) {
            d->trigger = PII_TRIGGER_ALWAYS;
        } else if (!strcmp(val, "at")) {
            d->trigger = PII_TRIGGER_AT;
        } else if (!strcmp(val, "keyword")) {
            d->trigger = PII_TRIGGER_KEYWORD;
        } else if (!strncmp(val, "digits", 6) && (val[6] == ' ' || val[6] == '\t')) {
            /* "digits N [group G] [prefix B]", keywords in that order. */
            char *rest = trim(val + 6), *g = strstr(rest, "group"), *b = strstr(rest, "prefix");
            unsigned gv = 0, bv = PII_WINDOW_PRE;
            if (b) {
                if (b[6] != ' ' && b[6] != '\t')
                    PARSE_FAIL(ps, d->id, "trigger: 'prefix B' needs B in 0..%d", PII_WINDOW_PRE);
                *b = 0;
                if (parse_uint(trim(b + 6), PII_WINDOW_PRE, &bv))
                    PARSE_FAIL(ps, d->id, "trigger: 'prefix B' needs B in 0..%d", PII_WINDOW_PRE);
            }
            unsigned gmax = 0;
            if (g) {
                if (g[5] != ' ' && g[5] != '\t')
                    PARSE_FAIL(ps, d->id, "trigger: 'group G' needs G in 1..64");
                *g = 0;
                char *gs = trim(g + 5), *dash = strchr(gs, '-');
                if (dash) {
                    *dash = 0;
                    if (parse_uint(trim(dash + 1), 64, &gmax) || gmax == 0)
                        PARSE_FAIL(ps, d->id, "trigger: 'group G-H' needs G <= H in 1..64");
                }
                if (parse_uint(trim(gs), 64, &gv) || gv == 0 || (gmax && gmax < gv))
                    PARSE_FAIL(ps, d->id, "trigger: 'group G[-H]' needs G <= H in 1..64");
            }
            if (parse_uint(trim(rest), 64, &u) || u == 0)
                PARSE_FAIL(ps, d->id, "trigger: 'digits N' needs N in 1..64");
            if (gv > u)
                PARSE_FAIL(ps, d->id, "trigger: group G cannot exceed digits N");
            d->trigger = PII_TRIGGER_DIGITS;
            d->trigger_digits = u;
            d->trigger_group = gv;
            d->trigger_group_max = gmax;
            d->trigger_prefix = bv;
        } else {
            PARSE_FAIL(ps, d->id,
                       "trigger must be 'digits N [group G[-H]] [prefix B]', 'at', 'keyword' or 'always'");
        }
    } else if (!strcmp(key, "context")) {
        r = set_string(&d->context, val, append);
    } else if (!strcmp(key, "context_not")) {
        r = set_string(&d->context_not, val, append);
    } else if (!strcmp(key, "context_not_before")) {
        if (parse_uint(val, PII_MAX_CONTEXT_WINDOW, &u))
            PARSE_FAIL(ps, d->id, "%s must be 0..%d", key, PII_MAX_CONTEXT_WINDOW);
        d->ctx_not_before = u;
    } else if (!strcmp(key, "context_before") || !strcmp(key, "context_after")) {
        if (parse_uint(val, PII_MAX_CONTEXT_WINDOW, &u))
            PARSE_FAIL(ps, d->id, "%s must be 0..%d", key, PII_MAX_CONTEXT_WINDOW);
        if (key[8] == 'b')
            d->ctx_before = u;
        else
            d->ctx_after = u;
    } else if (!strcmp(key, "context_required")) {
        int b = parse_yesno(val);
        if (b < 0)
            PARSE_FAIL(ps, d->id, "context_required must be yes or no");
        d->ctx_required = b;
    } else if (!strcmp(key, "enabled")) {
        int b = parse_yesno(val);
        if (b < 0)
            PARSE_FAIL(ps, d->id, "enabled must be yes or no");
        d->enabled = b;
    } else if (!strcmp(key, "confidence")) {
        if (!strcmp(val, "high"))
            d->confidence = PIISCAN_CONF_HIGH;
        else if (!strcmp(val, "medium"))
            d->confidence = PIISCAN_CONF_MEDIUM;
        else if (!strcmp(val, "low"))
            d->confidence = PIISCAN_CONF_LOW;
        else
            PARSE_FAIL(ps, d->id, "confidence must be high, medium or low");
    } else {
        PARSE_FAIL(ps, d->id, "unknown key '%s'", key);
    }
    if (r == -2)
        PARSE_FAIL(ps, d->id, "%s is longer than %d bytes", key, PII_MAX_VALUE);
    if (r)
        return PIISCAN_E_NOMEM;
    return PIISCAN_OK;
}

/* Compiles a definition's regex to report errors with file and line. */
static piiscan_status check_def(const pii_pattern_def *d, piiscan_error **error)
{
    const char *src = d->source;
    if (!d->regex)
        goto no_regex;
    if (d->trigger == PII_TRIGGER_KEYWORD && (!d->ctx_required || !d->context || !*d->context)) {
        /* Searched only near its keywords: without required ones it would
         * never be searched where it is reported. */
        if (error)
            *error = pii_error_new(src, d->line, d->id,
                                   "[%s] trigger = keyword needs context keywords and context_required = yes",
                                   d->id);
        return PIISCAN_E_PATTERN;
    }
    const char *bad = NULL;
    char *ex = pii_regex_expand(d->regex, &bad);
    if (!ex) {
        if (!bad)
            return PIISCAN_E_NOMEM;
        if (error)
            *error = pii_error_new(src, d->line, d->id,
                                   "[%s] regex: unknown macro at offset %d (known: DIGIT MDIGIT "
                                   "DASH SEP SP LB RB)",
                                   d->id, (int)(bad - d->regex));
        return PIISCAN_E_PATTERN;
    }
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)ex, PCRE2_ZERO_TERMINATED, PII_PCRE2_COMPILE_FLAGS,
                                   &ec, &eo, NULL);
    free(ex);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        if (error)
            *error = pii_error_new(src, d->line, d->id,
                                   "[%s] regex: PCRE2 error at offset %zu of the expanded pattern: %s",
                                   d->id, (size_t)eo, (const char *)msg);
        return PIISCAN_E_PATTERN;
    }
    uint32_t lb = 0;
    pcre2_pattern_info(re, PCRE2_INFO_MAXLOOKBEHIND, &lb);
    pcre2_code_free(re);
    if (lb > PII_MAX_LOOKBEHIND) {
        if (error)
            *error = pii_error_new(src, d->line, d->id,
                                   "[%s] regex: lookbehind of %u bytes exceeds the limit of %d",
                                   d->id, lb, PII_MAX_LOOKBEHIND);
        return PIISCAN_E_PATTERN;
    }
    return PIISCAN_OK;
no_regex:
    if (error)
        *error = pii_error_new(src, d->line, d->id, "[%s] a new type needs a regex", d->id);
    return PIISCAN_E_PATTERN;
}

static piiscan_status parse_into(piiscan_patterns *set, const char *text, size_t len,
                                 const char *source, piiscan_error **error)
{
    parse_state ps = {source, 0, error};
    pii_pattern_def *cur = NULL;
    unsigned char *touched = calloc(PII_MAX_TYPES + 1, 1);
    unsigned *section_line = calloc(PII_MAX_TYPES + 1, sizeof *section_line);
    char *line = malloc(PII_MAX_VALUE + 256);
    piiscan_status st = PIISCAN_OK;
    if (!touched || !line || !section_line) {
        st = PIISCAN_E_NOMEM;
        goto out;
    }
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        ps.line++;
        if (end - pos > PII_MAX_VALUE + 200) {
            if (error)
                *error = pii_error_new(source, ps.line, NULL, "line is too long");
            st = PIISCAN_E_PATTERN;
            goto out;
        }
        if (memchr(text + pos, 0, end - pos)) {
            if (error)
                *error = pii_error_new(source, ps.line, NULL, "NUL byte in pattern text");
            st = PIISCAN_E_PATTERN;
            goto out;
        }
        memcpy(line, text + pos, end - pos);
        line[end - pos] = 0;
        pos = end + 1;
        char *l = trim(line);
        if (!*l || *l == '#')
            continue;
        if (*l == '[') {
            char *close = strchr(l, ']');
            if (!close || *trim(close + 1)) {
                if (error)
                    *error = pii_error_new(source, ps.line, NULL, "bad section header");
                st = PIISCAN_E_PATTERN;
                goto out;
            }
            *close = 0;
            char *id = trim(l + 1);
            size_t n = strlen(id);
            int ok = n >= 1 && n <= PII_MAX_ID;
            for (size_t i = 0; ok && i < n; i++)
                ok = (id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
                     id[i] == '_';
            if (!ok) {
                if (error)
                    *error = pii_error_new(source, ps.line, NULL,
                                           "type id must be 1-%d characters of a-z, 0-9 and _",
                                           PII_MAX_ID);
                st = PIISCAN_E_PATTERN;
                goto out;
            }
            cur = set_find(set, id);
            if (!cur) {
                if (set->n >= PII_MAX_TYPES) {
                    if (error)
                        *error = pii_error_new(source, ps.line, id, "more than %d types",
                                               PII_MAX_TYPES);
                    st = PIISCAN_E_PATTERN;
                    goto out;
                }
                cur = set_add(set, id);
                if (!cur) {
                    st = PIISCAN_E_NOMEM;
                    goto out;
                }
                free(cur->source);
                cur->source = source ? strdup(source) : NULL;
                cur->line = ps.line;
            }
            touched[cur - set->v] = 1;
            section_line[cur - set->v] = ps.line;
            continue;
        }
        char *eq = strchr(l, '=');
        if (!eq) {
            if (error)
                *error = pii_error_new(source, ps.line, cur ? cur->id : NULL,
                                       "expected 'key = value'");
            st = PIISCAN_E_PATTERN;
            goto out;
        }
        int append = eq > l && eq[-1] == '+';
        *(append ? eq - 1 : eq) = 0;
        char *key = trim(l), *val = trim(eq + 1);
        if (!cur) {
            if (error)
                *error = pii_error_new(source, ps.line, NULL, "'%s' outside a [type] section", key);
            st = PIISCAN_E_PATTERN;
            goto out;
        }
        st = apply_key(&ps, cur, key, val, append);
        if (st != PIISCAN_OK)
            goto out;
    }
    for (size_t i = 0; i < set->n; i++) {
        if (!touched[i])
            continue;
        pii_pattern_def *d = &set->v[i];
        if (!d->regex) {
            if (error)
                *error = pii_error_new(source, section_line[i], d->id, "[%s] a new type needs a regex",
                                       d->id);
            st = PIISCAN_E_PATTERN;
            goto out;
        }
        st = check_def(d, error);
        if (st != PIISCAN_OK)
            goto out;
    }
out:
    free(touched);
    free(section_line);
    free(line);
    return st;
}

/* ---- public builder API ------------------------------------------------------ */

PIISCAN_API piiscan_status piiscan_patterns_new_empty(piiscan_patterns **out)
{
    if (!out)
        return PIISCAN_E_INVALID;
    *out = calloc(1, sizeof **out);
    if (!*out)
        return PIISCAN_E_NOMEM;
    (*out)->magic = PII_PATTERNS_MAGIC;
    return PIISCAN_OK;
}

PIISCAN_API piiscan_status piiscan_patterns_new_default(piiscan_patterns **out)
{
    piiscan_status st = piiscan_patterns_new_empty(out);
    if (st != PIISCAN_OK)
        return st;
    piiscan_error *err = NULL;
    st = piiscan_patterns_load_text(*out, pii_default_patterns, pii_default_patterns_len,
                                    "<embedded defaults>", &err);
    if (st != PIISCAN_OK) {
        /* The defaults are tested at build time; reaching this is a bug. */
        piiscan_error_free(err);
        piiscan_patterns_free(*out);
        *out = NULL;
        return st == PIISCAN_E_NOMEM ? st : PIISCAN_E_INTERNAL;
    }
    return PIISCAN_OK;
}

PIISCAN_API piiscan_status piiscan_patterns_load_text(piiscan_patterns *set, const char *text,
                                                      size_t len, const char *source_name,
                                                      piiscan_error **error)
{
    if (error)
        *error = NULL;
    if (!set || set->magic != PII_PATTERNS_MAGIC || (!text && len))
        return PIISCAN_E_INVALID;
    piiscan_patterns work;
    if (set_copy(&work, set) != 0)
        return PIISCAN_E_NOMEM;
    piiscan_status st = parse_into(&work, text ? text : "", len, source_name, error);
    if (st != PIISCAN_OK) {
        set_clear(&work);
        return st;
    }
    set_clear(set);
    *set = work;
    return PIISCAN_OK;
}

/* Pattern files are small; anything bigger than this is not one. */
#define PII_MAX_PATTERN_FILE (4u << 20)

PIISCAN_API piiscan_status piiscan_patterns_load_file(piiscan_patterns *set, const char *path,
                                                      piiscan_error **error)
{
    if (error)
        *error = NULL;
    if (!set || set->magic != PII_PATTERNS_MAGIC || !path)
        return PIISCAN_E_INVALID;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        int e = errno;
        if (error)
            *error = pii_error_new(path, 0, NULL, "cannot open: %s", strerror(e));
        errno = e;
        return PIISCAN_E_IO;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    piiscan_status st = buf ? PIISCAN_OK : PIISCAN_E_NOMEM;
    while (st == PIISCAN_OK) {
        if (len == cap) {
            if (cap >= PII_MAX_PATTERN_FILE) {
                if (error)
                    *error = pii_error_new(path, 0, NULL, "larger than %u bytes",
                                           PII_MAX_PATTERN_FILE);
                st = PIISCAN_E_PATTERN;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                st = PIISCAN_E_NOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len, fp);
        len += n;
        if (n == 0) {
            if (ferror(fp)) {
                int e = errno;
                if (error)
                    *error = pii_error_new(path, 0, NULL, "read error: %s", strerror(e));
                st = PIISCAN_E_IO;
            }
            break;
        }
    }
    fclose(fp);
    if (st == PIISCAN_OK)
        st = piiscan_patterns_load_text(set, buf, len, path, error);
    free(buf);
    return st;
}

PIISCAN_API piiscan_status piiscan_patterns_enable(piiscan_patterns *set, const char *type,
                                                   int enabled)
{
    if (!set || set->magic != PII_PATTERNS_MAGIC || !type || (enabled != 0 && enabled != 1))
        return PIISCAN_E_INVALID;
    pii_pattern_def *d = set_find(set, type);
    if (!d)
        return PIISCAN_E_UNKNOWN_TYPE;
    d->enabled = enabled;
    return PIISCAN_OK;
}

PIISCAN_API piiscan_status piiscan_patterns_select(piiscan_patterns *set, const char *types)
{
    if (!set || set->magic != PII_PATTERNS_MAGIC || !types)
        return PIISCAN_E_INVALID;
    unsigned char *want = calloc(set->n + 1, 1);
    if (!want)
        return PIISCAN_E_NOMEM;
    const char *p = types;
    while (*p) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ')
            e++;
        if (e > p) {
            size_t i;
            for (i = 0; i < set->n; i++)
                if (strlen(set->v[i].id) == (size_t)(e - p) && !memcmp(set->v[i].id, p, e - p))
                    break;
            if (i == set->n) {
                free(want);
                return PIISCAN_E_UNKNOWN_TYPE;
            }
            want[i] = 1;
        }
        p = e;
    }
    for (size_t i = 0; i < set->n; i++)
        set->v[i].enabled = want[i];
    free(want);
    return PIISCAN_OK;
}

PIISCAN_API size_t piiscan_patterns_count(const piiscan_patterns *set)
{
    return (set && set->magic == PII_PATTERNS_MAGIC) ? set->n : 0;
}

PIISCAN_API piiscan_status piiscan_patterns_get(const piiscan_patterns *set, size_t index,
                                                const char **type, const char **name,
                                                int *enabled)
{
    if (!set || set->magic != PII_PATTERNS_MAGIC || index >= set->n)
        return PIISCAN_E_INVALID;
    const pii_pattern_def *d = &set->v[index];
    if (type)
        *type = d->id;
    if (name)
        *name = d->name ? d->name : d->id;
    if (enabled)
        *enabled = d->enabled;
    return PIISCAN_OK;
}

PIISCAN_API void piiscan_patterns_free(piiscan_patterns *set)
{
    if (!set || set->magic != PII_PATTERNS_MAGIC)
        return;
    set_clear(set);
    set->magic = 0;
    free(set);
}
