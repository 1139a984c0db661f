/* mime.c -- e-mail: RFC 5322 messages with MIME (RFC 2045-2047, 2231), and
 * mbox files holding several of them.
 *
 * What is emitted, in order, for the message and for every message/rfc822
 * part inside it: the address and subject headers (From, Sender, Reply-To,
 * To, Cc, Bcc, Subject) unfolded and with their RFC 2047 encoded words
 * decoded, then the text of every inline text part (transfer-decoded,
 * converted to UTF-8, HTML reduced to its text).  Attachments (a
 * Content-Disposition of "attachment", a filename or name parameter, or a
 * leaf that is not text) go to the driver with px_member_blob() under their
 * decoded filename, or "part-N", so that it types them by content and
 * recurses ("mail.eml!customers.xlsx").
 *
 * Every alternative of a multipart/alternative is read: the HTML part of a
 * mail usually repeats the plain one, but nothing guarantees it.  A value
 * that a later alternative repeats is reported once (px_alt_*), so a mail
 * does not count its body twice.
 *
 * Robustness: the message is read as far as it goes.  A missing closing
 * boundary ends the last part at the end of the data; a part without a
 * blank line after its headers has an empty body; bad base64 or
 * quoted-printable characters are skipped; bytes that are not valid in
 * their charset become U+FFFD.  Nesting (multipart in multipart, message in
 * message) is bounded by MIME_MAX_DEPTH; every boundary search is a single
 * forward pass over the part, so nothing can loop. */
#include "extract.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Deepest nesting of multipart and message/rfc822 entities followed inside
 * one file.  Real mail rarely nests beyond 5 (a forward of a forward of a
 * signed mail); the bound exists because the recursion is on untrusted data. */
#define MIME_MAX_DEPTH 32
/* Header values are decoded in slices of at most this many bytes, cut at
 * a fold (encoded words never span one, RFC 2047 section 2): a To: with ten
 * thousand recipients is about 400 KB, and a longer value is read whole,
 * slice by slice, not cut.  (Structural headers -- Content-Type and the
 * like -- keep only their first slice: they are never that long.) */
#define MIME_MAX_HEADER (1024 * 1024)
/* Longest parameter value kept (filenames, boundaries, charsets). */
#define MIME_MAX_PARAM 1024
/* RFC 2231 continuations (filename*0*, filename*1*, ...) assembled. */
#define MIME_MAX_SEGMENTS 64
/* iconv converters kept open per file. */
#define MIME_ICONV_CACHE 4
/* Bytes of text held before they are handed to px_text(). */
#define MIME_OUT_CHUNK 8192

/* ---- growable string (headers, names) ---------------------------------- */
typedef struct sbuf {
    char *p;
    size_t n, cap, max;
} sbuf;

static void sb_init(sbuf *s, size_t max)
{
    s->p = NULL;
    s->n = s->cap = 0;
    s->max = max;
}

static void sb_free(sbuf *s)
{
    free(s->p);
    sb_init(s, s->max);
}

/* Appends; whatever would pass `max` is dropped (a cap, not an error). */
static void sb_put(sbuf *s, const void *p, size_t n)
{
    if (n > s->max - s->n)
        n = s->max - s->n;
    if (n == 0)
        return;
    if (s->n + n + 1 > s->cap) {
        size_t c = s->cap ? s->cap : 64;
        while (c < s->n + n + 1)
            c *= 2;
        char *q = realloc(s->p, c);
        if (!q)
            return;
        s->p = q;
        s->cap = c;
    }
    memcpy(s->p + s->n, p, n);
    s->n += n;
    s->p[s->n] = '\0';
}

static const char *sb_str(const sbuf *s) { return s->p ? s->p : ""; }

/* ---- extractor state ----------------------------------------------------- */
typedef struct mime {
    px_doc *d;
    unsigned part_no;     /* leaf counter, for "part-N" names */
    const char *prefix;   /* "message-K/" inside an mbox of several messages */
    int aborted;
    int depth_capped;
    /* converters by name, opened once: a mail rarely uses more than three
     * charsets, and a hostile one alternating between several must not
     * cost an iconv_open() per encoded word */
    iconv_t cd[MIME_ICONV_CACHE];
    char cd_name[MIME_ICONV_CACHE][48];
    unsigned cd_next; /* slot replaced next */
    char cd_bad[48];  /* the last name iconv did not know */
} mime;

/* ---- text output: buffered, optionally through an HTML-to-text filter ---- */
typedef struct tout {
    mime *m;
    int html;
    /* HTML state */
    int st;               /* H_TEXT, H_TAG, H_COMMENT, H_ENTITY, H_DECL */
    char tag[16];
    size_t tag_n;
    int tag_name_done;
    char quote;           /* inside a quoted attribute value */
    int skip;             /* inside <script> or <style> */
    char ent[12];
    size_t ent_n;
    int dashes;           /* '-' seen in a row inside a comment */
    char buf[MIME_OUT_CHUNK];
    size_t n;
} tout;

enum { H_TEXT, H_TAG, H_COMMENT, H_ENTITY };

static int out_flush(tout *o)
{
    if (o->n == 0)
        return PX_CONTINUE;
    size_t n = o->n;
    o->n = 0;
    if (px_text(o->m->d, o->buf, n) == PX_ABORT) {
        o->m->aborted = 1;
        return PX_ABORT;
    }
    return PX_CONTINUE;
}

static int out_raw(tout *o, const char *p, size_t n)
{
    while (n) {
        if (o->n == sizeof o->buf && out_flush(o) == PX_ABORT)
            return PX_ABORT;
        size_t k = sizeof o->buf - o->n;
        if (k > n)
            k = n;
        memcpy(o->buf + o->n, p, k);
        o->n += k;
        p += k;
        n -= k;
    }
    return PX_CONTINUE;
}

static size_t utf8_encode(uint32_t c, char *b)
{
    if (c < 0x80) {
        b[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        b[0] = (char)(0xC0 | (c >> 6));
        b[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        b[0] = (char)(0xE0 | (c >> 12));
        b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        b[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (c >> 18));
    b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    b[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Tags after which text continues on a new line (or in a new cell): they
 * keep "<td>010</td><td>1234</td>" from becoming one number. */
static const char *const html_block[] = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4",
                                         "h5", "h6", "table", "ul", "ol", "blockquote", "hr",
                                         "pre", "title", "dd", "dt", "section", "article",
                                         "header", "footer", "address"};

static int html_tag_end(tout *o)
{
    char *t = o->tag;
    t[o->tag_n] = '\0';
    int closing = t[0] == '/';
    const char *name = t + closing;
    if (!strcmp(name, "script") || !strcmp(name, "style")) {
        o->skip = !closing;
        return PX_CONTINUE;
    }
    if (o->skip)
        return PX_CONTINUE;
    if (!strcmp(name, "td") || !strcmp(name, "th"))
        return out_raw(o, "\t", 1);
    for (size_t i = 0; i < sizeof html_block / sizeof *html_block; i++)
        if (!strcmp(name, html_block[i]))
            return out_raw(o, "\n", 1);
    return PX_CONTINUE;
}

/* The few entities that matter for text; others stay as written. */
static int html_entity_end(tout *o, int terminated)
{
    char b[4];
    o->ent[o->ent_n] = '\0';
    const char *e = o->ent;
    uint32_t c = 0;
    if (terminated && e[0] == '#') {
        char *end;
        unsigned long v = (e[1] == 'x' || e[1] == 'X') ? strtoul(e + 2, &end, 16)
                                                       : strtoul(e + 1, &end, 10);
        if (*end == '\0' && end != e + 1 && v > 0 && v <= 0x10FFFF && !(v >= 0xD800 && v < 0xE000))
            c = (uint32_t)v;
    } else if (terminated) {
        static const struct { const char *n; uint32_t c; } named[] = {
            {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
            {"nbsp", ' '}, {"middot", 0xB7}, {"ndash", 0x2013}, {"mdash", 0x2014},
            {"hyphen", 0x2010}, {"copy", 0xA9}};
        for (size_t i = 0; i < sizeof named / sizeof *named; i++)
            if (!strcmp(e, named[i].n))
                c = named[i].c;
    }
    if (o->skip)
        return PX_CONTINUE;
    if (c)
        return out_raw(o, b, utf8_encode(c, b));
    if (out_raw(o, "&", 1) == PX_ABORT || out_raw(o, e, o->ent_n) == PX_ABORT)
        return PX_ABORT;
    return terminated ? out_raw(o, ";", 1) : PX_CONTINUE;
}

static int html_put(tout *o, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        switch (o->st) {
        case H_TEXT:
            if (c == '<') {
                o->st = H_TAG;
                o->tag_n = 0;
                o->tag_name_done = 0;
                o->quote = 0;
            } else if (c == '&') {
                o->st = H_ENTITY;
                o->ent_n = 0;
            } else if (!o->skip && out_raw(o, &c, 1) == PX_ABORT) {
                return PX_ABORT;
            }
            break;
        case H_TAG:
            if (o->tag_n == 0 && !o->tag_name_done && !isalpha((unsigned char)c) && c != '/' &&
                c != '!' && c != '?') {
                /* "a < b": not a tag */
                o->st = H_TEXT;
                if (!o->skip && out_raw(o, "<", 1) == PX_ABORT)
                    return PX_ABORT;
                i--;
                break;
            }
            if (o->quote) {
                if (c == o->quote)
                    o->quote = 0;
            } else if (c == '>') {
                o->st = H_TEXT;
                if (html_tag_end(o) == PX_ABORT)
                    return PX_ABORT;
            } else if (!o->tag_name_done) {
                if (o->tag_n == 2 && o->tag[0] == '!' && o->tag[1] == '-' && c == '-') {
                    o->st = H_COMMENT;
                    o->dashes = 0;
                } else if (isalnum((unsigned char)c) ||
                           ((c == '/' || c == '!' || c == '-' || c == '?') && o->tag_n < 2)) {
                    if (o->tag_n < sizeof o->tag - 1)
                        o->tag[o->tag_n++] = (char)tolower((unsigned char)c);
                } else {
                    o->tag_name_done = 1;
                }
            } else if (c == '"' || c == '\'') {
                o->quote = c;
            }
            break;
        case H_COMMENT:
            if (c == '>' && o->dashes >= 2)
                o->st = H_TEXT;
            o->dashes = c == '-' ? o->dashes + 1 : 0;
            break;
        case H_ENTITY:
            if (c == ';') {
                o->st = H_TEXT;
                if (html_entity_end(o, 1) == PX_ABORT)
                    return PX_ABORT;
            } else if (isalnum((unsigned char)c) || (c == '#' && o->ent_n == 0)) {
                if (o->ent_n < sizeof o->ent - 1) {
                    o->ent[o->ent_n++] = c;
                } else {
                    o->st = H_TEXT;
                    if (html_entity_end(o, 0) == PX_ABORT)
                        return PX_ABORT;
                    i--; /* this character is text again */
                }
            } else {
                o->st = H_TEXT;
                if (html_entity_end(o, 0) == PX_ABORT)
                    return PX_ABORT;
                i--;
            }
            break;
        }
    }
    return PX_CONTINUE;
}

static int out_put(tout *o, const char *p, size_t n)
{
    return o->html ? html_put(o, p, n) : out_raw(o, p, n);
}

static int out_end(tout *o)
{
    if (o->html && o->st == H_ENTITY) {
        o->st = H_TEXT;
        if (html_entity_end(o, 0) == PX_ABORT)
            return PX_ABORT;
    }
    return out_flush(o);
}

/* ---- charsets ------------------------------------------------------------- */
/* A sink for converted text: the output stream, or a string. */
typedef int (*sink_fn)(void *u, const char *p, size_t n);

static int sink_out(void *u, const char *p, size_t n) { return out_put(u, p, n); }

static int sink_sbuf(void *u, const char *p, size_t n)
{
    sb_put(u, p, n);
    return PX_CONTINUE;
}

static int utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        size_t k;
        uint32_t v;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            v = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            v = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            v = c & 0x07;
        } else {
            return 0;
        }
        if (i + k >= n)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return 0;
            v = (v << 6) | (p[i + j] & 0x3F);
        }
        if ((k == 2 && (v < 0x800 || (v >= 0xD800 && v < 0xE000))) || (k == 3 && (v < 0x10000 || v > 0x10FFFF)))
            return 0;
        i += k + 1;
    }
    return 1;
}

enum { CS_UTF8, CS_ICONV, CS_UNKNOWN };

/* Maps a declared charset to an iconv name.  Korean mail labels CP949 text
 * "ks_c_5601-1987" (Outlook) or "euc-kr"; CP949 is a superset of both, so
 * it decodes the UHC syllables EUC-KR lacks, which real "euc-kr" mail
 * contains.  Likewise Windows code pages for their ISO/JIS/GB namesakes. */
static int charset_map(const char *cs, char *name, size_t cap)
{
    static const struct { const char *from, *to; } alias[] = {
        {"ks_c_5601-1987", "CP949"}, {"ks_c_5601-1989", "CP949"}, {"ks_c_5601", "CP949"},
        {"ksc5601", "CP949"}, {"ksc_5601", "CP949"}, {"euc-kr", "CP949"}, {"euckr", "CP949"},
        {"x-euc-kr", "CP949"}, {"korean", "CP949"}, {"cp949", "CP949"}, {"x-windows-949", "CP949"},
        {"windows-949", "CP949"}, {"uhc", "CP949"}, {"ms949", "CP949"},
        {"shift_jis", "CP932"}, {"shift-jis", "CP932"}, {"sjis", "CP932"}, {"x-sjis", "CP932"},
        {"ms_kanji", "CP932"}, {"windows-31j", "CP932"}, {"cp932", "CP932"},
        {"iso-2022-jp", "ISO-2022-JP-2"}, {"csiso2022jp", "ISO-2022-JP-2"},
        {"iso-2022-kr", "ISO-2022-KR"}, {"euc-jp", "EUC-JP"}, {"x-euc-jp", "EUC-JP"},
        {"gb2312", "GB18030"}, {"gbk", "GB18030"}, {"x-gbk", "GB18030"}, {"cp936", "GB18030"},
        {"gb18030", "GB18030"}, {"big5", "BIG5-HKSCS"}, {"big5-hkscs", "BIG5-HKSCS"},
        {"iso-8859-1", "WINDOWS-1252"}, {"latin1", "WINDOWS-1252"}, {"l1", "WINDOWS-1252"},
        {"iso_8859-1", "WINDOWS-1252"}};
    if (!cs || !*cs)
        return CS_UNKNOWN;
    if (!strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8") || !strcasecmp(cs, "us-ascii") ||
        !strcasecmp(cs, "ascii") || !strcasecmp(cs, "ansi_x3.4-1968"))
        return CS_UTF8;
    for (size_t i = 0; i < sizeof alias / sizeof *alias; i++)
        if (!strcasecmp(cs, alias[i].from)) {
            snprintf(name, cap, "%s", alias[i].to);
            return CS_ICONV;
        }
    /* Anything else is handed to iconv only if it looks like a charset
     * name: the label comes from the message. */
    size_t n = strlen(cs);
    if (n >= cap || n > 40)
        return CS_UNKNOWN;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)cs[i]) && !strchr("-_.:+", cs[i]))
            return CS_UNKNOWN;
    memcpy(name, cs, n + 1);
    return CS_ICONV;
}

static iconv_t get_cd(mime *m, const char *name)
{
    for (unsigned i = 0; i < MIME_ICONV_CACHE; i++)
        if (m->cd[i] != (iconv_t)-1 && !strcmp(m->cd_name[i], name)) {
            iconv(m->cd[i], NULL, NULL, NULL, NULL); /* initial shift state */
            return m->cd[i];
        }
    if (!strcmp(m->cd_bad, name))
        return (iconv_t)-1;
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1) {
        snprintf(m->cd_bad, sizeof m->cd_bad, "%s", name);
        return cd;
    }
    unsigned k = m->cd_next++ % MIME_ICONV_CACHE;
    if (m->cd[k] != (iconv_t)-1)
        iconv_close(m->cd[k]);
    m->cd[k] = cd;
    snprintf(m->cd_name[k], sizeof m->cd_name[k], "%s", name);
    return cd;
}

static int iconv_run(iconv_t cd, const uint8_t *p, size_t n, sink_fn sink, void *u)
{
    static const char repl[] = "\xEF\xBF\xBD";
    char obuf[4096];
    char *in = (char *)(uintptr_t)p;
    size_t inleft = n;
    for (;;) {
        char *o = obuf;
        size_t oleft = sizeof obuf;
        size_t r = inleft ? iconv(cd, &in, &inleft, &o, &oleft) : iconv(cd, NULL, NULL, &o, &oleft);
        int err = r == (size_t)-1 ? errno : 0;
        if (o > obuf && sink(u, obuf, (size_t)(o - obuf)) == PX_ABORT)
            return PX_ABORT;
        if (!err) {
            if (inleft == 0 && r != (size_t)-1 && o == obuf)
                break; /* shift state flushed */
            continue;
        }
        if (err == E2BIG)
            continue;
        /* EILSEQ: a byte that is not valid here (replaced, and go on);
         * EINVAL: a sequence cut at the end (replaced, and stop). */
        if (sink(u, repl, 3) == PX_ABORT)
            return PX_ABORT;
        if (err == EINVAL || inleft == 0)
            break;
        in++;
        inleft--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    return PX_CONTINUE;
}

/* Converts bytes in charset `cs` (NULL: undeclared) to UTF-8 into `sink`.
 * Undeclared or unknown charsets: UTF-8 if the bytes are valid UTF-8, else
 * CP949, the legacy encoding of Korean mail. */
static int convert(mime *m, const char *cs, const uint8_t *p, size_t n, sink_fn sink, void *u)
{
    char name[48];
    int k = charset_map(cs, name, sizeof name);
    if (n == 0)
        return PX_CONTINUE;
    if (k == CS_UTF8 || (k == CS_UNKNOWN && utf8_valid(p, n)))
        return sink(u, (const char *)p, n); /* invalid bytes: the driver replaces them */
    if (k == CS_UNKNOWN)
        snprintf(name, sizeof name, "CP949");
    iconv_t cd = get_cd(m, name);
    if (cd == (iconv_t)-1) {
        if (utf8_valid(p, n) || !(cd = get_cd(m, "CP949"), cd != (iconv_t)-1))
            return sink(u, (const char *)p, n);
    }
    return iconv_run(cd, p, n, sink, u);
}

/* ---- transfer encodings --------------------------------------------------- */
static int b64val(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* Base64, skipping every character outside the alphabet (line breaks,
 * garbage); stops at padding.  out must hold n * 3 / 4 + 3 bytes. */
static size_t b64_decode(const uint8_t *p, size_t n, uint8_t *out)
{
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '=') {
            /* padding ends a group; a new group may follow (concatenated
             * base64 blocks exist in the wild) */
            acc = 0;
            bits = 0;
            continue;
        }
        int v = b64val(p[i]);
        if (v < 0)
            continue;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    return o;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Quoted-printable (RFC 2045 6.7); `q`: the RFC 2047 "Q" variant, where
 * '_' is a space.  A malformed '=' is kept as written.  out holds n bytes. */
static size_t qp_decode(const uint8_t *p, size_t n, uint8_t *out, int q)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == '=') {
            int h, l;
            if (i + 2 < n && (h = hexval(p[i + 1])) >= 0 &&
                (l = hexval(p[i + 2])) >= 0) {
                out[o++] = (uint8_t)(h << 4 | l);
                i += 2;
                continue;
            }
            /* soft line break: '=' then optional blanks then the line end */
            size_t j = i + 1;
            while (j < n && (p[j] == ' ' || p[j] == '\t'))
                j++;
            if (j < n && p[j] == '\r')
                j++;
            if (j < n && p[j] == '\n') {
                i = j;
                continue;
            }
            if (j == n) {
                i = j;
                continue;
            }
            out[o++] = c;
        } else if (q && c == '_') {
            out[o++] = ' ';
        } else {
            out[o++] = c;
        }
    }
    return o;
}

/* ---- RFC 2047 encoded words ------------------------------------------------ */
/* Decodes a header value into UTF-8 (sb): encoded words are decoded and
 * converted from their charset, whitespace between adjacent encoded words
 * is dropped, and adjacent words of one charset are converted together
 * (senders split a multibyte character across words).  Raw 8-bit bytes
 * outside encoded words: UTF-8 if valid, else CP949. */
static void decode_words(mime *m, const uint8_t *p, size_t n, sbuf *sb)
{
    sbuf pend;      /* decoded bytes of the current run of encoded words */
    char pend_cs[64] = "";
    sb_init(&pend, MIME_MAX_HEADER);
    size_t lit = 0; /* start of literal text not yet copied */
    size_t i = 0;
    int last_was_word = 0;
    size_t close = 0; /* position of the next "?=" at or after the last search start */
    while (i < n) {
        if (!(p[i] == '=' && i + 1 < n && p[i + 1] == '?')) {
            i++;
            continue;
        }
        /* =?charset?E?text?= */
        size_t c0 = i + 2, c1 = c0;
        while (c1 < n && p[c1] != '?' && c1 - c0 < 60 && p[c1] > ' ')
            c1++;
        if (c1 + 2 >= n || p[c1] != '?' || c1 == c0 || p[c1 + 2] != '?') {
            i++;
            continue;
        }
        int enc = toupper(p[c1 + 1]);
        if (enc != 'B' && enc != 'Q') {
            i++;
            continue;
        }
        /* the end of the word is the next "?=": found once and reused, so
         * a value full of unterminated "=?x?B?" starts stays linear */
        size_t t0 = c1 + 3;
        if (close < t0) {
            close = t0;
            while (close + 1 < n && !(p[close] == '?' && p[close + 1] == '='))
                close++;
            if (close + 1 >= n)
                close = n;
        }
        if (close >= n) {
            i++;
            continue;
        }
        size_t t1 = close;
        char cs[64];
        size_t cl = c1 - c0;
        memcpy(cs, p + c0, cl);
        cs[cl] = '\0';
        char *star = strchr(cs, '*'); /* RFC 2231 language: =?utf-8*ko?B?...?= */
        if (star)
            *star = '\0';
        /* literal text before this word: dropped if it is only whitespace
         * between two encoded words */
        int blank = 1;
        for (size_t k = lit; k < i; k++)
            if (p[k] != ' ' && p[k] != '\t' && p[k] != '\r' && p[k] != '\n')
                blank = 0;
        if (!(blank && last_was_word)) {
            if (pend.n) {
                convert(m, pend_cs, (const uint8_t *)pend.p, pend.n, sink_sbuf, sb);
                pend.n = 0;
            }
            if (i > lit)
                convert(m, NULL, p + lit, i - lit, sink_sbuf, sb);
        } else if (pend.n && strcasecmp(pend_cs, cs) != 0) {
            convert(m, pend_cs, (const uint8_t *)pend.p, pend.n, sink_sbuf, sb);
            pend.n = 0;
        }
        snprintf(pend_cs, sizeof pend_cs, "%s", cs);
        size_t tl = t1 - t0;
        uint8_t *tmp = malloc(tl + 4);
        if (tmp) {
            size_t dl = enc == 'B' ? b64_decode(p + t0, tl, tmp) : qp_decode(p + t0, tl, tmp, 1);
            sb_put(&pend, tmp, dl);
            free(tmp);
        }
        i = lit = t1 + 2;
        last_was_word = 1;
    }
    if (pend.n)
        convert(m, pend_cs, (const uint8_t *)pend.p, pend.n, sink_sbuf, sb);
    if (n > lit)
        convert(m, NULL, p + lit, n - lit, sink_sbuf, sb);
    sb_free(&pend);
}

/* ---- headers --------------------------------------------------------------- */
typedef struct entity {
    sbuf ctype;   /* unfolded Content-Type value */
    sbuf cte;     /* Content-Transfer-Encoding */
    sbuf disp;    /* Content-Disposition */
    int nheaders;
    int emitted;  /* address/subject headers written */
} entity;

static void ent_init(entity *e)
{
    sb_init(&e->ctype, MIME_MAX_PARAM * 8);
    sb_init(&e->cte, 64);
    sb_init(&e->disp, MIME_MAX_PARAM * 8);
    e->nheaders = 0;
    e->emitted = 0;
}

static void ent_free(entity *e)
{
    sb_free(&e->ctype);
    sb_free(&e->cte);
    sb_free(&e->disp);
}

/* Unfolds a raw header value (RFC 5322 2.2.3: a line break followed by
 * whitespace is removed) and trims it. */
static void unfold(const uint8_t *p, size_t n, sbuf *out)
{
    size_t a = 0;
    while (a < n && (p[a] == ' ' || p[a] == '\t'))
        a++;
    size_t seg = a;
    for (size_t i = a; i < n; i++) {
        if (p[i] == '\r' || p[i] == '\n') {
            sb_put(out, p + seg, i - seg);
            seg = i + 1;
        }
    }
    sb_put(out, p + seg, n - seg);
    while (out->n && (out->p[out->n - 1] == ' ' || out->p[out->n - 1] == '\t'))
        out->p[--out->n] = '\0';
}

static const char *const emitted_headers[] = {"from", "sender", "reply-to", "to", "cc", "bcc",
                                              "subject"};

static int header(mime *m, entity *e, const uint8_t *name, size_t nl, const uint8_t *val,
                  size_t vl, int emit)
{
    char lname[32];
    e->nheaders++;
    if (nl >= sizeof lname)
        return PX_CONTINUE;
    for (size_t i = 0; i < nl; i++)
        lname[i] = (char)tolower(name[i]);
    lname[nl] = '\0';
    if (!strcmp(lname, "content-type")) {
        e->ctype.n = 0;
        unfold(val, vl, &e->ctype);
    } else if (!strcmp(lname, "content-transfer-encoding")) {
        e->cte.n = 0;
        unfold(val, vl, &e->cte);
    } else if (!strcmp(lname, "content-disposition")) {
        e->disp.n = 0;
        unfold(val, vl, &e->disp);
    } else if (emit) {
        for (size_t i = 0; i < sizeof emitted_headers / sizeof *emitted_headers; i++) {
            if (strcmp(lname, emitted_headers[i]) != 0)
                continue;
            sbuf raw, dec;
            /* Decoding may grow a slice (EUC-KR's two bytes become
             * UTF-8's three): room for that. */
            sb_init(&raw, MIME_MAX_HEADER);
            sb_init(&dec, 2 * MIME_MAX_HEADER + nl + 2);
            sb_put(&dec, name, nl);
            sb_put(&dec, ": ", 2);
            int r = PX_CONTINUE;
            for (size_t off = 0; off < vl && r != PX_ABORT;) {
                size_t end = vl;
                if (vl - off > MIME_MAX_HEADER) {
                    end = off + MIME_MAX_HEADER;
                    while (end > off && val[end - 1] != '\n')
                        end--;
                    if (end == off)
                        end = off + MIME_MAX_HEADER; /* no fold at all: a hard cut */
                }
                raw.n = 0;
                unfold(val + off, end - off, &raw);
                if (off > 0)
                    sb_put(&dec, " ", 1); /* the fold between two slices */
                decode_words(m, (const uint8_t *)sb_str(&raw), raw.n, &dec);
                r = px_text(m->d, sb_str(&dec), dec.n);
                dec.n = 0;
                off = end;
            }
            if (r != PX_ABORT)
                r = px_break(m->d, PX_BREAK_PARA);
            sb_free(&raw);
            sb_free(&dec);
            e->emitted = 1;
            if (r == PX_ABORT) {
                m->aborted = 1;
                return PX_ABORT;
            }
        }
    }
    return PX_CONTINUE;
}

static int is_ftext(uint8_t c) { return c > 32 && c < 127 && c != ':'; }

/* Reads the header block at p; returns the offset of the body.  A line that
 * is neither a header nor a continuation ends the headers (a malformed
 * message then has that line as the first of its body). */
static size_t parse_headers(mime *m, const uint8_t *p, size_t n, entity *e, int emit)
{
    size_t pos = 0;
    const uint8_t *hname = NULL, *hval = NULL;
    size_t hnl = 0;
    while (pos < n) {
        const uint8_t *nlp = memchr(p + pos, '\n', n - pos);
        size_t end = nlp ? (size_t)(nlp - p) : n;  /* end of line, before '\n' */
        size_t next = nlp ? end + 1 : n;
        size_t le = end;
        if (le > pos && p[le - 1] == '\r')
            le--;
        int cont = le > pos && (p[pos] == ' ' || p[pos] == '\t');
        if (hname && !cont) {
            if (header(m, e, hname, hnl, hval, (size_t)(p + pos - hval), emit) == PX_ABORT)
                return n;
            hname = NULL;
        }
        if (le == pos) /* blank line: the body follows */
            return next;
        if (cont) {
            if (!hname && e->nheaders == 0)
                return pos; /* no header yet: this is body text */
            pos = next;
            continue;
        }
        size_t k = pos;
        while (k < le && is_ftext(p[k]))
            k++;
        size_t ke = k;
        while (k < le && (p[k] == ' ' || p[k] == '\t')) /* obsolete "Name :" */
            k++;
        if (k < le && p[k] == ':' && ke > pos) {
            hname = p + pos;
            hnl = ke - pos;
            hval = p + k + 1;
        } else if (!(e->nheaders == 0 && pos == 0 && le - pos >= 5 && !memcmp(p, "From ", 5))) {
            return pos; /* not a header (the mbox "From " line at the top is skipped) */
        }
        pos = next;
    }
    if (hname)
        header(m, e, hname, hnl, hval, (size_t)(p + n - hval), emit);
    return n; /* headers run to the end: no body */
}

/* ---- parameters (RFC 2045 5.1, RFC 2231) ------------------------------------ */
/* Reads the value "type/subtype" (lowercased) into t. */
static void main_value(const sbuf *v, char *t, size_t cap)
{
    const char *s = sb_str(v);
    size_t i = 0, o = 0;
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    while (s[i] && s[i] != ';' && s[i] != ' ' && s[i] != '\t' && s[i] != '(' && o + 1 < cap)
        t[o++] = (char)tolower((unsigned char)s[i++]);
    t[o] = '\0';
}

typedef struct pval {
    char name[80];
    sbuf val;
} pval;

/* Calls fn for each parameter of a Content-Type/-Disposition value, the
 * value unquoted. Returns early when fn returns nonzero. */
static void each_param(const sbuf *v, int (*fn)(void *u, const char *name, const char *val, size_t vl),
                       void *u)
{
    const char *s = sb_str(v);
    size_t n = v->n, i = 0;
    /* skip the main value */
    while (i < n && s[i] != ';')
        i++;
    while (i < n) {
        i++; /* ';' */
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ';'))
            i++;
        size_t n0 = i;
        while (i < n && s[i] != '=' && s[i] != ';' && s[i] != ' ' && s[i] != '\t')
            i++;
        size_t n1 = i;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i >= n || s[i] != '=') {
            while (i < n && s[i] != ';')
                i++;
            continue;
        }
        i++;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        sbuf val;
        sb_init(&val, MIME_MAX_PARAM);
        if (i < n && s[i] == '"') {
            i++;
            while (i < n && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < n)
                    i++;
                sb_put(&val, s + i, 1);
                i++;
            }
            if (i < n)
                i++;
            while (i < n && s[i] != ';')
                i++;
        } else {
            size_t v0 = i;
            while (i < n && s[i] != ';')
                i++;
            size_t v1 = i;
            while (v1 > v0 && (s[v1 - 1] == ' ' || s[v1 - 1] == '\t'))
                v1--;
            sb_put(&val, s + v0, v1 - v0);
        }
        char name[80];
        size_t nl = n1 - n0 < sizeof name - 1 ? n1 - n0 : sizeof name - 1;
        for (size_t k = 0; k < nl; k++)
            name[k] = (char)tolower((unsigned char)s[n0 + k]);
        name[nl] = '\0';
        int stop = fn(u, name, sb_str(&val), val.n);
        sb_free(&val);
        if (stop)
            return;
    }
}

typedef struct pget {
    const char *want;
    size_t wl;
    sbuf plain;
    int have_plain;
    sbuf seg[MIME_MAX_SEGMENTS];
    int seg_enc[MIME_MAX_SEGMENTS];
    int have_seg[MIME_MAX_SEGMENTS];
} pget;

static int pget_cb(void *u, const char *name, const char *val, size_t vl)
{
    pget *g = u;
    if (strncmp(name, g->want, g->wl) != 0)
        return 0;
    const char *r = name + g->wl;
    if (*r == '\0') {
        g->plain.n = 0;
        sb_put(&g->plain, val, vl);
        g->have_plain = 1;
        return 0;
    }
    if (*r != '*')
        return 0;
    r++;
    int idx = 0, enc = 0;
    if (*r == '\0') {
        enc = 1; /* name*=charset'lang'value */
    } else {
        if (!isdigit((unsigned char)*r))
            return 0;
        while (isdigit((unsigned char)*r) && idx < 1000)
            idx = idx * 10 + (*r++ - '0');
        if (*r == '*') {
            enc = 1;
            r++;
        }
        if (*r != '\0')
            return 0;
    }
    if (idx >= MIME_MAX_SEGMENTS)
        return 0;
    g->seg[idx].n = 0;
    sb_put(&g->seg[idx], val, vl);
    g->seg_enc[idx] = enc;
    g->have_seg[idx] = 1;
    return 0;
}

static void pct_decode(const char *s, size_t n, sbuf *out)
{
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] == '%' && i + 2 < n && (h = hexval((uint8_t)s[i + 1])) >= 0 &&
            (l = hexval((uint8_t)s[i + 2])) >= 0) {
            char c = (char)(h << 4 | l);
            sb_put(out, &c, 1);
            i += 2;
        } else {
            sb_put(out, s + i, 1);
        }
    }
}

/* The value of parameter `want` as UTF-8 in out; 0 if absent.  RFC 2231
 * forms win over the plain one; a plain value may hold RFC 2047 encoded
 * words (not standard, but what many mailers write for filenames). */
static int param_get(mime *m, const sbuf *v, const char *want, sbuf *out)
{
    pget *g = calloc(1, sizeof *g);
    if (!g)
        return 0;
    g->want = want;
    g->wl = strlen(want);
    sb_init(&g->plain, MIME_MAX_PARAM);
    for (int i = 0; i < MIME_MAX_SEGMENTS; i++)
        sb_init(&g->seg[i], MIME_MAX_PARAM);
    each_param(v, pget_cb, g);
    int found = 0;
    if (g->have_seg[0]) {
        sbuf raw;
        char cs[64] = "";
        sb_init(&raw, MIME_MAX_PARAM * 4);
        for (int i = 0; i < MIME_MAX_SEGMENTS && g->have_seg[i]; i++) {
            const char *s = sb_str(&g->seg[i]);
            size_t sn = g->seg[i].n;
            if (i == 0 && g->seg_enc[0]) {
                /* charset'language'value */
                const char *q1 = memchr(s, '\'', sn);
                const char *q2 = q1 ? memchr(q1 + 1, '\'', sn - (size_t)(q1 + 1 - s)) : NULL;
                if (q1 && q2) {
                    size_t cl = (size_t)(q1 - s) < sizeof cs - 1 ? (size_t)(q1 - s) : sizeof cs - 1;
                    memcpy(cs, s, cl);
                    cs[cl] = '\0';
                    sn -= (size_t)(q2 + 1 - s);
                    s = q2 + 1;
                }
            }
            if (g->seg_enc[i])
                pct_decode(s, sn, &raw);
            else
                sb_put(&raw, s, sn);
        }
        convert(m, cs[0] ? cs : NULL, (const uint8_t *)sb_str(&raw), raw.n, sink_sbuf, out);
        sb_free(&raw);
        found = 1;
    } else if (g->have_plain) {
        decode_words(m, (const uint8_t *)sb_str(&g->plain), g->plain.n, out);
        found = 1;
    }
    sb_free(&g->plain);
    for (int i = 0; i < MIME_MAX_SEGMENTS; i++)
        sb_free(&g->seg[i]);
    free(g);
    return found;
}

/* ---- entities --------------------------------------------------------------- */
static int parse_message(mime *m, const uint8_t *p, size_t n, unsigned depth);
static int parse_entity(mime *m, entity *e, const uint8_t *body, size_t n, unsigned depth);

/* A member name from a decoded filename: the last path component, with
 * control characters and '!' (the member path separator) replaced. */
static void member_name(mime *m, const sbuf *fname, sbuf *out)
{
    const char *s = sb_str(fname);
    const char *b = s;
    for (const char *q = s; *q; q++)
        if (*q == '/' || *q == '\\')
            b = q + 1;
    if (m->prefix)
        sb_put(out, m->prefix, strlen(m->prefix));
    size_t start = out->n;
    for (; *b; b++) {
        char c = (unsigned char)*b < 0x20 || *b == 0x7F || *b == '!' ? '_' : *b;
        sb_put(out, &c, 1);
    }
    if (out->n == start) {
        char pn[32];
        snprintf(pn, sizeof pn, "part-%u", m->part_no);
        sb_put(out, pn, strlen(pn));
    }
}

enum { CTE_IDENTITY, CTE_BASE64, CTE_QP };

static int cte_kind(const sbuf *cte)
{
    char t[32];
    main_value(cte, t, sizeof t);
    if (!strcmp(t, "base64"))
        return CTE_BASE64;
    if (!strcmp(t, "quoted-printable"))
        return CTE_QP;
    return CTE_IDENTITY; /* 7bit, 8bit, binary, unknown */
}

/* A growable buffer inside the job's memory budget, for text attachments
 * converted to UTF-8. */
typedef struct gbuf {
    px_doc *d;
    uint8_t *p;
    size_t n, cap;
    int failed;
} gbuf;

static int sink_gbuf(void *u, const char *p, size_t n)
{
    gbuf *g = u;
    if (g->failed)
        return PX_CONTINUE;
    if (n > g->cap - g->n) {
        size_t c = g->cap ? g->cap : 4096;
        while (c - g->n < n)
            c *= 2;
        uint8_t *q = px_buffer_alloc(g->d, c);
        if (!q) {
            g->failed = 1;
            return PX_CONTINUE;
        }
        if (g->n)
            memcpy(q, g->p, g->n);
        if (g->p)
            px_buffer_free(g->d, g->p, g->cap);
        g->p = q;
        g->cap = c;
    }
    memcpy(g->p + g->n, p, n);
    g->n += n;
    return PX_CONTINUE;
}

static int leaf(mime *m, entity *e, const char *type, const uint8_t *body, size_t n, unsigned depth)
{
    m->part_no++;
    /* transfer decoding */
    int cte = cte_kind(&e->cte);
    uint8_t *dec = NULL;
    size_t cap = 0;
    const uint8_t *dp = body;
    size_t dn = n;
    if (cte != CTE_IDENTITY && n > 0) {
        cap = cte == CTE_BASE64 ? n / 4 * 3 + 3 : n;
        dec = px_buffer_alloc(m->d, cap);
        if (!dec)
            return PX_CONTINUE; /* the doc is marked SKIPPED; go on with other parts */
        dn = cte == CTE_BASE64 ? b64_decode(body, n, dec) : qp_decode(body, n, dec, 0);
        dp = dec;
        if (px_account(m->d, dn, n) == PX_ABORT) {
            px_buffer_free(m->d, dec, cap);
            m->aborted = 1;
            return PX_ABORT;
        }
    }
    int r = PX_CONTINUE;
    sbuf fname, charset;
    sb_init(&fname, MIME_MAX_PARAM * 4);
    sb_init(&charset, 64);
    char dtype[32];
    main_value(&e->disp, dtype, sizeof dtype);
    int has_name = param_get(m, &e->disp, "filename", &fname);
    if (!has_name)
        has_name = param_get(m, &e->ctype, "name", &fname);
    param_get(m, &e->ctype, "charset", &charset);
    int is_text = !strncmp(type, "text/", 5);
    int is_msg = !strcmp(type, "message/rfc822") || !strcmp(type, "message/global");

    if (is_msg) {
        if (depth + 1 > MIME_MAX_DEPTH) {
            m->depth_capped = 1;
        } else {
            if (px_break(m->d, PX_BREAK_PART) == PX_ABORT)
                r = PX_ABORT;
            else
                r = parse_message(m, dp, dn, depth + 1);
        }
    } else if (is_text && !has_name && strcmp(dtype, "attachment") != 0) {
        tout *o = calloc(1, sizeof *o);
        if (o) {
            o->m = m;
            o->html = !strcmp(type, "text/html");
            r = convert(m, charset.n ? sb_str(&charset) : NULL, dp, dn, sink_out, o);
            if (r != PX_ABORT)
                r = out_end(o);
            free(o);
            if (r != PX_ABORT)
                r = px_break(m->d, PX_BREAK_PART);
        }
    } else {
        sbuf name;
        sb_init(&name, MIME_MAX_PARAM * 4 + 64);
        member_name(m, &fname, &name);
        char cs[48];
        /* text attachments in a declared legacy charset are handed over as
         * UTF-8: the driver cannot know the charset the part declared */
        if (is_text && charset.n && charset_map(sb_str(&charset), cs, sizeof cs) == CS_ICONV) {
            gbuf g = {m->d, NULL, 0, 0, 0};
            r = convert(m, sb_str(&charset), dp, dn, sink_gbuf, &g);
            if (r != PX_ABORT && !g.failed)
                r = px_member_blob(m->d, sb_str(&name), g.p ? (const void *)g.p : "", g.n);
            if (g.p)
                px_buffer_free(m->d, g.p, g.cap);
        } else {
            r = px_member_blob(m->d, sb_str(&name), dn ? (const void *)dp : "", dn);
        }
        sb_free(&name);
    }
    if (r == PX_ABORT)
        m->aborted = 1;
    sb_free(&fname);
    sb_free(&charset);
    if (dec)
        px_buffer_free(m->d, dec, cap);
    return r;
}

/* Is the line at p..le a delimiter "--boundary" (or the close
 * "--boundary--")?  Returns 0 no, 1 delimiter, 2 close. */
static int delimiter(const uint8_t *p, size_t le, const char *b, size_t bl)
{
    if (le < 2 + bl || p[0] != '-' || p[1] != '-' || memcmp(p + 2, b, bl) != 0)
        return 0;
    size_t k = 2 + bl;
    if (k + 2 <= le && p[k] == '-' && p[k + 1] == '-')
        return 2;
    for (; k < le; k++) /* transport padding only */
        if (p[k] != ' ' && p[k] != '\t')
            return 0;
    return 1;
}

/* The parts of a multipart body; `alt`: they are alternatives of one
 * content (multipart/alternative), each started with px_alt_next(). */
static int multipart(mime *m, const uint8_t *p, size_t n, const char *b, size_t bl, unsigned depth,
                     int alt)
{
    size_t pos = 0;
    int in_part = 0;
    size_t part0 = 0;
    while (pos < n) {
        const uint8_t *nlp = memchr(p + pos, '\n', n - pos);
        size_t end = nlp ? (size_t)(nlp - p) : n;
        size_t next = nlp ? end + 1 : n;
        size_t le = end;
        if (le > pos && p[le - 1] == '\r')
            le--;
        int k = delimiter(p + pos, le - pos, b, bl);
        if (k) {
            if (in_part) {
                /* the line break before the delimiter belongs to it */
                size_t pe = pos;
                if (pe > part0 && p[pe - 1] == '\n')
                    pe--;
                if (pe > part0 && p[pe - 1] == '\r')
                    pe--;
                entity e;
                ent_init(&e);
                size_t body = parse_headers(m, p + part0, pe - part0, &e, 0);
                int r = m->aborted || (alt && px_alt_next(m->d) == PX_ABORT)
                            ? PX_ABORT
                            : parse_entity(m, &e, p + part0 + body, pe - part0 - body, depth);
                ent_free(&e);
                if (r == PX_ABORT)
                    return PX_ABORT;
            }
            if (k == 2)
                return PX_CONTINUE; /* the epilogue is not read */
            in_part = 1;
            part0 = next;
        }
        pos = next;
    }
    if (in_part && part0 < n) {
        /* no closing delimiter: the last part runs to the end */
        entity e;
        ent_init(&e);
        size_t body = parse_headers(m, p + part0, n - part0, &e, 0);
        int r = m->aborted || (alt && px_alt_next(m->d) == PX_ABORT)
                    ? PX_ABORT
                    : parse_entity(m, &e, p + part0 + body, n - part0 - body, depth);
        ent_free(&e);
        return r;
    }
    return PX_CONTINUE;
}

static int parse_entity(mime *m, entity *e, const uint8_t *body, size_t n, unsigned depth)
{
    char type[128];
    main_value(&e->ctype, type, sizeof type);
    if (!type[0] || !strchr(type, '/'))
        snprintf(type, sizeof type, "text/plain");
    if (!strncmp(type, "multipart/", 10)) {
        sbuf bnd;
        sb_init(&bnd, 256);
        int has = param_get(m, &e->ctype, "boundary", &bnd) && bnd.n > 0;
        int r;
        if (!has) {
            /* no boundary: the parts cannot be told apart; read it as text */
            snprintf(type, sizeof type, "text/plain");
            r = leaf(m, e, type, body, n, depth);
        } else if (depth + 1 > MIME_MAX_DEPTH) {
            m->depth_capped = 1;
            r = PX_CONTINUE;
        } else {
            int alt = !strcmp(type, "multipart/alternative");
            if (alt)
                px_alt_begin(m->d);
            r = multipart(m, body, n, sb_str(&bnd), bnd.n, depth + 1, alt);
            if (alt && px_alt_end(m->d) == PX_ABORT)
                r = PX_ABORT;
        }
        sb_free(&bnd);
        return r;
    }
    return leaf(m, e, type, body, n, depth);
}

/* A message: its headers (the address and subject ones emitted), then its
 * body. */
static int parse_message(mime *m, const uint8_t *p, size_t n, unsigned depth)
{
    entity e;
    ent_init(&e);
    size_t body = parse_headers(m, p, n, &e, 1);
    int r = m->aborted ? PX_ABORT : PX_CONTINUE;
    if (r == PX_CONTINUE && e.emitted && px_break(m->d, PX_BREAK_PART) == PX_ABORT)
        r = PX_ABORT;
    if (r == PX_CONTINUE)
        r = parse_entity(m, &e, p + body, n - body, depth);
    if (depth == 0 && e.nheaders == 0 && r == PX_CONTINUE)
        px_set_status(m->d, PX_ERROR, "no message header found");
    ent_free(&e);
    return r;
}

/* mbox: messages separated by "From " lines at the start of a line after a
 * blank line (or at the very start). */
static size_t next_mbox_from(const uint8_t *p, size_t n, size_t pos)
{
    while (pos < n) {
        const uint8_t *nlp = memchr(p + pos, '\n', n - pos);
        if (!nlp)
            return n;
        size_t next = (size_t)(nlp - p) + 1;
        size_t le = (size_t)(nlp - p);
        if (le > pos && p[le - 1] == '\r')
            le--;
        if (le == pos && next + 5 <= n && !memcmp(p + next, "From ", 5))
            return next;
        pos = next;
    }
    return n;
}

int px_extract_mime(px_doc *d, const uint8_t *data, size_t len)
{
    mime m;
    memset(&m, 0, sizeof m);
    m.d = d;
    for (unsigned i = 0; i < MIME_ICONV_CACHE; i++)
        m.cd[i] = (iconv_t)-1;
    int r = PX_CONTINUE;
    if (len >= 5 && !memcmp(data, "From ", 5)) {
        size_t first_end = next_mbox_from(data, len, 0);
        if (first_end < len) { /* an mbox of several messages */
            size_t pos = 0;
            unsigned k = 0;
            char prefix[32];
            while (pos < len && r == PX_CONTINUE) {
                size_t e = next_mbox_from(data, len, pos);
                snprintf(prefix, sizeof prefix, "message-%u/", ++k);
                m.prefix = prefix;
                m.part_no = 0;
                if (k > 1)
                    r = px_break(d, PX_BREAK_PART);
                if (r == PX_CONTINUE)
                    r = parse_message(&m, data + pos, e - pos, 0);
                pos = e;
            }
            goto done;
        }
    }
    r = parse_message(&m, data, len, 0);
done:
    if (m.depth_capped && r == PX_CONTINUE)
        px_set_status(d, PX_SKIPPED, "MIME nesting deeper than %d levels not read", MIME_MAX_DEPTH);
    for (unsigned i = 0; i < MIME_ICONV_CACHE; i++)
        if (m.cd[i] != (iconv_t)-1)
            iconv_close(m.cd[i]);
    return m.aborted ? PX_ABORT : r;
}
