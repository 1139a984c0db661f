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

static int collect(const piiscan_finding *f, void *user)
{
    tfindings *out = user;
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->v = realloc(out->v, out->cap * sizeof *out->v);
        if (!out->v)
            abort();
    }
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
