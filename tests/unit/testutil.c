/* testutil.c -- see testutil.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static piiscan_engine *default_engine;

const piiscan_engine *t_default_engine(void)
{
    if (!default_engine) {
        if (piiscan_engine_compile_default(&default_engine) != PIISCAN_OK) {
            fprintf(stderr, "testutil: default engine failed to compile\n");
            abort();
        }
    }
    return default_engine;
}

/* v with room for one more of n elements of `size` (doubling *cap). */
static void *grow(void *v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return v;
    *cap = *cap ? *cap * 2 : 16;
    v = realloc(v, *cap * size);
    if (!v)
        abort();
    return v;
}

static int collect(const piiscan_finding *f, void *user)
{
    tfindings *out = user;
    out->v = grow(out->v, out->n, &out->cap, sizeof *out->v);
    tfinding *t = &out->v[out->n++];
    memset(t, 0, sizeof *t);
    snprintf(t->type, sizeof t->type, "%s", f->type);
    t->offset = f->offset;
    t->length = f->length;
    t->line = f->line;
    t->masked = f->masked;
    t->validation = f->validation;
    t->confidence = f->confidence;
    snprintf(t->display, sizeof t->display, "%s", f->display);
    return PIISCAN_CONTINUE;
}

int t_scan(const piiscan_engine *e, const piiscan_options *o, const void *data, size_t len,
           tfindings *out)
{
    piiscan_scratch *s = NULL;
    int st = piiscan_scratch_alloc(e, &s);
    if (st != PIISCAN_OK)
        return st;
    st = piiscan_scan(e, data, len, o, s, collect, out);
    piiscan_scratch_free(s);
    return st;
}

int t_scan_split(const piiscan_engine *e, const piiscan_options *o, const void *data, size_t len,
                 const size_t *cuts, size_t ncuts, tfindings *out)
{
    piiscan_scratch *s = NULL;
    piiscan_stream *str = NULL;
    int st = piiscan_scratch_alloc(e, &s);
    if (st == PIISCAN_OK)
        st = piiscan_stream_open(e, o, &str);
    size_t pos = 0;
    for (size_t i = 0; st == PIISCAN_OK && i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        if (end < pos)
            end = pos;
        st = piiscan_stream_feed(str, (const char *)data + pos, end - pos, s, collect, out);
        pos = end;
    }
    if (st == PIISCAN_OK)
        st = piiscan_stream_finish(str, s, collect, out);
    piiscan_stream_free(str);
    piiscan_scratch_free(s);
    return st;
}

int t_scan_chunked(const piiscan_engine *e, const piiscan_options *o, const void *data,
                   size_t len, size_t chunk, tfindings *out)
{
    if (chunk == 0)
        chunk = 1;
    size_t ncuts = len / chunk;
    size_t *cuts = malloc((ncuts + 1) * sizeof *cuts);
    size_t k = 0;
    for (size_t p = chunk; p < len; p += chunk)
        cuts[k++] = p;
    int st = t_scan_split(e, o, data, len, cuts, k, out);
    free(cuts);
    return st;
}

int t_scan_str(const char *s, tfindings *out)
{
    return t_scan(t_default_engine(), NULL, s, strlen(s), out);
}

size_t t_count_type(const tfindings *f, const char *type)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += strcmp(f->v[i].type, type) == 0;
    return n;
}

const tfinding *t_first_type(const tfindings *f, const char *type)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i].type, type) == 0)
            return &f->v[i];
    return NULL;
}

int t_same(const tfindings *a, const tfindings *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const tfinding *x = &a->v[i], *y = &b->v[i];
        if (strcmp(x->type, y->type) || x->offset != y->offset || x->length != y->length ||
            x->line != y->line || x->masked != y->masked || x->validation != y->validation ||
            x->confidence != y->confidence || strcmp(x->display, y->display))
            return 0;
    }
    return 1;
}

void t_dump(const char *label, const tfindings *f)
{
    fprintf(stderr, "%s: %zu findings\n", label, f->n);
    for (size_t i = 0; i < f->n; i++)
        fprintf(stderr, "  %s @%llu+%llu line %llu %s%s v%d c%d\n", f->v[i].type,
                (unsigned long long)f->v[i].offset, (unsigned long long)f->v[i].length,
                (unsigned long long)f->v[i].line, f->v[i].display,
                f->v[i].masked ? " (masked)" : "", f->v[i].validation, f->v[i].confidence);
}

void t_free(tfindings *f)
{
    free(f->v);
    f->v = NULL;
    f->n = f->cap = 0;
}

char *t_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = 0;
    fclose(fp);
    if (len)
        *len = (size_t)n;
    return buf;
}

/* ---- file scans ---------------------------------------------------------------- */

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static int fs_on_finding(const piiscan_finding *f, void *user)
{
    tfilescan *s = user;
    s->f = grow(s->f, s->nf, &s->capf, sizeof *s->f);
    tfile_finding *t = &s->f[s->nf++];
    copy_str(t->path, sizeof t->path, f->path);
    copy_str(t->type, sizeof t->type, f->type);
    t->offset = f->offset;
    t->length = f->length;
    t->line = f->line;
    t->masked = f->masked;
    t->validation = f->validation;
    t->confidence = f->confidence;
    return PIISCAN_CONTINUE;
}

static int fs_on_file(const piiscan_file_report *r, void *user)
{
    tfilescan *s = user;
    s->r = grow(s->r, s->nr, &s->capr, sizeof *s->r);
    treport *t = &s->r[s->nr++];
    copy_str(t->path, sizeof t->path, r->path);
    copy_str(t->format, sizeof t->format, r->format);
    copy_str(t->reason, sizeof t->reason, r->reason);
    t->status = r->status;
    t->depth = r->depth;
    t->findings = r->findings;
    t->text_bytes = r->text_bytes;
    return PIISCAN_CONTINUE;
}

int t_scan_path(const char *path, const piiscan_options *o, tfilescan *out)
{
    const piiscan_engine *e = t_default_engine();
    piiscan_scratch *scr = NULL;
    if (piiscan_scratch_alloc(e, &scr) != PIISCAN_OK)
        return PIISCAN_E_NOMEM;
    int st = piiscan_scan_file(e, path, o, scr, fs_on_finding, fs_on_file, out);
    piiscan_scratch_free(scr);
    return st;
}

int t_scan_blob_named(const void *data, size_t len, const char *name, const piiscan_options *o,
                      tfilescan *out)
{
    const piiscan_engine *e = t_default_engine();
    piiscan_scratch *scr = NULL;
    if (piiscan_scratch_alloc(e, &scr) != PIISCAN_OK)
        return PIISCAN_E_NOMEM;
    int st = piiscan_scan_blob(e, data, len, name, o, scr, fs_on_finding, fs_on_file, out);
    piiscan_scratch_free(scr);
    return st;
}

const treport *t_report(const tfilescan *s, const char *path)
{
    for (size_t i = 0; i < s->nr; i++)
        if (strcmp(s->r[i].path, path) == 0)
            return &s->r[i];
    return NULL;
}

size_t t_count_at(const tfilescan *s, const char *path, const char *type)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nf; i++)
        if (strcmp(s->f[i].path, path) == 0 && (!type || strcmp(s->f[i].type, type) == 0))
            n++;
    return n;
}

void t_filescan_free(tfilescan *s)
{
    free(s->f);
    free(s->r);
    memset(s, 0, sizeof *s);
}

struct text_acc {
    char *buf;
    size_t n, cap;
    int top_status;
};

static int ta_on_text(const char *path, const char *text, size_t len, void *user)
{
    (void)path;
    struct text_acc *a = user;
    if (a->n + len + 2 > a->cap) {
        a->cap = (a->n + len + 2) * 2;
        a->buf = realloc(a->buf, a->cap);
        if (!a->buf)
            abort();
    }
    memcpy(a->buf + a->n, text, len);
    a->n += len;
    a->buf[a->n] = 0;
    return PIISCAN_CONTINUE;
}

static int ta_on_file(const piiscan_file_report *r, void *user)
{
    struct text_acc *a = user;
    if (r->depth == 0)
        a->top_status = r->status;
    return PIISCAN_CONTINUE;
}

char *t_extract_text(const char *path, const piiscan_options *o, int *status, int *top_status)
{
    struct text_acc a = {calloc(1, 1), 0, 1, -1};
    if (!a.buf)
        abort();
    int st = piiscan_extract_text_file(path, o, ta_on_text, ta_on_file, &a);
    if (status)
        *status = st;
    if (top_status)
        *top_status = a.top_status;
    return a.buf;
}

static void ws_normalise(const char *in, char *out, int drop)
{
    size_t o = 0;
    int space = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        int ws = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v';
        /* U+00A0 and U+3000 count as whitespace too */
        if (!ws && p[0] == 0xC2 && p[1] == 0xA0) {
            ws = 1;
            p++;
        } else if (!ws && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
            ws = 1;
            p += 2;
        }
        if (ws) {
            space = 1;
            continue;
        }
        if (space && !drop && o > 0)
            out[o++] = ' ';
        space = 0;
        out[o++] = (char)*p;
    }
    out[o] = 0;
}

int t_contains_ws(const char *hay, const char *needle, int drop_ws)
{
    char *h = malloc(strlen(hay) + 1), *n = malloc(strlen(needle) + 1);
    if (!h || !n)
        abort();
    ws_normalise(hay, h, drop_ws);
    ws_normalise(needle, n, drop_ws);
    int r = strstr(h, n) != NULL;
    free(h);
    free(n);
    return r;
}
