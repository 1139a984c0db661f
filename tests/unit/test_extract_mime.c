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
#include "testutil.h"

/* ---- collecting what a file scan or extraction reports ------------------- */
typedef struct trep {
    char path[512];
    char format[32];
    int status;
    char reason[256];
    unsigned depth;
} trep;

typedef struct tfound {
    char type[48];
    char path[512];
} tfound;

typedef struct col {
    const char *top;   /* path of the file named by the test */
    char *text;        /* text of `top` itself */
    size_t n, cap;
    char *all;         /* text of every path, in arrival order */
    size_t an, acap;
    trep rep[64];
    size_t nrep;
    tfound f[128];
    size_t nf;
} col;

static void grow_append(char **p, size_t *n, size_t *cap, const char *s, size_t len)
{
    if (*n + len + 1 > *cap) {
        size_t c = *cap ? *cap : 1024;
        while (c < *n + len + 1)
            c *= 2;
        *p = realloc(*p, c);
        cr_assert_not_null(*p);
        *cap = c;
    }
    memcpy(*p + *n, s, len);
    *n += len;
    (*p)[*n] = '\0';
}

static int on_text(const char *path, const char *text, size_t len, void *user)
{
    col *c = user;
    if (!strcmp(path, c->top))
        grow_append(&c->text, &c->n, &c->cap, text, len);
    grow_append(&c->all, &c->an, &c->acap, text, len);
    return PIISCAN_CONTINUE;
}

static int on_file(const piiscan_file_report *r, void *user)
{
    col *c = user;
    if (c->nrep < sizeof c->rep / sizeof *c->rep) {
        trep *t = &c->rep[c->nrep++];
        snprintf(t->path, sizeof t->path, "%s", r->path ? r->path : "");
        snprintf(t->format, sizeof t->format, "%s", r->format ? r->format : "");
        snprintf(t->reason, sizeof t->reason, "%s", r->reason ? r->reason : "");
        t->status = r->status;
        t->depth = r->depth;
    }
    return PIISCAN_CONTINUE;
}

static int on_finding(const piiscan_finding *f, void *user)
{
    col *c = user;
    if (c->nf < sizeof c->f / sizeof *c->f) {
        snprintf(c->f[c->nf].type, sizeof c->f[c->nf].type, "%s", f->type);
        snprintf(c->f[c->nf].path, sizeof c->f[c->nf].path, "%s", f->path ? f->path : "");
        c->nf++;
    }
    return PIISCAN_CONTINUE;
}

static void col_free(col *c)
{
    free(c->text);
    free(c->all);
    memset(c, 0, sizeof *c);
}

static char fixture_path[1024];

static const char *fixture(const char *rel)
{
    snprintf(fixture_path, sizeof fixture_path, "%s/%s", PII_FIXTURE_DIR, rel);
    return fixture_path;
}

/* Extracts the text of a fixture (and its members) with default options. */
static void extract(const char *rel, col *c)
{
    memset(c, 0, sizeof *c);
    c->top = fixture(rel);
    int st = piiscan_extract_text_file(c->top, NULL, on_text, on_file, c);
    cr_assert_eq(st, PIISCAN_OK, "%s: %s", rel, piiscan_strerror(st));
    if (!c->text)
        grow_append(&c->text, &c->n, &c->cap, "", 0);
    if (!c->all)
        grow_append(&c->all, &c->an, &c->acap, "", 0);
}

/* Scans a fixture with the default engine; opts may be NULL. */
static void scan_opts(const char *path, const piiscan_options *opts, col *c)
{
    memset(c, 0, sizeof *c);
    c->top = path;
    piiscan_scratch *s = NULL;
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), &s), PIISCAN_OK);
    int st = piiscan_scan_file(t_default_engine(), path, opts, s, on_finding, on_file, c);
    piiscan_scratch_free(s);
    cr_assert_eq(st, PIISCAN_OK, "%s: %s", path, piiscan_strerror(st));
}

static void scan(const char *rel, col *c) { scan_opts(fixture(rel), NULL, c); }

static const trep *report_of(const col *c, const char *path)
{
    for (size_t i = 0; i < c->nrep; i++)
        if (!strcmp(c->rep[i].path, path))
            return &c->rep[i];
    return NULL;
}

static const trep *top_report(const col *c)
{
    const trep *r = report_of(c, c->top);
    cr_assert_not_null(r, "no report for %s", c->top);
    return r;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* Findings of `type` whose path ends with `suffix` ("" for any path). */
static size_t count_found(const col *c, const char *type, const char *suffix)
{
    size_t k = 0;
    for (size_t i = 0; i < c->nf; i++)
        if (!strcmp(c->f[i].type, type) && ends_with(c->f[i].path, suffix))
            k++;
    return k;
}

/* s with every ASCII whitespace removed (malloc'd). */
static char *no_space(const char *s)
{
    char *o = malloc(strlen(s) + 1), *q = o;
    cr_assert_not_null(o);
    for (; *s; s++)
        if (!strchr(" \t\r\n\f\v", *s))
            *q++ = *s;
    *q = '\0';
    return o;
}

/* s with each run of whitespace made one space, trimmed (malloc'd). */
static char *collapse_space(const char *s)
{
    char *o = malloc(strlen(s) + 1), *q = o;
    cr_assert_not_null(o);
    int sp = 0;
    for (; *s; s++) {
        if (strchr(" \t\r\n\f\v", *s)) {
            sp = q != o;
        } else {
            if (sp)
                *q++ = ' ';
            sp = 0;
            *q++ = *s;
        }
    }
    *q = '\0';
    return o;
}

/* ---- manifest.json of the shared fixtures: a small JSON reader ------------ */
typedef struct jv {
    int type; /* 'o' object, 'a' array, 's' string, 'n' other scalar */
    char *s;  /* string value */
    struct jv *v;
    char **k; /* object keys */
    size_t n;
} jv;

static const char *jws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return p;
}

static void put_utf8(char **q, unsigned c)
{
    char *o = *q;
    if (c < 0x80) {
        *o++ = (char)c;
    } else if (c < 0x800) {
        *o++ = (char)(0xC0 | c >> 6);
        *o++ = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *o++ = (char)(0xE0 | c >> 12);
        *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
    } else {
        *o++ = (char)(0xF0 | c >> 18);
        *o++ = (char)(0x80 | ((c >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
    }
    *q = o;
}

static const char *jstring(const char *p, char **out)
{
    /* p at the opening quote; the result is never longer than the source */
    const char *e = p + 1;
    char *o = malloc(strlen(p) + 1), *q = o;
    cr_assert_not_null(o);
    while (*e && *e != '"') {
        if (*e != '\\') {
            *q++ = *e++;
            continue;
        }
        e++;
        char c = *e++;
        if (c == 'n') *q++ = '\n';
        else if (c == 't') *q++ = '\t';
        else if (c == 'r') *q++ = '\r';
        else if (c == 'b') *q++ = '\b';
        else if (c == 'f') *q++ = '\f';
        else if (c == 'u') {
            unsigned u = (unsigned)strtoul((char[]){e[0], e[1], e[2], e[3], 0}, NULL, 16);
            e += 4;
            if (u >= 0xD800 && u < 0xDC00 && e[0] == '\\' && e[1] == 'u') {
                unsigned l = (unsigned)strtoul((char[]){e[2], e[3], e[4], e[5], 0}, NULL, 16);
                e += 6;
                u = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
            }
            put_utf8(&q, u);
        } else *q++ = c;
    }
    *q = '\0';
    *out = o;
    return *e ? e + 1 : e;
}

static const char *jparse(const char *p, jv *v)
{
    memset(v, 0, sizeof *v);
    p = jws(p);
    if (*p == '{' || *p == '[') {
        int obj = *p == '{';
        v->type = obj ? 'o' : 'a';
        p = jws(p + 1);
        while (*p && *p != (obj ? '}' : ']')) {
            v->v = realloc(v->v, (v->n + 1) * sizeof *v->v);
            v->k = realloc(v->k, (v->n + 1) * sizeof *v->k);
            v->k[v->n] = NULL;
            if (obj) {
                p = jstring(jws(p), &v->k[v->n]);
                p = jws(p);
                if (*p == ':')
                    p++;
            }
            p = jparse(p, &v->v[v->n]);
            v->n++;
            p = jws(p);
            if (*p == ',')
                p = jws(p + 1);
        }
        return *p ? p + 1 : p;
    }
    if (*p == '"') {
        v->type = 's';
        return jstring(p, &v->s);
    }
    v->type = 'n';
    while (*p && *p != ',' && *p != '}' && *p != ']')
        p++;
    return p;
}

static const jv *jget(const jv *o, const char *key)
{
    if (!o || o->type != 'o')
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (o->k[i] && !strcmp(o->k[i], key))
            return &o->v[i];
    return NULL;
}

static void jfree(jv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        jfree(&v->v[i]);
        if (v->k)
            free(v->k[i]);
    }
    free(v->v);
    free(v->k);
    free(v->s);
}

/* Loads the manifest; 0 when the shared fixtures are not there. */
static int manifest_load(jv *root)
{
    size_t len = 0;
    char *txt = t_read_file(PII_SHARED_FIXTURES "/manifest.json", &len);
    if (!txt)
        return 0;
    char *z = realloc(txt, len + 1);
    cr_assert_not_null(z);
    z[len] = '\0';
    jparse(z, root);
    free(z);
    return 1;
}

/* Checks every manifest entry whose file starts with `prefix` and ends with
 * `suffix`: status "ok" -> the file's report is OK and the extracted text
 * holds every must_contain snippet (whitespace collapsed, or removed when
 * `nows`); status "encrypted" -> the report says ENCRYPTED and no text.
 * Returns the number of entries checked. */
static size_t check_manifest(const char *prefix, const char *suffix, int nows)
{
    jv root;
    if (!manifest_load(&root))
        return 0;
    const jv *files = jget(&root, "files");
    cr_assert(files && files->type == 'a', "manifest.json has no files array");
    size_t checked = 0;
    for (size_t i = 0; i < files->n; i++) {
        const jv *e = &files->v[i];
        const jv *file = jget(e, "file"), *status = jget(e, "status"), *mc = jget(e, "must_contain");
        if (!file || file->type != 's' || strncmp(file->s, prefix, strlen(prefix)) != 0 ||
            !ends_with(file->s, suffix))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", PII_SHARED_FIXTURES, file->s);
        col c;
        memset(&c, 0, sizeof c);
        c.top = path;
        cr_assert_eq(piiscan_extract_text_file(path, NULL, on_text, on_file, &c), PIISCAN_OK, "%s",
                     file->s);
        const trep *r = top_report(&c);
        if (!strcmp(status->s, "encrypted")) {
            cr_expect_eq(r->status, PIISCAN_FILE_ENCRYPTED, "%s: status %d (%s)", file->s,
                         r->status, r->reason);
            cr_expect_eq(c.n, 0, "%s: encrypted but text came out", file->s);
        } else if (!strcmp(status->s, "ok")) {
            cr_expect_eq(r->status, PIISCAN_FILE_OK, "%s: status %d (%s)", file->s, r->status,
                         r->reason);
            char *have = nows ? no_space(c.all ? c.all : "") : collapse_space(c.all ? c.all : "");
            for (size_t k = 0; mc && k < mc->n; k++) {
                char *want = nows ? no_space(mc->v[k].s) : collapse_space(mc->v[k].s);
                cr_expect(strstr(have, want) != NULL, "%s: snippet %zu of must_contain missing",
                          file->s, k);
                free(want);
            }
            free(have);
        }
        col_free(&c);
        checked++;
    }
    jfree(&root);
    return checked;
}

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
