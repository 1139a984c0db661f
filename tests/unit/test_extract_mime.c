/* test_extract_mime.c -- e-mail: fixtures written by
 * tests/fixtures/gen_mime.py (headers and encoded words, transfer encodings,
 * charsets, multipart, nested messages, attachments as members, mbox,
 * broken structure) and the shared conformance mails (manifest.json).
 * Values are published test vectors (see gen_mime.py). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "piiscan.h"
#include "doctest.h"
#include "testutil.h"


static void member(char *buf, size_t cap, const char *rel, const char *name)
{
    snprintf(buf, cap, "%s!%s", fixture(rel), name);
}

/* ---- headers, encodings, charsets ------------------------------------------- */

Test(mime, euckr_base64_body_and_encoded_words)
{
    col c;
    extract("mime/euckr-b64.eml", &c);
    cr_assert(strstr(c.text, "Subject: 고객 명단 송부"), "B-encoded euc-kr Subject");
    cr_assert(strstr(c.text, "From: 홍길동 <gildong.hong@example.com>"), "encoded-word From");
    cr_assert(strstr(c.text, "To: kim@example.org"));
    /* 똠 is a CP949 (UHC) syllable that EUC-KR does not have */
    cr_assert(strstr(c.text, "똠방각하 님의 주민등록번호: 880411-2238459"), "euc-kr base64 body");
    cr_assert_null(strstr(c.text, "\xEF\xBF\xBD"), "replacement characters in the text");
    const trep *r = top_report(&c);
    cr_assert_str_eq(r->format, "eml");
    cr_assert_eq(r->status, PIISCAN_FILE_OK, "%s", r->reason);
    col_free(&c);
    scan("mime/euckr-b64.eml", &c);
    cr_assert_eq(count_found(&c, "kr_rrn", "mime/euckr-b64.eml"), 1);
    cr_assert_eq(count_found(&c, "email", "mime/euckr-b64.eml"), 2, "From and To addresses");
    col_free(&c);
}

Test(mime, quoted_printable_soft_break_inside_a_number)
{
    col c;
    extract("mime/qp-utf8.eml", &c);
    cr_assert(strstr(c.text, "연락처는 아래와 같습니다."));
    cr_assert(strstr(c.text, "휴대폰 010-2000-0000 입니다."), "soft line break not joined");
    /* two Q words splitting a character, then literal text */
    cr_assert(strstr(c.text, "Subject: 개인정보 _notice"), "encoded words not joined");
    cr_assert(strstr(c.text, "To: first@example.com, second.person@example.net"), "To not unfolded");
    col_free(&c);
    scan("mime/qp-utf8.eml", &c);
    cr_assert_eq(count_found(&c, "kr_phone", "mime/qp-utf8.eml"), 1);
    cr_assert_eq(count_found(&c, "email", "mime/qp-utf8.eml"), 3);
    col_free(&c);
}

Test(mime, japanese_charsets)
{
    col c;
    extract("mime/japanese.eml", &c);
    cr_assert(strstr(c.text, "Subject: 日本語の件名"), "iso-2022-jp encoded word");
    cr_assert(strstr(c.text, "これはテストです。"), "iso-2022-jp body");
    cr_assert(strstr(c.text, "シフトジスの本文です。"), "shift_jis body");
    col_free(&c);
}

Test(mime, ks_c_5601_1987_is_cp949)
{
    col c;
    extract("mime/ks_c_5601.eml", &c);
    cr_assert(strstr(c.text, "From: 이순신 <o@example.com>"));
    cr_assert(strstr(c.text, "똠방 연락처 02-212-3456"));
    col_free(&c);
}

/* ---- structure --------------------------------------------------------------- */

Test(mime, alternative_html_to_text)
{
    col c;
    extract("mime/alternative.eml", &c);
    cr_assert(strstr(c.text, "Plain part says hello."), "plain alternative");
    cr_assert(strstr(c.text, "E-mail: hong.gildong@example.com & <more>!"), "html text and entities");
    cr_assert(strstr(c.text, "전화 02-212-3456"), "&nbsp; and UTF-8 html");
    cr_assert_null(strstr(c.text, "760406"), "script or comment content leaked");
    cr_assert_null(strstr(c.text, "color"), "style content leaked");
    cr_assert_null(strstr(c.text, "<td>"), "tags left in");
    col_free(&c);
    scan("mime/alternative.eml", &c);
    cr_assert_eq(count_found(&c, "kr_rrn", ""), 0);
    /* 02-212-3456 only: the two table cells 01020 | 000000 stay apart */
    cr_assert_eq(count_found(&c, "kr_phone", ""), 1);
    cr_assert_eq(count_found(&c, "email", "mime/alternative.eml"), 3);
    col_free(&c);
}

static int raw_leak(const piiscan_finding *f, void *user)
{
    *(int *)user += f->raw != NULL;
    return PIISCAN_CONTINUE;
}

/* Plain text and HTML of one body: every alternative is read (a value
 * only in either is found) but a value both repeat is reported once, also
 * written differently (010 2000 0000) and from a part nested in the HTML
 * alternative. */
Test(mime, alternatives_report_a_repeated_value_once)
{
    col c;
    scan("mime/alternative-repeats.eml", &c);
    const char *p = "mime/alternative-repeats.eml";
    cr_assert_eq(count_found(&c, "kr_rrn", p), 2, "880411 once, 760406 (HTML only) once");
    cr_assert_eq(count_found(&c, "kr_phone", p), 2, "010-2000-0000 once, 02-212-3456 (plain only) once");
    cr_assert_eq(count_found(&c, "email", p), 2, "From and To");
    col_free(&c);
    /* The values are compared through raw, which the caller did not ask for. */
    const piiscan_engine *e = t_default_engine();
    piiscan_scratch *scr = NULL;
    cr_assert_eq(piiscan_scratch_alloc(e, &scr), PIISCAN_OK);
    int leaked = 0;
    cr_assert_eq(piiscan_scan_file(e, fixture(p), NULL, scr, raw_leak, NULL, &leaked), PIISCAN_OK);
    cr_assert_eq(leaked, 0, "raw exposed without being asked for");
    piiscan_scratch_free(scr);
}

Test(mime, nested_message_headers_and_body)
{
    col c;
    extract("mime/nested.eml", &c);
    cr_assert(strstr(c.text, "See the forwarded message."));
    cr_assert(strstr(c.text, "From: 김철수 <chulsoo.kim@example.com>"), "inner From");
    cr_assert(strstr(c.text, "Inner body: call 010-2000-0000"), "inner body");
    col_free(&c);
    scan("mime/nested.eml", &c);
    cr_assert_eq(count_found(&c, "kr_phone", "mime/nested.eml"), 1, "found in the message itself");
    cr_assert_eq(count_found(&c, "email", "mime/nested.eml"), 4);
    col_free(&c);
}

Test(mime, attachments_are_members_typed_by_content)
{
    col c;
    scan("mime/attach.eml", &c);
    cr_assert_eq(count_found(&c, "kr_rrn", "mime/attach.eml!customers.csv"), 1);
    cr_assert_eq(count_found(&c, "kr_phone", "mime/attach.eml!a.zip!b.txt"), 1);
    cr_assert_eq(count_found(&c, "kr_phone", "mime/attach.eml!고객명단.txt"), 1,
                 "RFC 2231 UTF-8 filename");
    char m[1200];
    member(m, sizeof m, "mime/attach.eml", "a.zip");
    const trep *z = report_of(&c, m);
    cr_assert_not_null(z, "no report for the zip attachment");
    cr_assert_str_eq(z->format, "zip");
    cr_assert_eq(z->depth, 1);
    col_free(&c);
}

Test(mime, rfc2231_continuations_and_encoded_name)
{
    col c;
    scan("mime/rfc2231.eml", &c);
    cr_assert_eq(count_found(&c, "kr_phone", "mime/rfc2231.eml!주소록_2024.txt"), 1,
                 "filename*0*/filename*1* in euc-kr");
    cr_assert_eq(count_found(&c, "kr_phone", "mime/rfc2231.eml!연락처.txt"), 1,
                 "RFC 2047 word in name=");
    col_free(&c);
    extract("mime/rfc2231.eml", &c);
    cr_assert(strstr(c.text, "body text"));
    cr_assert_null(strstr(c.text, "preamble"));
    cr_assert_null(strstr(c.text, "epilogue"));
    col_free(&c);
}

Test(mime, blob_named_x_eml)
{
    size_t len = 0;
    char *data = t_read_file(fixture("mime/attach.eml"), &len);
    cr_assert_not_null(data);
    col c;
    memset(&c, 0, sizeof c);
    c.top = "x.eml";
    piiscan_scratch *s = NULL;
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), &s), PIISCAN_OK);
    cr_assert_eq(piiscan_scan_blob(t_default_engine(), data, len, "x.eml", NULL, s, on_finding,
                                   on_file, &c),
                 PIISCAN_OK);
    piiscan_scratch_free(s);
    int csv = 0, zip = 0;
    for (size_t i = 0; i < c.nf; i++) {
        csv += !strcmp(c.f[i].path, "x.eml!customers.csv") && !strcmp(c.f[i].type, "kr_rrn");
        zip += !strcmp(c.f[i].path, "x.eml!a.zip!b.txt") && !strcmp(c.f[i].type, "kr_phone");
    }
    cr_assert_eq(csv, 1);
    cr_assert_eq(zip, 1);
    col_free(&c);
    free(data);
}

Test(mime, mbox_of_two_messages)
{
    col c;
    extract("mime/two.mbox", &c);
    cr_assert(strstr(c.text, "first message 010-2000-0000"));
    cr_assert(strstr(c.text, "second message"));
    cr_assert(strstr(c.text, "From: bob@example.com"));
    cr_assert_null(strstr(c.text, "Mon Jan"), "the mbox separator line is not text");
    col_free(&c);
    scan("mime/two.mbox", &c);
    cr_assert_eq(count_found(&c, "kr_rrn", "mime/two.mbox!message-2/r.txt"), 1);
    cr_assert_eq(count_found(&c, "kr_phone", "mime/two.mbox"), 1);
    col_free(&c);
}

/* ---- broken and hostile structure ---------------------------------------------- */

Test(mime, missing_closing_boundary_reads_to_the_end)
{
    col c;
    extract("mime/missing-boundary.eml", &c);
    cr_assert(strstr(c.text, "first part"));
    cr_assert(strstr(c.text, "last part with 010-2000-0000 and no end"));
    cr_assert_eq(top_report(&c)->status, PIISCAN_FILE_OK);
    col_free(&c);
}

Test(mime, truncated_base64_reads_what_is_there)
{
    col c;
    extract("mime/truncated-b64.eml", &c);
    cr_assert(strstr(c.text, "주민등록번호 880411-2238459"));
    cr_assert(strstr(c.text, "뒤에 이어지는 긴 문장입니다."));
    col_free(&c);
    scan("mime/truncated-b64.eml", &c);
    cr_assert_eq(count_found(&c, "kr_rrn", ""), 1);
    col_free(&c);
}

Test(mime, multipart_without_boundary_is_read_as_text)
{
    col c;
    scan("mime/no-boundary.eml", &c);
    cr_assert_eq(count_found(&c, "kr_phone", "mime/no-boundary.eml"), 1);
    col_free(&c);
}

/* A header value longer than one decoding slice (1 MiB) is read whole:
 * the recipient after the first MiB is in the text and found. */
Test(mime, header_longer_than_a_slice_is_read_whole)
{
    col c;
    extract("mime/huge-to.eml", &c);
    cr_assert(strstr(c.text, "person.00000@example.com"));
    cr_assert(strstr(c.text, "person.39999@example.com"), "a recipient in the second slice");
    cr_assert(strstr(c.text, "Last One <tail.person@example.org>"), "the last recipient");
    cr_assert_eq(top_report(&c)->status, PIISCAN_FILE_OK);
    col_free(&c);
    scan("mime/huge-to.eml", &c);
    cr_assert_eq(count_found(&c, "email", "mime/huge-to.eml"), 4, "From, the first and the two last");
    cr_assert_eq(count_found(&c, "kr_phone", "mime/huge-to.eml"), 1);
    col_free(&c);
}

Test(mime, nesting_is_bounded)
{
    col c;
    scan("mime/deep-10.eml", &c);
    cr_assert_eq(count_found(&c, "kr_phone", ""), 1, "10 levels are read");
    cr_assert_eq(top_report(&c)->status, PIISCAN_FILE_OK);
    col_free(&c);
    scan("mime/deep-40.eml", &c);
    const trep *r = top_report(&c);
    cr_assert_eq(r->status, PIISCAN_FILE_SKIPPED, "status %d", r->status);
    cr_assert(strstr(r->reason, "nesting"), "reason: %s", r->reason);
    cr_assert_eq(count_found(&c, "kr_phone", ""), 0);
    col_free(&c);
}

Test(mime, extracted_limit_aborts)
{
    piiscan_options *o = NULL;
    cr_assert_eq(piiscan_options_new(&o), PIISCAN_OK);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_MAX_EXTRACTED, 16), PIISCAN_OK);
    col c;
    scan_opts(fixture("mime/truncated-b64.eml"), o, &c);
    const trep *r = top_report(&c);
    cr_assert_eq(r->status, PIISCAN_FILE_SKIPPED, "status %d (%s)", r->status, r->reason);
    cr_assert_eq(count_found(&c, "kr_rrn", ""), 0);
    col_free(&c);
    piiscan_options_free(o);
}

Test(mime, garbage_and_empty_mail_do_not_crash)
{
    static const char *const inputs[] = {
        "From: a@example.com\n",
        "Content-Type: multipart/mixed; boundary=x\n\n--x\n--x\n--x--",
        "Content-Type: multipart/mixed; boundary=\"\"\n\n--\n",
        "Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n",
        "Subject: =?utf-8?B?====?= =?x?Q?=?= =?utf-8?Q?=FF=?=\n\n=\n=4\n=ZZ",
        "Content-Type: text/html\n\n<a href=\"x>y\">t</a><!-- open &#99999999; &#x41; &amp",
        "Content-Disposition: attachment; filename*0*=x'y'%; filename*99*=z\n\nbody",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        col c;
        memset(&c, 0, sizeof c);
        c.top = "g.eml";
        cr_assert_eq(piiscan_extract_text_blob(inputs[i], strlen(inputs[i]), "g.eml", NULL, on_text,
                                               on_file, &c),
                     PIISCAN_OK);
        col_free(&c);
    }
}

Test(mime, unterminated_encoded_words_stay_linear, .timeout = 20)
{
    /* 150000 starts of encoded words that never end: a search for "?=" from
     * each start would be quadratic (10^11 steps) */
    const char unit[] = "=?a?B?y";
    size_t k = 150000, u = sizeof unit - 1;
    char *m = malloc(16 + k * u + 32);
    cr_assert_not_null(m);
    size_t n = 0;
    memcpy(m, "Subject: ", 9);
    n = 9;
    for (size_t i = 0; i < k; i++, n += u)
        memcpy(m + n, unit, u);
    const char tail[] = "\n\nbody 010-2000-0000\n";
    memcpy(m + n, tail, sizeof tail - 1);
    n += sizeof tail - 1;
    col c;
    memset(&c, 0, sizeof c);
    c.top = "slow.eml";
    cr_assert_eq(piiscan_extract_text_blob(m, n, "slow.eml", NULL, on_text, on_file, &c), PIISCAN_OK);
    cr_assert(c.text && strstr(c.text, "body 010-2000-0000"));
    col_free(&c);
    free(m);
}

Test(mime, html_entities_and_tags)
{
    const char *m = "Content-Type: text/html; charset=utf-8\n\n"
                    "<?xml version=\"1.0\"?><p>A&#66;C &#x44;&lt;&gt;</p><br>next&unknown;x a < b"
                    "<script>x</script>";
    col c;
    memset(&c, 0, sizeof c);
    c.top = "h.eml";
    cr_assert_eq(piiscan_extract_text_blob(m, strlen(m), "h.eml", NULL, on_text, on_file, &c),
                 PIISCAN_OK);
    cr_assert_not_null(c.text);
    cr_assert(strstr(c.text, "ABC D<>"), "numeric and named entities");
    cr_assert(strstr(c.text, "\nnext&unknown;x a < b"), "block break, unknown entity, bare <");
    cr_assert_null(strstr(c.text, "script"));
    cr_assert_null(strstr(c.text, "xml"), "processing instruction left in");
    col_free(&c);
}

/* ---- shared conformance fixtures --------------------------------------------------- */

Test(mime, shared_fixtures_from_manifest)
{
    size_t n = check_manifest("archive/", ".eml", 0);
    if (n == 0)
        cr_skip_test("shared fixtures not found at %s", PII_SHARED_FIXTURES);
    cr_assert_geq(n, 2, "expected the two mails of the manifest, got %zu", n);
}
