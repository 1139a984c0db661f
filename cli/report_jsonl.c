/* report_jsonl.c -- JSON Lines: one object per finding and per file record,
 * then one summary object (DESIGN.md's output contract; the schema is
 * docs/schema/piiscan-jsonl.schema.json). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Length of the well-formed UTF-8 sequence at p (1..4), or 0 when the byte
 * at p does not start one (the caller writes U+FFFD for that byte). */
size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = *p;
    if (c < 0x80)
        return 1;
    size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (!n || (size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if (n == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0)))
        return 0;
    if (n == 4 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)))
        return 0;
    return n;
}

void json_string(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    fputc('"', out);
    while (p < end) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            /* A run of plain ASCII in one write (paths are mostly that). */
            const unsigned char *q = p + 1;
            while (q < end && *q >= 0x20 && *q < 0x7f && *q != '"' && *q != '\\')
                q++;
            fwrite(p, 1, (size_t)(q - p), out);
            p = q;
        } else {
            /* A well-formed UTF-8 sequence is copied, any other byte is U+FFFD. */
            size_t n = utf8_seq(p, end);
            if (n) {
                fwrite(p, 1, n, out);
                p += n;
            } else {
                fputs("\\ufffd", out);
                p++;
            }
        }
    }
    fputc('"', out);
}

void json_cstr(FILE *out, const char *s)
{
    json_string(out, s ? s : "", s ? strlen(s) : 0);
}

void json_file_fields(FILE *o, const report_file *f)
{
    fputs("\"path\":", o);
    json_cstr(o, f->path);
    fputs(",\"status\":", o);
    json_cstr(o, f->status);
    fputs(",\"reason\":", o);
    json_cstr(o, f->reason);
    if (f->format && *f->format) {
        fputs(",\"format\":", o);
        json_cstr(o, f->format);
    }
    if (f->mtime)
        fprintf(o, ",\"mtime\":%" PRId64, f->mtime);
    if (f->age_days >= 0)
        fprintf(o, ",\"age_days\":%" PRId64 ",\"retention_breach\":%s", f->age_days,
                f->retention_breach ? "true" : "false");
}

static void jsonl_begin(report_writer *w)
{
    (void)w;
}

static void jsonl_finding(report_writer *w, const report_finding *f)
{
    FILE *o = w->out;
    fputs("{\"kind\":\"finding\",\"path\":", o);
    json_cstr(o, f->path);
    fputs(",\"type\":", o);
    json_cstr(o, f->type);
    fprintf(o, ",\"line\":%" PRIu64 ",\"offset\":%" PRIu64 ",\"length\":%" PRIu64
               ",\"masked\":%s,\"match\":",
            f->line, f->offset, f->length, f->masked ? "true" : "false");
    json_cstr(o, f->match);
    fprintf(o, ",\"validation\":\"%s\",\"confidence\":\"%s\"", f->validation, f->confidence);
    if (f->fingerprint)
        fprintf(o, ",\"fingerprint\":\"%s\"", f->fingerprint);
    if (w->show_raw && f->raw) {
        fputs(",\"raw\":", o);
        json_string(o, f->raw, f->raw_len);
    }
    fputs("}\n", o);
}

static void jsonl_file(report_writer *w, const report_file *f)
{
    FILE *o = w->out;
    fputs("{\"kind\":\"file\",", o);
    json_file_fields(o, f);
    fputs("}\n", o);
}

static void jsonl_end(report_writer *w, const report_summary *s)
{
    FILE *o = w->out;
    fprintf(o,
            "{\"kind\":\"summary\",\"version\":\"%s\",\"started\":\"%s\",\"seconds\":%.3f,"
            "\"files\":%" PRIu64 ",\"members\":%" PRIu64 ",\"bytes\":%" PRIu64
            ",\"findings\":%" PRIu64 ",\"masked\":%" PRIu64 ",\"unmasked\":%" PRIu64
            ",\"files_with_findings\":%" PRIu64 ",\"encrypted\":%" PRIu64
            ",\"protected\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"skipped\":%" PRIu64
            ",\"unsupported\":%" PRIu64,
            s->version, s->started, s->seconds, s->files, s->members, s->bytes, s->findings,
            s->masked, s->unmasked, s->files_with_findings, s->encrypted, s->protected_,
            s->errors, s->skipped, s->unsupported);
    if (s->retention)
        fprintf(o, ",\"retention\":\"%s\",\"retention_breaches\":%" PRIu64, s->retention,
                s->retention_breaches);
    fputs(",\"by_type\":{", o);
    for (int i = 0, n = 0; i < s->ntypes; i++) {
        const report_type_count *t = &s->types[i];
        if (!t->masked && !t->unmasked)
            continue;
        fprintf(o, "%s", n++ ? "," : "");
        json_cstr(o, t->type);
        fprintf(o, ":{\"masked\":%" PRIu64 ",\"unmasked\":%" PRIu64 "}", t->masked, t->unmasked);
    }
    fputs("}}\n", o);
}

static void jsonl_free(report_writer *w)
{
    free(w);
}

report_writer *report_jsonl_new(FILE *out, int show_raw)
{
    report_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->begin = jsonl_begin;
    w->finding = jsonl_finding;
    w->file = jsonl_file;
    w->end = jsonl_end;
    w->free = jsonl_free;
    w->records_stateless = 1;
    w->out = out;
    w->show_raw = show_raw;
    return w;
}
