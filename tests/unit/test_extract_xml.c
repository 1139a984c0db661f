/* test_extract_xml.c -- the zip+XML document extractors (docx, xlsx, pptx,
 * odt/ods/odp, hwpx) through the public API: exact text from
 * piiscan_extract_text_file, statuses from the file reports, findings and
 * their paths from piiscan_scan_file.  Fixtures come from
 * tests/fixtures/gen_xmldocs.py (PII_FIXTURE_DIR/xmldocs); the conformance
 * test reads the real documents in PII_SHARED_FIXTURES when present. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "piiscan.h"
#include "testutil.h"

#define XD PII_FIXTURE_DIR "/xmldocs/"

/* ---- collecting text, reports, findings -------------------------------- */

typedef struct report {
    char path[512];
    char format[32];
    char reason[256];
    int status;
    unsigned depth;
} report;

typedef struct found {
    char type[48];
    char path[512];
    char display[128];
} found;

typedef struct collect {
    char *text;
    size_t len, cap;
    report reports[16];
    size_t nreports;
    found finds[64];
    size_t nfinds;
    char member_text[4096]; /* text of members (paths with '!'), truncated */
    size_t member_len;
} collect;

static int on_text(const char *path, const char *text, size_t len, void *user)
{
    collect *c = user;
    if (strchr(path, '!')) {
        size_t k = len < sizeof c->member_text - 1 - c->member_len
                       ? len
                       : sizeof c->member_text - 1 - c->member_len;
        memcpy(c->member_text + c->member_len, text, k);
        c->member_len += k;
        c->member_text[c->member_len] = '\0';
        return PIISCAN_CONTINUE;
    }
    if (c->len + len + 1 > c->cap) {
        size_t nc = (c->len + len + 1) * 2;
        char *p = realloc(c->text, nc);
        cr_assert_not_null(p);
        c->text = p;
        c->cap = nc;
    }
    memcpy(c->text + c->len, text, len);
    c->len += len;
    c->text[c->len] = '\0';
    return PIISCAN_CONTINUE;
}

static int on_file(const piiscan_file_report *r, void *user)
{
    collect *c = user;
    if (c->nreports < sizeof c->reports / sizeof *c->reports) {
        report *o = &c->reports[c->nreports++];
        snprintf(o->path, sizeof o->path, "%s", r->path ? r->path : "");
        snprintf(o->format, sizeof o->format, "%s", r->format ? r->format : "");
        snprintf(o->reason, sizeof o->reason, "%s", r->reason ? r->reason : "");
        o->status = (int)r->status;
        o->depth = r->depth;
    }
    return PIISCAN_CONTINUE;
}

static int on_finding(const piiscan_finding *f, void *user)
{
    collect *c = user;
    if (c->nfinds < sizeof c->finds / sizeof *c->finds) {
        found *o = &c->finds[c->nfinds++];
        snprintf(o->type, sizeof o->type, "%s", f->type);
        snprintf(o->path, sizeof o->path, "%s", f->path ? f->path : "");
        snprintf(o->display, sizeof o->display, "%s", f->display ? f->display : "");
    }
    return PIISCAN_CONTINUE;
}

/* Extracts a fixture's text; returns the report of the file itself. */
static const report *extract_opts(const char *path, const piiscan_options *o, collect *c)
{
    memset(c, 0, sizeof *c);
    piiscan_status st = piiscan_extract_text_file(path, o, on_text, on_file, c);
    cr_assert_eq(st, PIISCAN_OK, "%s: %s", path, piiscan_strerror(st));
    if (!c->text) {
        c->text = calloc(1, 1);
        cr_assert_not_null(c->text);
    }
    for (size_t i = 0; i < c->nreports; i++)
        if (c->reports[i].depth == 0)
            return &c->reports[i];
    cr_assert_fail("%s: no report for the file", path);
    return NULL;
}

static const report *extract(const char *path, collect *c)
{
    return extract_opts(path, NULL, c);
}

static void scan(const char *path, collect *c)
{
    memset(c, 0, sizeof *c);
    piiscan_scratch *s = NULL;
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), &s), PIISCAN_OK);
    piiscan_status st =
        piiscan_scan_file(t_default_engine(), path, NULL, s, on_finding, on_file, c);
    piiscan_scratch_free(s);
    cr_assert_eq(st, PIISCAN_OK, "%s: %s", path, piiscan_strerror(st));
}

static void done(collect *c)
{
    free(c->text);
    c->text = NULL;
}

#define HAS(c, s) cr_assert_not_null(strstr((c)->text, (s)), "text lacks \"%s\"", (s))
#define LACKS(c, s) cr_assert_null(strstr((c)->text, (s)), "text has \"%s\"", (s))

static size_t pos(const collect *c, const char *s)
{
    const char *p = strstr(c->text, s);
    cr_assert_not_null(p, "text lacks \"%s\"", s);
    return (size_t)(p - c->text);
}

static size_t occurrences(const collect *c, const char *s)
{
    size_t n = 0;
    for (const char *p = c->text; (p = strstr(p, s)) != NULL; p += strlen(s))
        n++;
    return n;
}

static size_t count_type(const collect *c, const char *type, const char *display_prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nfinds; i++)
        if (strcmp(c->finds[i].type, type) == 0 &&
            (!display_prefix ||
             strncmp(c->finds[i].display, display_prefix, strlen(display_prefix)) == 0))
            n++;
    return n;
}

static void all_findings_name(const collect *c, const char *path)
{
    cr_assert_gt(c->nfinds, 0);
    for (size_t i = 0; i < c->nfinds; i++)
        cr_assert_str_eq(c->finds[i].path, path, "finding %s names %s", c->finds[i].type,
                         c->finds[i].path);
}

/* ---- docx --------------------------------------------------------------- */

Test(xml_docx, body_tables_fields_and_tracked_changes)
{
    collect c;
    const report *r = extract(XD "basic.docx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_OK, "status %d (%s)", r->status, r->reason);
    cr_assert_str_eq(r->format, "docx");
    /* runs of one paragraph join with nothing */
    HAS(&c, "주민등록번호: 900101-1234568\n");
    /* adjacent cells and paragraphs never glue */
    HAS(&c, "900101\n1234568");
    LACKS(&c, "9001011234568");
    LACKS(&c, "8804112238459");
    HAS(&c, "880411\n2238459\n");
    /* entities, character references and CDATA */
    HAS(&c, "Tom & Jerry <b> 한글 \"q\"\n");
    HAS(&c, "cdata <raw> & text\n");
    HAS(&c, "left\tright\nnext line\n");
    /* a field's result but not its code */
    HAS(&c, "field result");
    LACKS(&c, "HYPERLINK");
    LACKS(&c, "fieldcode.invalid");
    /* deleted tracked change is read; alternate content read once */
    HAS(&c, "deleted 971013-9019902");
    HAS(&c, "choice text box");
    LACKS(&c, "fallback copy");
    /* tab stops in paragraph properties are not tabs */
    cr_assert_eq(c.text[0], '\xec', "text starts with the first paragraph");
    done(&c);
}

Test(xml_docx, headers_footers_notes_comments_after_the_body)
{
    collect c;
    extract(XD "basic.docx", &c);
    size_t body = pos(&c, "choice text box");
    size_t hdr = pos(&c, "머리글 header text");
    size_t ftr = pos(&c, "바닥글 footer text");
    size_t fn = pos(&c, "각주 footnote hong@example.com");
    size_t en = pos(&c, "미주 endnote");
    size_t cm = pos(&c, "메모 comment 010-2345-6789");
    cr_assert(body < hdr && hdr < ftr && ftr < fn && fn < en && en < cm,
              "order body %zu header %zu footer %zu footnotes %zu endnotes %zu comments %zu",
              body, hdr, ftr, fn, en, cm);
    /* parts are separated by a blank line */
    HAS(&c, "choice text box\n\n머리글");
    done(&c);
}

Test(xml_docx, findings_name_the_document)
{
    collect c;
    scan(XD "basic.docx", &c);
    all_findings_name(&c, XD "basic.docx");
    /* one RRN from the split runs; the cells "900101" | "1234568" make none */
    cr_assert_eq(count_type(&c, "kr_rrn", "900101"), 1);
    cr_assert_eq(count_type(&c, "kr_rrn", "880411"), 0);
    cr_assert_eq(count_type(&c, "email", NULL), 1, "footnote e-mail");
    cr_assert_eq(count_type(&c, "kr_phone", NULL), 1, "comment phone number");
    cr_assert_eq(c.nreports, 1);
    cr_assert_eq(c.reports[0].status, PIISCAN_FILE_OK);
    done(&c);
}

Test(xml_docx, malformed_part_is_an_error_and_keeps_earlier_text)
{
    collect c;
    const report *r = extract(XD "malformed.docx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_ERROR);
    cr_assert_str_eq(r->reason, "word/document.xml: XML error at line 3: mismatched tag");
    HAS(&c, "before the error");
    done(&c);
}

Test(xml_docx, deep_nesting_stops_at_the_limit)
{
    collect c;
    const report *r = extract(XD "deep.docx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_SKIPPED);
    cr_assert_not_null(strstr(r->reason, "nesting"), "reason: %s", r->reason);
    HAS(&c, "shallow text");
    done(&c);
}

Test(xml_docx, entity_declarations_are_refused)
{
    collect c;
    const report *r = extract(XD "laughs.docx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_ERROR);
    cr_assert_not_null(strstr(r->reason, "entity declaration"), "reason: %s", r->reason);
    cr_assert_lt(c.len, 1024, "billion laughs expanded to %zu bytes", c.len);
    done(&c);

    r = extract(XD "xxe.docx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_ERROR);
    LACKS(&c, "root:");
    done(&c);
}

Test(xml_docx, encrypted_entry_is_reported_and_the_rest_read)
{
    collect c;
    const report *r = extract(XD "encrypted-part.docx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_ENCRYPTED, "status %d (%s)", r->status, r->reason);
    cr_assert_not_null(strstr(r->reason, "word/header1.xml"), "reason: %s", r->reason);
    HAS(&c, "visible body text");
    LACKS(&c, "secret header");
    done(&c);
}

Test(xml_docx, embedded_workbook_is_scanned_as_a_member)
{
    collect c;
    scan(XD "embed.docx", &c);
    const char *member = XD "embed.docx!word/embeddings/Microsoft_Excel_Worksheet.xlsx";
    const report *inner = NULL, *outer = NULL;
    for (size_t i = 0; i < c.nreports; i++) {
        if (strcmp(c.reports[i].path, member) == 0)
            inner = &c.reports[i];
        if (strcmp(c.reports[i].path, XD "embed.docx") == 0)
            outer = &c.reports[i];
    }
    cr_assert_eq(c.nreports, 2, "a report for the document and one for its member");
    cr_assert_not_null(inner);
    cr_assert_not_null(outer);
    cr_assert_eq(inner->depth, 1);
    cr_assert_str_eq(inner->format, "xlsx");
    cr_assert_eq(inner->status, PIISCAN_FILE_OK, "%s", inner->reason);
    cr_assert_eq(outer->status, PIISCAN_FILE_OK, "%s", outer->reason);
    all_findings_name(&c, member);
    cr_assert_geq(count_type(&c, "kr_rrn", "900101-"), 1);
    done(&c);

    /* the member's text is its own, not the document's */
    extract(XD "embed.docx", &c);
    HAS(&c, "outer body text");
    LACKS(&c, "second sheet first");
    cr_assert_not_null(strstr(c.member_text, "second sheet first"));
    cr_assert_not_null(strstr(c.member_text, "홍길동\t900101-1234568"));
    done(&c);
}

/* ---- xlsx --------------------------------------------------------------- */

Test(xml_xlsx, cells_in_workbook_order)
{
    collect c;
    const report *r = extract(XD "basic.xlsx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_OK, "status %d (%s)", r->status, r->reason);
    cr_assert_str_eq(r->format, "xlsx");
    /* "Second" comes first in the workbook although it is sheet2.xml */
    cr_assert_lt(pos(&c, "second sheet first"), pos(&c, "이름\t주민등록번호\n"));
    HAS(&c, "second sheet first\n\n이름");
    /* inline string, then a rich shared string without its phonetic run */
    HAS(&c, "\n홍길동\t900101-1234568\n");
    LACKS(&c, "PHONETIC");
    /* number as stored; booleans and errors skipped; formula result, not formula */
    HAS(&c, "\n9001011234568\tformula result\ta & b <c>\n");
    LACKS(&c, "SECRETFORMULA");
    LACKS(&c, "#DIV/0!");
    /* adjacent numeric cells stay apart */
    HAS(&c, "\n900101\t1234568\n");
    cr_assert_eq(occurrences(&c, "9001011234568"), 1);
    /* out-of-range and non-numeric indices give nothing */
    HAS(&c, "\n shared-tail \ninline-rich\n");
    HAS(&c, "sheet header text");
    done(&c);
}

Test(xml_xlsx, comments_after_the_sheets)
{
    collect c;
    extract(XD "basic.xlsx", &c);
    cr_assert_lt(pos(&c, "inline-rich"), pos(&c, "셀 메모 cell comment"));
    LACKS(&c, "AUTHORNAME");
    done(&c);
}

Test(xml_xlsx, findings_name_the_workbook)
{
    collect c;
    scan(XD "basic.xlsx", &c);
    all_findings_name(&c, XD "basic.xlsx");
    cr_assert_geq(count_type(&c, "kr_rrn", "900101-"), 1);
    done(&c);
}

Test(xml_xlsx, shared_strings_over_the_memory_budget_are_still_scanned)
{
    collect c;
    const report *r = extract(XD "big-sst.xlsx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_OK, "status %d (%s)", r->status, r->reason);
    HAS(&c, "first-string\tlast-string\tinline-after-sst");
    done(&c);

    piiscan_options *o = NULL;
    cr_assert_eq(piiscan_options_new(&o), PIISCAN_OK);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_MAX_BUFFER, 1536 * 1024), PIISCAN_OK);
    r = extract_opts(XD "big-sst.xlsx", o, &c);
    piiscan_options_free(o);
    /* the table could not be held: every string is emitted as it comes,
     * the cells that refer to them are empty, the document says why */
    cr_assert_eq(r->status, PIISCAN_FILE_SKIPPED, "status %d (%s)", r->status, r->reason);
    cr_assert_lt(pos(&c, "first-string"), pos(&c, "last-string"));
    cr_assert_lt(pos(&c, "last-string"), pos(&c, "inline-after-sst"));
    LACKS(&c, "first-string\tlast-string");
    /* one line per string, in table order (sha256("1") starts the second) */
    HAS(&c, "first-string\n6b86b273ff34fce19d6b804eff5a3f\n");
    cr_assert_geq(occurrences(&c, "\n"), 20000);
    done(&c);
}

/* ---- pptx --------------------------------------------------------------- */

Test(xml_pptx, slides_in_number_order_then_notes_and_comments)
{
    collect c;
    const report *r = extract(XD "basic.pptx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_OK, "status %d (%s)", r->status, r->reason);
    cr_assert_str_eq(r->format, "pptx");
    size_t s1 = pos(&c, "slide one"), s2 = pos(&c, "slide two"), s10 = pos(&c, "slide ten");
    size_t notes = pos(&c, "speaker notes 010-2345-6789"), cm = pos(&c, "slide comment text");
    cr_assert(s1 < s2 && s2 < s10 && s10 < notes && notes < cm);
    HAS(&c, "slide one: 900101-1234568\n");
    HAS(&c, "before\nafter break");
    HAS(&c, "line & more");
    LACKS(&c, "9001011234568");
    done(&c);
}

Test(xml_pptx, many_parts_stored_backwards_are_read_in_storage_order)
{
    collect c;
    const report *r = extract(XD "reversed.pptx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_OK);
    for (int i = 1; i <= 100; i++) {
        char want[32];
        snprintf(want, sizeof want, "reversed slide %d.", i);
        cr_assert_eq(occurrences(&c, want), 1, "slide %d", i);
    }
    /* 99 backward steps in number order: storage order instead */
    cr_assert_lt(pos(&c, "reversed slide 100."), pos(&c, "reversed slide 1."));
    done(&c);
}

Test(xml_pptx, findings_name_the_presentation)
{
    collect c;
    scan(XD "basic.pptx", &c);
    all_findings_name(&c, XD "basic.pptx");
    cr_assert_eq(count_type(&c, "kr_rrn", "900101"), 1);
    cr_assert_eq(count_type(&c, "kr_phone", NULL), 1);
    done(&c);
}

/* ---- ODF ---------------------------------------------------------------- */

Test(xml_odf, odt_text_spaces_annotations_and_styles)
{
    collect c;
    const report *r = extract(XD "basic.odt", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_OK, "status %d (%s)", r->status, r->reason);
    cr_assert_str_eq(r->format, "odt");
    HAS(&c, "제목 heading\n");
    HAS(&c, "주민번호 900101-1234568\n");
    /* text:s c=3, text:tab, text:line-break, text:s, and a huge c capped at 64 */
    HAS(&c, "a   b\tc\nd e                                                                f\n");
    LACKS(&c, "e                                                                 f");
    HAS(&c, "x & y <z>\tannotation text\ntail");
    LACKS(&c, "AUTHORNAME");
    LACKS(&c, "2024-01-01");
    LACKS(&c, "9001011234568");
    HAS(&c, "note anchor\tfootnote body");
    /* headers and footers from styles.xml, after the body */
    cr_assert_lt(pos(&c, "footnote body"), pos(&c, "문서 머리글 header"));
    HAS(&c, "footer of odt");
    done(&c);
}

Test(xml_odf, ods_repeated_cells_are_not_expanded)
{
    collect c;
    const report *r = extract(XD "basic.ods", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_OK, "status %d (%s)", r->status, r->reason);
    cr_assert_str_eq(r->format, "ods");
    cr_assert_eq(occurrences(&c, "repeated text"), 1);
    cr_assert_lt(c.len, 200, "%zu bytes of text", c.len);
    /* a number cell gives its stored value, not its display */
    HAS(&c, "9001011234568");
    LACKS(&c, "9.00101E+12");
    cr_assert_eq(occurrences(&c, "9001011234568"), 1, "cells 900101 | 1234568 glued");
    HAS(&c, "second sheet cell");
    done(&c);
}

Test(xml_odf, odp_slides_and_notes)
{
    collect c;
    const report *r = extract(XD "basic.odp", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_OK);
    cr_assert_str_eq(r->format, "odp");
    HAS(&c, "odp slide text\nodp speaker notes");
    done(&c);
}

Test(xml_odf, manifest_encryption_is_reported)
{
    collect c;
    const report *r = extract(XD "encrypted.odt", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_ENCRYPTED);
    cr_assert_str_eq(r->reason, "ODF package encrypted with a password");
    cr_assert_eq(c.len, 0);
    done(&c);
}

/* ---- HWPX --------------------------------------------------------------- */

Test(xml_hwpx, sections_in_spine_order_then_the_rest)
{
    collect c;
    const report *r = extract(XD "basic.hwpx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_OK, "status %d (%s)", r->status, r->reason);
    cr_assert_str_eq(r->format, "hwpx");
    size_t s1 = pos(&c, "section one"), hdr = pos(&c, "머리말 테스트");
    size_t body = pos(&c, "번호: 900101-1234568\n"), s0 = pos(&c, "section zero end");
    size_t s2 = pos(&c, "section two (not in the spine)");
    size_t mp = pos(&c, "master page text");
    cr_assert(s1 < hdr && hdr < body && body < s0 && s0 < s2 && s2 < mp);
    HAS(&c, "markpen tab\tafter\nnext line & entity\n");
    HAS(&c, "900101\n1234568");
    LACKS(&c, "9001011234568");
    done(&c);
}

Test(xml_hwpx, findings_name_the_document)
{
    collect c;
    scan(XD "basic.hwpx", &c);
    all_findings_name(&c, XD "basic.hwpx");
    cr_assert_eq(count_type(&c, "kr_rrn", "900101"), 1);
    done(&c);
}

Test(xml_hwpx, malformed_section_is_an_error_the_next_is_read)
{
    collect c;
    const report *r = extract(XD "malformed.hwpx", &c);
    cr_assert_eq(r->status, PIISCAN_FILE_ERROR);
    cr_assert_str_eq(r->reason, "Contents/section0.xml: XML error at line 3: mismatched tag");
    HAS(&c, "good before bad");
    HAS(&c, "section one");
    done(&c);
}

/* ---- shared conformance fixtures --------------------------------------- */

/* Just enough JSON for manifest.json: the string value at *p ('"' first),
 * decoded into out (\uXXXX included).  Returns the position after it. */
static const char *json_string(const char *p, char *out, size_t cap)
{
    size_t n = 0;
    cr_assert_eq(*p, '"');
    for (p++; *p && *p != '"'; p++) {
        uint32_t cp = (unsigned char)*p;
        if (*p == '\\') {
            p++;
            switch (*p) {
            case 'n': cp = '\n'; break;
            case 't': cp = '\t'; break;
            case 'r': cp = '\r'; break;
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'u': {
                cp = (uint32_t)strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
                p += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
                    uint32_t lo = (uint32_t)strtoul((char[5]){p[3], p[4], p[5], p[6], 0}, NULL, 16);
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
                break;
            }
            default: cp = (unsigned char)*p; break;
            }
            char u[4];
            size_t k = 0;
            if (cp < 0x80) {
                u[k++] = (char)cp;
            } else if (cp < 0x800) {
                u[k++] = (char)(0xC0 | (cp >> 6));
                u[k++] = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                u[k++] = (char)(0xE0 | (cp >> 12));
                u[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[k++] = (char)(0x80 | (cp & 0x3F));
            } else {
                u[k++] = (char)(0xF0 | (cp >> 18));
                u[k++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                u[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[k++] = (char)(0x80 | (cp & 0x3F));
            }
            cr_assert_lt(n + k, cap);
            memcpy(out + n, u, k);
            n += k;
        } else {
            cr_assert_lt(n + 1, cap);
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return *p ? p + 1 : p;
}

/* The string value of key `key` ("\"status\"") in [p, end), or 0. */
static int json_field(const char *p, const char *end, const char *key, char *out, size_t cap)
{
    const char *k = strstr(p, key);
    if (!k || k >= end)
        return 0;
    k += strlen(key);
    while (*k == ' ' || *k == ':')
        k++;
    if (*k != '"')
        return 0;
    json_string(k, out, cap);
    return 1;
}

/* Collapses runs of whitespace to one space, in place. */
static void collapse(char *s)
{
    size_t o = 0;
    int ws = 0;
    for (size_t i = 0; s[i]; i++) {
        int w = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' ||
                s[i] == '\v';
        if (w) {
            if (!ws)
                s[o++] = ' ';
            ws = 1;
        } else {
            s[o++] = s[i];
            ws = 0;
        }
    }
    s[o] = '\0';
}

Test(xml_shared, real_documents_contain_their_snippets)
{
    const char *dir = PII_SHARED_FIXTURES;
    char mpath[1024];
    snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
    size_t mlen = 0;
    char *m = t_read_file(mpath, &mlen);
    if (!m)
        cr_skip("no shared fixtures at %s", dir);
    static const char *const mine[] = {"hwpx", "docx", "xlsx", "pptx"};
    size_t checked = 0, snippets = 0;
    for (const char *p = strstr(m, "\"file\""); p;) {
        const char *next = strstr(p + 6, "\"file\"");
        const char *end = next ? next : m + mlen;
        char file[512], format[32], status[32];
        if (!json_field(p, end, "\"file\"", file, sizeof file) ||
            !json_field(p, end, "\"format\"", format, sizeof format) ||
            !json_field(p, end, "\"status\"", status, sizeof status)) {
            p = next;
            continue;
        }
        int is_mine = 0;
        for (size_t i = 0; i < sizeof mine / sizeof *mine; i++)
            is_mine |= strcmp(format, mine[i]) == 0;
        /* encrypted OOXML files are CFB containers, not zips: not ours */
        if (!is_mine || strcmp(status, "ok") != 0) {
            p = next;
            continue;
        }
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        collect c;
        const report *r = extract(path, &c);
        cr_expect_eq(r->status, PIISCAN_FILE_OK, "%s: status %d (%s)", file, r->status, r->reason);
        cr_expect_str_eq(r->format, format, "%s", file);
        collapse(c.text);
        const char *arr = strstr(p, "\"must_contain\"");
        if (arr && arr < end) {
            arr = strchr(arr, '[');
            const char *close = arr ? strchr(arr, ']') : NULL;
            for (const char *q = arr ? strchr(arr, '"') : NULL; q && close && q < close;
                 q = strchr(q, '"')) {
                char want[1024];
                q = json_string(q, want, sizeof want);
                collapse(want);
                cr_expect_not_null(strstr(c.text, want), "%s lacks a must_contain snippet (#%zu)",
                                   file, snippets);
                snippets++;
            }
        }
        done(&c);
        checked++;
        p = next;
    }
    free(m);
    cr_assert_geq(checked, 7, "only %zu documents of my formats in the manifest", checked);
    cr_assert_geq(snippets, 20);
}
