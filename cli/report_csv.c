/* report_csv.c -- CSV for spreadsheets (docs/reports.md#csv): UTF-8 with a
 * byte-order mark, because Excel opens a BOM-less CSV in the system code
 * page (CP949 on Korean Windows) and garbles every Hangul path; RFC 4180
 * quoting and CRLF line ends; one header row, then one row per finding and
 * one per file record, told apart by the `kind` column so a spreadsheet
 * user can filter either away.  No summary row: a total in a data column
 * would be summed with the data. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"


/* One text cell.  Quoted when it holds a comma, a quote, CR or LF (RFC
 * 4180), quotes doubled.  A cell that a spreadsheet would read as a formula
 * -- it begins with = + - @, a tab or CR (OWASP "CSV injection") -- gets a
 * leading apostrophe: paths and reasons come from the scanned files, so a
 * file named "=HYPERLINK(...)" must stay text.  One character alone ("-",
 * standard input) cannot be a formula and is left as it is.  Invalid UTF-8 becomes
 * U+FFFD, NUL and other C0 controls but tab, CR, LF become U+FFFD too. */
static void cell(FILE *o, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    /* len > 1: "-" alone (standard input) is no formula */
    int quote = 0, formula = len > 1 && strchr("=+-@\t\r", p[0]) != NULL;
    for (size_t i = 0; i < len && !quote; i++)
        quote = p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n';
    if (quote)
        fputc('"', o);
    if (formula)
        fputc('\'', o);
    while (p < end) {
        size_t n = utf8_seq(p, end);
        if (n == 1 && *p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n')
            n = 0;
        if (!n) {
            fputs("\xEF\xBF\xBD", o);
            p++;
            continue;
        }
        if (*p == '"')
            fputc('"', o);
        fwrite(p, 1, n, o);
        p += n;
    }
    if (quote)
        fputc('"', o);
}

static void cs(FILE *o, const char *s)
{
    if (s)
        cell(o, s, strlen(s));
}

static void csv_begin(report_writer *w)
{
    FILE *o = w->out;
    fputs("\xEF\xBB\xBF"
          "kind,path,line,offset,length,type,type_name,masked,match,validation,confidence,"
          "fingerprint",
          o);
    if (w->show_raw)
        fputs(",raw", o);
    fputs(",status,reason,format,mtime,age_days,retention_breach\r\n", o);
}

static void csv_finding(report_writer *w, const report_finding *f)
{
    FILE *o = w->out;
    fputs("finding,", o);
    cs(o, f->path);
    fprintf(o, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", f->line, f->offset, f->length);
    cs(o, f->type);
    fputc(',', o);
    cs(o, f->type_name);
    fprintf(o, ",%s,", f->masked ? "true" : "false");
    cs(o, f->match);
    fputc(',', o);
    cs(o, f->validation);
    fputc(',', o);
    cs(o, f->confidence);
    fputc(',', o);
    cs(o, f->fingerprint);
    if (w->show_raw) {
        fputc(',', o);
        if (f->raw)
            cell(o, f->raw, f->raw_len);
    }
    fputs(",,,,,,\r\n", o);
}

static void csv_file(report_writer *w, const report_file *f)
{
    FILE *o = w->out;
    fputs("file,", o);
    cs(o, f->path);
    fputs(",,,,,,,,,,", o);
    if (w->show_raw)
        fputc(',', o);
    fputc(',', o);
    cs(o, f->status);
    fputc(',', o);
    cs(o, f->reason);
    fputc(',', o);
    cs(o, f->format);
    fputc(',', o);
    if (f->mtime)
        fprintf(o, "%" PRId64, f->mtime);
    fputc(',', o);
    if (f->age_days >= 0)
        fprintf(o, "%" PRId64 ",%s", f->age_days, f->retention_breach ? "true" : "false");
    else
        fputc(',', o);
    fputs("\r\n", o);
}

static void csv_end(report_writer *w, const report_summary *s)
{
    (void)s;
    fflush(w->out);
}

static void csv_free(report_writer *w)
{
    free(w);
}

report_writer *report_csv_new(FILE *out, int show_raw)
{
    report_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->begin = csv_begin;
    w->finding = csv_finding;
    w->file = csv_file;
    w->end = csv_end;
    w->free = csv_free;
    w->records_stateless = 1;
    w->out = out;
    w->show_raw = show_raw;
    return w;
}
