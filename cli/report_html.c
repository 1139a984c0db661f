/* report_html.c -- one self-contained HTML page for an auditor
 * (docs/reports.md#html): totals, findings by type (masked vs unmasked, a
 * bar chart), top directories, encrypted/protected files, retention
 * breaches, files not read completely, and the findings.
 *
 * Self-contained: inline CSS and SVG, no script (a Content-Security-Policy
 * forbids any, and any network access), no external font: Korean text
 * falls back through the usual system fonts.  Never a raw value, whatever
 * the user asked for: the page is made to be passed around.  Every string
 * from the scan (paths are chosen by whoever named the files) is escaped.
 *
 * The totals arrive last (report_summary) but belong at the top, so the
 * tables are kept in memory until then, each capped at HTML_MAX_ROWS rows:
 * a page with a million rows helps nobody and no browser opens it; the
 * page says how many were left out and the jsonl/csv reports have them. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

enum { HTML_MAX_ROWS = 5000 };

/* One table kept until the summary: its rows, as HTML. */
typedef struct html_table {
    char *buf;
    size_t len;
    FILE *out;
    uint64_t rows, dropped;
} html_table;

enum { T_FINDINGS, T_PROTECTED, T_RETENTION, T_PROBLEMS, T_COUNT };

typedef struct html_state {
    html_table t[T_COUNT];
} html_state;


/* Text or attribute value: & < > " ' escaped; invalid UTF-8 and control
 * characters become U+FFFD, so nothing from a file name can open a tag,
 * close an attribute or hide in the page. */
static void esc(FILE *o, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
    while (p < end) {
        size_t n = utf8_seq(p, end);
        if (n == 1 && (*p < 0x20 || *p == 0x7f))
            n = 0;
        if (!n) {
            fputs("\xEF\xBF\xBD", o);
            p++;
            continue;
        }
        switch (*p) {
        case '&': fputs("&amp;", o); break;
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '"': fputs("&quot;", o); break;
        case '\'': fputs("&#39;", o); break;
        default: fwrite(p, 1, n, o);
        }
        p += n;
    }
}

/* 1234567 -> "1,234,567" */
static void num(FILE *o, uint64_t v)
{
    char d[32];
    int n = snprintf(d, sizeof d, "%" PRIu64, v);
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            fputc(',', o);
        fputc(d[i], o);
    }
}

/* A number the tests (and any script) can read back: the rendered text and
 * the exact value in data-value. */
static void total(FILE *o, const char *tag, const char *key, uint64_t v)
{
    fprintf(o, "<%s data-total=\"%s\" data-value=\"%" PRIu64 "\">", tag, key, v);
    num(o, v);
    fprintf(o, "</%s>", tag);
}

static FILE *row(html_table *t)
{
    if (!t->out)
        return NULL;
    if (t->rows >= HTML_MAX_ROWS) {
        t->dropped++;
        return NULL;
    }
    t->rows++;
    return t->out;
}

static const char css[] =
    ":root{--fg:#1d2430;--muted:#5b6472;--line:#dde1e7;--bad:#c62828;--ok:#78909c;--warn:#ef6c00;"
    "--bg:#f6f7f9}"
    "*{box-sizing:border-box}"
    "body{margin:0;padding:24px 32px;color:var(--fg);background:var(--bg);"
    "font-family:\"Noto Sans KR\",\"Noto Sans CJK KR\",\"Apple SD Gothic Neo\",\"Malgun Gothic\","
    "\"맑은 고딕\",\"Nanum Gothic\",\"NanumGothic\",\"Segoe UI\",Roboto,"
    "Helvetica,Arial,sans-serif;font-size:14px;line-height:1.45;word-break:keep-all}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}"
    ".meta{color:var(--muted);margin:0 0 16px}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px}"
    ".card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px;"
    "min-width:130px}.card .k{color:var(--muted);font-size:12px}.card .v{font-size:22px;font-weight:600}"
    ".card.bad .v{color:var(--bad)}"
    "table{border-collapse:collapse;background:#fff;border:1px solid var(--line);width:100%}"
    "th,td{text-align:left;padding:5px 10px;border-bottom:1px solid var(--line);vertical-align:top}"
    "th{background:#eef0f3;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "td.p{font-family:ui-monospace,\"D2Coding\",Consolas,monospace;word-break:break-all;"
    "unicode-bidi:isolate}td.v{white-space:nowrap;word-break:normal}"
    ".bad{color:var(--bad)}.none{color:var(--muted);font-style:italic}"
    ".note{color:var(--muted);font-size:12px}"
    "svg text{font:12px sans-serif;fill:#1d2430}"
    "@media print{body{background:#fff;padding:0}.card{border-color:#999}}";

static void html_begin(report_writer *w)
{
    html_state *st = w->state;
    fputs("<!DOCTYPE html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"piiscan\">\n"
          "<title>piiscan report / 개인정보 검출 보고서</title>\n<style>",
          w->out);
    fputs(css, w->out);
    fputs("</style>\n</head>\n<body>\n", w->out);
    for (int i = 0; i < T_COUNT; i++)
        st->t[i].out = open_memstream(&st->t[i].buf, &st->t[i].len);
}

static void html_finding(report_writer *w, const report_finding *f)
{
    html_state *st = w->state;
    FILE *o = row(&st->t[T_FINDINGS]);
    if (!o)
        return;
    fprintf(o, "<tr class=\"%s\"><td class=\"p\">", f->masked ? "masked" : "unmasked");
    esc(o, f->path);
    fprintf(o, "</td><td class=\"n\">%" PRIu64 "</td><td title=\"", f->line);
    esc(o, f->type);
    fputs("\">", o);
    esc(o, f->type_name && *f->type_name ? f->type_name : f->type);
    fputs("</td><td class=\"p v\">", o);
    esc(o, f->match); /* masked rendition; f->raw is never read here */
    fprintf(o, "</td><td%s>%s</td><td>", f->masked ? "" : " class=\"bad\"",
            f->masked ? "masked / 마스킹됨" : "UNMASKED / 미마스킹");
    esc(o, f->validation);
    fputs("</td><td>", o);
    esc(o, f->confidence);
    fputs("</td></tr>\n", o);
}

static void file_row(FILE *o, const report_file *f, int retention)
{
    fputs("<tr><td class=\"p\">", o);
    esc(o, f->path);
    fputs("</td><td>", o);
    if (retention) {
        fprintf(o, "%" PRId64 "</td><td>", f->age_days);
        if (f->mtime) {
            time_t t = (time_t)f->mtime;
            struct tm tm;
            char d[32];
            if (gmtime_r(&t, &tm) && strftime(d, sizeof d, "%Y-%m-%d", &tm))
                fputs(d, o);
        }
    } else {
        esc(o, f->status);
        fputs("</td><td>", o);
        esc(o, f->reason);
    }
    fputs("</td><td>", o);
    esc(o, f->format);
    fputs("</td></tr>\n", o);
}

static void html_file(report_writer *w, const report_file *f)
{
    html_state *st = w->state;
    FILE *o;
    if (f->retention_breach && (o = row(&st->t[T_RETENTION])))
        file_row(o, f, 1);
    if (!strcmp(f->status, "ok"))
        return;
    int prot = !strcmp(f->status, "encrypted") || !strcmp(f->status, "protected");
    if ((o = row(&st->t[prot ? T_PROTECTED : T_PROBLEMS])))
        file_row(o, f, 0);
}

/* Horizontal stacked bars (unmasked, then masked), one per label, as
 * inline SVG scaled to the largest total. */
typedef struct bar {
    const char *label;
    uint64_t red, grey;
} bar;

static void chart(FILE *o, const char *title, const bar *b, int n, const char *red_name,
                  const char *grey_name)
{
    uint64_t max = 1;
    for (int i = 0; i < n; i++)
        if (b[i].red + b[i].grey > max)
            max = b[i].red + b[i].grey;
    const int label_w = 260, bar_w = 420, h = 22, top = 24;
    int height = top + n * h + 8;
    fprintf(o,
            "<svg role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "xmlns=\"http://www.w3.org/2000/svg\"><title>",
            label_w + bar_w + 90, height, label_w + bar_w + 90, height);
    esc(o, title);
    fprintf(o,
            "</title><rect x=\"0\" y=\"4\" width=\"12\" height=\"12\" fill=\"#c62828\"/>"
            "<text x=\"16\" y=\"15\">%s</text><rect x=\"140\" y=\"4\" width=\"12\" height=\"12\" "
            "fill=\"#b0bec5\"/><text x=\"156\" y=\"15\">%s</text>",
            red_name, grey_name);
    for (int i = 0; i < n; i++) {
        int y = top + i * h;
        double wr = (double)b[i].red * bar_w / (double)max,
               wg = (double)b[i].grey * bar_w / (double)max;
        fprintf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 8, y + 15);
        /* A long label keeps its end, which says the most (the directory,
         * not the share it is on), as much as fits in label_w at 12px: about
         * 36 columns, Hangul and other wide characters taking two (their
         * UTF-8 lead byte is 0xE1 or more).  The whole label is the tooltip. */
        fputs("<title>", o);
        esc(o, b[i].label);
        fputs("</title>", o);
        int cols = 0;
        const char *s = b[i].label + strlen(b[i].label);
        while (s > b[i].label) {
            const char *c = s - 1;
            while (c > b[i].label && ((unsigned char)*c & 0xC0) == 0x80)
                c--;
            int wcol = (unsigned char)*c >= 0xE1 ? 2 : 1;
            if (cols + wcol > 36)
                break;
            cols += wcol;
            s = c;
        }
        if (s > b[i].label)
            fputs("\xE2\x80\xA6", o);
        esc(o, s);
        fprintf(o,
                "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#c62828\"/>"
                "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#b0bec5\"/>"
                "<text x=\"%.1f\" y=\"%d\">%" PRIu64 " / %" PRIu64 "</text>",
                label_w, y + 3, wr, h - 6, label_w + wr, y + 3, wg, h - 6, label_w + wr + wg + 6,
                y + 15, b[i].red, b[i].grey);
    }
    fputs("</svg>\n", o);
}

static void card(FILE *o, const char *label, const char *key, uint64_t v, int bad)
{
    fprintf(o, "<div class=\"card%s\"><div class=\"k\">%s</div><div class=\"v\">",
            bad && v ? " bad" : "", label);
    total(o, "span", key, v);
    fputs("</div></div>\n", o);
}

/* Writes a kept table (or a line saying it is empty) and frees it. */
static void flush_table(FILE *o, html_table *t, const char *head, const char *empty)
{
    if (t->out)
        fclose(t->out);
    t->out = NULL;
    if (!t->rows) {
        fprintf(o, "<p class=\"none\">%s</p>\n", empty);
    } else {
        fprintf(o, "<table>\n<thead><tr>%s</tr></thead>\n<tbody>\n", head);
        fwrite(t->buf, 1, t->len, o);
        fputs("</tbody>\n</table>\n", o);
    }
    if (t->dropped) {
        fputs("<p class=\"note\">", o);
        num(o, t->dropped);
        fprintf(o, " more rows not shown (limit %d); the jsonl and csv reports list them all.</p>\n",
                HTML_MAX_ROWS);
    }
    free(t->buf);
    t->buf = NULL;
    t->len = 0;
}

/* The totals as JSON for machines, in a non-executed script block: every
 * '<' is written \u003c so that nothing can close the block early. */
static void summary_json(FILE *o, const report_summary *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *j = open_memstream(&buf, &len);
    if (!j)
        return;
    fputs("{\"version\":", j);
    json_string(j, s->version ? s->version : "", s->version ? strlen(s->version) : 0);
    fputs(",\"started\":", j);
    json_string(j, s->started ? s->started : "", s->started ? strlen(s->started) : 0);
    fprintf(j,
            ",\"seconds\":%.3f,\"files\":%" PRIu64 ",\"members\":%" PRIu64 ",\"bytes\":%" PRIu64
            ",\"findings\":%" PRIu64 ",\"masked\":%" PRIu64 ",\"unmasked\":%" PRIu64
            ",\"files_with_findings\":%" PRIu64 ",\"encrypted\":%" PRIu64
            ",\"protected\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"skipped\":%" PRIu64
            ",\"unsupported\":%" PRIu64,
            s->seconds, s->files, s->members, s->bytes, s->findings, s->masked, s->unmasked,
            s->files_with_findings, s->encrypted, s->protected_, s->errors, s->skipped,
            s->unsupported);
    if (s->retention) {
        fputs(",\"retention\":", j);
        json_string(j, s->retention, strlen(s->retention));
        fprintf(j, ",\"retention_breaches\":%" PRIu64, s->retention_breaches);
    }
    fputs(",\"by_type\":{", j);
    for (int i = 0, n = 0; i < s->ntypes; i++) {
        const report_type_count *t = &s->types[i];
        if (!t->masked && !t->unmasked)
            continue;
        fputs(n++ ? "," : "", j);
        json_string(j, t->type, strlen(t->type));
        fprintf(j, ":{\"masked\":%" PRIu64 ",\"unmasked\":%" PRIu64 "}", t->masked, t->unmasked);
    }
    fputs("}}", j);
    fclose(j);
    fputs("<script type=\"application/json\" id=\"piiscan-summary\">", o);
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '<')
            fputs("\\u003c", o);
        else
            fputc(buf[i], o);
    fputs("</script>\n", o);
    free(buf);
}

static void html_end(report_writer *w, const report_summary *s)
{
    html_state *st = w->state;
    FILE *o = w->out;

    fputs("<header>\n<h1>개인정보 검출 보고서 <span class=\"note\">piiscan report</span></h1>\n"
          "<p class=\"meta\">",
          o);
    for (int i = 0; i < s->nroots; i++) {
        fputs(i ? ", " : "Scanned / 검사 대상: <span class=\"p\">", o);
        esc(o, s->roots[i]);
    }
    if (s->nroots)
        fputs("</span><br>", o);
    fputs("Started / 시작: ", o);
    esc(o, s->started);
    fprintf(o, " UTC &middot; %.1f s &middot; piiscan ", s->seconds);
    esc(o, s->version);
    if (s->retention) {
        fputs(" &middot; retention / 보존 기간: ", o);
        esc(o, s->retention);
    }
    fputs("<br>Values are shown masked; this report never contains a raw value. "
          "/ 모든 값은 마스킹되어 표시됩니다.</p>\n</header>\n", o);

    fputs("<section id=\"totals\">\n<h2>Totals / 요약</h2>\n<div class=\"cards\">\n", o);
    card(o, "Files / 파일", "files", s->files, 0);
    card(o, "Archive members / 압축 내 파일", "members", s->members, 0);
    card(o, "Bytes of text / 검사한 텍스트(바이트)", "bytes", s->bytes, 0);
    card(o, "Findings / 검출", "findings", s->findings, 0);
    card(o, "Unmasked / 미마스킹", "unmasked", s->unmasked, 1);
    card(o, "Masked / 마스킹됨", "masked", s->masked, 0);
    card(o, "Files with findings / 검출 파일", "files_with_findings", s->files_with_findings, 0);
    card(o, "Encrypted / 암호화", "encrypted", s->encrypted, 0);
    card(o, "Protected / 보호됨", "protected", s->protected_, 0);
    card(o, "Errors / 오류", "errors", s->errors, 1);
    card(o, "Skipped / 건너뜀", "skipped", s->skipped, 0);
    card(o, "Unsupported / 미지원", "unsupported", s->unsupported, 0);
    if (s->retention)
        card(o, "Retention breaches / 보존 기간 초과", "retention_breaches", s->retention_breaches, 1);
    fputs("</div>\n</section>\n", o);

    fputs("<section id=\"by-type\">\n<h2>By type / 유형별</h2>\n", o);
    int ntypes = 0;
    for (int i = 0; i < s->ntypes; i++)
        ntypes += s->types[i].masked || s->types[i].unmasked;
    if (!ntypes) {
        fputs("<p class=\"none\">No personal data found. / 검출된 개인정보가 없습니다.</p>\n", o);
    } else {
        bar *bars = calloc((size_t)ntypes, sizeof *bars);
        fputs("<table>\n<thead><tr><th>Type / 유형</th><th>ID</th><th class=\"n\">Unmasked / "
              "미마스킹</th><th class=\"n\">Masked / 마스킹됨</th><th class=\"n\">Total / 계</th>"
              "</tr></thead>\n<tbody>\n",
              o);
        for (int i = 0, k = 0; i < s->ntypes; i++) {
            const report_type_count *t = &s->types[i];
            if (!t->masked && !t->unmasked)
                continue;
            const char *name = t->type_name && *t->type_name ? t->type_name : t->type;
            if (bars)
                bars[k++] = (bar){name, t->unmasked, t->masked};
            fputs("<tr data-type=\"", o);
            esc(o, t->type);
            fputs("\"><td>", o);
            esc(o, name);
            fputs("</td><td>", o);
            esc(o, t->type);
            fprintf(o, "</td><td class=\"n%s\" data-unmasked=\"%" PRIu64 "\">", t->unmasked ? " bad" : "",
                    t->unmasked);
            num(o, t->unmasked);
            fprintf(o, "</td><td class=\"n\" data-masked=\"%" PRIu64 "\">", t->masked);
            num(o, t->masked);
            fputs("</td><td class=\"n\">", o);
            num(o, t->masked + t->unmasked);
            fputs("</td></tr>\n", o);
        }
        fputs("</tbody>\n</table>\n", o);
        if (bars)
            chart(o, "Findings by type: unmasked and masked", bars, ntypes,
                  "unmasked / 미마스킹", "masked / 마스킹됨");
        free(bars);
    }
    fputs("</section>\n", o);

    fputs("<section id=\"directories\">\n<h2>Top directories / 상위 디렉터리</h2>\n", o);
    if (!s->ndirs) {
        fputs("<p class=\"none\">None. / 없음.</p>\n", o);
    } else {
        bar *bars = calloc((size_t)s->ndirs, sizeof *bars);
        fputs("<table>\n<thead><tr><th>Directory / 디렉터리</th><th class=\"n\">Findings / "
              "검출</th><th class=\"n\">Unmasked / 미마스킹</th></tr></thead>\n<tbody>\n",
              o);
        for (int i = 0; i < s->ndirs; i++) {
            const report_dir_count *d = &s->dirs[i];
            if (bars)
                bars[i] = (bar){d->dir, d->unmasked, d->findings - d->unmasked};
            fputs("<tr><td class=\"p\">", o);
            esc(o, d->dir);
            fputs("</td><td class=\"n\">", o);
            num(o, d->findings);
            fprintf(o, "</td><td class=\"n%s\">", d->unmasked ? " bad" : "");
            num(o, d->unmasked);
            fputs("</td></tr>\n", o);
        }
        fputs("</tbody>\n</table>\n", o);
        if (bars)
            chart(o, "Findings by directory: unmasked and masked", bars, s->ndirs,
                  "unmasked / 미마스킹", "masked / 마스킹됨");
        free(bars);
    }
    fputs("</section>\n", o);

    static const char file_head[] = "<th>Path / 경로</th><th>Status / 상태</th>"
                                    "<th>Reason / 사유</th><th>Format / 형식</th>";
    fputs("<section id=\"protected\">\n<h2>Encrypted or protected files / 암호화·보호된 파일</h2>\n"
          "<p class=\"note\">Not read: their content is unknown. / 내용을 검사하지 못했습니다.</p>\n",
          o);
    flush_table(o, &st->t[T_PROTECTED], file_head, "None. / 없음.");
    fputs("</section>\n", o);

    if (s->retention) {
        fputs("<section id=\"retention\">\n<h2>Retention breaches / 보존 기간 초과 (", o);
        esc(o, s->retention);
        fputs(")</h2>\n<p class=\"note\">Files holding personal data older than the retention "
              "period (PIPA Art. 21: destroy when it ends). / 보존 기간이 지난 개인정보 파일 "
              "(개인정보 보호법 제21조).</p>\n",
              o);
        flush_table(o, &st->t[T_RETENTION],
                    "<th>Path / 경로</th><th>Age (days) / 경과 일수</th><th>Time / 시각 "
                    "(UTC)</th><th>Format / 형식</th>",
                    "None. / 없음.");
        fputs("</section>\n", o);
    }

    fputs("<section id=\"problems\">\n<h2>Errors, skipped and unsupported files / 오류·건너뜀·"
          "미지원 파일</h2>\n",
          o);
    flush_table(o, &st->t[T_PROBLEMS], file_head, "None. / 없음.");
    fputs("</section>\n", o);

    fputs("<section id=\"findings\">\n<h2>Findings / 검출 내역</h2>\n", o);
    flush_table(o, &st->t[T_FINDINGS],
                "<th>Path / 경로</th><th class=\"n\">Line / 줄</th><th>Type / 유형</th>"
                "<th>Value (masked) / 값(마스킹)</th><th>Stored / 저장 상태</th>"
                "<th>Validation / 검증</th><th>Confidence / 신뢰도</th>",
                "No findings. / 검출 내역이 없습니다.");
    fputs("</section>\n", o);

    summary_json(o, s);
    fputs("</body>\n</html>\n", o);
    fflush(o);
}

static void html_free(report_writer *w)
{
    html_state *st = w->state;
    if (st) {
        for (int i = 0; i < T_COUNT; i++) {
            if (st->t[i].out)
                fclose(st->t[i].out);
            free(st->t[i].buf);
        }
        free(st);
    }
    free(w);
}

report_writer *report_html_new(FILE *out)
{
    report_writer *w = calloc(1, sizeof *w);
    html_state *st = calloc(1, sizeof *st);
    if (!w || !st) {
        free(w);
        free(st);
        return NULL;
    }
    w->begin = html_begin;
    w->finding = html_finding;
    w->file = html_file;
    w->end = html_end;
    w->free = html_free;
    w->out = out;
    w->show_raw = 0;
    w->state = st;
    return w;
}
