/* test_extract_pdf.c -- PDF text through poppler: fixtures written by
 * tests/fixtures/gen_pdf.py (hand-made PDFs, qpdf-encrypted copies) and the
 * shared conformance fixtures (real PDFs, manifest.json).  Values are
 * published test vectors (see gen_pdf.py). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "piiscan.h"
#include "doctest.h"
#include "testutil.h"


/* Skips the test in a build without PDF support (-DPIISCAN_PDF=OFF), after
 * checking that such a build says so instead of reporting the PDF clean. */
static void need_pdf(void)
{
    static const char pdf[] = "%PDF-1.4\n1 0 obj << >> endobj\n";
    col c;
    memset(&c, 0, sizeof c);
    c.top = "probe.pdf";
    cr_assert_eq(piiscan_extract_text_blob(pdf, sizeof pdf - 1, "probe.pdf", NULL, on_text, on_file,
                                           &c),
                 PIISCAN_OK);
    const trep *r = top_report(&c);
    int off = r->status == PIISCAN_FILE_UNSUPPORTED && strstr(r->reason, "without PDF");
    col_free(&c);
    if (off)
        cr_skip_test("built without PDF support");
}

/* ---- text ------------------------------------------------------------------ */

Test(pdf, helvetica_page_text_in_order)
{
    need_pdf();
    col c;
    extract("pdf/simple.pdf", &c);
    char *t = no_space(c.text);
    const char *a = strstr(t, "Customerrecord"), *b = strstr(t, "RRN:880411-2238459"),
               *p = strstr(t, "Phone:010-2000-0000");
    cr_assert(a && b && p, "page text incomplete");
    cr_assert(a < b && b < p, "page text out of order");
    const trep *r = top_report(&c);
    cr_assert_str_eq(r->format, "pdf");
    cr_assert_eq(r->status, PIISCAN_FILE_OK, "%s", r->reason);
    free(t);
    col_free(&c);
}

Test(pdf, korean_cid_font_through_tounicode)
{
    need_pdf();
    /* The content stream has only 2-byte CIDs: without the ToUnicode CMap
     * there is no Korean, and no digits either. */
    col c;
    extract("pdf/cid.pdf", &c);
    char *t = no_space(c.text);
    cr_assert(strstr(t, "성명홍길동"), "name line missing");
    cr_assert(strstr(t, "주민등록번호880411-2238459"), "RRN line missing");
    cr_assert(strstr(t, "전화010-2000-0000"), "phone line missing");
    free(t);
    col_free(&c);
    scan("pdf/cid.pdf", &c);
    cr_assert_eq(count_found(&c, "kr_rrn", "pdf/cid.pdf"), 1);
    cr_assert_eq(count_found(&c, "kr_phone", "pdf/cid.pdf"), 1);
    col_free(&c);
}

Test(pdf, object_stream_and_xref_stream)
{
    need_pdf();
    col c;
    extract("pdf/objstm.pdf", &c);
    char *t = no_space(c.text);
    cr_assert(strstr(t, "Accountholdere-mail:hong.gildong@example.com"));
    free(t);
    cr_assert_eq(top_report(&c)->status, PIISCAN_FILE_OK);
    col_free(&c);
    scan("pdf/objstm.pdf", &c);
    cr_assert_eq(count_found(&c, "email", "pdf/objstm.pdf"), 1);
    col_free(&c);
}

Test(pdf, findings_with_type_and_path)
{
    need_pdf();
    col c;
    scan("pdf/simple.pdf", &c);
    cr_assert_eq(count_found(&c, "kr_rrn", "pdf/simple.pdf"), 1);
    /* 010-2000-0000 and 01020000000: the unseparated form is found in a
     * PDF, which is what makes the two-page test below mean something */
    cr_assert_eq(count_found(&c, "kr_phone", "pdf/simple.pdf"), 2);
    for (size_t i = 0; i < c.nf; i++)
        cr_assert_str_eq(c.f[i].path, fixture("pdf/simple.pdf"));
    col_free(&c);
}

Test(pdf, a_number_does_not_run_across_pages)
{
    need_pdf();
    col c;
    extract("pdf/twopage.pdf", &c);
    const char *a = strstr(c.text, "01020"), *b = a ? strstr(a, "000000") : NULL;
    cr_assert(a && b, "text of both pages expected");
    char between[64];
    size_t k = (size_t)(b - a - 5) < sizeof between - 1 ? (size_t)(b - a - 5) : sizeof between - 1;
    memcpy(between, a + 5, k);
    between[k] = '\0';
    cr_assert(strstr(between, "\n\n"), "no part break between the pages");
    col_free(&c);
    scan("pdf/twopage.pdf", &c);
    cr_assert_eq(count_found(&c, "kr_phone", ""), 0, "a phone number glued across pages");
    col_free(&c);
}

Test(pdf, comment_annotations_and_document_info_are_read)
{
    need_pdf();
    col c;
    extract("pdf/annot.pdf", &c);
    cr_assert(strstr(c.text, "See the note on this page"));
    cr_assert(strstr(c.text, "Call back on 010-2000-0000"), "sticky note text missing");
    cr_assert(strstr(c.text, "gildong.hong@example.org"), "document information missing");
    col_free(&c);
    scan("pdf/annot.pdf", &c);
    cr_assert_eq(count_found(&c, "kr_phone", "pdf/annot.pdf"), 1);
    cr_assert_eq(count_found(&c, "email", "pdf/annot.pdf"), 1);
    col_free(&c);
}

Test(pdf, embedded_files_are_reported_not_read)
{
    /* poppler-glib's attachment list can crash (see string_filespec
     * below), so EmbeddedFiles are reported, never silently skipped */
    need_pdf();
    col c;
    scan("pdf/embedded.pdf", &c);
    char member[1100];
    snprintf(member, sizeof member, "%s!embedded-files", fixture("pdf/embedded.pdf"));
    const trep *m = report_of(&c, member);
    cr_assert_not_null(m, "no report for the embedded files");
    cr_assert_eq(m->status, PIISCAN_FILE_UNSUPPORTED);
    cr_assert(m->reason[0]);
    cr_assert_eq(top_report(&c)->status, PIISCAN_FILE_OK);
    col_free(&c);
}

Test(pdf, string_file_specifications_do_not_crash)
{
    need_pdf();
    col c;
    scan("pdf/string-filespec.pdf", &c);
    cr_assert_eq(top_report(&c)->status, PIISCAN_FILE_OK);
    cr_assert_eq(count_found(&c, "kr_phone", "pdf/string-filespec.pdf"), 1);
    col_free(&c);
}

Test(pdf, file_attachment_annotation_is_a_member)
{
    need_pdf();
    col c;
    scan("pdf/annot-file.pdf", &c);
    cr_assert_eq(count_found(&c, "kr_phone", "pdf/annot-file.pdf!notes.txt"), 1);
    col_free(&c);
    extract("pdf/annot-file.pdf", &c);
    cr_assert(strstr(c.text, "pinned notes"), "annotation contents");
    col_free(&c);
}

/* ---- encryption -------------------------------------------------------------- */

static void owner_only(const char *rel)
{
    need_pdf();
    col c;
    extract(rel, &c);
    const trep *r = top_report(&c);
    cr_assert_eq(r->status, PIISCAN_FILE_OK, "%s: %s", rel, r->reason);
    char *t = no_space(c.text);
    cr_assert(strstr(t, "RRN:880411-2238459"), "%s: decrypted text missing", rel);
    free(t);
    col_free(&c);
}

Test(pdf, empty_user_password_rc4_128_opens) { owner_only("pdf/owner-rc4.pdf"); }

Test(pdf, empty_user_password_aes_256_opens) { owner_only("pdf/owner-aes256.pdf"); }

Test(pdf, user_password_is_encrypted)
{
    need_pdf();
    col c;
    extract("pdf/userpw.pdf", &c);
    const trep *r = top_report(&c);
    cr_assert_eq(r->status, PIISCAN_FILE_ENCRYPTED, "status %d", r->status);
    cr_assert(strstr(r->reason, "password"), "reason should name the protection");
    cr_assert_eq(c.n, 0);
    col_free(&c);
    scan("pdf/userpw.pdf", &c);
    cr_assert_eq(c.nf, 0);
    col_free(&c);
}

/* ---- broken files --------------------------------------------------------------- */

Test(pdf, truncated_and_damaged_are_errors)
{
    need_pdf();
    const char *files[] = {"pdf/truncated.pdf", "pdf/damaged.pdf"};
    for (size_t i = 0; i < 2; i++) {
        col c;
        extract(files[i], &c);
        const trep *r = top_report(&c);
        cr_assert_str_eq(r->format, "pdf", "%s typed as %s", files[i], r->format);
        cr_assert_eq(r->status, PIISCAN_FILE_ERROR, "%s: status %d", files[i], r->status);
        cr_assert(r->reason[0], "%s: error without a reason", files[i]);
        cr_assert_null(strstr(r->reason, "Customer"), "reason holds content");
        col_free(&c);
    }
}

Test(pdf, poppler_diagnostics_stay_off_stdout_and_stderr)
{
    /* poppler's "Syntax Error..." messages go to g_log() at INFO level in
     * the "Poppler" domain, which GLib prints (to stdout) only when
     * G_MESSAGES_DEBUG names the domain */
    need_pdf();
    unsetenv("G_MESSAGES_DEBUG");
    char tmpl[] = "/tmp/pii-pdf-output-XXXXXX";
    int fd = mkstemp(tmpl);
    cr_assert_geq(fd, 0);
    fflush(stdout);
    fflush(stderr);
    int saved1 = dup(1), saved2 = dup(2);
    cr_assert(saved1 >= 0 && saved2 >= 0);
    dup2(fd, 1);
    dup2(fd, 2);
    const char *files[] = {"pdf/truncated.pdf", "pdf/damaged.pdf", "pdf/cid.pdf"};
    int st[3];
    for (size_t i = 0; i < 3; i++) {
        col c;
        memset(&c, 0, sizeof c);
        c.top = fixture(files[i]);
        st[i] = piiscan_extract_text_file(c.top, NULL, on_text, on_file, &c);
        col_free(&c);
    }
    fflush(stdout);
    fflush(stderr);
    dup2(saved1, 1);
    dup2(saved2, 2);
    close(saved1);
    close(saved2);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(tmpl);
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(st[i], PIISCAN_OK);
    cr_assert_eq(size, 0, "%lld bytes written to stdout/stderr", (long long)size);
}

Test(pdf, blob_named_x_pdf)
{
    need_pdf();
    size_t len = 0;
    char *data = t_read_file(fixture("pdf/cid.pdf"), &len);
    cr_assert_not_null(data);
    col c;
    memset(&c, 0, sizeof c);
    c.top = "x.pdf";
    cr_assert_eq(piiscan_extract_text_blob(data, len, "x.pdf", NULL, on_text, on_file, &c), PIISCAN_OK);
    cr_assert_not_null(c.text);
    char *t = no_space(c.text);
    cr_assert(strstr(t, "주민등록번호880411-2238459"));
    free(t);
    col_free(&c);
    free(data);
}

/* ---- limits ------------------------------------------------------------------- */

Test(pdf, extracted_limit_stops_before_the_text)
{
    need_pdf();
    piiscan_options *o = NULL;
    cr_assert_eq(piiscan_options_new(&o), PIISCAN_OK);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_MAX_EXTRACTED, 20), PIISCAN_OK);
    col c;
    scan_opts(fixture("pdf/simple.pdf"), o, &c);
    const trep *r = top_report(&c);
    cr_assert_eq(r->status, PIISCAN_FILE_SKIPPED, "status %d (%s)", r->status, r->reason);
    cr_assert_eq(count_found(&c, "kr_rrn", ""), 0);
    col_free(&c);
    piiscan_options_free(o);
}

/* ---- threads -------------------------------------------------------------------- */

/* Each thread extracts its own documents (one poppler document per thread,
 * several at once); results are checked after the join, since Criterion's
 * assertions belong to the test's own thread. */
static void *extract_in_thread(void *arg)
{
    int *ok = arg;
    const char *files[] = {"pdf/cid.pdf", "pdf/owner-aes256.pdf", "pdf/objstm.pdf"};
    const char *want[] = {"주민등록번호880411-2238459", "RRN:880411-2238459", "hong.gildong@example.com"};
    char path[1024];
    *ok = 1;
    for (int round = 0; round < 5; round++) {
        for (size_t i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "%s/%s", PII_FIXTURE_DIR, files[i]);
            col c;
            memset(&c, 0, sizeof c);
            c.top = path;
            if (piiscan_extract_text_file(path, NULL, on_text, on_file, &c) != PIISCAN_OK || !c.text) {
                *ok = 0;
            } else {
                char *t = no_space(c.text);
                if (!strstr(t, want[i]))
                    *ok = 0;
                free(t);
            }
            col_free(&c);
        }
    }
    return NULL;
}

Test(pdf, documents_in_several_threads_at_once)
{
    need_pdf();
    pthread_t th[4];
    int ok[4] = {0};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, extract_in_thread, &ok[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++)
        cr_assert(ok[i], "thread %d extracted wrong or no text", i);
}

/* ---- shared conformance fixtures ------------------------------------------------- */

Test(pdf, shared_fixtures_from_manifest)
{
    need_pdf();
    size_t n = check_manifest("pdf/", ".pdf", 1);
    if (n == 0)
        cr_skip_test("shared fixtures not found at %s", PII_SHARED_FIXTURES);
    cr_assert_geq(n, 6, "expected the six PDFs of the manifest, got %zu", n);
}
