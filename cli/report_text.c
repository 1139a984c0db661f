/* report_text.c -- the report for people: findings grouped by file
 * (path:line: type value (validation, confidence)), what was not scanned,
 * and a summary at the end. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void text_begin(report_writer *w)
{
    (void)w;
}

static void text_finding(report_writer *w, const report_finding *f)
{
    FILE *o = w->out;
    const char *bold = w->color ? "\033[1m" : "", *red = w->color ? "\033[31m" : "",
               *dim = w->color ? "\033[2m" : "", *reset = w->color ? "\033[0m" : "";
    fprintf(o, "%s%s%s:%" PRIu64 ": %s%s%s %s", bold, f->path, reset, f->line,
            f->masked ? "" : red, f->type, reset, f->match);
    if (w->show_raw && f->raw) {
        fputs(" raw=", o);
        fwrite(f->raw, 1, f->raw_len, o);
    }
    fprintf(o, " %s(%s, %s%s)%s\n", dim, f->validation, f->confidence,
            f->masked ? ", masked" : "", reset);
}

static void text_file(report_writer *w, const report_file *f)
{
    FILE *o = w->out;
    const char *yel = w->color ? "\033[33m" : "", *reset = w->color ? "\033[0m" : "";
    if (f->retention_breach)
        fprintf(o, "%s%s: retention: holds personal data, %" PRId64 " days old%s\n", yel, f->path,
                f->age_days, reset);
    if (strcmp(f->status, "ok") != 0)
        fprintf(o, "%s%s: %s: %s%s\n", yel, f->path, f->status, f->reason, reset);
}

static void text_end(report_writer *w, const report_summary *s)
{
    if (w->quiet)
        return;
    FILE *o = w->out;
    fprintf(o,
            "\n%" PRIu64 " files (%" PRIu64 " members), %.1f MB of text in %.1f s: %" PRIu64
            " findings (%" PRIu64 " unmasked, %" PRIu64 " masked) in %" PRIu64 " files\n",
            s->files, s->members, (double)s->bytes / 1e6, s->seconds, s->findings, s->unmasked,
            s->masked, s->files_with_findings);
    for (int i = 0; i < s->ntypes; i++)
        if (s->types[i].masked || s->types[i].unmasked)
            fprintf(o, "  %-18s %8" PRIu64 " unmasked %8" PRIu64 " masked\n", s->types[i].type,
                    s->types[i].unmasked, s->types[i].masked);
    if (s->encrypted || s->protected_ || s->errors || s->skipped || s->unsupported)
        fprintf(o,
                "not read completely: %" PRIu64 " encrypted, %" PRIu64 " protected, %" PRIu64
                " errors, %" PRIu64 " skipped, %" PRIu64 " unsupported\n",
                s->encrypted, s->protected_, s->errors, s->skipped, s->unsupported);
    if (s->retention)
        fprintf(o, "retention %s: %" PRIu64 " files hold personal data past it\n", s->retention,
                s->retention_breaches);
}

static void text_free(report_writer *w)
{
    free(w);
}

report_writer *report_text_new(FILE *out, int color, int show_raw, int quiet)
{
    report_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->begin = text_begin;
    w->finding = text_finding;
    w->file = text_file;
    w->end = text_end;
    w->free = text_free;
    w->records_stateless = 1;
    w->out = out;
    w->color = color;
    w->show_raw = show_raw;
    w->quiet = quiet;
    return w;
}
