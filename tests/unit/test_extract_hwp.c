/* test_extract_hwp.c -- HWP 5.0 extraction through the public API: text
 * (piiscan_extract_text_file), file statuses (piiscan_on_file reports) and
 * findings (piiscan_scan_file), on fixtures made by
 * tests/fixtures/gen_hwp.py and on the shared real-world HWP files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "piiscan.h"
#include "testutil.h"

#define FIX(name) PII_FIXTURE_DIR "/" name

/* What one file produced: its text (all members), the top-level report and
 * the findings by type. */
typedef struct result {
    char *text;
    size_t len, cap;
    int status;
    char format[32];
    char reason[256];
    int reports;
    unsigned rrn, phone, email, total;
} result;

static int on_text(const char *path, const char *text, size_t len, void *user)
{
    (void)path;
    result *r = user;
    if (r->len + len + 1 > r->cap) {
        r->cap = (r->len + len + 1) * 2;
        r->text = realloc(r->text, r->cap);
        cr_assert_not_null(r->text);
    }
    memcpy(r->text + r->len, text, len);
    r->len += len;
    r->text[r->len] = '\0';
    return PIISCAN_CONTINUE;
}

static int on_file(const piiscan_file_report *rep, void *user)
{
    result *r = user;
    if (rep->depth == 0) {
        r->status = rep->status;
        snprintf(r->format, sizeof r->format, "%s", rep->format ? rep->format : "");
        snprintf(r->reason, sizeof r->reason, "%s", rep->reason ? rep->reason : "");
    }
    r->reports++;
    return PIISCAN_CONTINUE;
}

static int on_finding(const piiscan_finding *f, void *user)
{
    result *r = user;
    r->total++;
    if (strcmp(f->type, "kr_rrn") == 0)
        r->rrn++;
    else if (strcmp(f->type, "kr_phone") == 0)
        r->phone++;
    else if (strcmp(f->type, "email") == 0)
        r->email++;
    return PIISCAN_CONTINUE;
}

static result extract(const char *path)
{
    result r;
    memset(&r, 0, sizeof r);
    r.status = -1;
    r.text = calloc(1, 1);
    piiscan_status st = piiscan_extract_text_file(path, NULL, on_text, on_file, &r);
    cr_assert_eq(st, PIISCAN_OK, "%s: extract returned %d", path, st);
    cr_assert_geq(r.reports, 1, "%s: no file report", path);
    return r;
}

static result scan(const char *path)
{
    result r;
    memset(&r, 0, sizeof r);
    r.status = -1;
    piiscan_scratch *s = NULL;
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), &s), PIISCAN_OK);
    piiscan_status st =
        piiscan_scan_file(t_default_engine(), path, NULL, s, on_finding, on_file, &r);
    piiscan_scratch_free(s);
    cr_assert_eq(st, PIISCAN_OK, "%s: scan returned %d", path, st);
    return r;
}

static void result_free(result *r) { free(r->text); }

static int has(const result *r, const char *needle) { return strstr(r->text, needle) != NULL; }

Test(hwp, uncompressed_section_text_and_format)
{
    result r = extract(FIX("hwp-plain.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    cr_assert_str_eq(r.format, "hwp");
    cr_assert(has(&r, "주민등록번호: 880411-2238459\n"));
    cr_assert(has(&r, "연락처 010-2345-6789\n"));
    cr_assert(has(&r, "평범한 한글 문단입니다.\n"));
    result_free(&r);
}

Test(hwp, compressed_section_gives_the_same_text)
{
    result a = extract(FIX("hwp-plain.hwp")), b = extract(FIX("hwp-compressed.hwp"));
    cr_assert_eq(b.status, PIISCAN_FILE_OK, "reason: %s", b.reason);
    cr_assert_gt(b.len, 40);
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.text, b.text, a.len), 0);
    result_free(&a);
    result_free(&b);
}

Test(hwp, findings_in_a_compressed_document)
{
    result r = scan(FIX("hwp-compressed.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK);
    cr_assert_eq(r.rrn, 1);
    cr_assert_eq(r.phone, 1);
}

Test(hwp, sections_come_in_numeric_order)
{
    result r = extract(FIX("hwp-sections.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    const char *prev = r.text;
    for (int i = 0; i < 12; i++) {
        char want[32];
        snprintf(want, sizeof want, "섹션 %02d 시작", i);
        const char *p = strstr(r.text, want);
        cr_assert_not_null(p, "section %d missing", i);
        cr_assert_geq(p, prev, "section %d out of order", i);
        prev = p;
    }
    cr_assert(has(&r, "둘째 구역 760406-1679592"));
    result_free(&r);
}

Test(hwp, table_cells_never_glue)
{
    result r = extract(FIX("hwp-table.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    cr_assert(has(&r, "880411"));
    cr_assert(has(&r, "2238459"));
    cr_assert(!has(&r, "8804112238459"), "adjacent cells were glued");
    /* Text on both sides of the table's anchor stays apart. */
    cr_assert(!has(&r, "표 앞표 뒤"));
    cr_assert(has(&r, "표 다음 문단"));
    result_free(&r);
    result s = scan(FIX("hwp-table.hwp"));
    cr_assert_eq(s.rrn, 0, "an RRN was formed across two cells");
    cr_assert_eq(s.phone, 1, "the phone number in a cell was missed");
}

Test(hwp, value_split_by_inline_controls_reads_as_one)
{
    result r = extract(FIX("hwp-inline.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    cr_assert(has(&r, "주민등록번호 861121-1967921."), "controls leaked into the value");
    cr_assert(has(&r, "이름\t홍길동"), "tab control is a tab");
    cr_assert(has(&r, "홍길동\n둘째 줄"), "line break control is a newline");
    cr_assert(has(&r, "둘째 줄 끝-말"), "fixed-width space and hyphen controls");
    /* No control code or its parameter units reach the text. */
    for (size_t i = 0; i < r.len; i++) {
        unsigned char c = (unsigned char)r.text[i];
        cr_assert(c >= 0x20 || c == '\n' || c == '\t', "control byte %u at %zu", c, i);
    }
    cr_assert(!has(&r, "klc%") && !has(&r, "mkob"), "control ids leaked");
    result_free(&r);
    result s = scan(FIX("hwp-inline.hwp"));
    cr_assert_eq(s.rrn, 1);
}

Test(hwp, header_footer_and_footnote_text)
{
    result r = extract(FIX("hwp-notes.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    cr_assert(has(&r, "머리말 연락처 010-2345-6789"));
    cr_assert(has(&r, "꼬리말 문장입니다."));
    cr_assert(has(&r, "각주 주민번호 760406-1679592"));
    cr_assert(has(&r, "마지막 본문"));
    cr_assert(!has(&r, "본문 계속"), "text around a note anchor glued");
    result_free(&r);
    result s = scan(FIX("hwp-notes.hwp"));
    cr_assert_eq(s.rrn, 1);
    cr_assert_eq(s.phone, 1);
}

Test(hwp, long_record_with_extended_size_and_astral_character)
{
    result r = extract(FIX("hwp-long.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    /* U+20B9F after 511 units: a surrogate pair across the text buffer. */
    cr_assert(has(&r, "가\xF0\xA0\xAE\x9F나"), "surrogate pair split or dropped");
    cr_assert(has(&r, "나 880411-2238459 끝"));
    result_free(&r);
}

Test(hwp, records_straddling_inflate_steps)
{
    result r = extract(FIX("hwp-big-section.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    cr_assert_gt(r.len, 200000, "the section is smaller than several inflate steps");
    const char *at = r.text;
    for (int i = 0; i < 2000; i++) {
        char a[32], b[32];
        snprintf(a, sizeof a, "문단 %04d 시작 ", i);
        snprintf(b, sizeof b, " 문단 %04d 끝\n", i);
        const char *p = strstr(at, a);
        cr_assert_not_null(p, "paragraph %d start missing or out of order", i);
        const char *q = strstr(p, b);
        cr_assert_not_null(q, "paragraph %d end missing", i);
        /* Nothing but the filler between: no control or split unit leaked. */
        for (const char *x = p + strlen(a); x < q; x += 3)
            cr_assert_eq(memcmp(x, "라", 3), 0, "paragraph %d damaged", i);
        at = q;
    }
    result_free(&r);
}

Test(hwp, password_document_is_encrypted)
{
    result r = extract(FIX("hwp-password.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_ENCRYPTED);
    cr_assert_str_eq(r.reason, "HWP document protected with a password");
    cr_assert_str_eq(r.format, "hwp");
    cr_assert_eq(r.len, 0);
    result_free(&r);
}

Test(hwp, distribution_document_is_decrypted)
{
    result r = extract(FIX("hwp-distribution.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    cr_assert(has(&r, "배포용 문서 본문입니다."));
    cr_assert(has(&r, "주민등록번호 880411-2238459"));
    cr_assert(has(&r, "둘째 구역 배포 760406-1679592"), "second ViewText section");
    cr_assert(!has(&r, "상위 버전의 배포용 문서"), "the BodyText placeholder is not the text");
    result_free(&r);
    result s = scan(FIX("hwp-distribution.hwp"));
    cr_assert_eq(s.rrn, 2);
    cr_assert_eq(s.phone, 1);
}

Test(hwp, uncompressed_distribution_document_with_padding)
{
    result r = extract(FIX("hwp-distribution-raw.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    cr_assert(has(&r, "주민등록번호 880411-2238459"));
    result_free(&r);
}

Test(hwp, undecryptable_distribution_document_is_protected)
{
    result r = extract(FIX("hwp-distribution-bad.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_PROTECTED);
    cr_assert_str_eq(r.reason, "HWP distribution document: ViewText could not be decrypted");
    cr_assert(!has(&r, "상위 버전의 배포용 문서"));
    result_free(&r);
}

Test(hwp, truncated_section_keeps_earlier_sections)
{
    result r = extract(FIX("hwp-truncated-section.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_ERROR);
    cr_assert(strstr(r.reason, "BodyText/Section1") != NULL, "reason: %s", r.reason);
    cr_assert(has(&r, "주민등록번호: 880411-2238459"), "Section0's text was lost");
    result_free(&r);
    result s = scan(FIX("hwp-truncated-section.hwp"));
    cr_assert_eq(s.status, PIISCAN_FILE_ERROR);
    cr_assert_eq(s.rrn, 1);
}

Test(hwp, truncated_file_is_an_error)
{
    result r = extract(FIX("hwp-truncated-file.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_ERROR);
    cr_assert(strstr(r.reason, "CFB:") != NULL, "reason: %s", r.reason);
    result_free(&r);
}

Test(hwp, lying_record_size_is_an_error_after_the_good_text)
{
    result r = extract(FIX("hwp-size-lies.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_ERROR);
    cr_assert_str_eq(r.reason, "BodyText/Section0: record size exceeds the section");
    cr_assert(has(&r, "앞 문단 010-9876-5432"));
    result_free(&r);
}

Test(hwp, corrupt_deflate_is_an_error)
{
    result r = extract(FIX("hwp-bad-deflate.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_ERROR);
    cr_assert_str_eq(r.reason, "BodyText/Section0: compressed data corrupt");
    result_free(&r);
}

Test(hwp, reasons_never_hold_content)
{
    const char *files[] = {FIX("hwp-truncated-section.hwp"), FIX("hwp-size-lies.hwp"),
                           FIX("hwp-distribution-bad.hwp"), FIX("hwp-truncated-file.hwp")};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        result r = extract(files[i]);
        cr_assert(strstr(r.reason, "880411") == NULL && strstr(r.reason, "010-") == NULL);
        result_free(&r);
    }
}

static int count_member_findings(const piiscan_finding *f, void *user)
{
    unsigned *n = user;
    if (strcmp(f->type, "kr_rrn") == 0 && f->path &&
        strstr(f->path, "!BinData/BIN0001.OLE") != NULL)
        (*n)++;
    return PIISCAN_CONTINUE;
}

Test(hwp, embedded_ole_object_is_read_as_a_member)
{
    result r = extract(FIX("hwp-bindata.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    cr_assert(has(&r, "본문과 내장 개체"));
    cr_assert(has(&r, "내장 개체 861121-1967921 끝"), "the OLE object's text is missing");
    /* The document and the OLE object; the picture is not a member. */
    cr_assert_eq(r.reports, 2);
    result_free(&r);
    piiscan_scratch *s = NULL;
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), &s), PIISCAN_OK);
    unsigned n = 0;
    cr_assert_eq(piiscan_scan_file(t_default_engine(), FIX("hwp-bindata.hwp"), NULL, s,
                                   count_member_findings, NULL, &n),
                 PIISCAN_OK);
    piiscan_scratch_free(s);
    cr_assert_eq(n, 1, "the RRN was not reported in the member");
}

Test(hwp, embedded_ole_object_in_an_uncompressed_document)
{
    result r = extract(FIX("hwp-bindata-raw.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    cr_assert(has(&r, "내장 개체 861121-1967921 끝"), "the OLE object's text is missing");
    cr_assert_eq(r.reports, 2);
    result_free(&r);
}

Test(hwp, legacy_hwp3_is_unsupported_not_clean)
{
    result r = extract(FIX("hwp3.hwp"));
    cr_assert_eq(r.status, PIISCAN_FILE_UNSUPPORTED, "an HWP 3 file reported as %d", r.status);
    cr_assert_str_eq(r.format, "hwp");
    cr_assert_str_eq(r.reason, "HWP 3.x document: only HWP 5.0 is read");
    cr_assert_eq(r.len, 0);
    result_free(&r);
}

Test(cfb_dispatch, encrypted_ooxml_package)
{
    result r = extract(FIX("cfb-encrypted-ooxml.docx"));
    cr_assert_eq(r.status, PIISCAN_FILE_ENCRYPTED);
    cr_assert_str_eq(r.format, "ooxml");
    cr_assert_str_eq(r.reason,
                     "password-protected Office document (ECMA-376 agile/standard encryption)");
    result_free(&r);
}

Test(cfb_dispatch, unknown_compound_file_is_swept_for_text)
{
    result r = extract(FIX("cfb-unknown.cfb"));
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "reason: %s", r.reason);
    cr_assert_str_eq(r.format, "cfb");
    cr_assert(has(&r, "연락처 010-2345-6789"), "UTF-16LE run");
    cr_assert(has(&r, "mail me: hong@example.com"), "8-bit run");
    result_free(&r);
    result s = scan(FIX("cfb-unknown.cfb"));
    cr_assert_eq(s.phone, 1);
    cr_assert_eq(s.email, 1);
}

Test(cfb_dispatch, broken_compound_file_is_an_error)
{
    result r = extract(FIX("cfb-dir-cycle.cfb"));
    cr_assert_eq(r.status, PIISCAN_FILE_ERROR);
    cr_assert_str_eq(r.reason, "CFB: directory tree has a cycle");
    result_free(&r);
}

Test(hwp, blob_named_hwp_gives_the_same_text_as_the_file)
{
    size_t n = 0;
    char *data = t_read_file(FIX("hwp-distribution.hwp"), &n);
    cr_assert_not_null(data);
    result a;
    memset(&a, 0, sizeof a);
    a.text = calloc(1, 1);
    cr_assert_eq(piiscan_extract_text_blob(data, n, "x.hwp", NULL, on_text, on_file, &a),
                 PIISCAN_OK);
    result b = extract(FIX("hwp-distribution.hwp"));
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.text, b.text, a.len), 0);
    free(data);
    result_free(&a);
    result_free(&b);
}

/* ---- the shared real-world fixtures (manifest.json, hwp rows) ---------- */

/* Collapses runs of whitespace to one space, in place. */
static void collapse_ws(char *s)
{
    char *w = s;
    int sp = 0;
    for (char *p = s; *p; p++) {
        int ws = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v';
        if (ws) {
            sp = 1;
            continue;
        }
        if (sp && w != s)
            *w++ = ' ';
        sp = 0;
        *w++ = *p;
    }
    *w = '\0';
}

/* A minimal reader of the manifest's rows: manifest.json is written by a
 * tool with one key per line; only string values and arrays of strings are
 * read, with the escapes JSON allows in them. */
static const char *json_string(const char *p, char *out, size_t cap)
{
    /* p is at the opening quote; returns the position after the closing one */
    size_t k = 0;
    for (p++; *p && *p != '"'; p++) {
        char ch = *p;
        if (ch == '\\' && p[1]) {
            p++;
            ch = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
            if (*p == 'u') { /* BMP escapes only; the manifest has none today */
                unsigned u = 0;
                cr_assert_eq(sscanf(p + 1, "%4x", &u), 1);
                p += 4;
                char tmp[4];
                size_t n = 0;
                if (u < 0x80)
                    tmp[n++] = (char)u;
                else if (u < 0x800)
                    tmp[n++] = (char)(0xC0 | u >> 6), tmp[n++] = (char)(0x80 | (u & 63));
                else
                    tmp[n++] = (char)(0xE0 | u >> 12), tmp[n++] = (char)(0x80 | (u >> 6 & 63)),
                    tmp[n++] = (char)(0x80 | (u & 63));
                for (size_t i = 0; i < n && k + 1 < cap; i++)
                    out[k++] = tmp[i];
                continue;
            }
        }
        if (k + 1 < cap)
            out[k++] = ch;
    }
    out[k] = '\0';
    return *p ? p + 1 : p;
}

/* Value of "key": "..." inside [row, end), or "" */
static void row_string(const char *row, const char *end, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(row, pat);
    out[0] = '\0';
    if (p && p < end)
        json_string(p + strlen(pat) - 1, out, cap);
}

/* Strings of "key": [ ... ] inside [row, end); returns how many (at most max). */
static size_t row_array(const char *row, const char *end, const char *key, char out[][256],
                        size_t max)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": [", key);
    const char *p = strstr(row, pat);
    size_t n = 0;
    if (!p || p >= end)
        return 0;
    for (p += strlen(pat); *p && *p != ']' && p < end; p++)
        if (*p == '"' && n < max)
            p = json_string(p, out[n++], 256) - 1;
    return n;
}

Test(hwp_shared, real_documents_match_the_manifest)
{
    char path[512];
    snprintf(path, sizeof path, "%s/manifest.json", PII_SHARED_FIXTURES);
    size_t mlen = 0;
    char *m = t_read_file(path, &mlen);
    if (!m)
        cr_skip("shared fixtures not present (%s)", PII_SHARED_FIXTURES);
    size_t rows = 0, decrypted = 0;
    const char *row = strstr(m, "\"file\": \"");
    while (row) {
        const char *next = strstr(row + 1, "\"file\": \"");
        const char *end = next ? next : m + mlen;
        char file[256], format[32], status[32], snip[8][256];
        const char *cur = row;
        row = next;
        row_string(cur, end, "file", file, sizeof file);
        row_string(cur, end, "format", format, sizeof format);
        row_string(cur, end, "status", status, sizeof status);
        if (strcmp(format, "hwp") != 0)
            continue;
        rows++;
        snprintf(path, sizeof path, "%s/%s", PII_SHARED_FIXTURES, file);
        result r = extract(path);
        cr_assert_str_eq(r.format, "hwp", "%s", file);
        size_t ns = 0;
        if (strcmp(status, "encrypted") == 0) {
            cr_assert_eq(r.status, PIISCAN_FILE_ENCRYPTED, "%s: status %d", file, r.status);
            result_free(&r);
            continue;
        } else if (strcmp(status, "protected") == 0) {
            if (r.status == PIISCAN_FILE_PROTECTED) {
                result_free(&r); /* allowed: reported protected rather than decrypted */
                continue;
            }
            ns = row_array(cur, end, "decrypted_must_contain", snip, 8);
            decrypted++;
            cr_assert(strstr(r.text, "상위 버전의 배포용 문서") == NULL,
                      "%s: the placeholder was reported as the text", file);
        } else {
            cr_assert_str_eq(status, "ok", "%s: unknown manifest status", file);
            ns = row_array(cur, end, "must_contain", snip, 8);
        }
        cr_assert_eq(r.status, PIISCAN_FILE_OK, "%s: status %d (%s)", file, r.status, r.reason);
        collapse_ws(r.text);
        for (size_t k = 0; k < ns; k++) {
            collapse_ws(snip[k]);
            cr_assert(strstr(r.text, snip[k]) != NULL, "%s: snippet %zu missing", file, k);
        }
        result_free(&r);
    }
    cr_assert_geq(rows, 9, "the manifest lists %zu hwp rows", rows);
    cr_assert_geq(decrypted, 2, "distribution documents were not decrypted");
    free(m);
}

Test(hwp_shared, distribution_document_findings)
{
    char path[512];
    snprintf(path, sizeof path, "%s/hwp/hwplib-distribution.hwp", PII_SHARED_FIXTURES);
    FILE *f = fopen(path, "rb");
    if (!f)
        cr_skip("shared fixtures not present");
    fclose(f);
    result s = scan(path);
    cr_assert_eq(s.status, PIISCAN_FILE_OK);
    /* 02-2184-8705 is listed in the manifest's pii_like column. */
    cr_assert_geq(s.phone, 1);
}
