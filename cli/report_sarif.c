/* report_sarif.c -- SARIF 2.1.0 (OASIS) for code-scanning tools
 * (docs/reports.md#sarif).  One run; each finding is a result whose rule is
 * its type; what was not read completely (and retention breaches) become
 * toolExecutionNotifications of the one invocation, so nothing is silent.
 *
 * Results are streamed as they come; the notifications are kept in memory
 * (one small object per file record) and written after them, with the
 * rules (one per type seen) and the totals, when the summary arrives. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Notifications are kept in memory until the end (about 300 bytes each):
 * past this many, only their number is kept (invocation properties,
 * notifications_dropped); the jsonl and csv reports list them all. */
enum { SARIF_MAX_NOTES = 100000 };

typedef struct sarif_rule {
    char *id, *name;
} sarif_rule;

typedef struct sarif_state {
    sarif_rule *rules;
    int nrules, caprules;
    char *notes;      /* toolExecutionNotifications, comma-separated JSON objects */
    size_t notes_len;
    FILE *notes_out;  /* open_memstream over notes */
    int nnotes;
    uint64_t dropped_notes;
    int nresults;
    int oom;
} sarif_state;


/* The rule index of type, added on first sight; -1 on ENOMEM. */
static int rule_index(sarif_state *st, const char *type, const char *name)
{
    for (int i = 0; i < st->nrules; i++)
        if (!strcmp(st->rules[i].id, type))
            return i;
    if (st->nrules == st->caprules) {
        int cap = st->caprules ? st->caprules * 2 : 16;
        sarif_rule *r = realloc(st->rules, (size_t)cap * sizeof *r);
        if (!r)
            return -1;
        st->rules = r;
        st->caprules = cap;
    }
    char *id = strdup(type), *nm = strdup(name && *name ? name : type);
    if (!id || !nm) {
        free(id);
        free(nm);
        return -1;
    }
    st->rules[st->nrules].id = id;
    st->rules[st->nrules].name = nm;
    return st->nrules++;
}

/* artifactLocation.uri: the path as a URI reference.  Bytes outside RFC
 * 3986's unreserved set and the few delimiters a path needs ('/', and '!'
 * that names archive members: "a.zip!dir/b.csv") are percent-encoded, so
 * spaces, '#', '?', '%' and Hangul survive any consumer's URI parser; ':'
 * is encoded too, lest "c:x.txt" read as a scheme.  A decoder gets the
 * path back byte for byte. */
static void uri(FILE *o, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    fputc('"', o);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("-._~/!$&'()*+,;=@", c))
            fputc(c, o);
        else
            fprintf(o, "%%%c%c", hex[c >> 4], hex[c & 15]);
    }
    fputc('"', o);
}

static void location(FILE *o, const char *path, uint64_t line)
{
    fputs("{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", o);
    uri(o, path ? path : "");
    fputc('}', o);
    if (line >= 1)
        fprintf(o, ",\"region\":{\"startLine\":%" PRIu64 "}", line);
    fputs("}}", o);
}

static void sarif_begin(report_writer *w)
{
    fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
          "\"runs\":[{\"columnKind\":\"unicodeCodePoints\",\"results\":[",
          w->out);
}

/* error: an unmasked value we are sure of (PIPA Art. 24-2 and 29 want it
 * encrypted or gone); note: stored masked already, compliant display;
 * warning: unmasked but less certain (structural or context validation). */
static const char *level_of(const report_finding *f)
{
    if (f->masked)
        return "note";
    return f->confidence && !strcmp(f->confidence, "high") ? "error" : "warning";
}

static void sarif_finding(report_writer *w, const report_finding *f)
{
    sarif_state *st = w->state;
    FILE *o = w->out;
    int ri = rule_index(st, f->type, f->type_name);
    if (ri < 0)
        st->oom = 1;
    fputs(st->nresults++ ? ",\n" : "\n", o);
    fputs("{\"ruleId\":", o);
    json_cstr(o, f->type);
    if (ri >= 0)
        fprintf(o, ",\"ruleIndex\":%d", ri);
    fprintf(o, ",\"level\":\"%s\",\"message\":{\"text\":", level_of(f));
    /* The message names the type and the masked rendition, never the value. */
    size_t tl = strlen(f->type_name ? f->type_name : f->type), ml = strlen(f->match ? f->match : "");
    char *msg = malloc(tl + ml + 64);
    if (msg) {
        int n = snprintf(msg, tl + ml + 64, "%s: %s (%s%s)", f->type_name ? f->type_name : f->type,
                         f->match ? f->match : "", f->masked ? "masked, " : "",
                         f->confidence ? f->confidence : "");
        json_string(o, msg, n > 0 ? (size_t)n : 0);
        free(msg);
    } else {
        json_cstr(o, f->match);
    }
    fputs("},\"locations\":[", o);
    location(o, f->path, f->line);
    fputc(']', o);
    if (f->fingerprint) {
        fputs(",\"partialFingerprints\":{\"piiscanValueHmac/v1\":", o);
        json_cstr(o, f->fingerprint);
        fputc('}', o);
    }
    fputs(",\"properties\":{\"type\":", o);
    json_cstr(o, f->type);
    fprintf(o, ",\"masked\":%s,\"match\":", f->masked ? "true" : "false");
    json_cstr(o, f->match);
    fputs(",\"validation\":", o);
    json_cstr(o, f->validation);
    fputs(",\"confidence\":", o);
    json_cstr(o, f->confidence);
    fprintf(o, ",\"offset\":%" PRIu64 ",\"length\":%" PRIu64, f->offset, f->length);
    if (w->show_raw && f->raw) {
        fputs(",\"raw\":", o);
        json_string(o, f->raw, f->raw_len);
    }
    fputs("}}", o);
}

static const char *note_level(const report_file *f)
{
    if (!strcmp(f->status, "error"))
        return "error";
    if (!strcmp(f->status, "ok"))
        return "note"; /* only a retention breach brings an ok file here */
    return "warning";
}

static void sarif_file(report_writer *w, const report_file *f)
{
    sarif_state *st = w->state;
    FILE *o = st->notes_out;
    if (!o) {
        st->oom = 1;
        return;
    }
    if (st->nnotes >= SARIF_MAX_NOTES) {
        st->dropped_notes++;
        return;
    }
    int ok = !strcmp(f->status, "ok");
    fputs(st->nnotes++ ? ",\n" : "\n", o);
    fprintf(o, "{\"level\":\"%s\",\"descriptor\":{\"id\":", note_level(f));
    json_cstr(o, ok && f->retention_breach ? "retention_breach" : f->status);
    fputs("},\"message\":{\"text\":", o);
    char msg[160];
    if (ok && f->retention_breach)
        snprintf(msg, sizeof msg, "holds personal data past the retention period (%" PRId64 " days old)",
                 f->age_days);
    else
        snprintf(msg, sizeof msg, "not read completely: %s%s", f->status,
                 f->reason && *f->reason ? ": " : "");
    size_t ml = strlen(msg), rl = ok || !f->reason ? 0 : strlen(f->reason);
    char *text = malloc(ml + rl + 1);
    if (text) {
        memcpy(text, msg, ml);
        if (rl)
            memcpy(text + ml, f->reason, rl);
        json_string(o, text, ml + rl);
        free(text);
    } else {
        json_cstr(o, msg);
    }
    fputs("},\"locations\":[", o);
    location(o, f->path, 0);
    fputs("],\"properties\":{", o);
    json_file_fields(o, f);
    fputs("}}", o);
}

static void sarif_end(report_writer *w, const report_summary *s)
{
    sarif_state *st = w->state;
    FILE *o = w->out;
    fputs("],\n\"invocations\":[{", o);
    /* executionSuccessful: false when a file could not be read (exit status 2). */
    fprintf(o, "\"executionSuccessful\":%s", s->errors ? "false" : "true");
    if (s->started && *s->started) {
        fputs(",\"startTimeUtc\":", o);
        json_cstr(o, s->started);
    }
    if (st->notes_out && fflush(st->notes_out) == 0 && st->notes_len) {
        fputs(",\"toolExecutionNotifications\":[", o);
        fwrite(st->notes, 1, st->notes_len, o);
        fputc(']', o);
    }
    fprintf(o,
            ",\"properties\":{\"files\":%" PRIu64 ",\"members\":%" PRIu64 ",\"bytes\":%" PRIu64
            ",\"seconds\":%.3f,\"findings\":%" PRIu64 ",\"masked\":%" PRIu64
            ",\"unmasked\":%" PRIu64 ",\"files_with_findings\":%" PRIu64 ",\"encrypted\":%" PRIu64
            ",\"protected\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"skipped\":%" PRIu64
            ",\"unsupported\":%" PRIu64,
            s->files, s->members, s->bytes, s->seconds, s->findings, s->masked, s->unmasked,
            s->files_with_findings, s->encrypted, s->protected_, s->errors, s->skipped,
            s->unsupported);
    if (s->retention) {
        fputs(",\"retention\":", o);
        json_cstr(o, s->retention);
        fprintf(o, ",\"retention_breaches\":%" PRIu64, s->retention_breaches);
    }
    if (st->dropped_notes)
        fprintf(o, ",\"notifications_dropped\":%" PRIu64, st->dropped_notes);
    if (st->oom)
        fputs(",\"incomplete\":\"out of memory while writing the report\"", o);
    fputs("}}],\n\"tool\":{\"driver\":{\"name\":\"piiscan\"", o);
    if (s->version && *s->version) {
        fputs(",\"version\":", o);
        json_cstr(o, s->version);
    }
    fputs(",\"rules\":[", o);
    for (int i = 0; i < st->nrules; i++) {
        const sarif_rule *r = &st->rules[i];
        fputs(i ? ",\n" : "\n", o);
        fputs("{\"id\":", o);
        json_cstr(o, r->id);
        fputs(",\"name\":", o);
        json_cstr(o, r->name);
        fputs(",\"shortDescription\":{\"text\":", o);
        json_cstr(o, r->name);
        fputs("},\"fullDescription\":{\"text\":", o);
        size_t n = strlen(r->name);
        char *t = malloc(n + 96);
        if (t) {
            int k = snprintf(t, n + 96, "%s found by piiscan; the value is shown masked.", r->name);
            json_string(o, t, k > 0 ? (size_t)k : 0);
            free(t);
        } else {
            json_cstr(o, r->name);
        }
        fputs("},\"defaultConfiguration\":{\"level\":\"warning\"},"
              "\"properties\":{\"tags\":[\"privacy\",\"personal-data\"]}}",
              o);
    }
    fputs("]}}}]}\n", o);
    fflush(o);
}

static void sarif_free(report_writer *w)
{
    sarif_state *st = w->state;
    if (st) {
        for (int i = 0; i < st->nrules; i++) {
            free(st->rules[i].id);
            free(st->rules[i].name);
        }
        free(st->rules);
        if (st->notes_out)
            fclose(st->notes_out);
        free(st->notes);
        free(st);
    }
    free(w);
}

report_writer *report_sarif_new(FILE *out, int show_raw)
{
    report_writer *w = calloc(1, sizeof *w);
    sarif_state *st = calloc(1, sizeof *st);
    if (!w || !st) {
        free(w);
        free(st);
        return NULL;
    }
    st->notes_out = open_memstream(&st->notes, &st->notes_len);
    if (!st->notes_out) {
        free(w);
        free(st);
        return NULL;
    }
    w->begin = sarif_begin;
    w->finding = sarif_finding;
    w->file = sarif_file;
    w->end = sarif_end;
    w->free = sarif_free;
    w->out = out;
    w->show_raw = show_raw;
    w->state = st;
    return w;
}
