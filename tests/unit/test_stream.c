/* test_stream.c -- the streaming guarantee: for every way of splitting the
 * input, the findings equal those of one whole-buffer scan; and the same
 * document in UTF-8, CP949, UTF-16LE and UTF-16BE gives the same findings,
 * with offsets in the bytes of each encoding.  glibc's iconv makes the other
 * encodings, so the test does not trust our own decoders to make its input. */
#include <criterion/criterion.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "piiscan.h"
#include "testutil.h"

/* A small Korean business document with one value of each kind, decoys, a
 * masked value, full-width digits and values touching Hangul. */
static const char doc[] =
    "고객 명단 (2024-03-15 작성, 버전 1.2.3)\n"
    "이름: 홍길동, 주민등록번호: 900101-1234568, 연락처 010-2345-6789\n"
    "이메일 gildong.hong@example.co.kr 로 회신 바랍니다.\n"
    "결제 카드 4111-1111-1111-1111, 금액 12,000원, 주문번호 20240315-0001\n"
    "표시제한된 값: 900101-1******, 010-****-5678\n"
    "전각 숫자: ９００１０１－１２３４５６８ 입니다\n"
    "붙은 경우 960101-1234567이야 (검증 실패지만 하이픈 형태)\n"
    "긴 숫자열 12345678901234567890 은 아무것도 아니다\n"
    "입금 계좌: 국민은행 123456-01-234567 예금주 홍길동\n"
    "여권번호 M12345678, 운전면허 11-22-123456-12\n";

Test(stream, reference_document_has_the_expected_findings)
{
    tfindings f = {0};
    cr_assert_eq(t_scan_str(doc, &f), PIISCAN_OK);
    t_dump("reference", &f);
    /* Each line number below was counted by hand in `doc`. */
    const struct {
        const char *type;
        unsigned line;
        const char *display;
    } want[] = {
        {"kr_rrn", 2, "900101-1******"},   {"kr_phone", 2, "010-****-6789"},
        {"email", 3, NULL},                {"card", 4, "4111-11**-****-1111"},
        {"kr_rrn", 5, "900101-1******"},   {"kr_phone", 5, "010-****-5678"},
        {"kr_rrn", 6, "900101-1******"},   {"kr_rrn", 7, "960101-1******"},
        {"kr_account", 9, NULL},           {"kr_passport", 10, NULL},
        {"kr_driver_license", 10, NULL},
    };
    cr_assert_eq(f.n, sizeof want / sizeof *want, "got %zu findings", f.n);
    for (size_t i = 0; i < f.n; i++) {
        cr_assert_str_eq(f.v[i].type, want[i].type, "finding %zu", i);
        cr_assert_eq(f.v[i].line, want[i].line, "finding %zu (%s) line", i, f.v[i].type);
        if (want[i].display)
            cr_assert_str_eq(f.v[i].display, want[i].display, "finding %zu", i);
    }
    /* Offsets point at the value in the original bytes. */
    cr_assert_eq(f.v[0].offset, (uint64_t)(strstr(doc, "900101-1234568") - doc));
    cr_assert_eq(f.v[0].length, 14);
    cr_assert_eq(f.v[0].validation, PIISCAN_VALID_CHECKSUM);
    cr_assert_eq(f.v[4].masked, 1);
    cr_assert_eq(f.v[5].masked, 1);
    cr_assert_eq(f.v[6].length, strlen("９００１０１－１２３４５６８"));
    cr_assert_eq(f.v[7].validation, PIISCAN_VALID_STRUCTURAL);
    t_free(&f);
}

Test(stream, every_split_position_gives_the_whole_buffer_result)
{
    const piiscan_engine *e = t_default_engine();
    size_t len = strlen(doc);
    tfindings whole = {0};
    cr_assert_eq(t_scan(e, NULL, doc, len, &whole), PIISCAN_OK);
    cr_assert_gt(whole.n, 5);
    for (size_t cut = 0; cut <= len; cut++) {
        tfindings f = {0};
        cr_assert_eq(t_scan_split(e, NULL, doc, len, &cut, 1, &f), PIISCAN_OK);
        if (!t_same(&whole, &f)) {
            t_dump("whole", &whole);
            t_dump("split", &f);
            cr_assert_fail("split at %zu differs", cut);
        }
        t_free(&f);
    }
    for (size_t chunk = 1; chunk <= 17; chunk++) {
        tfindings f = {0};
        cr_assert_eq(t_scan_chunked(e, NULL, doc, len, chunk, &f), PIISCAN_OK);
        cr_assert(t_same(&whole, &f), "chunks of %zu differ", chunk);
        t_free(&f);
    }
    t_free(&whole);
}

/* A large input (several pages, long digit runs, windows that cross page
 * boundaries) fed in random chunks. */
Test(stream, random_chunks_over_many_pages)
{
    const piiscan_engine *e = t_default_engine();
    size_t cap = 600000, len = 0;
    char *big = malloc(cap);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    while (len + 2 * sizeof doc + 16384 < cap) { /* a CSV chunk is under 10 KiB */
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(seed >> 33);
        if (r % 4 == 3) {
            /* CSV export rows: where the segment skip pauses and the block
             * walk reads the text (a timestamp, a date-time, a phone, a
             * card, a decimal fraction, a masked RRN on each row). */
            for (unsigned row = 0; row < 20 + r % 60; row++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                unsigned q = (unsigned)(seed >> 33);
                len += (size_t)snprintf(big + len, cap - len,
                                        "%u,17040%08u,2024-01-%02u %02u:%02u:15,010-%04u-%04u,%s,0.%09u%07u,"
                                        "900101-%c******,x%u\n",
                                        10000000 + q % 1000, q % 100000000, 1 + q % 28, q % 24, q % 60,
                                        1000 + q % 9000, 1000 + (q / 9) % 9000,
                                        q % 5 ? "" : "4111111111111111", q, q % 9999999, q % 2 ? '1' : '2', q % 10);
            }
        } else if (r % 4 == 0) {
            memcpy(big + len, doc, sizeof doc - 1);
            len += sizeof doc - 1;
        } else if (r % 4 == 1) {
            /* a long digit-dense line: runs of digits with commas */
            for (unsigned i = 0; i < 400 + r % 3000; i++)
                big[len++] = (i % 7 == 6) ? ',' : (char)('0' + (r + i * 7) % 10);
            big[len++] = '\n';
        } else {
            len += (size_t)snprintf(big + len, cap - len, "가나다 %u원 010-%04u-%04u 라마\n", r % 100000,
                                    r % 9000 + 1000, (r / 7) % 9000 + 1000);
        }
    }
    tfindings whole = {0};
    cr_assert_eq(t_scan(e, NULL, big, len, &whole), PIISCAN_OK);
    cr_assert_gt(whole.n, 100);
    for (int round = 0; round < 6; round++) {
        size_t cuts[4000], n = 0, pos = 0;
        while (n < 4000) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            pos += 1 + (size_t)((seed >> 33) % (round < 3 ? 300 : 40000));
            if (pos >= len)
                break;
            cuts[n++] = pos;
        }
        tfindings f = {0};
        cr_assert_eq(t_scan_split(e, NULL, big, len, cuts, n, &f), PIISCAN_OK);
        cr_assert(t_same(&whole, &f), "round %d differs (%zu vs %zu findings)", round, whole.n, f.n);
        t_free(&f);
    }
    t_free(&whole);
    free(big);
}

/* Converts s with iconv; returns malloc'd bytes. */
static char *convert(const char *to, const char *s, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    cr_assert_neq(cd, (iconv_t)-1, "iconv %s", to);
    size_t cap = len * 4 + 16, left = cap;
    char *out = malloc(cap), *op = out;
    char *ip = (char *)s;
    size_t il = len;
    cr_assert_neq(iconv(cd, &ip, &il, &op, &left), (size_t)-1, "iconv to %s failed", to);
    iconv_close(cd);
    *out_len = cap - left;
    return out;
}

static void same_findings_in(const char *enc, int force, int bom)
{
    const piiscan_engine *e = t_default_engine();
    size_t ulen = strlen(doc);
    tfindings ref = {0};
    cr_assert_eq(t_scan(e, NULL, doc, ulen, &ref), PIISCAN_OK);
    size_t n;
    char *body = convert(enc, doc, ulen, &n);
    size_t bl = 0;
    const char *bomb = "";
    if (bom && !strcmp(enc, "UTF-16LE"))
        bomb = "\xFF\xFE", bl = 2;
    if (bom && !strcmp(enc, "UTF-16BE"))
        bomb = "\xFE\xFF", bl = 2;
    char *buf = malloc(n + bl);
    memcpy(buf, bomb, bl);
    memcpy(buf + bl, body, n);
    piiscan_options *o = NULL;
    cr_assert_eq(piiscan_options_new(&o), PIISCAN_OK);
    if (force)
        piiscan_options_set(o, PIISCAN_OPT_ENCODING, force);
    tfindings f = {0};
    cr_assert_eq(t_scan(e, o, buf, n + bl, &f), PIISCAN_OK);
    if (f.n != ref.n) {
        t_dump("utf-8", &ref);
        t_dump(enc, &f);
    }
    cr_assert_eq(f.n, ref.n, "%s: %zu findings, UTF-8 had %zu", enc, f.n, ref.n);
    for (size_t i = 0; i < f.n; i++) {
        cr_assert_str_eq(f.v[i].type, ref.v[i].type);
        cr_assert_str_eq(f.v[i].display, ref.v[i].display);
        cr_assert_eq(f.v[i].line, ref.v[i].line);
        cr_assert_eq(f.v[i].validation, ref.v[i].validation);
        cr_assert_eq(f.v[i].confidence, ref.v[i].confidence);
        cr_assert_eq(f.v[i].masked, ref.v[i].masked);
        /* Offsets and lengths in the bytes of this encoding. */
        size_t pre, val;
        free(convert(enc, doc, (size_t)ref.v[i].offset, &pre));
        free(convert(enc, doc + ref.v[i].offset, (size_t)ref.v[i].length, &val));
        cr_assert_eq(f.v[i].offset, pre + bl, "%s finding %zu offset", enc, i);
        cr_assert_eq(f.v[i].length, val, "%s finding %zu length", enc, i);
    }
    /* And split at every position in the encoded bytes. */
    for (size_t cut = 0; cut <= n + bl; cut += 1) {
        tfindings g = {0};
        cr_assert_eq(t_scan_split(e, o, buf, n + bl, &cut, 1, &g), PIISCAN_OK);
        cr_assert(t_same(&f, &g), "%s split at %zu differs", enc, cut);
        t_free(&g);
    }
    piiscan_options_free(o);
    t_free(&f);
    t_free(&ref);
    free(body);
    free(buf);
}

Test(stream, cp949_detected_and_same_findings)
{
    same_findings_in("CP949", 0, 0);
}
Test(stream, cp949_forced)
{
    same_findings_in("CP949", PIISCAN_ENC_CP949, 0);
}
Test(stream, utf16le_with_bom)
{
    same_findings_in("UTF-16LE", 0, 1);
}
Test(stream, utf16be_with_bom)
{
    same_findings_in("UTF-16BE", 0, 1);
}
Test(stream, utf16le_without_bom)
{
    same_findings_in("UTF-16LE", 0, 0);
}
Test(stream, utf16be_without_bom)
{
    same_findings_in("UTF-16BE", 0, 0);
}

Test(stream, utf8_bom_is_harmless)
{
    char buf[sizeof doc + 3] = "\xEF\xBB\xBF";
    memcpy(buf + 3, doc, sizeof doc);
    tfindings a = {0}, b = {0};
    cr_assert_eq(t_scan_str(doc, &a), PIISCAN_OK);
    cr_assert_eq(t_scan(t_default_engine(), NULL, buf, sizeof buf - 1, &b), PIISCAN_OK);
    cr_assert_eq(a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        cr_assert_eq(b.v[i].offset, a.v[i].offset + 3);
    t_free(&a);
    t_free(&b);
}

Test(stream, empty_and_tiny_inputs)
{
    tfindings f = {0};
    cr_assert_eq(t_scan(t_default_engine(), NULL, "", 0, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 0);
    cr_assert_eq(t_scan(t_default_engine(), NULL, "7", 1, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 0);
    cr_assert_eq(t_scan(t_default_engine(), NULL, NULL, 0, &f), PIISCAN_OK);
    t_free(&f);
}

/* A CP949 file whose first syllable (홍, C8 AB) is also valid UTF-8 must still
 * be read as CP949, or the account's keyword (계좌) would be lost. */
Test(stream, cp949_starting_with_a_utf8_lookalike_keeps_its_keywords)
{
    const char text[] = "홍길동 계좌번호: 국민은행 123456-01-234567\n";
    size_t n;
    char *cp = convert("CP949", text, strlen(text), &n);
    cr_assert_eq((unsigned char)cp[0], 0xC8);
    cr_assert_eq((unsigned char)cp[1], 0xAB);
    tfindings f = {0};
    cr_assert_eq(t_scan(t_default_engine(), NULL, cp, n, &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_account"), 1, "the keyword must be decoded");
    size_t pre;
    free(convert("CP949", text, (size_t)(strstr(text, "123456") - text), &pre));
    cr_assert_eq(f.v[0].offset, pre);
    t_free(&f);
    free(cp);
}

/* An engine with no digit-triggered pattern takes the prefilter's '@'-only
 * path; it must be as split-proof as the full one. */
Test(stream, email_only_engine_every_split)
{
    piiscan_patterns *set = NULL;
    piiscan_engine *e = NULL;
    cr_assert_eq(piiscan_patterns_new_default(&set), PIISCAN_OK);
    cr_assert_eq(piiscan_patterns_select(set, "email"), PIISCAN_OK);
    cr_assert_eq(piiscan_engine_compile(set, &e, NULL), PIISCAN_OK);
    const char text[] = "연락 a.b@example.com, 900101-1234568, x@y.co.kr@@ z@example.org\n";
    size_t len = sizeof text - 1;
    tfindings whole = {0};
    cr_assert_eq(t_scan(e, NULL, text, len, &whole), PIISCAN_OK);
    cr_assert_eq(whole.n, 3, "three addresses, no RRN from an email-only engine");
    for (size_t cut = 0; cut <= len; cut++) {
        tfindings f = {0};
        cr_assert_eq(t_scan_split(e, NULL, text, len, &cut, 1, &f), PIISCAN_OK);
        cr_assert(t_same(&whole, &f), "split at %zu differs", cut);
        t_free(&f);
    }
    t_free(&whole);
    piiscan_engine_free(e);
    piiscan_patterns_free(set);
}

/* Line numbers over a long text: lines of every length from empty to a
 * few kilobytes (the newline count goes 16 bytes at a time in batches of
 * 4080, with a byte loop for the rest), a phone number at the start of
 * every 97th line, whole and in odd-sized chunks.  The expected line is
 * the loop's own counter, not the scanner's output. */
Test(stream, line_numbers_over_long_and_short_lines)
{
    size_t cap = 4u << 20, n = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    unsigned want_lines[200];
    size_t nwant = 0;
    uint64_t seed = 7;
    for (unsigned line = 1; n + 9000 < cap && nwant < 200; line++) {
        if (line % 97 == 0) {
            n += (size_t)sprintf(text + n, "tel 010-2345-%04u ", line % 10000);
            want_lines[nwant++] = line;
        }
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        size_t len = (size_t)(seed >> 33) % (line % 13 == 0 ? 8200 : 90);
        for (size_t k = 0; k < len; k++)
            text[n++] = (char)"abc de."[k % 7];
        text[n++] = '\n';
    }
    tfindings whole = {0}, chunked = {0};
    cr_assert_eq(t_scan(t_default_engine(), NULL, text, n, &whole), PIISCAN_OK);
    cr_assert_eq(t_scan_chunked(t_default_engine(), NULL, text, n, 4093, &chunked), PIISCAN_OK);
    cr_assert_eq(whole.n, nwant);
    for (size_t i = 0; i < nwant; i++)
        cr_assert_eq(whole.v[i].line, want_lines[i], "finding %zu: line %llu, want %u", i,
                     (unsigned long long)whole.v[i].line, want_lines[i]);
    cr_assert(t_same(&whole, &chunked));
    t_free(&whole);
    t_free(&chunked);
    free(text);
}
