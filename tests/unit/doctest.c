/* doctest.c -- helpers of the document-format tests (PDF, e-mail):
 * collecting what an extraction or file scan reports, fixture paths,
 * whitespace-insensitive text comparison, and the check of the shared
 * conformance manifest (../shared/fixtures/manifest.json). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctest.h"
#include "piiscan.h"
#include "testutil.h"

/* ---- collecting what a file scan or extraction reports ------------------- */
void grow_append(char **p, size_t *n, size_t *cap, const char *s, size_t len)
{
    if (*n + len + 1 > *cap) {
        size_t c = *cap ? *cap : 1024;
        while (c < *n + len + 1)
            c *= 2;
        *p = realloc(*p, c);
        cr_assert_not_null(*p);
        *cap = c;
    }
    memcpy(*p + *n, s, len);
    *n += len;
    (*p)[*n] = '\0';
}

int on_text(const char *path, const char *text, size_t len, void *user)
{
    col *c = user;
    /* the document's own text: its path, or one of its parts ("x.pdf#page 2") */
    size_t tl = strlen(c->top);
    if (!strncmp(path, c->top, tl) && (path[tl] == 0 || path[tl] == '#'))
        grow_append(&c->text, &c->n, &c->cap, text, len);
    grow_append(&c->all, &c->an, &c->acap, text, len);
    return PIISCAN_CONTINUE;
}

int on_file(const piiscan_file_report *r, void *user)
{
    col *c = user;
    if (c->nrep < sizeof c->rep / sizeof *c->rep) {
        trep *t = &c->rep[c->nrep++];
        snprintf(t->path, sizeof t->path, "%s", r->path ? r->path : "");
        snprintf(t->format, sizeof t->format, "%s", r->format ? r->format : "");
        snprintf(t->reason, sizeof t->reason, "%s", r->reason ? r->reason : "");
        t->status = r->status;
        t->depth = r->depth;
    }
    return PIISCAN_CONTINUE;
}

int on_finding(const piiscan_finding *f, void *user)
{
    col *c = user;
    if (c->nf < sizeof c->f / sizeof *c->f) {
        snprintf(c->f[c->nf].type, sizeof c->f[c->nf].type, "%s", f->type);
        snprintf(c->f[c->nf].path, sizeof c->f[c->nf].path, "%s", f->path ? f->path : "");
        c->nf++;
    }
    return PIISCAN_CONTINUE;
}

void col_free(col *c)
{
    free(c->text);
    free(c->all);
    memset(c, 0, sizeof *c);
}

static char fixture_path[1024];

const char *fixture(const char *rel)
{
    snprintf(fixture_path, sizeof fixture_path, "%s/%s", PII_FIXTURE_DIR, rel);
    return fixture_path;
}

/* Extracts the text of a fixture (and its members) with default options. */
void extract(const char *rel, col *c)
{
    memset(c, 0, sizeof *c);
    c->top = fixture(rel);
    int st = piiscan_extract_text_file(c->top, NULL, on_text, on_file, c);
    cr_assert_eq(st, PIISCAN_OK, "%s: %s", rel, piiscan_strerror(st));
    if (!c->text)
        grow_append(&c->text, &c->n, &c->cap, "", 0);
    if (!c->all)
        grow_append(&c->all, &c->an, &c->acap, "", 0);
}

/* Scans a fixture with the default engine; opts may be NULL. */
void scan_opts(const char *path, const piiscan_options *opts, col *c)
{
    memset(c, 0, sizeof *c);
    c->top = path;
    piiscan_scratch *s = NULL;
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), &s), PIISCAN_OK);
    int st = piiscan_scan_file(t_default_engine(), path, opts, s, on_finding, on_file, c);
    piiscan_scratch_free(s);
    cr_assert_eq(st, PIISCAN_OK, "%s: %s", path, piiscan_strerror(st));
}

void scan(const char *rel, col *c) { scan_opts(fixture(rel), NULL, c); }

const trep *report_of(const col *c, const char *path)
{
    for (size_t i = 0; i < c->nrep; i++)
        if (!strcmp(c->rep[i].path, path))
            return &c->rep[i];
    return NULL;
}

const trep *top_report(const col *c)
{
    const trep *r = report_of(c, c->top);
    cr_assert_not_null(r, "no report for %s", c->top);
    return r;
}

int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* Findings of `type` whose path ends with `suffix` ("" for any path). */
size_t count_found(const col *c, const char *type, const char *suffix)
{
    size_t k = 0;
    for (size_t i = 0; i < c->nf; i++)
        if (!strcmp(c->f[i].type, type) && ends_with(c->f[i].path, suffix))
            k++;
    return k;
}

/* s with every ASCII whitespace removed (malloc'd). */
char *no_space(const char *s)
{
    char *o = malloc(strlen(s) + 1), *q = o;
    cr_assert_not_null(o);
    for (; *s; s++)
        if (!strchr(" \t\r\n\f\v", *s))
            *q++ = *s;
    *q = '\0';
    return o;
}

/* s with each run of whitespace made one space, trimmed (malloc'd). */
char *collapse_space(const char *s)
{
    char *o = malloc(strlen(s) + 1), *q = o;
    cr_assert_not_null(o);
    int sp = 0;
    for (; *s; s++) {
        if (strchr(" \t\r\n\f\v", *s)) {
            sp = q != o;
        } else {
            if (sp)
                *q++ = ' ';
            sp = 0;
            *q++ = *s;
        }
    }
    *q = '\0';
    return o;
}

/* ---- manifest.json of the shared fixtures: a small JSON reader ------------ */
typedef struct jv {
    int type; /* 'o' object, 'a' array, 's' string, 'n' other scalar */
    char *s;  /* string value */
    struct jv *v;
    char **k; /* object keys */
    size_t n;
} jv;

static const char *jws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return p;
}

static void put_utf8(char **q, unsigned c)
{
    char *o = *q;
    if (c < 0x80) {
        *o++ = (char)c;
    } else if (c < 0x800) {
        *o++ = (char)(0xC0 | c >> 6);
        *o++ = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *o++ = (char)(0xE0 | c >> 12);
        *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
    } else {
        *o++ = (char)(0xF0 | c >> 18);
        *o++ = (char)(0x80 | ((c >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
    }
    *q = o;
}

static const char *jstring(const char *p, char **out)
{
    /* p at the opening quote; the result is never longer than the source */
    const char *e = p + 1;
    char *o = malloc(strlen(p) + 1), *q = o;
    cr_assert_not_null(o);
    while (*e && *e != '"') {
        if (*e != '\\') {
            *q++ = *e++;
            continue;
        }
        e++;
        char c = *e++;
        if (c == 'n') *q++ = '\n';
        else if (c == 't') *q++ = '\t';
        else if (c == 'r') *q++ = '\r';
        else if (c == 'b') *q++ = '\b';
        else if (c == 'f') *q++ = '\f';
        else if (c == 'u') {
            unsigned u = (unsigned)strtoul((char[]){e[0], e[1], e[2], e[3], 0}, NULL, 16);
            e += 4;
            if (u >= 0xD800 && u < 0xDC00 && e[0] == '\\' && e[1] == 'u') {
                unsigned l = (unsigned)strtoul((char[]){e[2], e[3], e[4], e[5], 0}, NULL, 16);
                e += 6;
                u = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
            }
            put_utf8(&q, u);
        } else *q++ = c;
    }
    *q = '\0';
    *out = o;
    return *e ? e + 1 : e;
}

static const char *jparse(const char *p, jv *v)
{
    memset(v, 0, sizeof *v);
    p = jws(p);
    if (*p == '{' || *p == '[') {
        int obj = *p == '{';
        v->type = obj ? 'o' : 'a';
        p = jws(p + 1);
        while (*p && *p != (obj ? '}' : ']')) {
            v->v = realloc(v->v, (v->n + 1) * sizeof *v->v);
            v->k = realloc(v->k, (v->n + 1) * sizeof *v->k);
            v->k[v->n] = NULL;
            if (obj) {
                p = jstring(jws(p), &v->k[v->n]);
                p = jws(p);
                if (*p == ':')
                    p++;
            }
            p = jparse(p, &v->v[v->n]);
            v->n++;
            p = jws(p);
            if (*p == ',')
                p = jws(p + 1);
        }
        return *p ? p + 1 : p;
    }
    if (*p == '"') {
        v->type = 's';
        return jstring(p, &v->s);
    }
    v->type = 'n';
    while (*p && *p != ',' && *p != '}' && *p != ']')
        p++;
    return p;
}

static const jv *jget(const jv *o, const char *key)
{
    if (!o || o->type != 'o')
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (o->k[i] && !strcmp(o->k[i], key))
            return &o->v[i];
    return NULL;
}

static void jfree(jv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        jfree(&v->v[i]);
        if (v->k)
            free(v->k[i]);
    }
    free(v->v);
    free(v->k);
    free(v->s);
}

/* Loads the manifest; 0 when the shared fixtures are not there. */
static int manifest_load(jv *root)
{
    size_t len = 0;
    char *txt = t_read_file(PII_SHARED_FIXTURES "/manifest.json", &len);
    if (!txt)
        return 0;
    char *z = realloc(txt, len + 1);
    cr_assert_not_null(z);
    z[len] = '\0';
    jparse(z, root);
    free(z);
    return 1;
}

/* Checks every manifest entry whose file starts with `prefix` and ends with
 * `suffix`: status "ok" -> the file's report is OK and the extracted text
 * holds every must_contain snippet (whitespace collapsed, or removed when
 * `nows`); status "encrypted" -> the report says ENCRYPTED and no text.
 * Returns the number of entries checked. */
size_t check_manifest(const char *prefix, const char *suffix, int nows)
{
    jv root;
    if (!manifest_load(&root))
        return 0;
    const jv *files = jget(&root, "files");
    cr_assert(files && files->type == 'a', "manifest.json has no files array");
    size_t checked = 0;
    for (size_t i = 0; i < files->n; i++) {
        const jv *e = &files->v[i];
        const jv *file = jget(e, "file"), *status = jget(e, "status"), *mc = jget(e, "must_contain");
        if (!file || file->type != 's' || strncmp(file->s, prefix, strlen(prefix)) != 0 ||
            !ends_with(file->s, suffix))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", PII_SHARED_FIXTURES, file->s);
        col c;
        memset(&c, 0, sizeof c);
        c.top = path;
        cr_assert_eq(piiscan_extract_text_file(path, NULL, on_text, on_file, &c), PIISCAN_OK, "%s",
                     file->s);
        const trep *r = top_report(&c);
        if (!strcmp(status->s, "encrypted")) {
            cr_expect_eq(r->status, PIISCAN_FILE_ENCRYPTED, "%s: status %d (%s)", file->s,
                         r->status, r->reason);
            cr_expect_eq(c.n, 0, "%s: encrypted but text came out", file->s);
        } else if (!strcmp(status->s, "ok")) {
            cr_expect_eq(r->status, PIISCAN_FILE_OK, "%s: status %d (%s)", file->s, r->status,
                         r->reason);
            char *have = nows ? no_space(c.all ? c.all : "") : collapse_space(c.all ? c.all : "");
            for (size_t k = 0; mc && k < mc->n; k++) {
                char *want = nows ? no_space(mc->v[k].s) : collapse_space(mc->v[k].s);
                cr_expect(strstr(have, want) != NULL, "%s: snippet %zu of must_contain missing",
                          file->s, k);
                free(want);
            }
            free(have);
        }
        col_free(&c);
        checked++;
    }
    jfree(&root);
    return checked;
}
