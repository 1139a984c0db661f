/* test_decode.c -- sniffing and the streaming decoders (lib/decode/).
 *
 * Expected values come from outside the code under test: CP949 bytes and code
 * points are hard-coded from Microsoft's CP949 mapping (the Unicode
 * consortium's VENDORS/MICSFT/WINDOWS/CP949.TXT), the whole CP949 table is
 * compared with glibc's iconv, and UTF-8 expectations are string literals
 * (this file is UTF-8).  Independent of testutil so it builds alone:
 *   gcc -std=c11 -Iinclude -Ilib tests/unit/test_decode.c lib/decode/[a-z]*.c -lcriterion */
#include <criterion/criterion.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/cp949.h"
#include "decode/decode.h"
#include "decode/sniff.h"
#include "piiscan.h"

/* ---- helpers ------------------------------------------------------------------ */

typedef struct dres {
    uint8_t *out;
    uint64_t *map; /* complete: identity bytes filled in as start + output index */
    size_t len;
    size_t ident; /* total identity bytes */
    int enc;      /* pii_decoder_encoding() at the end */
} dres;

static void dres_free(dres *r)
{
    free(r->out);
    free(r->map);
    memset(r, 0, sizeof *r);
}

/* Decodes p[0..n) fed in pieces ending at cuts[] (ascending, may repeat, may
 * be 0 or n), with out_cap = 3k+16 for a k-byte piece, the contract's bound
 * for full consumption. */
static void dec_cuts(int mode, uint64_t start, const uint8_t *p, size_t n, const size_t *cuts,
                     size_t ncuts, dres *r)
{
    pii_decoder d;
    pii_decoder_init(&d, mode, start);
    size_t cap = 3 * n + 16 * (ncuts + 1) + 16;
    r->out = malloc(cap);
    r->map = malloc(cap * sizeof *r->map);
    r->len = r->ident = 0;
    cr_assert(r->out && r->map);
    size_t pos = 0;
    for (size_t c = 0; c <= ncuts; c++) {
        size_t end = c < ncuts ? cuts[c] : n;
        int eof = c == ncuts;
        size_t k = end - pos, ol = 99999, il = 99999;
        size_t used = pii_decoder_feed(&d, p + pos, k, eof, r->out + r->len, r->map + r->len,
                                       3 * k + 16, &ol, &il);
        cr_assert_eq(used, k, "piece %zu: consumed %zu of %zu", c, used, k);
        cr_assert_leq(il, ol);
        cr_assert_leq(ol, 3 * k + 16);
        /* Identity bytes only ever come first in the stream. */
        if (il > 0)
            cr_assert_eq(r->ident, r->len, "identity output after mapped output");
        for (size_t i = 0; i < il; i++)
            r->map[r->len + i] = start + r->len + i;
        r->ident += il;
        r->len += ol;
        pos = end;
    }
    r->enc = pii_decoder_encoding(&d);
}

static void dec_one(int mode, uint64_t start, const void *p, size_t n, dres *r)
{
    dec_cuts(mode, start, p, n, NULL, 0, r);
}

static void assert_same(const dres *a, const dres *b, const char *what)
{
    cr_assert_eq(a->len, b->len, "%s: length %zu vs %zu", what, a->len, b->len);
    cr_assert(memcmp(a->out, b->out, a->len) == 0, "%s: output differs", what);
    for (size_t i = 0; i < a->len; i++)
        cr_assert_eq(a->map[i], b->map[i], "%s: map[%zu] %llu vs %llu", what, i,
                     (unsigned long long)a->map[i], (unsigned long long)b->map[i]);
    cr_assert_eq(a->ident, b->ident, "%s: ident %zu vs %zu", what, a->ident, b->ident);
    cr_assert_eq(a->enc, b->enc, "%s: encoding", what);
}

static void assert_out(const dres *r, const char *utf8)
{
    size_t n = strlen(utf8);
    cr_assert_eq(r->len, n, "output length %zu, expected %zu", r->len, n);
    cr_assert(memcmp(r->out, utf8, n) == 0, "output differs from \"%s\"", utf8);
}

static void assert_map(const dres *r, const uint64_t *m, size_t n)
{
    cr_assert_eq(r->len, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(r->map[i], m[i], "map[%zu] = %llu, expected %llu", i,
                     (unsigned long long)r->map[i], (unsigned long long)m[i]);
}

/* Splits at every position, at every pair of positions, and byte by byte, and
 * compares each with the one-call decode. */
static void assert_split_invariant(int mode, const uint8_t *p, size_t n)
{
    const uint64_t start = 1000;
    dres ref;
    dec_one(mode, start, p, n, &ref);
    for (size_t a = 0; a <= n; a++) {
        dres r;
        dec_cuts(mode, start, p, n, &a, 1, &r);
        assert_same(&ref, &r, "one cut");
        dres_free(&r);
        for (size_t b = a; b <= n; b++) {
            size_t cuts[2] = {a, b};
            dec_cuts(mode, start, p, n, cuts, 2, &r);
            assert_same(&ref, &r, "two cuts");
            dres_free(&r);
        }
    }
    size_t *all = malloc((n + 1) * sizeof *all);
    for (size_t i = 0; i <= n; i++)
        all[i] = i;
    dres r;
    dec_cuts(mode, start, p, n, all, n + 1, &r);
    assert_same(&ref, &r, "byte by byte");
    dres_free(&r);
    free(all);
    /* Offsets are absolute, non-decreasing and inside the input. */
    for (size_t i = 0; i < ref.len; i++) {
        cr_assert(ref.map[i] >= start && ref.map[i] < start + n);
        if (i)
            cr_assert_geq(ref.map[i], ref.map[i - 1]);
    }
    dres_free(&ref);
}

/* Code points -> UTF-16 (the test's own encoder, so UTF-16 inputs are not made
 * by the code under test).  Returns bytes written. */
static size_t to_utf16(const uint32_t *cps, size_t n, int be, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t units[2];
        size_t nu = 1;
        if (cps[i] >= 0x10000) {
            units[0] = 0xD800 + ((cps[i] - 0x10000) >> 10);
            units[1] = 0xDC00 + ((cps[i] - 0x10000) & 0x3FF);
            nu = 2;
        } else
            units[0] = cps[i];
        for (size_t k = 0; k < nu; k++) {
            out[o + (be ? 1 : 0)] = (uint8_t)units[k];
            out[o + (be ? 0 : 1)] = (uint8_t)(units[k] >> 8);
            o += 2;
        }
    }
    return o;
}

/* UTF-8 string -> code points via iconv (UTF-32LE). */
static size_t cps_of(const char *s, uint32_t *cps, size_t max)
{
    iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
    cr_assert_neq(cd, (iconv_t)-1);
    char *ip = (char *)s, *op = (char *)cps;
    size_t il = strlen(s), ol = max * 4;
    cr_assert_neq(iconv(cd, &ip, &il, &op, &ol), (size_t)-1);
    iconv_close(cd);
    return (max * 4 - ol) / 4;
}

static uint32_t rng_next(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* "주민등록번호" in CP949, from CP949.TXT (C1D6 -> U+C8FC 주, C8A3 -> U+D638 호). */
static const uint8_t RRN_CP949[] = {0xC1, 0xD6, 0xB9, 0xCE, 0xB5, 0xEE,
                                    0xB7, 0xCF, 0xB9, 0xF8, 0xC8, 0xA3};

/* ---- sniff ---------------------------------------------------------------------- */

Test(sniff, boms)
{
    size_t bom = 99;
    cr_assert_eq(pii_sniff((const uint8_t *)"\xEF\xBB\xBF" "abc", 6, &bom), PII_DEC_UTF8);
    cr_assert_eq(bom, 3);
    cr_assert_eq(pii_sniff((const uint8_t *)"\xFF\xFE" "a\0", 4, &bom), PII_DEC_UTF16LE);
    cr_assert_eq(bom, 2);
    cr_assert_eq(pii_sniff((const uint8_t *)"\xFE\xFF\0a", 4, &bom), PII_DEC_UTF16BE);
    cr_assert_eq(bom, 2);
    /* A BOM alone, and a BOM before text without any ASCII. */
    cr_assert_eq(pii_sniff((const uint8_t *)"\xFF\xFE", 2, &bom), PII_DEC_UTF16LE);
    cr_assert_eq(pii_sniff((const uint8_t *)"\xFE\xFF\xC8\xFC", 4, &bom), PII_DEC_UTF16BE);
    cr_assert_eq(pii_sniff((const uint8_t *)"\xEF\xBB\xBF", 3, &bom), PII_DEC_UTF8);
    /* Half a UTF-8 BOM is not one. */
    cr_assert_eq(pii_sniff((const uint8_t *)"\xEF\xBB", 2, &bom), PII_DEC_UTF8_AUTO);
    cr_assert_eq(bom, 0);
    cr_assert_eq(pii_sniff((const uint8_t *)"\xFF\xFE", 2, NULL), PII_DEC_UTF16LE);
}

static void sniff_utf16_text(const char *utf8, int be, int expect)
{
    uint32_t cps[600];
    uint8_t buf[2400];
    size_t nc = cps_of(utf8, cps, 600);
    size_t n = to_utf16(cps, nc, be, buf);
    size_t bom = 99;
    cr_assert_eq(pii_sniff(buf, n, &bom), expect, "%s (%s)", utf8, be ? "BE" : "LE");
    cr_assert_eq(bom, 0);
}

Test(sniff, bomless_utf16_korean_and_ascii)
{
    const char *texts[] = {
        "주민등록번호: 900101-1234567",
        "성명 홍길동, 연락처 010-1234-5678, 주소 서울특별시 중구 세종대로 110",
        "name,rrn\n김철수,800101-1000000\n이영희,810202-2000000\n",
        "a",
        "hello world",
        /* 가 (U+AC00) and 대 (U+B300) put NULs on the other parity. */
        "가나다 대한민국 가가 123",
        "대한민국 가정의 저녁 식사 123",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        sniff_utf16_text(texts[i], 0, PII_DEC_UTF16LE);
        sniff_utf16_text(texts[i], 1, PII_DEC_UTF16BE);
    }
}

Test(sniff, eight_bit_text_is_auto)
{
    size_t bom = 99;
    const char *ascii = "name: Hong Gildong, phone 010-1234-5678\n";
    cr_assert_eq(pii_sniff((const uint8_t *)ascii, strlen(ascii), &bom), PII_DEC_UTF8_AUTO);
    cr_assert_eq(bom, 0);
    const char *ko = "주민등록번호: 900101-1234567";
    cr_assert_eq(pii_sniff((const uint8_t *)ko, strlen(ko), &bom), PII_DEC_UTF8_AUTO);
    /* CP949 Korean is recognised from the sniff window (a byte pair that is
     * CP949 but not UTF-8, no 3-byte UTF-8 sequence). */
    cr_assert_eq(pii_sniff(RRN_CP949, sizeof RRN_CP949, &bom), PII_DEC_CP949);
    /* 홍 (C8 AB) is also valid 2-byte UTF-8: alone it proves nothing... */
    cr_assert_eq(pii_sniff((const uint8_t *)"\xC8\xAB", 2, &bom), PII_DEC_UTF8_AUTO);
    /* ...but 홍길동 (C8 AB B1 E6 B5 BF) has pairs that are not UTF-8. */
    cr_assert_eq(pii_sniff((const uint8_t *)"\xC8\xAB\xB1\xE6\xB5\xBF", 6, &bom), PII_DEC_CP949);
    cr_assert_eq(pii_sniff((const uint8_t *)"", 0, &bom), PII_DEC_UTF8_AUTO);
    cr_assert_eq(pii_sniff(NULL, 0, &bom), PII_DEC_UTF8_AUTO);
    cr_assert_eq(pii_sniff((const uint8_t *)"\0", 1, &bom), PII_DEC_UTF8_AUTO);
    cr_assert_eq(pii_sniff((const uint8_t *)"a", 1, &bom), PII_DEC_UTF8_AUTO);
}

Test(sniff, short_inputs)
{
    cr_assert_eq(pii_sniff((const uint8_t *)"a\0", 2, NULL), PII_DEC_UTF16LE);
    cr_assert_eq(pii_sniff((const uint8_t *)"\0a", 2, NULL), PII_DEC_UTF16BE);
    /* An odd last byte is ignored. */
    cr_assert_eq(pii_sniff((const uint8_t *)"a\0b", 3, NULL), PII_DEC_UTF16LE);
    cr_assert_eq(pii_sniff((const uint8_t *)"\0a\0", 3, NULL), PII_DEC_UTF16BE);
    /* U+0000 units: NULs on both sides decide nothing. */
    cr_assert_eq(pii_sniff((const uint8_t *)"\0\0", 2, NULL), PII_DEC_UTF8_AUTO);
    cr_assert_eq(pii_sniff((const uint8_t *)"\0\0\0\0\0\0\0\0", 8, NULL), PII_DEC_UTF8_AUTO);
}

Test(sniff, no_clear_majority_is_auto)
{
    uint8_t buf[PII_SNIFF_BYTES];
    /* Text with one stray NUL. */
    memset(buf, 'x', sizeof buf);
    buf[101] = 0;
    cr_assert_eq(pii_sniff(buf, sizeof buf, NULL), PII_DEC_UTF8_AUTO);
    /* Binary-looking data: NULs on both parities. */
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (i % 3 == 0) ? 0 : (uint8_t)(i * 7);
    cr_assert_eq(pii_sniff(buf, sizeof buf, NULL), PII_DEC_UTF8_AUTO);
    /* Clear majority but too few: 4 of 256 units. */
    memset(buf, 'x', sizeof buf);
    for (size_t i = 0; i < 4; i++)
        buf[2 * i * 37 + 1] = 0;
    cr_assert_eq(pii_sniff(buf, sizeof buf, NULL), PII_DEC_UTF8_AUTO);
    /* 16 of 256 units is enough. */
    for (size_t i = 0; i < 16; i++)
        buf[2 * i * 15 + 1] = 0;
    cr_assert_eq(pii_sniff(buf, sizeof buf, NULL), PII_DEC_UTF16LE);
}

Test(sniff, reads_only_the_first_bytes)
{
    size_t n = PII_SNIFF_BYTES * 3;
    uint8_t *buf = malloc(n);
    memset(buf, 'x', n);
    for (size_t i = PII_SNIFF_BYTES; i < n; i += 2)
        buf[i + 1] = 0; /* UTF-16LE-looking, but past the sniff window */
    cr_assert_eq(pii_sniff(buf, n, NULL), PII_DEC_UTF8_AUTO);
    free(buf);
}

/* ---- CP949 table ----------------------------------------------------------------- */

Test(cp949, known_codes_from_cp949_txt)
{
    /* Hard-coded from CP949.TXT (lead+trail -> Unicode). */
    static const struct {
        uint16_t code;
        uint32_t cp;
    } known[] = {
        {0x8141, 0xAC02}, /* first UHC extension syllable */
        {0x81FE, 0xAD13}, {0x8241, 0xAD14},
        {0x8C63, 0xB620}, /* 똠: UHC only, not in EUC-KR */
        {0xB0A1, 0xAC00}, /* 가 */
        {0xC1D6, 0xC8FC}, /* 주 */
        {0xC8A3, 0xD638}, /* 호 */
        {0xC541, 0xD715}, {0xC652, 0xD7A3}, /* 힣: the last syllable, a UHC extension */
        {0xC6A1, 0xD264}, {0xC8FE, 0xD79D}, /* 힝: the last KS X 1001 syllable */
        {0xCAA1, 0x4F3D}, /* first hanja */
        {0xCBD0, 0xF900}, /* compatibility ideograph */
        {0xFDFE, 0x8A70}, /* last code */
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        cr_assert_eq(pii_cp949_lookup((uint8_t)(known[i].code >> 8), (uint8_t)known[i].code),
                     known[i].cp, "%04X", known[i].code);
    /* Holes: trail gaps, leads past the extension block, the user-defined rows
     * (CP949.TXT goes from C8FE straight to CAA1), 0x80/0xFF. */
    cr_assert_eq(pii_cp949_lookup(0x81, 0x5B), 0);
    cr_assert_eq(pii_cp949_lookup(0x81, 0x7B), 0);
    cr_assert_eq(pii_cp949_lookup(0x81, 0x80), 0);
    cr_assert_eq(pii_cp949_lookup(0x81, 0xFF), 0);
    cr_assert_eq(pii_cp949_lookup(0x81, 0x40), 0);
    cr_assert_eq(pii_cp949_lookup(0xC6, 0x53), 0);
    cr_assert_eq(pii_cp949_lookup(0xC7, 0x41), 0);
    cr_assert_eq(pii_cp949_lookup(0xC9, 0xA1), 0);
    cr_assert_eq(pii_cp949_lookup(0xFE, 0xA1), 0);
    cr_assert_eq(pii_cp949_lookup(0x80, 0xA1), 0);
    cr_assert_eq(pii_cp949_lookup(0xFF, 0xA1), 0);
    cr_assert_eq(pii_cp949_lookup(0x41, 0x41), 0);
}

Test(cp949, table_shape)
{
    /* CP949.TXT lists 17048 double-byte codes, and UHC holds every one of the
     * 11172 modern Hangul syllables exactly once. */
    static uint8_t seen[11172];
    size_t mapped = 0;
    for (unsigned l = 0x80; l <= 0xFF; l++)
        for (unsigned t = 0x00; t <= 0xFF; t++) {
            uint32_t cp = pii_cp949_lookup((uint8_t)l, (uint8_t)t);
            if (!cp)
                continue;
            mapped++;
            cr_assert(cp < 0xD800 || cp > 0xDFFF);
            if (cp >= 0xAC00 && cp <= 0xD7A3)
                seen[cp - 0xAC00]++;
        }
    cr_assert_eq(mapped, 17048);
    for (size_t i = 0; i < 11172; i++)
        cr_assert_eq(seen[i], 1, "U+%04zX seen %u times", 0xAC00 + i, seen[i]);
}

Test(cp949, whole_table_matches_glibc_iconv)
{
    iconv_t cd = iconv_open("UTF-32LE", "CP949");
    cr_assert_neq(cd, (iconv_t)-1);
    size_t checked = 0;
    for (unsigned l = 0x81; l <= 0xFE; l++)
        for (unsigned t = 0x41; t <= 0xFE; t++) {
            char in[2] = {(char)l, (char)t}, outb[16];
            char *ip = in, *op = outb;
            size_t il = 2, ol = sizeof outb;
            iconv(cd, NULL, NULL, NULL, NULL);
            size_t rc = iconv(cd, &ip, &il, &op, &ol);
            uint32_t ref = 0;
            if (rc != (size_t)-1 && il == 0 && sizeof outb - ol == 4)
                memcpy(&ref, outb, 4); /* little-endian host assumed, as everywhere here */
            cr_assert_eq(pii_cp949_lookup((uint8_t)l, (uint8_t)t), ref, "%02X%02X: ours %04X, iconv %04X",
                         l, t, pii_cp949_lookup((uint8_t)l, (uint8_t)t), ref);
            checked++;
        }
    iconv_close(cd);
    cr_assert_eq(checked, 126 * 190);
}

/* ---- CP949 decoding ------------------------------------------------------------- */

Test(cp949, decodes_korean_with_offsets)
{
    dres r;
    dec_one(PII_DEC_CP949, 0, RRN_CP949, sizeof RRN_CP949, &r);
    assert_out(&r, "주민등록번호");
    for (size_t i = 0; i < r.len; i++)
        cr_assert_eq(r.map[i], (i / 3) * 2); /* 3 UTF-8 bytes per 2 source bytes */
    cr_assert_eq(r.ident, 0);
    cr_assert_eq(r.enc, PIISCAN_ENC_CP949);
    dres_free(&r);

    /* Mixed ASCII and double bytes: "a가b똠9". */
    static const uint8_t in[] = {'a', 0xB0, 0xA1, 'b', 0x8C, 0x63, '9'};
    dec_one(PII_DEC_CP949, 0, in, sizeof in, &r);
    assert_out(&r, "a가b똠9");
    static const uint64_t m[] = {0, 1, 1, 1, 3, 4, 4, 4, 6};
    assert_map(&r, m, 9);
    dres_free(&r);

    /* Offsets are absolute. */
    dec_one(PII_DEC_CP949, 500, in, sizeof in, &r);
    cr_assert_eq(r.map[0], 500);
    cr_assert_eq(r.map[8], 506);
    dres_free(&r);
}

Test(cp949, invalid_bytes_become_replacement)
{
    dres r;
    /* Lead + a non-trail (space): U+FFFD for the lead, the space decoded. */
    static const uint8_t a[] = {0xB0, ' ', 'x'};
    dec_one(PII_DEC_CP949, 0, a, sizeof a, &r);
    assert_out(&r, "\xEF\xBF\xBD x");
    static const uint64_t ma[] = {0, 0, 0, 1, 2};
    assert_map(&r, ma, 5);
    dres_free(&r);

    /* Unassigned pair (C9A1, user-defined row) whose trail starts a real
     * character: U+FFFD, then 가 decoded from the trail on. */
    static const uint8_t b[] = {0xC9, 0xB0, 0xA1};
    dec_one(PII_DEC_CP949, 0, b, sizeof b, &r);
    assert_out(&r, "\xEF\xBF\xBD가");
    static const uint64_t mb[] = {0, 0, 0, 1, 1, 1};
    assert_map(&r, mb, 6);
    dres_free(&r);

    /* 0x80 and 0xFF are never characters; a lead in the trail gap. */
    static const uint8_t c[] = {0x80, 0xFF, 0x81, 0x5B};
    dec_one(PII_DEC_CP949, 0, c, sizeof c, &r);
    assert_out(&r, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD[");
    dres_free(&r);

    /* Truncated at eof: a lone lead. */
    static const uint8_t d[] = {'a', 0xB0, 0xA1, 0xB0};
    dec_one(PII_DEC_CP949, 0, d, sizeof d, &r);
    assert_out(&r, "a가\xEF\xBF\xBD");
    cr_assert_eq(r.map[r.len - 1], 3);
    dres_free(&r);
}

/* ---- UTF-16 ---------------------------------------------------------------------- */

Test(utf16, surrogate_pairs_and_offsets)
{
    dres r;
    /* "a😀b" (U+1F600 = D83D DE00) */
    static const uint8_t le[] = {'a', 0, 0x3D, 0xD8, 0x00, 0xDE, 'b', 0};
    static const uint8_t be[] = {0, 'a', 0xD8, 0x3D, 0xDE, 0x00, 0, 'b'};
    static const uint64_t m[] = {0, 2, 2, 2, 2, 6};
    dec_one(PII_DEC_UTF16LE, 0, le, sizeof le, &r);
    assert_out(&r, "a\xF0\x9F\x98\x80" "b");
    assert_map(&r, m, 6);
    cr_assert_eq(r.enc, PIISCAN_ENC_UTF16LE);
    dres_free(&r);
    dec_one(PII_DEC_UTF16BE, 0, be, sizeof be, &r);
    assert_out(&r, "a\xF0\x9F\x98\x80" "b");
    assert_map(&r, m, 6);
    cr_assert_eq(r.enc, PIISCAN_ENC_UTF16BE);
    dres_free(&r);

    /* Korean: 주 = U+C8FC, 가 = U+AC00 (a NUL low byte). */
    static const uint8_t ko[] = {0xFC, 0xC8, 0x00, 0xAC, '1', 0};
    dec_one(PII_DEC_UTF16LE, 10, ko, sizeof ko, &r);
    assert_out(&r, "주가1");
    static const uint64_t mk[] = {10, 10, 10, 12, 12, 12, 14};
    assert_map(&r, mk, 7);
    dres_free(&r);
}

Test(utf16, bom_dropped_only_at_start)
{
    dres r;
    static const uint8_t le[] = {0xFF, 0xFE, 'a', 0, 0xFF, 0xFE, 'b', 0};
    dec_one(PII_DEC_UTF16LE, 0, le, sizeof le, &r);
    assert_out(&r, "a\xEF\xBB\xBF" "b"); /* the second U+FEFF is a character */
    static const uint64_t m[] = {2, 4, 4, 4, 6};
    assert_map(&r, m, 5);
    dres_free(&r);
    static const uint8_t be[] = {0xFE, 0xFF, 0, 'a'};
    dec_one(PII_DEC_UTF16BE, 7, be, sizeof be, &r);
    assert_out(&r, "a");
    cr_assert_eq(r.map[0], 9);
    dres_free(&r);
}

Test(utf16, invalid_input)
{
    dres r;
    /* Lone low surrogate; high surrogate followed by a non-surrogate; two highs. */
    static const uint8_t a[] = {0x00, 0xDC, 'x', 0, 0x3D, 0xD8, 'y', 0, 0x3D, 0xD8, 0x3D, 0xD8,
                                0x00, 0xDE};
    dec_one(PII_DEC_UTF16LE, 0, a, sizeof a, &r);
    assert_out(&r, "\xEF\xBF\xBDx\xEF\xBF\xBDy\xEF\xBF\xBD\xF0\x9F\x98\x80");
    static const uint64_t m[] = {0, 0, 0, 2, 4, 4, 4, 6, 8, 8, 8, 10, 10, 10, 10};
    assert_map(&r, m, 15);
    dres_free(&r);

    /* High surrogate at eof; odd length at eof. */
    static const uint8_t b[] = {'a', 0, 0x3D, 0xD8};
    dec_one(PII_DEC_UTF16LE, 0, b, sizeof b, &r);
    assert_out(&r, "a\xEF\xBF\xBD");
    cr_assert_eq(r.map[1], 2);
    dres_free(&r);
    static const uint8_t c[] = {'a', 0, 'b'};
    dec_one(PII_DEC_UTF16LE, 0, c, sizeof c, &r);
    assert_out(&r, "a\xEF\xBF\xBD");
    cr_assert_eq(r.map[1], 2);
    dres_free(&r);
    /* Both: the surrogate first, then the odd byte. */
    static const uint8_t d[] = {0xD8, 0x3D, 0x41};
    dec_one(PII_DEC_UTF16BE, 0, d, sizeof d, &r);
    assert_out(&r, "\xEF\xBF\xBD\xEF\xBF\xBD");
    static const uint64_t md[] = {0, 0, 0, 2, 2, 2};
    assert_map(&r, md, 6);
    dres_free(&r);
    /* One byte only. */
    dec_one(PII_DEC_UTF16BE, 0, "\x41", 1, &r);
    assert_out(&r, "\xEF\xBF\xBD");
    dres_free(&r);
}

/* ---- UTF-8 and UTF8_AUTO ---------------------------------------------------------- */

Test(utf8, identity_passes_everything)
{
    static const uint8_t in[] = "\xEF\xBB\xBF주민 \xB0\xA1 \xFF\x80 end";
    size_t n = sizeof in - 1;
    dres r;
    dec_one(PII_DEC_UTF8, 0, in, n, &r);
    cr_assert_eq(r.len, n);
    cr_assert(memcmp(r.out, in, n) == 0);
    cr_assert_eq(r.ident, n);
    cr_assert_eq(r.enc, PIISCAN_ENC_UTF8);
    dres_free(&r);

    /* map may be NULL in PII_DEC_UTF8. */
    pii_decoder d;
    pii_decoder_init(&d, PII_DEC_UTF8, 0);
    uint8_t out[64];
    size_t ol = 0, il = 0;
    cr_assert_eq(pii_decoder_feed(&d, in, n, 1, out, NULL, sizeof out, &ol, &il), n);
    cr_assert_eq(ol, n);
    cr_assert_eq(il, n);
}

Test(auto_mode, ascii_then_cp949_switches)
{
    static const char prefix[] = "name: ";
    uint8_t in[64];
    memcpy(in, prefix, 6);
    memcpy(in + 6, RRN_CP949, sizeof RRN_CP949);
    memcpy(in + 6 + sizeof RRN_CP949, " ok", 3);
    size_t n = 6 + sizeof RRN_CP949 + 3;
    dres r;
    dec_one(PII_DEC_UTF8_AUTO, 0, in, n, &r);
    assert_out(&r, "name: 주민등록번호 ok");
    cr_assert_eq(r.enc, PIISCAN_ENC_CP949);
    cr_assert_eq(r.ident, 6, "identity up to the first CP949 character");
    for (size_t i = 0; i < 18; i++)
        cr_assert_eq(r.map[6 + i], 6 + (i / 3) * 2);
    cr_assert_eq(r.map[6 + 18], 18); /* the space after 호 */
    dres_free(&r);
    assert_split_invariant(PII_DEC_UTF8_AUTO, in, n);
}

Test(auto_mode, utf8_korean_then_bad_byte_stays_identity)
{
    static const uint8_t in[] = "주민등록번호 \xB0\xA1 \xC1\xD6 end";
    size_t n = sizeof in - 1;
    dres r;
    dec_one(PII_DEC_UTF8_AUTO, 0, in, n, &r);
    cr_assert_eq(r.len, n);
    cr_assert(memcmp(r.out, in, n) == 0);
    cr_assert_eq(r.ident, n);
    cr_assert_eq(r.enc, PIISCAN_ENC_UTF8);
    dres_free(&r);
    assert_split_invariant(PII_DEC_UTF8_AUTO, in, n);
}

Test(auto_mode, invalid_non_cp949_bytes_pass_then_cp949_switches)
{
    /* 0x80 is neither UTF-8 nor a CP949 lead: passed through; then 가. */
    static const uint8_t in[] = {'x', 0x80, 'y', 0xB0, 0xA1, 'z'};
    dres r;
    dec_one(PII_DEC_UTF8_AUTO, 0, in, sizeof in, &r);
    assert_out(&r, "x\x80y가z");
    cr_assert_eq(r.ident, 3);
    cr_assert_eq(r.enc, PIISCAN_ENC_CP949);
    static const uint64_t m[] = {0, 1, 2, 3, 3, 3, 5};
    assert_map(&r, m, 7);
    dres_free(&r);
    assert_split_invariant(PII_DEC_UTF8_AUTO, in, sizeof in);
}

Test(auto_mode, cut_utf8_prefix_that_is_cp949)
{
    /* EA B0 is a valid UTF-8 prefix (needs a third byte) and a CP949 hanja;
     * 'A' makes it invalid UTF-8, so the input is CP949 -- whatever the split. */
    static const uint8_t in[] = {'a', 'b', 0xEA, 0xB0, 'A', 0xB0, 0xA1};
    dres r;
    dec_one(PII_DEC_UTF8_AUTO, 0, in, sizeof in, &r);
    cr_assert_eq(r.enc, PIISCAN_ENC_CP949);
    cr_assert_eq(r.ident, 2);
    cr_assert_eq(r.map[2], 2);
    dres_free(&r);
    assert_split_invariant(PII_DEC_UTF8_AUTO, in, sizeof in);

    /* The same prefix completed: valid UTF-8 (U+AC00 = EA B0 80), locked. */
    static const uint8_t ok[] = {'a', 'b', 0xEA, 0xB0, 0x80, 0xB0, 0xA1};
    dec_one(PII_DEC_UTF8_AUTO, 0, ok, sizeof ok, &r);
    cr_assert_eq(r.enc, PIISCAN_ENC_UTF8);
    cr_assert_eq(r.ident, sizeof ok);
    cr_assert(memcmp(r.out, ok, sizeof ok) == 0);
    dres_free(&r);
    assert_split_invariant(PII_DEC_UTF8_AUTO, ok, sizeof ok);

    /* Cut short by eof: invalid UTF-8, valid CP949. */
    dec_one(PII_DEC_UTF8_AUTO, 0, in, 4, &r);
    cr_assert_eq(r.enc, PIISCAN_ENC_CP949);
    cr_assert_eq(r.ident, 2);
    dres_free(&r);
    /* A lone byte at eof that would be a CP949 lead: passed through. */
    dec_one(PII_DEC_UTF8_AUTO, 0, "ab\xB0", 3, &r);
    assert_out(&r, "ab\xB0");
    cr_assert_eq(r.enc, PIISCAN_ENC_UTF8);
    dres_free(&r);
}

Test(auto_mode, utf8_bom_passes_and_locks)
{
    static const uint8_t in[] = "\xEF\xBB\xBF" "a\xB0\xA1";
    dres r;
    dec_one(PII_DEC_UTF8_AUTO, 0, in, sizeof in - 1, &r);
    cr_assert_eq(r.len, sizeof in - 1);
    cr_assert(memcmp(r.out, in, r.len) == 0);
    cr_assert_eq(r.enc, PIISCAN_ENC_UTF8);
    dres_free(&r);
}

Test(auto_mode, long_ascii_then_switch)
{
    /* Exercise the word-at-a-time ASCII skip with the switch at every
     * alignment. */
    for (size_t pre = 0; pre < 70; pre++) {
        uint8_t in[80];
        memset(in, 'q', pre);
        in[pre] = 0xB0;
        in[pre + 1] = 0xA1;
        in[pre + 2] = '!';
        dres r;
        dec_one(PII_DEC_UTF8_AUTO, 0, in, pre + 3, &r);
        cr_assert_eq(r.ident, pre);
        cr_assert_eq(r.len, pre + 4);
        cr_assert(memcmp(r.out + pre, "가!", 4) == 0);
        cr_assert_eq(r.enc, PIISCAN_ENC_CP949);
        dres_free(&r);
    }
}

/* ---- split invariance for every mode ----------------------------------------------- */

static size_t sample_utf16(int be, uint8_t *buf)
{
    uint32_t cps[64];
    size_t nc = cps_of("주민 900101-1 😀 가대", cps, 64);
    size_t n = 0;
    buf[n++] = be ? 0xFE : 0xFF; /* BOM */
    buf[n++] = be ? 0xFF : 0xFE;
    n += to_utf16(cps, nc, be, buf + n);
    /* lone low, high + 'x', high at the end, odd byte */
    static const uint32_t bad[] = {0xDC00, 0xD800, 'x', 0xD83D};
    for (size_t i = 0; i < 4; i++) {
        buf[n + (be ? 1 : 0)] = (uint8_t)bad[i];
        buf[n + (be ? 0 : 1)] = (uint8_t)(bad[i] >> 8);
        n += 2;
    }
    buf[n++] = 0x41;
    return n;
}

Test(split, utf16le)
{
    uint8_t buf[256];
    size_t n = sample_utf16(0, buf);
    assert_split_invariant(PII_DEC_UTF16LE, buf, n);
    assert_split_invariant(PII_DEC_UTF16LE, buf, n - 1); /* even length too */
}

Test(split, utf16be)
{
    uint8_t buf[256];
    size_t n = sample_utf16(1, buf);
    assert_split_invariant(PII_DEC_UTF16BE, buf, n);
    assert_split_invariant(PII_DEC_UTF16BE, buf, n - 1);
}

Test(split, cp949)
{
    static const uint8_t in[] = {'a', 0xB0, 0xA1, 0x8C, 0x63, 0xC1, 0xD6, '-', 0xB0, ' ', 0xC9,
                                 0xB0, 0xA1, 0x80, 0xFF, 0xC6, 0x52, 0x81, 0x5B, 0xB0};
    assert_split_invariant(PII_DEC_CP949, in, sizeof in);
}

Test(split, utf8)
{
    static const uint8_t in[] = "\xEF\xBB\xBF주민 \xB0\xA1 \xE0\x80 \xF0\x9F\x98";
    assert_split_invariant(PII_DEC_UTF8, in, sizeof in - 1);
}

Test(split, auto_utf8)
{
    static const uint8_t in[] = "abc 주민 \xF0\x9F\x98\x80 \xB0\xA1 \xE0\x80 \xF0\x9F\x98";
    assert_split_invariant(PII_DEC_UTF8_AUTO, in, sizeof in - 1);
}

Test(split, auto_four_byte_utf8_held_before_lock)
{
    /* A 4-byte sequence arriving one byte at a time before anything locked. */
    static const uint8_t in[] = "ab\xF0\x9F\x98\x80\xB0\xA1 cd \xF0\x9F";
    assert_split_invariant(PII_DEC_UTF8_AUTO, in, sizeof in - 1);
    static const uint8_t bad[] = "ab\xF0\x9F\x98\xB0\xA1 cd";
    assert_split_invariant(PII_DEC_UTF8_AUTO, bad, sizeof bad - 1);
}

Test(split, auto_cp949_after_invalid)
{
    static const uint8_t in[] = {'a', 0xF5, 0xE0, 0x80, 0xED, 0xA0, 0x80, 0xC1, 0xD6,
                                 0xB9, 0xCE, 0xB0, 0x41, 0xEA, 0xB0};
    assert_split_invariant(PII_DEC_UTF8_AUTO, in, sizeof in);
}

Test(split, random_bytes_every_mode)
{
    uint32_t seed = 7;
    for (int round = 0; round < 6; round++) {
        uint8_t in[28];
        for (size_t i = 0; i < sizeof in; i++) {
            uint32_t v = rng_next(&seed);
            /* Bias towards the interesting bytes. */
            static const uint8_t pick[] = {0x00, 'a', 0x80, 0xB0, 0xA1, 0xD8, 0xDC, 0xEA,
                                           0xF0, 0x9F, 0xC1, 0xFE, 0xFF, 0x41, 0xED, 0xC2};
            in[i] = (v & 1) ? pick[(v >> 1) % sizeof pick] : (uint8_t)(v >> 5);
        }
        for (int mode = PII_DEC_UTF8; mode <= PII_DEC_CP949; mode++)
            assert_split_invariant(mode, in, sizeof in);
    }
}

/* ---- small output buffers ---------------------------------------------------------- */

/* Decodes with a fixed small out_cap, re-feeding what was not consumed, and
 * compares with the one-call decode.  No call may cut a character's output. */
static void assert_small_cap(int mode, const uint8_t *p, size_t n, size_t cap)
{
    dres ref;
    dec_one(mode, 0, p, n, &ref);
    pii_decoder d;
    pii_decoder_init(&d, mode, 0);
    uint8_t *out = malloc(ref.len + 64);
    uint64_t *map = malloc((ref.len + 64) * sizeof *map);
    size_t len = 0, pos = 0, ident = 0, guard = 0;
    for (;;) {
        cr_assert_lt(guard++, 10 * n + 100, "no progress (cap %zu)", cap);
        size_t ol = 0, il = 0;
        size_t used = pii_decoder_feed(&d, p + pos, n - pos, 1, out + len, map + len, cap, &ol, &il);
        cr_assert_leq(ol, cap);
        cr_assert_leq(used, n - pos);
        if (mode != PII_DEC_UTF8 && mode != PII_DEC_UTF8_AUTO && ol > 0) {
            /* Mapped output is whole characters: a call never starts with a
             * continuation byte. */
            cr_assert((out[len] & 0xC0) != 0x80, "call output starts mid-character");
        }
        for (size_t i = 0; i < il; i++)
            map[len + i] = len + i;
        ident += il;
        len += ol;
        pos += used;
        if (pos == n && ol == 0)
            break;
    }
    cr_assert_eq(len, ref.len, "cap %zu: length %zu vs %zu", cap, len, ref.len);
    cr_assert(memcmp(out, ref.out, len) == 0, "cap %zu: output differs", cap);
    for (size_t i = 0; i < len; i++)
        cr_assert_eq(map[i], ref.map[i], "cap %zu: map[%zu]", cap, i);
    cr_assert_eq(ident, ref.ident);
    free(out);
    free(map);
    dres_free(&ref);
}

Test(small_cap, every_mode)
{
    uint8_t u16le[256], u16be[256];
    size_t nle = sample_utf16(0, u16le), nbe = sample_utf16(1, u16be);
    static const uint8_t cp[] = {'a', 0xB0, 0xA1, 0x8C, 0x63, 0xC1, 0xD6, '-', 0xB0, ' ',
                                 0xC9, 0xB0, 0xA1, 0x80, 0xFF, 0xC6, 0x52, 0xB0};
    static const uint8_t au[] = {'n', 'a', 'm', 'e', 0x80, ' ', 0xC1, 0xD6, 0xB9, 0xCE, 'x', 0xB0};
    static const uint8_t u8[] = "주민 \xF0\x9F\x98\x80 \xB0 end";
    for (size_t cap = 4; cap <= 9; cap++) {
        assert_small_cap(PII_DEC_UTF16LE, u16le, nle, cap);
        assert_small_cap(PII_DEC_UTF16BE, u16be, nbe, cap);
        assert_small_cap(PII_DEC_CP949, cp, sizeof cp, cap);
        assert_small_cap(PII_DEC_UTF8_AUTO, au, sizeof au, cap);
        assert_small_cap(PII_DEC_UTF8_AUTO, u8, sizeof u8 - 1, cap);
        assert_small_cap(PII_DEC_UTF8, u8, sizeof u8 - 1, cap);
    }
    for (size_t cap = 1; cap <= 3; cap++) {
        assert_small_cap(PII_DEC_UTF8, u8, sizeof u8 - 1, cap);
        assert_small_cap(PII_DEC_UTF8_AUTO, u8, sizeof u8 - 1, cap);
    }
}

Test(small_cap, zero_cap_consumes_nothing_visible)
{
    pii_decoder d;
    pii_decoder_init(&d, PII_DEC_CP949, 0);
    uint8_t out[4];
    uint64_t map[4];
    size_t ol = 9, il = 9;
    size_t used = pii_decoder_feed(&d, (const uint8_t *)"\xB0\xA1", 2, 1, out, map, 0, &ol, &il);
    cr_assert_eq(used, 0);
    cr_assert_eq(ol, 0);
    used = pii_decoder_feed(&d, (const uint8_t *)"\xB0\xA1", 2, 1, out, map, 2, &ol, &il);
    cr_assert_eq(used, 0, "a 3-byte character does not fit in 2");
    used = pii_decoder_feed(&d, (const uint8_t *)"\xB0\xA1", 2, 1, out, map, 3, &ol, &il);
    cr_assert_eq(used, 2);
    cr_assert_eq(ol, 3);
}

/* ---- robustness ----------------------------------------------------------------- */

Test(robust, random_inputs_random_chunks)
{
    uint32_t seed = 12345;
    uint8_t in[300];
    for (int iter = 0; iter < 400; iter++) {
        size_t n = rng_next(&seed) % sizeof in;
        for (size_t i = 0; i < n; i++)
            in[i] = (uint8_t)rng_next(&seed);
        int mode = 1 + (int)(rng_next(&seed) % 5);
        dres ref;
        dec_one(mode, 0, in, n, &ref);
        size_t cuts[8];
        size_t nc = rng_next(&seed) % 8;
        for (size_t i = 0; i < nc; i++)
            cuts[i] = n ? rng_next(&seed) % (n + 1) : 0;
        for (size_t i = 1; i < nc; i++) /* insertion sort */
            for (size_t j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
                size_t t = cuts[j];
                cuts[j] = cuts[j - 1];
                cuts[j - 1] = t;
            }
        dres r;
        dec_cuts(mode, 0, in, n, cuts, nc, &r);
        assert_same(&ref, &r, "random");
        dres_free(&r);
        dres_free(&ref);
    }
}

Test(robust, empty_and_null_input)
{
    for (int mode = PII_DEC_UTF8; mode <= PII_DEC_CP949; mode++) {
        pii_decoder d;
        pii_decoder_init(&d, mode, 0);
        uint8_t out[16];
        uint64_t map[16];
        size_t ol = 9, il = 9;
        cr_assert_eq(pii_decoder_feed(&d, NULL, 0, 0, out, map, sizeof out, &ol, &il), 0);
        cr_assert_eq(ol, 0);
        cr_assert_eq(pii_decoder_feed(&d, NULL, 0, 1, out, map, sizeof out, &ol, &il), 0);
        cr_assert_eq(ol, 0);
    }
}

Test(robust, encoding_and_bad_mode)
{
    pii_decoder d;
    pii_decoder_init(&d, PII_DEC_UTF8_AUTO, 0);
    cr_assert_eq(pii_decoder_encoding(&d), PIISCAN_ENC_UTF8);
    pii_decoder_init(&d, PII_DEC_UTF16LE, 0);
    cr_assert_eq(pii_decoder_encoding(&d), PIISCAN_ENC_UTF16LE);
    pii_decoder_init(&d, PII_DEC_UTF16BE, 0);
    cr_assert_eq(pii_decoder_encoding(&d), PIISCAN_ENC_UTF16BE);
    pii_decoder_init(&d, PII_DEC_CP949, 0);
    cr_assert_eq(pii_decoder_encoding(&d), PIISCAN_ENC_CP949);
    pii_decoder_init(&d, 42, 0);
    cr_assert_eq(d.mode, PII_DEC_UTF8);
    cr_assert_eq(pii_decoder_encoding(&d), PIISCAN_ENC_UTF8);
}
