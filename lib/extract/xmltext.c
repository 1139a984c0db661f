/* xmltext.c -- expat plumbing shared by ooxml.c, odf.c and hwpx.c (see
 * xmltext.h). */
#include "xmltext.h"

#include <stdio.h>
#include <expat.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* expat reports namespaced names as "URI" NS_SEP "local".  A control
 * character cannot occur in an XML 1.0 name or namespace URI. */
#define NS_SEP '\x01'

/* Largest slice handed to XML_Parse at once (its length is an int). */
#define PARSE_SLICE (1u << 24)

/* ---- text output ------------------------------------------------------- */

void xt_out_init(xt_out *o, px_doc *d)
{
    memset(o, 0, sizeof *o - sizeof o->buf);
    o->d = d;
}

int xt_flush(xt_out *o)
{
    if (o->aborted)
        return PX_ABORT;
    if (o->n) {
        size_t n = o->n;
        o->n = 0;
        if (px_text(o->d, o->buf, n) != PX_CONTINUE) {
            o->aborted = 1;
            return PX_ABORT;
        }
    }
    return PX_CONTINUE;
}

/* CELL < PARA < PART: a row's end after its last cell's end is a newline. */
static int break_strength(int kind)
{
    switch (kind) {
    case PX_BREAK_CELL: return 1;
    case PX_BREAK_PARA: return 2;
    case PX_BREAK_PART: return 3;
    default: return 0;
    }
}

void xt_break(xt_out *o, int kind)
{
    if (o->dirty && break_strength(kind) > break_strength(o->pending))
        o->pending = kind;
}

void xt_put(xt_out *o, const char *s, size_t n)
{
    if (o->aborted || n == 0)
        return;
    if (o->part_pending) {
        /* A part that emits text starts under its own name (for
         * --extract-text; a part break for the scanner). */
        if (xt_flush(o) != PX_CONTINUE)
            return;
        o->part_pending = 0;
        o->pending = 0;
        if (px_part(o->d, o->part) != PX_CONTINUE) {
            o->aborted = 1;
            return;
        }
    } else if (o->pending) {
        if (xt_flush(o) != PX_CONTINUE)
            return;
        int k = o->pending;
        o->pending = 0;
        if (px_break(o->d, k) != PX_CONTINUE) {
            o->aborted = 1;
            return;
        }
    }
    o->dirty = 1;
    if (n > sizeof o->buf - o->n) {
        if (xt_flush(o) != PX_CONTINUE)
            return;
        if (n > sizeof o->buf) {
            if (px_text(o->d, s, n) != PX_CONTINUE)
                o->aborted = 1;
            return;
        }
    }
    memcpy(o->buf + o->n, s, n);
    o->n += n;
}

void xt_puts(xt_out *o, const char *s)
{
    xt_put(o, s, strlen(s));
}

/* ---- names ------------------------------------------------------------- */

static const struct {
    const char *uri;
    int ns;
} known_ns[] = {
    {"http://schemas.openxmlformats.org/wordprocessingml/2006/main", XT_NS_W},
    {"http://purl.oclc.org/ooxml/wordprocessingml/main", XT_NS_W},
    {"http://schemas.openxmlformats.org/spreadsheetml/2006/main", XT_NS_S},
    {"http://purl.oclc.org/ooxml/spreadsheetml/main", XT_NS_S},
    {"http://schemas.openxmlformats.org/drawingml/2006/main", XT_NS_A},
    {"http://purl.oclc.org/ooxml/drawingml/main", XT_NS_A},
    {"http://schemas.openxmlformats.org/presentationml/2006/main", XT_NS_P},
    {"http://purl.oclc.org/ooxml/presentationml/main", XT_NS_P},
    {"http://schemas.openxmlformats.org/officeDocument/2006/math", XT_NS_M},
    {"http://purl.oclc.org/ooxml/officeDocument/math", XT_NS_M},
    {"http://schemas.openxmlformats.org/markup-compatibility/2006", XT_NS_MC},
    {"http://schemas.openxmlformats.org/officeDocument/2006/relationships", XT_NS_R},
    {"http://purl.oclc.org/ooxml/officeDocument/relationships", XT_NS_R},
    {"http://schemas.openxmlformats.org/package/2006/relationships", XT_NS_PR},
    {"http://schemas.openxmlformats.org/drawingml/2006/diagram", XT_NS_DGM},
    {"http://purl.oclc.org/ooxml/drawingml/diagram", XT_NS_DGM},
    {"urn:oasis:names:tc:opendocument:xmlns:text:1.0", XT_NS_TEXT},
    {"urn:oasis:names:tc:opendocument:xmlns:table:1.0", XT_NS_TABLE},
    {"urn:oasis:names:tc:opendocument:xmlns:office:1.0", XT_NS_OFFICE},
    {"http://purl.org/dc/elements/1.1/", XT_NS_DC},
    {"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0", XT_NS_MANIFEST},
    {"http://www.idpf.org/2007/opf/", XT_NS_OPF},
    {"http://www.idpf.org/2007/opf", XT_NS_OPF},
};

/* OWPML paragraph namespaces: http://www.hancom.co.kr/hwpml/YYYY/paragraph
 * (2011 for hp:, 2016 for the hp10: additions). */
static int is_owpml_paragraph(const char *uri, size_t n)
{
    static const char pre[] = "http://www.hancom.co.kr/hwpml/";
    static const char suf[] = "/paragraph";
    return n > sizeof pre - 1 + sizeof suf - 1 && memcmp(uri, pre, sizeof pre - 1) == 0 &&
           memcmp(uri + n - (sizeof suf - 1), suf, sizeof suf - 1) == 0;
}

static int classify(const char *uri, size_t n)
{
    for (size_t i = 0; i < sizeof known_ns / sizeof *known_ns; i++)
        if (strlen(known_ns[i].uri) == n && memcmp(known_ns[i].uri, uri, n) == 0)
            return known_ns[i].ns;
    if (is_owpml_paragraph(uri, n))
        return XT_NS_HP;
    return XT_NS_OTHER;
}

/* Splits an expat name into its namespace class and local name. */
static const char *split_name(const char *name, int *ns)
{
    const char *sep = strrchr(name, NS_SEP);
    if (!sep) {
        *ns = XT_NS_NONE;
        return name;
    }
    *ns = classify(name, (size_t)(sep - name));
    return sep + 1;
}

const char *xt_attr(const char **atts, int ns, const char *local)
{
    for (size_t i = 0; atts && atts[i]; i += 2) {
        int ans;
        const char *l = split_name(atts[i], &ans);
        if (ans == ns && strcmp(l, local) == 0)
            return atts[i + 1];
    }
    return NULL;
}

/* ---- parsing ----------------------------------------------------------- */

void xt_skip(xt *x)
{
    if (!x->skip_at)
        x->skip_at = x->depth;
}

void xt_fail(xt *x, int status, const char *what)
{
    if (x->failed)
        return;
    x->failed = 1;
    px_set_status(x->o->d, status, "%s: %s", x->part, what);
    XML_StopParser((XML_Parser)x->parser, XML_FALSE);
}

static void stop_if_aborted(xt *x)
{
    if (x->o->aborted)
        XML_StopParser((XML_Parser)x->parser, XML_FALSE);
}

static void XMLCALL on_start(void *u, const XML_Char *name, const XML_Char **atts)
{
    xt *x = u;
    x->depth++;
    if (x->depth > XT_MAX_DEPTH) {
        xt_fail(x, PX_SKIPPED, "XML nesting deeper than 1000 elements");
        return;
    }
    if (x->o->aborted || x->failed || x->skip_at)
        return;
    int ns;
    const char *local = split_name(name, &ns);
    if (x->h->start)
        x->h->start(x, ns, local, atts);
    stop_if_aborted(x);
}

static void XMLCALL on_end(void *u, const XML_Char *name)
{
    xt *x = u;
    if (x->skip_at) {
        if (x->skip_at == x->depth)
            x->skip_at = 0;
    } else if (!x->o->aborted && !x->failed && x->h->end) {
        int ns;
        const char *local = split_name(name, &ns);
        x->h->end(x, ns, local);
        stop_if_aborted(x);
    }
    x->depth--;
}

static void XMLCALL on_chars(void *u, const XML_Char *s, int len)
{
    xt *x = u;
    if (x->o->aborted || x->failed || x->skip_at || !x->capture || len <= 0)
        return;
    if (x->sink)
        x->sink(x, s, (size_t)len);
    else
        xt_put(x->o, s, (size_t)len);
    stop_if_aborted(x);
}

/* OOXML, ODF and OWPML never declare entities.  One that does is refused
 * at its first declaration: no expansion (billion laughs, whose first
 * 8 MiB expat's own guard lets through) and no external entity. */
static void XMLCALL on_entity_decl(void *u, const XML_Char *name, int is_param,
                                   const XML_Char *value, int value_len, const XML_Char *base,
                                   const XML_Char *system_id, const XML_Char *public_id,
                                   const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base;
    (void)system_id, (void)public_id, (void)notation;
    xt_fail(u, PX_ERROR, "entity declaration (not allowed in this format)");
}

static int parse_buffer(xt *x, const uint8_t *data, size_t len)
{
    XML_Parser p = XML_ParserCreateNS(NULL, NS_SEP);
    if (!p) {
        px_set_status(x->o->d, PX_ERROR, "%s: out of memory for the XML parser", x->part);
        return PX_CONTINUE;
    }
    /* No external entities or parameter entities are ever read (no handler
     * is installed and parameter-entity parsing stays NEVER); expat >= 2.4
     * bounds the amplification of internal entities (billion laughs). */
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_chars);
    XML_SetEntityDeclHandler(p, on_entity_decl);
    x->parser = p;

    size_t pos = 0;
    enum XML_Status st = XML_STATUS_OK;
    do {
        size_t k = len - pos > PARSE_SLICE ? PARSE_SLICE : len - pos;
        int final = pos + k == len;
        st = XML_Parse(p, (const char *)data + pos, (int)k, final);
        pos += k;
    } while (st == XML_STATUS_OK && pos < len);

    if (st == XML_STATUS_ERROR && !x->o->aborted && !x->failed) {
        enum XML_Error e = XML_GetErrorCode(p);
        px_set_status(x->o->d, PX_ERROR, "%s: XML error at line %lu: %s", x->part,
                      (unsigned long)XML_GetCurrentLineNumber(p), XML_ErrorString(e));
    }
    XML_ParserFree(p);
    x->parser = NULL;
    return x->o->aborted ? PX_ABORT : PX_CONTINUE;
}

int xt_parse_part(xt_out *o, px_zip *z, size_t idx, const xt_handlers *h, void *user)
{
    if (o->aborted)
        return PX_ABORT;
    const char *name = px_zip_name(z, idx);
    if (!name)
        name = "?";
    snprintf(o->part, sizeof o->part, "%s", name);
    o->part_pending = 1;
    if (px_zip_encrypted(z, idx)) {
        px_set_status(o->d, PX_ENCRYPTED, "%s: encrypted zip entry", name);
        return PX_CONTINUE;
    }
    size_t len = 0;
    uint8_t *data = px_zip_read(z, idx, &len);
    if (!data) {
        if (px_zip_aborted(z)) {
            o->aborted = 1;
            return PX_ABORT;
        }
        return PX_CONTINUE; /* the driver set the status */
    }
    xt x;
    memset(&x, 0, sizeof x);
    x.o = o;
    x.part = name;
    x.h = h;
    x.user = user;
    int r = parse_buffer(&x, data, len);
    px_zip_free_part(z, data, len);
    return r;
}

int xt_parse_named(xt_out *o, px_zip *z, const char *name, const xt_handlers *h, void *user)
{
    long i = px_zip_find(z, name);
    if (i < 0)
        return o->aborted ? PX_ABORT : PX_CONTINUE;
    return xt_parse_part(o, z, (size_t)i, h, user);
}

/* ---- string table ------------------------------------------------------ */

void xt_strtab_init(xt_strtab *t, px_doc *d)
{
    memset(t, 0, sizeof *t);
    t->d = d;
}

/* Grows *p (holding `used` bytes of `*cap`) to at least `need` bytes. */
static int grow(px_doc *d, void **p, size_t *cap, size_t used, size_t need, size_t first)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : first;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return -1;
        nc *= 2;
    }
    void *np = px_buffer_alloc(d, nc);
    if (!np)
        return -1;
    if (used)
        memcpy(np, *p, used);
    if (*p)
        px_buffer_free(d, *p, *cap);
    *p = np;
    *cap = nc;
    return 0;
}

int xt_strtab_begin(xt_strtab *t)
{
    if (t->full)
        return -1;
    /* off[n] starts string n; off[n + 1] is kept equal to len. */
    size_t need = (t->n + 2) * sizeof *t->off;
    void *p = t->off;
    size_t cap = t->ncap * sizeof *t->off;
    if (grow(t->d, &p, &cap, (t->n + 1) * sizeof *t->off * (t->off != NULL), need, 1024) != 0) {
        t->full = 1;
        return -1;
    }
    t->off = p;
    t->ncap = cap / sizeof *t->off;
    if (t->n == 0)
        t->off[0] = (uint32_t)t->len;
    t->n++;
    t->off[t->n] = (uint32_t)t->len;
    return 0;
}

int xt_strtab_add(xt_strtab *t, const char *s, size_t n)
{
    if (t->full || t->n == 0)
        return -1;
    if (n > UINT32_MAX - t->len) {
        t->full = 1;
        return -1;
    }
    void *p = t->buf;
    if (grow(t->d, &p, &t->cap, t->len, t->len + n, 4096) != 0) {
        t->full = 1;
        return -1;
    }
    t->buf = p;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->off[t->n] = (uint32_t)t->len;
    return 0;
}

const char *xt_strtab_get(const xt_strtab *t, size_t i, size_t *len)
{
    if (i >= t->n)
        return NULL;
    *len = t->off[i + 1] - t->off[i];
    return t->buf ? t->buf + t->off[i] : "";
}

void xt_strtab_free(xt_strtab *t)
{
    if (t->buf)
        px_buffer_free(t->d, t->buf, t->cap);
    if (t->off)
        px_buffer_free(t->d, t->off, t->ncap * sizeof *t->off);
    t->buf = NULL;
    t->off = NULL;
    t->n = t->len = t->cap = t->ncap = 0;
}

/* ---- parts ------------------------------------------------------------- */

int xt_ends_with(const char *name, const char *suffix)
{
    size_t a = strlen(name), b = strlen(suffix);
    return a >= b && memcmp(name + a - b, suffix, b) == 0;
}

typedef struct part_key {
    size_t idx;
    uint64_t num;
    const char *name;
} part_key;

static int cmp_part(const void *a, const void *b)
{
    const part_key *x = a, *y = b;
    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    return strcmp(x->name, y->name);
}

size_t xt_parts_matching(px_zip *z, const char *prefix, const char *suffix, size_t **out)
{
    size_t count = px_zip_count(z), n = 0;
    size_t pl = strlen(prefix), sl = strlen(suffix);
    part_key *keys = NULL;
    *out = NULL;
    for (size_t i = 0; i < count; i++) {
        const char *name = px_zip_name(z, i);
        if (!name)
            continue;
        size_t len = strlen(name);
        if (len <= pl + sl || memcmp(name, prefix, pl) != 0 ||
            memcmp(name + len - sl, suffix, sl) != 0)
            continue;
        const char *mid = name + pl, *end = name + len - sl;
        if (memchr(mid, '/', (size_t)(end - mid)))
            continue;
        if (!keys && !(keys = malloc(count * sizeof *keys)))
            return 0;
        uint64_t num = 0;
        const char *q = mid;
        while (q < end && (*q < '0' || *q > '9'))
            q++;
        for (; q < end && *q >= '0' && *q <= '9'; q++)
            num = num > (UINT64_MAX - 9) / 10 ? UINT64_MAX : num * 10 + (uint64_t)(*q - '0');
        keys[n].idx = i;
        keys[n].num = num;
        keys[n].name = name;
        n++;
    }
    if (!n) {
        free(keys);
        return 0;
    }
    qsort(keys, n, sizeof *keys, cmp_part);
    size_t *v = malloc(n * sizeof *v);
    if (!v) {
        free(keys);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = keys[i].idx;
    free(keys);
    xt_bound_reopens(v, n);
    *out = v;
    return n;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

void xt_bound_reopens(size_t *idx, size_t n)
{
    size_t back = 0;
    for (size_t i = 1; i < n; i++)
        back += idx[i] < idx[i - 1];
    if (back > XT_MAX_BACKWARD)
        qsort(idx, n, sizeof *idx, cmp_size);
}

int xt_resolve(const char *base, const char *target, char *out, size_t cap)
{
    /* Segments of dir(base) + target, with "." dropped and ".." popping. */
    enum { MAX_SEGS = 64 };
    const char *seg[MAX_SEGS];
    size_t segl[MAX_SEGS], n = 0;
    const char *srcs[2] = {base, target};
    size_t lens[2];
    if (target[0] == '/') {
        srcs[0] = "";
        lens[0] = 0;
        target++;
        srcs[1] = target;
    } else {
        const char *slash = strrchr(base, '/');
        lens[0] = slash ? (size_t)(slash - base) : 0;
    }
    lens[1] = strlen(srcs[1]);
    for (int k = 0; k < 2; k++) {
        const char *p = srcs[k], *e = srcs[k] + lens[k];
        while (p < e) {
            const char *q = memchr(p, '/', (size_t)(e - p));
            if (!q)
                q = e;
            size_t l = (size_t)(q - p);
            if (l == 0 || (l == 1 && p[0] == '.')) {
                /* nothing */
            } else if (l == 2 && p[0] == '.' && p[1] == '.') {
                if (n)
                    n--;
            } else {
                if (n == MAX_SEGS)
                    return -1;
                seg[n] = p;
                segl[n] = l;
                n++;
            }
            p = q + (q < e);
        }
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (o + segl[i] + 2 > cap)
            return -1;
        if (i)
            out[o++] = '/';
        memcpy(out + o, seg[i], segl[i]);
        o += segl[i];
    }
    if (o >= cap)
        return -1;
    out[o] = '\0';
    return 0;
}

/* ---- manifest encryption ----------------------------------------------- */

static void manifest_start(xt *x, int ns, const char *local, const char **atts)
{
    (void)atts;
    if (ns == XT_NS_MANIFEST && strcmp(local, "encryption-data") == 0)
        *(int *)x->user = 1;
}

int xt_manifest_encrypted(xt_out *o, px_zip *z)
{
    static const xt_handlers h = {manifest_start, NULL};
    int enc = 0;
    if (xt_parse_named(o, z, "META-INF/manifest.xml", &h, &enc) != PX_CONTINUE)
        return -1;
    return enc;
}
