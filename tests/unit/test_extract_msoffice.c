/* test_extract_msoffice.c -- text and statuses of legacy Office files:
 * .doc (piece table, fields, stories, tables), .xls (SST split across
 * CONTINUE, cell records, numbers, sheets, BIFF5 in CP949), .ppt (record
 * tree, text atoms) and their encryption, through the public API.
 *
 * Fixtures come from tests/fixtures/gen_msoffice.py (built at test time);
 * the expected snippets below are written from the structures that script
 * lays down, not taken from the extractor.  The last tests read the shared
 * conformance fixtures (real Office files) when they are present. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "piiscan.h"
#include "testutil.h"

typedef struct xres {
    char *text;
    size_t len, cap;
    int status; /* top-level file status, -1 before its report */
    char reason[256];
    char format[32];
} xres;

static int on_text(const char *path, const char *t, size_t n, void *user)
{
    (void)path;
    xres *r = user;
    if (r->len + n + 1 > r->cap) {
        size_t cap = (r->len + n + 1) * 2;
        char *p = realloc(r->text, cap);
        cr_assert_not_null(p);
        r->text = p;
        r->cap = cap;
    }
    memcpy(r->text + r->len, t, n);
    r->len += n;
    r->text[r->len] = '\0';
    return PIISCAN_CONTINUE;
}

static int on_file(const piiscan_file_report *rep, void *user)
{
    xres *r = user;
    if (rep->depth != 0)
        return PIISCAN_CONTINUE;
    r->status = (int)rep->status;
    snprintf(r->reason, sizeof r->reason, "%s", rep->reason ? rep->reason : "");
    snprintf(r->format, sizeof r->format, "%s", rep->format ? rep->format : "");
    return PIISCAN_CONTINUE;
}

static xres extract_path(const char *path)
{
    xres r = {.status = -1};
    r.text = calloc(1, 1);
    r.cap = 1;
    piiscan_status st = piiscan_extract_text_file(path, NULL, on_text, on_file, &r);
    cr_assert_eq(st, PIISCAN_OK, "%s: status %d", path, st);
    cr_assert_neq(r.status, -1, "%s: no file report", path);
    return r;
}

static xres extract(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", PII_FIXTURE_DIR, name);
    return extract_path(path);
}

static void xfree(xres *r)
{
    free(r->text);
}

static int on_finding(const piiscan_finding *f, void *user)
{
    tfindings *out = user;
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 8;
        out->v = realloc(out->v, out->cap * sizeof *out->v);
        cr_assert_not_null(out->v);
    }
    tfinding *t = &out->v[out->n++];
    memset(t, 0, sizeof *t);
    snprintf(t->type, sizeof t->type, "%s", f->type);
    t->offset = f->offset;
    t->length = f->length;
    return PIISCAN_CONTINUE;
}

static tfindings scan(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", PII_FIXTURE_DIR, name);
    tfindings f = {0};
    piiscan_scratch *s = NULL;
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), &s), PIISCAN_OK);
    cr_assert_eq(piiscan_scan_file(t_default_engine(), path, NULL, s, on_finding, NULL, &f),
                 PIISCAN_OK);
    piiscan_scratch_free(s);
    return f;
}

#define HAS(r, s) cr_assert_not_null(strstr((r).text, (s)), "missing %s", #s)
#define HASNT(r, s) cr_assert_null(strstr((r).text, (s)), "unexpected %s", #s)

/* ---- Word ---------------------------------------------------------------- */

Test(msoffice_doc, pieces_in_cp_order_unicode_and_compressed)
{
    xres r = extract("msoffice-basic.doc");
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "status %d (%s)", r.status, r.reason);
    cr_assert_str_eq(r.format, "doc");
    HAS(r, "주민등록번호 760406-1679592\n");
    /* the compressed piece: 0xE9 and 0x93/0x94 are é and curly quotes in
     * Windows-1252; 0x0B is a line break */
    HAS(r, "Phone 010-2000-0000 café “quoted”\nnext line");
    /* the unicode piece comes before the compressed one (CP order) */
    cr_assert_lt(strstr(r.text, "760406"), strstr(r.text, "Phone"));
    xfree(&r);
}

Test(msoffice_doc, table_cells_never_glue)
{
    xres r = extract("msoffice-basic.doc");
    HAS(r, "880411\t2238459");
    HASNT(r, "8804112238459");
    xfree(&r);
    tfindings f = scan("msoffice-basic.doc");
    /* one RRN in the paragraph; the two cells must not form a second */
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 1);
    cr_assert_eq(t_count_type(&f, "kr_phone"), 2);
    t_free(&f);
}

Test(msoffice_doc, field_instructions_hidden_results_kept)
{
    xres r = extract("msoffice-basic.doc");
    HAS(r, "결과텍스트 끝");
    HASNT(r, "HYPERLINK");
    HASNT(r, "instr.invalid");
    /* nested field inside the instructions of an IF field: all hidden;
     * the IF's result is shown */
    HAS(r, "보임");
    HASNT(r, "NESTED");
    HASNT(r, "숨김");
    HASNT(r, "PAGE");
    xfree(&r);
}

Test(msoffice_doc, header_story_follows_as_its_own_part)
{
    xres r = extract("msoffice-basic.doc");
    HAS(r, "next line\n\nHeader 02-212-3456");
    xfree(&r);
}

Test(msoffice_doc, reads_the_table_stream_the_fib_names)
{
    xres r = extract("msoffice-basic.doc"); /* fWhichTblStm = 1, decoy in 0Table */
    HASNT(r, "WRONG TABLE");
    xfree(&r);
    r = extract("msoffice-table0.doc"); /* fWhichTblStm = 0, decoy in 1Table */
    cr_assert_eq(r.status, PIISCAN_FILE_OK);
    HAS(r, "주민등록번호 760406-1679592");
    HASNT(r, "WRONG TABLE");
    xfree(&r);
}

Test(msoffice_doc, encrypted_and_obfuscated_are_reported_without_text)
{
    xres r = extract("msoffice-encrypted.doc");
    cr_assert_eq(r.status, PIISCAN_FILE_ENCRYPTED);
    cr_assert_str_eq(r.reason, "Word document encrypted with a password");
    cr_assert_eq(r.len, 0, "no text from an encrypted document");
    xfree(&r);
    r = extract("msoffice-obfuscated.doc");
    cr_assert_eq(r.status, PIISCAN_FILE_ENCRYPTED);
    cr_assert_eq(strncmp(r.reason, "Word document encrypted with a password", 39), 0);
    cr_assert_not_null(strstr(r.reason, "XOR"));
    cr_assert_eq(r.len, 0);
    xfree(&r);
}

Test(msoffice_doc, broken_piece_table_is_an_error_with_swept_text)
{
    xres r = extract("msoffice-broken-clx.doc");
    cr_assert_eq(r.status, PIISCAN_FILE_ERROR);
    cr_assert_not_null(strstr(r.reason, "CLX"), "reason: %s", r.reason);
    cr_assert_null(strstr(r.reason, "760406"));
    HAS(r, "760406-1679592");
    xfree(&r);
    tfindings f = scan("msoffice-broken-clx.doc");
    cr_assert_geq(t_count_type(&f, "kr_rrn"), 1);
    t_free(&f);
}

Test(msoffice_doc, word6_text_in_the_fib_code_page)
{
    xres r = extract("msoffice-word6.doc");
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "status %d (%s)", r.status, r.reason);
    HAS(r, "홍길동 760406-1679592\n셀\t둘\t");
    xfree(&r);
}

Test(msoffice_doc, pieces_repeating_one_range_count_against_the_limit)
{
    /* 2000 pieces x the same 4000 bytes = 8 MB of text from a 30 KB file */
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", PII_FIXTURE_DIR, "msoffice-repeat.doc");
    piiscan_options *o = NULL;
    cr_assert_eq(piiscan_options_new(&o), PIISCAN_OK);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_MAX_EXTRACTED, 1 << 20), PIISCAN_OK);
    xres r = {.status = -1};
    r.text = calloc(1, 1);
    r.cap = 1;
    piiscan_extract_text_file(path, o, on_text, on_file, &r);
    cr_assert_eq(r.status, PIISCAN_FILE_SKIPPED, "status %d (%s)", r.status, r.reason);
    cr_assert_lt(r.len, (size_t)4 << 20, "extraction went on past the limit");
    xfree(&r);
    piiscan_options_free(o);
}

/* ---- Excel --------------------------------------------------------------- */

Test(msoffice_xls, cells_rows_and_numbers)
{
    xres r = extract("msoffice-basic.xls");
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "status %d (%s)", r.status, r.reason);
    cr_assert_str_eq(r.format, "xls");
    /* LABELSST x2 / NUMBER x2 / RK int and x100 / MULRK int, double, negative
     * / FORMULA string result and numeric result */
    HAS(r, "Sheet1\n이름\tHong Gildong\n880411\t2238459\n12345\t123.45\n7\t2.5\t-42\n"
           "수식 760406-1679592\t3.25");
    HASNT(r, "880411.0");
    xfree(&r);
}

Test(msoffice_xls, sst_string_split_across_continue)
{
    xres r = extract("msoffice-basic.xls");
    /* 8-bit "Call 010-20" in the SST, then a CONTINUE whose new flags byte
     * switches to 16-bit for "00-0000 연락처"; then a rich string whose
     * formatting runs must be skipped */
    HAS(r, "Call 010-2000-0000 연락처\tRich");
    xfree(&r);
    tfindings f = scan("msoffice-basic.xls");
    cr_assert_eq(t_count_type(&f, "kr_phone"), 1);
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 1, "the adjacent number cells must not glue");
    t_free(&f);
}

Test(msoffice_xls, sheets_are_parts_named_by_boundsheet)
{
    xres r = extract("msoffice-basic.xls");
    HAS(r, "3.25\n\n둘째\nSecond sheet label\n");
    cr_assert_lt(strstr(r.text, "Sheet1"), strstr(r.text, "둘째"));
    xfree(&r);
}

Test(msoffice_xls, sst_count_in_header_is_not_trusted)
{
    /* cstUnique claims a million strings: the table is bounded by the bytes */
    xres r = extract("msoffice-sstlie.xls");
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "status %d (%s)", r.status, r.reason);
    HAS(r, "Call 010-2000-0000 연락처\tRich");
    xfree(&r);
}

Test(msoffice_xls, record_past_the_end_is_an_error_and_earlier_cells_are_kept)
{
    xres r = extract("msoffice-truncated.xls");
    cr_assert_eq(r.status, PIISCAN_FILE_ERROR);
    cr_assert_not_null(strstr(r.reason, "exceeds the stream"), "reason: %s", r.reason);
    HAS(r, "이름\tHong Gildong");
    xfree(&r);
}

Test(msoffice_xls, a_bad_cell_is_counted_and_the_next_cells_still_read)
{
    xres r = extract("msoffice-badcell.xls");
    cr_assert_eq(r.status, PIISCAN_FILE_ERROR);
    cr_assert_str_eq(r.reason, "Workbook: 1 cell record(s) malformed");
    HAS(r, "이름\tHong Gildong\n880411\t2238459");
    HAS(r, "Call 010-2000-0000 연락처\tRich");
    xfree(&r);
}

Test(msoffice_xls, filepass_is_encrypted)
{
    xres r = extract("msoffice-encrypted.xls");
    cr_assert_eq(r.status, PIISCAN_FILE_ENCRYPTED);
    cr_assert_str_eq(r.reason, "Excel workbook encrypted with a password (RC4/XOR)");
    cr_assert_eq(r.len, 0);
    xfree(&r);
}

Test(msoffice_xls, biff5_strings_in_the_workbook_code_page)
{
    xres r = extract("msoffice-biff5.xls");
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "status %d (%s)", r.status, r.reason);
    HAS(r, "시트\n홍길동 전화 02-212-3456\t1.5");
    xfree(&r);
}

/* ---- PowerPoint ---------------------------------------------------------- */

Test(msoffice_ppt, text_atoms_in_record_order)
{
    xres r = extract("msoffice-basic.ppt");
    cr_assert_eq(r.status, PIISCAN_FILE_OK, "status %d (%s)", r.status, r.reason);
    cr_assert_str_eq(r.format, "ppt");
    /* TextCharsAtom with an inner 0x0D, TextBytesAtom (8-bit), then the
     * TextCharsAtom of a text box inside the slide's drawing */
    HAS(r, "제목 슬라이드\n주민번호 760406-1679592\nPhone 010-2000-0000 café\n상자 안 텍스트");
    HAS(r, "mailto:hong@example.com"); /* hyperlink target (CString) */
    HASNT(r, "Default Design");       /* CStrings elsewhere are not text */
    xfree(&r);
    tfindings f = scan("msoffice-basic.ppt");
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 1);
    cr_assert_eq(t_count_type(&f, "kr_phone"), 1);
    cr_assert_eq(t_count_type(&f, "email"), 1);
    t_free(&f);
}

Test(msoffice_ppt, encryption_by_summary_stream_token_or_cryptsession)
{
    const char *names[] = {"msoffice-encrypted.ppt", "msoffice-usertoken.ppt",
                           "msoffice-cryptsession.ppt"};
    for (size_t i = 0; i < 3; i++) {
        xres r = extract(names[i]);
        cr_assert_eq(r.status, PIISCAN_FILE_ENCRYPTED, "%s: %d", names[i], r.status);
        cr_assert_str_eq(r.reason, "PowerPoint presentation encrypted with a password");
        if (i < 2)
            cr_assert_eq(r.len, 0, "%s: text from an encrypted file", names[i]);
        xfree(&r);
    }
}

Test(msoffice_ppt, size_lie_is_an_error_and_earlier_text_is_kept)
{
    xres r = extract("msoffice-truncated.ppt");
    cr_assert_eq(r.status, PIISCAN_FILE_ERROR);
    cr_assert_not_null(strstr(r.reason, "exceeds"), "reason: %s", r.reason);
    HAS(r, "주민번호 760406-1679592");
    HAS(r, "보이는 글");
    xfree(&r);
}

/* ---- shared conformance fixtures (real files made by Microsoft Office) --- */

/* Collapses runs of whitespace into one space, in place. */
static void collapse(char *s)
{
    char *o = s;
    int sp = 0;
    for (char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v') {
            sp = 1;
            continue;
        }
        if (sp && o != s)
            *o++ = ' ';
        sp = 0;
        *o++ = *p;
    }
    *o = '\0';
}

static void put_utf8(char **o, unsigned cp)
{
    char *p = *o;
    if (cp < 0x80)
        *p++ = (char)cp;
    else if (cp < 0x800) {
        *p++ = (char)(0xC0 | cp >> 6);
        *p++ = (char)(0x80 | (cp & 63));
    } else if (cp < 0x10000) {
        *p++ = (char)(0xE0 | cp >> 12);
        *p++ = (char)(0x80 | ((cp >> 6) & 63));
        *p++ = (char)(0x80 | (cp & 63));
    } else {
        *p++ = (char)(0xF0 | cp >> 18);
        *p++ = (char)(0x80 | ((cp >> 12) & 63));
        *p++ = (char)(0x80 | ((cp >> 6) & 63));
        *p++ = (char)(0x80 | (cp & 63));
    }
    *o = p;
}

/* Decodes the JSON string starting at the opening quote *s; returns a
 * malloc'd UTF-8 string and moves *s past the closing quote. */
static char *json_string(const char **s)
{
    const char *p = *s;
    cr_assert_eq(*p, '"');
    p++;
    char *out = malloc(strlen(p) + 1), *o = out;
    while (*p && *p != '"') {
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        p++;
        switch (*p) {
        case 'n': *o++ = '\n'; p++; break;
        case 't': *o++ = '\t'; p++; break;
        case 'r': *o++ = '\r'; p++; break;
        case 'u': {
            unsigned cp = (unsigned)strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
            p += 5;
            if (cp >= 0xD800 && cp < 0xDC00 && p[0] == '\\' && p[1] == 'u') {
                unsigned lo = (unsigned)strtoul((char[5]){p[2], p[3], p[4], p[5], 0}, NULL, 16);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            }
            put_utf8(&o, cp);
            break;
        }
        default: *o++ = *p++; break;
        }
    }
    *o = '\0';
    *s = *p ? p + 1 : p;
    return out;
}

static const char *field_in(const char *obj, const char *end, const char *key)
{
    const char *k = strstr(obj, key);
    return k && k < end ? k + strlen(key) : NULL;
}

static int is_legacy_office(const char *file)
{
    size_t n = strlen(file);
    return strncmp(file, "office/", 7) == 0 && n > 4 &&
           (strcmp(file + n - 4, ".doc") == 0 || strcmp(file + n - 4, ".xls") == 0 ||
            strcmp(file + n - 4, ".ppt") == 0);
}

Test(msoffice_shared, real_office_files_match_the_manifest)
{
    char mpath[1024];
    snprintf(mpath, sizeof mpath, "%s/manifest.json", PII_SHARED_FIXTURES);
    struct stat sb;
    if (stat(mpath, &sb) != 0)
        cr_skip_test("shared fixtures not present (%s)", PII_SHARED_FIXTURES);
    size_t mlen = 0;
    char *m = t_read_file(mpath, &mlen);
    cr_assert_not_null(m);
    int checked = 0, encrypted = 0;
    const char *key = "\"file\": ";
    for (const char *p = strstr(m, key); p; ) {
        const char *next = strstr(p + 1, key);
        const char *end = next ? next : m + mlen;
        const char *fs = p + strlen(key);
        char *file = json_string(&fs);
        if (!is_legacy_office(file)) {
            free(file);
            p = next;
            continue;
        }
        const char *st = field_in(p, end, "\"status\": ");
        cr_assert_not_null(st, "%s: no status in manifest", file);
        char *status = json_string(&st);
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", PII_SHARED_FIXTURES, file);
        xres r = extract_path(path);
        if (strcmp(status, "encrypted") == 0) {
            cr_expect_eq(r.status, PIISCAN_FILE_ENCRYPTED, "%s: status %d (%s)", file, r.status,
                         r.reason);
            encrypted++;
        } else {
            cr_expect_eq(r.status, PIISCAN_FILE_OK, "%s: status %d (%s)", file, r.status,
                         r.reason);
            collapse(r.text);
            const char *mc = field_in(p, end, "\"must_contain\": [");
            cr_assert_not_null(mc, "%s: no must_contain", file);
            for (;;) {
                while (*mc == ' ' || *mc == '\n' || *mc == ',')
                    mc++;
                if (*mc != '"')
                    break;
                char *snip = json_string(&mc);
                collapse(snip);
                cr_expect_not_null(strstr(r.text, snip), "%s: missing a must_contain snippet",
                                   file);
                free(snip);
            }
        }
        checked++;
        xfree(&r);
        free(status);
        free(file);
        p = next;
    }
    free(m);
    /* the manifest lists 3 .doc, 2 .xls, 2 .ppt (3 of them encrypted) */
    cr_assert_geq(checked, 7, "only %d legacy Office files found in the manifest", checked);
    cr_assert_geq(encrypted, 3);
}
