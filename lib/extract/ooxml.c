/* ooxml.c -- text of Office Open XML packages: docx, xlsx, pptx.
 *
 * The driver has opened the zip and chosen the kind; this file picks the
 * parts in reading order and streams each through expat (xmltext.c):
 *
 *   docx  main document (the officeDocument relationship, normally
 *         word/document.xml), headers, footers, footnotes, endnotes,
 *         comments, SmartArt data;
 *   xlsx  shared strings (held compactly), the sheets in workbook order,
 *         cell comments, text in drawings (text boxes, shapes);
 *   pptx  slides in number order, notes, comments, SmartArt data;
 *   all   embedded files (embeddings/) handed to the driver as members.
 *
 * See docs/extract-xml.md for what is read and the choices made (deleted
 * tracked changes are read; field codes are not). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "xmltext.h"

/* Longest part name built from a relationship target. */
#define NAME_MAX_LEN 512
/* Longest shared-string index looked at ("4294967295" and some blanks). */
#define SST_INDEX_MAX 31

/* ---- body text: WordprocessingML, DrawingML, PresentationML ------------ */

static void body_start(xt *x, int ns, const char *local, const char **atts)
{
    (void)atts;
    switch (ns) {
    case XT_NS_MC:
        /* AlternateContent: the Choice is read; the Fallback repeats it
         * (a text box as DrawingML and again as VML). */
        if (strcmp(local, "Fallback") == 0)
            xt_skip(x);
        break;
    case XT_NS_W:
        if (strcmp(local, "t") == 0 || strcmp(local, "delText") == 0)
            x->capture++;
        else if (strcmp(local, "tab") == 0 || strcmp(local, "ptab") == 0)
            xt_put(x->o, "\t", 1);
        else if (strcmp(local, "br") == 0 || strcmp(local, "cr") == 0)
            xt_put(x->o, "\n", 1);
        else if (strcmp(local, "noBreakHyphen") == 0)
            xt_put(x->o, "-", 1);
        else if (strcmp(local, "pPr") == 0 || strcmp(local, "rPr") == 0 ||
                 strcmp(local, "sectPr") == 0 || strcmp(local, "instrText") == 0 ||
                 strcmp(local, "delInstrText") == 0 || strcmp(local, "sdtPr") == 0)
            /* properties (tab stops are w:tab too) and field codes */
            xt_skip(x);
        break;
    case XT_NS_A:
        if (strcmp(local, "t") == 0)
            x->capture++;
        else if (strcmp(local, "br") == 0)
            xt_put(x->o, "\n", 1);
        else if (strcmp(local, "pPr") == 0 || strcmp(local, "rPr") == 0 ||
                 strcmp(local, "endParaRPr") == 0 || strcmp(local, "bodyPr") == 0)
            xt_skip(x);
        break;
    case XT_NS_M:
        if (strcmp(local, "t") == 0)
            x->capture++;
        break;
    case XT_NS_P:
        if (strcmp(local, "text") == 0) /* legacy slide comment */
            x->capture++;
        break;
    default:
        break;
    }
}

static void uncapture(xt *x)
{
    if (x->capture)
        x->capture--;
}

static void body_end(xt *x, int ns, const char *local)
{
    switch (ns) {
    case XT_NS_W:
        if (strcmp(local, "t") == 0 || strcmp(local, "delText") == 0)
            uncapture(x);
        else if (strcmp(local, "p") == 0 || strcmp(local, "tr") == 0 ||
                 strcmp(local, "comment") == 0 || strcmp(local, "footnote") == 0 ||
                 strcmp(local, "endnote") == 0 || strcmp(local, "tbl") == 0)
            xt_break(x->o, PX_BREAK_PARA);
        else if (strcmp(local, "tc") == 0)
            xt_break(x->o, PX_BREAK_CELL);
        break;
    case XT_NS_A:
        if (strcmp(local, "t") == 0)
            uncapture(x);
        else if (strcmp(local, "p") == 0 || strcmp(local, "tr") == 0 ||
                 strcmp(local, "tbl") == 0)
            xt_break(x->o, PX_BREAK_PARA);
        else if (strcmp(local, "tc") == 0)
            xt_break(x->o, PX_BREAK_CELL);
        break;
    case XT_NS_M:
        if (strcmp(local, "t") == 0)
            uncapture(x);
        break;
    case XT_NS_P:
        if (strcmp(local, "text") == 0) {
            uncapture(x);
            xt_break(x->o, PX_BREAK_PARA);
        } else if (strcmp(local, "sp") == 0 || strcmp(local, "graphicFrame") == 0) {
            /* shapes on a slide are separate blocks */
            xt_break(x->o, PX_BREAK_PARA);
        }
        break;
    default:
        break;
    }
}

static const xt_handlers body_handlers = {body_start, body_end};

/* out = a + b; -1 (out empty) when it does not fit. */
static int join(char *out, size_t cap, const char *a, const char *b)
{
    size_t al = strlen(a), bl = strlen(b);
    if (al + bl >= cap) {
        out[0] = '\0';
        return -1;
    }
    memcpy(out, a, al);
    memcpy(out + al, b, bl + 1);
    return 0;
}

/* ---- relationships ----------------------------------------------------- */

/* Relationships of one part: three strings per relationship in a string
 * table (Id, Target, the last segment of Type); external targets left out. */
static void rels_start(xt *x, int ns, const char *local, const char **atts)
{
    xt_strtab *t = x->user;
    if (ns != XT_NS_PR || strcmp(local, "Relationship") != 0)
        return;
    const char *id = xt_attr(atts, XT_NS_NONE, "Id");
    const char *target = xt_attr(atts, XT_NS_NONE, "Target");
    const char *type = xt_attr(atts, XT_NS_NONE, "Type");
    const char *mode = xt_attr(atts, XT_NS_NONE, "TargetMode");
    if (!id || !target || !type || (mode && strcmp(mode, "External") == 0))
        return;
    const char *slash = strrchr(type, '/');
    type = slash ? slash + 1 : type;
    if (xt_strtab_begin(t) || xt_strtab_add(t, id, strlen(id)) || xt_strtab_begin(t) ||
        xt_strtab_add(t, target, strlen(target)) || xt_strtab_begin(t) ||
        xt_strtab_add(t, type, strlen(type)))
        xt_fail(x, PX_SKIPPED, "relationships over the memory budget");
}

static const xt_handlers rels_handlers = {rels_start, NULL};

/* Target of the first relationship whose field `field` (0 Id, 2 Type)
 * equals `key`, copied into out.  0 if found. */
static int rels_lookup(const xt_strtab *t, int field, const char *key, size_t keylen, char *out,
                       size_t cap)
{
    for (size_t i = 0; i + 2 < t->n; i += 3) {
        size_t kl, tl;
        const char *k = xt_strtab_get(t, i + (size_t)field, &kl);
        const char *tg = xt_strtab_get(t, i + 1, &tl);
        if (k && tg && kl == keylen && memcmp(k, key, kl) == 0 && tl < cap) {
            memcpy(out, tg, tl);
            out[tl] = '\0';
            return 0;
        }
    }
    return -1;
}

/* The package's main part (officeDocument relationship of _rels/.rels), or
 * `fallback`. */
static int main_part(xt_out *o, px_zip *z, const char *fallback, char *out, size_t cap)
{
    xt_strtab rels;
    char target[NAME_MAX_LEN];
    xt_strtab_init(&rels, o->d);
    int r = xt_parse_named(o, z, "_rels/.rels", &rels_handlers, &rels);
    if (r == PX_CONTINUE &&
        rels_lookup(&rels, 2, "officeDocument", strlen("officeDocument"), target, sizeof target) ==
            0 &&
        xt_resolve("", target, out, cap) == 0 && px_zip_find(z, out) >= 0) {
        xt_strtab_free(&rels);
        return PX_CONTINUE;
    }
    xt_strtab_free(&rels);
    snprintf(out, cap, "%s", fallback);
    return o->aborted ? PX_ABORT : PX_CONTINUE;
}

/* "xl/_rels/workbook.xml.rels" for "xl/workbook.xml". */
static int rels_name_of(const char *part, char *out, size_t cap)
{
    const char *slash = strrchr(part, '/');
    size_t dl = slash ? (size_t)(slash - part + 1) : 0;
    int n = snprintf(out, cap, "%.*s_rels/%s.rels", (int)dl, part, part + dl);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* Directory of a part with its trailing '/' ("" at the root). */
static void dir_of(const char *part, char *out, size_t cap)
{
    const char *slash = strrchr(part, '/');
    size_t dl = slash ? (size_t)(slash - part + 1) : 0;
    snprintf(out, cap, "%.*s", (int)dl, part);
}

/* Parses every part named prefix*suffix in number order, a PART break
 * before each. */
static int parse_matching(xt_out *o, px_zip *z, const char *dir, const char *stem,
                          const char *suffix, const xt_handlers *h, void *user)
{
    char prefix[NAME_MAX_LEN];
    size_t *idx = NULL;
    if (join(prefix, sizeof prefix, dir, stem) != 0)
        return PX_CONTINUE;
    size_t n = xt_parts_matching(z, prefix, suffix, &idx);
    int r = PX_CONTINUE;
    for (size_t i = 0; i < n && r == PX_CONTINUE; i++) {
        xt_break(o, PX_BREAK_PART);
        r = xt_parse_part(o, z, idx[i], h, user);
    }
    free(idx);
    return r;
}

static int parse_in_dir(xt_out *o, px_zip *z, const char *dir, const char *name,
                        const xt_handlers *h, void *user)
{
    char full[NAME_MAX_LEN];
    if (join(full, sizeof full, dir, name) != 0)
        return PX_CONTINUE;
    xt_break(o, PX_BREAK_PART);
    return xt_parse_named(o, z, full, h, user);
}

/* Embedded files (a workbook in a document, OLE objects, packages): handed
 * to the driver, which types them by content and scans them as members
 * ("a.docx!word/embeddings/Microsoft_Excel_Worksheet.xlsx").  Media
 * (images, audio) are not: they hold no text. */
static int embeddings(xt_out *o, px_zip *z, const char *dir)
{
    char prefix[NAME_MAX_LEN];
    size_t *idx = NULL;
    if (join(prefix, sizeof prefix, dir, "embeddings/") != 0)
        return PX_CONTINUE;
    size_t n = xt_parts_matching(z, prefix, "", &idx);
    int r = PX_CONTINUE;
    /* our text so far goes first: a member may interrupt its container's */
    if (n && xt_flush(o) != PX_CONTINUE)
        r = PX_ABORT;
    for (size_t i = 0; i < n && r == PX_CONTINUE; i++) {
        const char *name = px_zip_name(z, idx[i]);
        if (px_zip_encrypted(z, idx[i])) {
            r = px_member_status(o->d, name, PX_ENCRYPTED, "encrypted zip entry");
            continue;
        }
        size_t len = 0;
        uint8_t *data = px_zip_read(z, idx[i], &len);
        if (!data) {
            if (px_zip_aborted(z))
                r = PX_ABORT;
            continue;
        }
        r = px_member_blob(o->d, name, data, len);
        px_zip_free_part(z, data, len);
    }
    free(idx);
    if (r != PX_CONTINUE)
        o->aborted = 1;
    return r;
}

/* ---- docx -------------------------------------------------------------- */

static int docx(xt_out *o, px_zip *z)
{
    char main[NAME_MAX_LEN], dir[NAME_MAX_LEN];
    if (main_part(o, z, "word/document.xml", main, sizeof main) != PX_CONTINUE)
        return PX_ABORT;
    long mi = px_zip_find(z, main);
    if (mi < 0) {
        px_set_status(o->d, PX_ERROR, "%s: main document part missing", main);
        return PX_CONTINUE;
    }
    dir_of(main, dir, sizeof dir);
    if (xt_parse_part(o, z, (size_t)mi, &body_handlers, NULL) != PX_CONTINUE ||
        parse_matching(o, z, dir, "header", ".xml", &body_handlers, NULL) != PX_CONTINUE ||
        parse_matching(o, z, dir, "footer", ".xml", &body_handlers, NULL) != PX_CONTINUE ||
        parse_in_dir(o, z, dir, "footnotes.xml", &body_handlers, NULL) != PX_CONTINUE ||
        parse_in_dir(o, z, dir, "endnotes.xml", &body_handlers, NULL) != PX_CONTINUE ||
        parse_in_dir(o, z, dir, "comments.xml", &body_handlers, NULL) != PX_CONTINUE ||
        parse_matching(o, z, dir, "diagrams/data", ".xml", &body_handlers, NULL) != PX_CONTINUE ||
        embeddings(o, z, dir) != PX_CONTINUE)
        return PX_ABORT;
    return PX_CONTINUE;
}

/* ---- pptx -------------------------------------------------------------- */

static int pptx(xt_out *o, px_zip *z)
{
    char main[NAME_MAX_LEN], dir[NAME_MAX_LEN];
    if (main_part(o, z, "ppt/presentation.xml", main, sizeof main) != PX_CONTINUE)
        return PX_ABORT;
    dir_of(main, dir, sizeof dir);
    if (parse_matching(o, z, dir, "slides/slide", ".xml", &body_handlers, NULL) != PX_CONTINUE ||
        parse_matching(o, z, dir, "notesSlides/notesSlide", ".xml", &body_handlers, NULL) !=
            PX_CONTINUE ||
        parse_matching(o, z, dir, "comments/", ".xml", &body_handlers, NULL) != PX_CONTINUE ||
        parse_matching(o, z, dir, "diagrams/data", ".xml", &body_handlers, NULL) != PX_CONTINUE ||
        embeddings(o, z, dir) != PX_CONTINUE)
        return PX_ABORT;
    return PX_CONTINUE;
}

/* ---- xlsx -------------------------------------------------------------- */

enum { CT_NONE, CT_SHARED, CT_INLINE, CT_VALUE, CT_SKIP };

typedef struct xlsx {
    xt_strtab sst;
    int sst_stream; /* the table went over budget: strings go straight out */
    int cell;       /* CT_* of the open cell */
    unsigned in_is; /* inside an inline string */
    char v[SST_INDEX_MAX + 1];
    size_t vn;
    xt_strtab names; /* workbook: r:id of each sheet, in order */
} xlsx;

/* The shared-string table no longer fits the memory budget: what it holds
 * is emitted now, and the rest of sharedStrings.xml is streamed, so every
 * string is still scanned (cells with t="s" then show nothing). */
static void sst_overflow(xt *x, xlsx *s)
{
    for (size_t i = 0; i < s->sst.n; i++) {
        size_t n;
        const char *p = xt_strtab_get(&s->sst, i, &n);
        if (p)
            xt_put(x->o, p, n);
        xt_break(x->o, PX_BREAK_PARA);
    }
    xt_strtab_free(&s->sst);
    s->sst_stream = 1;
    x->sink = NULL;
}

static void sst_sink(xt *x, const char *p, size_t n)
{
    xlsx *s = x->user;
    if (xt_strtab_add(&s->sst, p, n) != 0) {
        sst_overflow(x, s);
        xt_put(x->o, p, n);
    }
}

static void sst_start(xt *x, int ns, const char *local, const char **atts)
{
    xlsx *s = x->user;
    (void)atts;
    if (ns != XT_NS_S)
        return;
    if (strcmp(local, "si") == 0) {
        if (!s->sst_stream && xt_strtab_begin(&s->sst) != 0)
            sst_overflow(x, s);
        if (!s->sst_stream)
            x->sink = sst_sink;
    } else if (strcmp(local, "t") == 0) {
        x->capture++;
    } else if (strcmp(local, "rPh") == 0 || strcmp(local, "phoneticPr") == 0 ||
               strcmp(local, "rPr") == 0) {
        xt_skip(x); /* phonetic (furigana) runs repeat the text in kana */
    }
}

static void sst_end(xt *x, int ns, const char *local)
{
    xlsx *s = x->user;
    if (ns != XT_NS_S)
        return;
    if (strcmp(local, "t") == 0)
        uncapture(x);
    else if (strcmp(local, "si") == 0) {
        x->sink = NULL;
        if (s->sst_stream)
            xt_break(x->o, PX_BREAK_PARA);
    }
}

static const xt_handlers sst_handlers = {sst_start, sst_end};

static void v_sink(xt *x, const char *p, size_t n)
{
    xlsx *s = x->user;
    if (s->vn >= sizeof s->v)
        return; /* already too long */
    if (n > sizeof s->v - 1 - s->vn) {
        s->vn = sizeof s->v; /* marks the index as too long */
        return;
    }
    memcpy(s->v + s->vn, p, n);
    s->vn += n;
}

static void emit_shared(xt *x, xlsx *s)
{
    if (s->vn >= sizeof s->v)
        return;
    size_t i = 0, k = 0;
    uint64_t idx = 0;
    while (i < s->vn && (s->v[i] == ' ' || s->v[i] == '\t' || s->v[i] == '\n' || s->v[i] == '\r'))
        i++;
    for (; i < s->vn && s->v[i] >= '0' && s->v[i] <= '9'; i++, k++)
        idx = idx * 10 + (uint64_t)(s->v[i] - '0'); /* at most 31 digits: checked below */
    if (k == 0 || k > 10)
        return;
    size_t n;
    const char *p = xt_strtab_get(&s->sst, (size_t)idx, &n);
    if (p)
        xt_put(x->o, p, n);
}

static int is_header_footer(const char *local)
{
    return strcmp(local, "oddHeader") == 0 || strcmp(local, "oddFooter") == 0 ||
           strcmp(local, "evenHeader") == 0 || strcmp(local, "evenFooter") == 0 ||
           strcmp(local, "firstHeader") == 0 || strcmp(local, "firstFooter") == 0;
}

static void sheet_start(xt *x, int ns, const char *local, const char **atts)
{
    xlsx *s = x->user;
    if (ns != XT_NS_S)
        return;
    if (strcmp(local, "c") == 0) {
        const char *t = xt_attr(atts, XT_NS_NONE, "t");
        if (!t || strcmp(t, "n") == 0 || strcmp(t, "str") == 0 || strcmp(t, "d") == 0)
            s->cell = CT_VALUE;
        else if (strcmp(t, "s") == 0)
            s->cell = CT_SHARED;
        else if (strcmp(t, "inlineStr") == 0)
            s->cell = CT_INLINE;
        else
            s->cell = CT_SKIP; /* b (boolean), e (error) */
    } else if (strcmp(local, "v") == 0) {
        if (s->cell == CT_SHARED) {
            s->vn = 0;
            x->sink = v_sink;
            x->capture++;
        } else if (s->cell == CT_VALUE) {
            x->capture++;
        } else {
            xt_skip(x);
        }
    } else if (strcmp(local, "is") == 0) {
        s->in_is++;
    } else if (strcmp(local, "t") == 0) {
        if (s->in_is)
            x->capture++;
    } else if (strcmp(local, "f") == 0 || strcmp(local, "rPh") == 0 ||
               strcmp(local, "rPr") == 0 || strcmp(local, "extLst") == 0) {
        xt_skip(x); /* formulas (their results are in v), phonetic runs */
    } else if (is_header_footer(local)) {
        x->capture++;
    }
}

static void sheet_end(xt *x, int ns, const char *local)
{
    xlsx *s = x->user;
    if (ns != XT_NS_S)
        return;
    if (strcmp(local, "v") == 0) {
        if (x->sink == v_sink) {
            x->sink = NULL;
            emit_shared(x, s);
        }
        uncapture(x);
    } else if (strcmp(local, "t") == 0) {
        if (s->in_is)
            uncapture(x);
    } else if (strcmp(local, "is") == 0) {
        if (s->in_is)
            s->in_is--;
    } else if (strcmp(local, "c") == 0) {
        s->cell = CT_NONE;
        xt_break(x->o, PX_BREAK_CELL);
    } else if (strcmp(local, "row") == 0) {
        xt_break(x->o, PX_BREAK_PARA);
    } else if (is_header_footer(local)) {
        uncapture(x);
        xt_break(x->o, PX_BREAK_PARA);
    }
}

static const xt_handlers sheet_handlers = {sheet_start, sheet_end};

/* Cell comments (xl/commentsN.xml): rich text like a shared string. */
static void xcomment_start(xt *x, int ns, const char *local, const char **atts)
{
    (void)atts;
    if (ns != XT_NS_S)
        return;
    if (strcmp(local, "t") == 0)
        x->capture++;
    else if (strcmp(local, "rPh") == 0 || strcmp(local, "rPr") == 0 ||
             strcmp(local, "authors") == 0)
        xt_skip(x);
}

static void xcomment_end(xt *x, int ns, const char *local)
{
    if (ns != XT_NS_S)
        return;
    if (strcmp(local, "t") == 0)
        uncapture(x);
    else if (strcmp(local, "comment") == 0)
        xt_break(x->o, PX_BREAK_PARA);
}

static const xt_handlers xcomment_handlers = {xcomment_start, xcomment_end};

/* xl/workbook.xml: the r:id of each sheet, in workbook order. */
static void workbook_start(xt *x, int ns, const char *local, const char **atts)
{
    xlsx *s = x->user;
    if (ns != XT_NS_S || strcmp(local, "sheet") != 0)
        return;
    const char *rid = xt_attr(atts, XT_NS_R, "id");
    if (rid && (xt_strtab_begin(&s->names) || xt_strtab_add(&s->names, rid, strlen(rid))))
        xt_fail(x, PX_SKIPPED, "sheet list over the memory budget");
}

static const xt_handlers workbook_handlers = {workbook_start, NULL};

static int xlsx_sheets(xt_out *o, px_zip *z, xlsx *s, const char *wb, const xt_strtab *rels,
                       const char *dir)
{
    int r = xt_parse_named(o, z, wb, &workbook_handlers, s);
    if (r != PX_CONTINUE)
        return r;
    size_t *idx = s->names.n ? malloc(s->names.n * sizeof *idx) : NULL, n = 0;
    for (size_t i = 0; idx && i < s->names.n; i++) {
        size_t kl;
        const char *key = xt_strtab_get(&s->names, i, &kl);
        char target[NAME_MAX_LEN], part[NAME_MAX_LEN];
        if (!key || rels_lookup(rels, 0, key, kl, target, sizeof target) != 0 ||
            xt_resolve(wb, target, part, sizeof part) != 0)
            continue;
        long pi = px_zip_find(z, part);
        if (pi >= 0)
            idx[n++] = (size_t)pi;
    }
    xt_bound_reopens(idx, n);
    for (size_t i = 0; i < n && r == PX_CONTINUE; i++) {
        xt_break(o, PX_BREAK_PART);
        s->cell = CT_NONE;
        s->in_is = 0;
        r = xt_parse_part(o, z, idx[i], &sheet_handlers, s);
    }
    free(idx);
    if (r == PX_CONTINUE && n == 0) /* no usable workbook: worksheets in number order */
        r = parse_matching(o, z, dir, "worksheets/sheet", ".xml", &sheet_handlers, s);
    return r;
}

static int xlsx_doc(xt_out *o, px_zip *z)
{
    char wb[NAME_MAX_LEN], dir[NAME_MAX_LEN], relsname[NAME_MAX_LEN];
    char target[NAME_MAX_LEN], sstname[NAME_MAX_LEN];
    xlsx s;
    xt_strtab rels;
    memset(&s, 0, sizeof s);
    xt_strtab_init(&s.sst, o->d);
    xt_strtab_init(&s.names, o->d);
    xt_strtab_init(&rels, o->d);
    int r = main_part(o, z, "xl/workbook.xml", wb, sizeof wb);
    if (r != PX_CONTINUE)
        goto out;
    dir_of(wb, dir, sizeof dir);
    if (rels_name_of(wb, relsname, sizeof relsname) == 0 &&
        (r = xt_parse_named(o, z, relsname, &rels_handlers, &rels)) != PX_CONTINUE)
        goto out;

    if (rels_lookup(&rels, 2, "sharedStrings", strlen("sharedStrings"), target, sizeof target) !=
            0 ||
        xt_resolve(wb, target, sstname, sizeof sstname) != 0)
        join(sstname, sizeof sstname, dir, "sharedStrings.xml");
    if ((r = xt_parse_named(o, z, sstname, &sst_handlers, &s)) != PX_CONTINUE)
        goto out;
    if ((r = xlsx_sheets(o, z, &s, wb, &rels, dir)) != PX_CONTINUE)
        goto out;
    if ((r = parse_matching(o, z, dir, "comments", ".xml", &xcomment_handlers, NULL)) !=
        PX_CONTINUE)
        goto out;
    if ((r = parse_matching(o, z, dir, "drawings/drawing", ".xml", &body_handlers, NULL)) !=
        PX_CONTINUE)
        goto out;
    r = embeddings(o, z, dir);
out:
    xt_strtab_free(&s.sst);
    xt_strtab_free(&s.names);
    xt_strtab_free(&rels);
    return r;
}

int px_extract_ooxml(px_doc *d, px_zip *z, int kind)
{
    xt_out o;
    int r;
    xt_out_init(&o, d);
    switch (kind) {
    case PX_OOXML_DOCX:
        px_set_format(d, "docx");
        r = docx(&o, z);
        break;
    case PX_OOXML_XLSX:
        px_set_format(d, "xlsx");
        r = xlsx_doc(&o, z);
        break;
    case PX_OOXML_PPTX:
        px_set_format(d, "pptx");
        r = pptx(&o, z);
        break;
    default:
        px_set_status(d, PX_UNSUPPORTED, "unknown OOXML kind");
        return PX_CONTINUE;
    }
    if (r != PX_CONTINUE || xt_flush(&o) != PX_CONTINUE)
        return PX_ABORT;
    return PX_CONTINUE;
}
