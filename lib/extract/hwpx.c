/* hwpx.c -- text of HWPX (OWPML, KS X 6101) documents from Hancom Office.
 *
 * The sections (Contents/section0.xml, ...) hold all the text, headers,
 * footers, footnotes, memos and text boxes included (each inline where its
 * control sits).  Their order comes from the spine of Contents/content.hpf;
 * sections the spine does not name are read after it, in number order, so
 * a stripped or edited package still has all its text scanned.
 *
 * Master pages (Contents/masterpage*.xml) come last.
 *
 * Text is the character data of hp:t, whose children mark tabs, line breaks
 * and special spaces (hp:tab, hp:lineBreak, hp:nbSpace, hp:fwSpace,
 * hp:hyphen) or carry no text (hp:markpenBegin, hp:insertBegin...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "xmltext.h"

#define HPF_PATH "Contents/content.hpf"
#define NAME_MAX_LEN 512

static void sec_start(xt *x, int ns, const char *local, const char **atts)
{
    (void)atts;
    if (x->depth == 1) {
        if (strcmp(local, "sec") == 0) {
            (*(size_t *)x->user)++;
        } else if (strcmp(local, "masterPage") != 0) {
            xt_skip(x); /* a spine item that is not a section (header.xml) */
            return;
        }
    }
    if (ns != XT_NS_HP)
        return;
    if (strcmp(local, "t") == 0)
        x->capture++;
    else if (!x->capture)
        return;
    else if (strcmp(local, "tab") == 0)
        xt_put(x->o, "\t", 1);
    else if (strcmp(local, "lineBreak") == 0)
        xt_put(x->o, "\n", 1);
    else if (strcmp(local, "nbSpace") == 0 || strcmp(local, "fwSpace") == 0)
        xt_put(x->o, " ", 1);
    else if (strcmp(local, "hyphen") == 0)
        xt_put(x->o, "-", 1);
}

static void sec_end(xt *x, int ns, const char *local)
{
    if (ns != XT_NS_HP)
        return;
    if (strcmp(local, "t") == 0) {
        if (x->capture)
            x->capture--;
    } else if (strcmp(local, "p") == 0 || strcmp(local, "tr") == 0 ||
               strcmp(local, "tbl") == 0) {
        xt_break(x->o, PX_BREAK_PARA);
    } else if (strcmp(local, "tc") == 0) {
        xt_break(x->o, PX_BREAK_CELL);
    }
}

static const xt_handlers sec_handlers = {sec_start, sec_end};

/* content.hpf: manifest items (id, href pairs) and the spine's idrefs. */
typedef struct hpf {
    xt_strtab items; /* 2 strings per item: id, href */
    xt_strtab spine; /* idrefs in order */
} hpf;

static void hpf_start(xt *x, int ns, const char *local, const char **atts)
{
    hpf *h = x->user;
    if (ns != XT_NS_OPF)
        return;
    if (strcmp(local, "item") == 0) {
        const char *id = xt_attr(atts, XT_NS_NONE, "id");
        const char *href = xt_attr(atts, XT_NS_NONE, "href");
        if (id && href &&
            (xt_strtab_begin(&h->items) || xt_strtab_add(&h->items, id, strlen(id)) ||
             xt_strtab_begin(&h->items) || xt_strtab_add(&h->items, href, strlen(href))))
            xt_fail(x, PX_SKIPPED, "manifest over the memory budget");
    } else if (strcmp(local, "itemref") == 0) {
        const char *idref = xt_attr(atts, XT_NS_NONE, "idref");
        if (idref && (xt_strtab_begin(&h->spine) ||
                      xt_strtab_add(&h->spine, idref, strlen(idref))))
            xt_fail(x, PX_SKIPPED, "spine over the memory budget");
    }
}

static const xt_handlers hpf_handlers = {hpf_start, NULL};

/* Zip index of the part a spine idref names, or -1. */
static long spine_part(px_zip *z, const hpf *h, size_t k)
{
    size_t rl;
    const char *ref = xt_strtab_get(&h->spine, k, &rl);
    if (!ref)
        return -1;
    for (size_t i = 0; i + 1 < h->items.n; i += 2) {
        size_t il, hl;
        const char *id = xt_strtab_get(&h->items, i, &il);
        const char *href = xt_strtab_get(&h->items, i + 1, &hl);
        if (!id || !href || il != rl || memcmp(id, ref, il) != 0 || hl >= NAME_MAX_LEN)
            continue;
        char name[NAME_MAX_LEN], resolved[NAME_MAX_LEN];
        memcpy(name, href, hl);
        name[hl] = '\0';
        /* Hancom writes hrefs from the package root ("Contents/section0.xml");
         * OPF says relative to the .hpf: accept both. */
        long zi = -1;
        if (xt_resolve("", name, resolved, sizeof resolved) == 0)
            zi = px_zip_find(z, resolved);
        if (zi < 0 && xt_resolve(HPF_PATH, name, resolved, sizeof resolved) == 0)
            zi = px_zip_find(z, resolved);
        return zi;
    }
    return -1;
}

/* The parts named prefix*.xml not read yet, in name order. */
static int read_unread(xt_out *o, px_zip *z, const char *prefix, unsigned char *done,
                       size_t *sections)
{
    size_t *idx = NULL;
    size_t n = xt_parts_matching(z, prefix, ".xml", &idx);
    int r = PX_CONTINUE;
    for (size_t i = 0; i < n && r == PX_CONTINUE; i++) {
        if (done[idx[i]])
            continue;
        done[idx[i]] = 1;
        xt_break(o, PX_BREAK_PART);
        r = xt_parse_part(o, z, idx[i], &sec_handlers, sections);
    }
    free(idx);
    return r;
}

static int read_sections(xt_out *o, px_zip *z, unsigned char *done, size_t *sections)
{
    hpf h;
    xt_strtab_init(&h.items, o->d);
    xt_strtab_init(&h.spine, o->d);
    int r = xt_parse_named(o, z, HPF_PATH, &hpf_handlers, &h);
    size_t *idx = h.spine.n ? malloc(h.spine.n * sizeof *idx) : NULL, n = 0;
    for (size_t k = 0; idx && r == PX_CONTINUE && k < h.spine.n; k++) {
        long zi = spine_part(z, &h, k);
        if (zi < 0 || done[zi] || !xt_ends_with(px_zip_name(z, (size_t)zi), ".xml"))
            continue;
        done[zi] = 1;
        idx[n++] = (size_t)zi;
    }
    xt_strtab_free(&h.items);
    xt_strtab_free(&h.spine);
    xt_bound_reopens(idx, n);
    for (size_t i = 0; i < n && r == PX_CONTINUE; i++) {
        xt_break(o, PX_BREAK_PART);
        r = xt_parse_part(o, z, idx[i], &sec_handlers, sections);
    }
    free(idx);
    if (r != PX_CONTINUE)
        return r;

    r = read_unread(o, z, "Contents/section", done, sections);
    /* master pages: text printed on every page (background text, forms) */
    if (r == PX_CONTINUE)
        r = read_unread(o, z, "Contents/masterpage", done, sections);
    return r;
}

int px_extract_hwpx(px_doc *d, px_zip *z)
{
    xt_out o;
    xt_out_init(&o, d);
    px_set_format(d, "hwpx");
    int enc = xt_manifest_encrypted(&o, z);
    if (enc < 0)
        return PX_ABORT;
    if (enc) {
        px_set_status(d, PX_ENCRYPTED, "HWPX package encrypted with a password");
        return PX_CONTINUE;
    }
    size_t count = px_zip_count(z);
    unsigned char *done = calloc(count ? count : 1, 1);
    if (!done) {
        px_set_status(d, PX_ERROR, "out of memory");
        return PX_CONTINUE;
    }
    size_t sections = 0;
    int r = read_sections(&o, z, done, &sections);
    free(done);
    if (r != PX_CONTINUE)
        return PX_ABORT;
    if (!sections)
        px_set_status(d, PX_ERROR, "no section part (Contents/section*.xml)");
    return xt_flush(&o);
}
