/* odf.c -- text of OpenDocument packages: odt, ods, odp (and their
 * templates; odg is read the same way).
 *
 * content.xml first (the body, with notes, annotations, tracked changes,
 * text boxes and speaker notes inline), then styles.xml (headers and
 * footers live in its master pages).  Text is the character data of
 * text:p / text:h and everything inside them; text:s, text:tab and
 * text:line-break become spaces, a tab and a newline.
 *
 * Repeated cells and rows (table:number-columns-repeated="16384") are
 * never expanded: a repeated cell's text is read once.  Numeric cells
 * (float, percentage, currency) give office:value, the number as stored,
 * instead of its formatted display ("9.00101E+12"), as xlsx cells do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "xmltext.h"

/* text:s c="N": at most this many spaces (a hostile N cannot inflate the
 * text, and more spaces separate nothing better). */
#define ODF_MAX_SPACES 64

typedef struct odf {
    unsigned num_cell; /* depth of the open numeric cell, 0 if none */
} odf;

static int is_numeric_type(const char *t)
{
    return t && (strcmp(t, "float") == 0 || strcmp(t, "percentage") == 0 ||
                 strcmp(t, "currency") == 0);
}

static void odf_start(xt *x, int ns, const char *local, const char **atts)
{
    odf *s = x->user;
    switch (ns) {
    case XT_NS_TEXT:
        if (strcmp(local, "p") == 0 || strcmp(local, "h") == 0) {
            if (s->num_cell && x->depth == s->num_cell + 1)
                xt_skip(x); /* the display of a number given as office:value */
            else
                x->capture++;
        } else if (strcmp(local, "note-citation") == 0) {
            xt_skip(x); /* the note's generated number: it would join digits */
        } else if (strcmp(local, "note") == 0) {
            xt_break(x->o, PX_BREAK_CELL);
        } else if (!x->capture) {
            /* the elements below only mean something inside a paragraph */
        } else if (strcmp(local, "tab") == 0) {
            xt_put(x->o, "\t", 1);
        } else if (strcmp(local, "line-break") == 0) {
            xt_put(x->o, "\n", 1);
        } else if (strcmp(local, "s") == 0) {
            static const char spaces[ODF_MAX_SPACES + 1] =
                "                                                                ";
            const char *c = xt_attr(atts, XT_NS_TEXT, "c");
            long n = c ? strtol(c, NULL, 10) : 1;
            if (n < 1)
                n = 1;
            if (n > ODF_MAX_SPACES)
                n = ODF_MAX_SPACES;
            xt_put(x->o, spaces, (size_t)n);
        }
        break;
    case XT_NS_TABLE:
        if (strcmp(local, "table-cell") == 0) {
            const char *t = xt_attr(atts, XT_NS_OFFICE, "value-type");
            const char *v = xt_attr(atts, XT_NS_OFFICE, "value");
            if (is_numeric_type(t) && v) {
                xt_puts(x->o, v);
                s->num_cell = x->depth;
            }
        }
        break;
    case XT_NS_OFFICE:
        /* a comment anchored in a paragraph is not part of its words */
        if (strcmp(local, "annotation") == 0)
            xt_break(x->o, PX_BREAK_CELL);
        break;
    case XT_NS_DC:
        xt_skip(x); /* author and date of annotations and tracked changes */
        break;
    default:
        break;
    }
}

static void odf_end(xt *x, int ns, const char *local)
{
    odf *s = x->user;
    switch (ns) {
    case XT_NS_TEXT:
        if (strcmp(local, "p") == 0 || strcmp(local, "h") == 0) {
            if (x->capture)
                x->capture--;
            xt_break(x->o, PX_BREAK_PARA);
        } else if (strcmp(local, "note") == 0) {
            xt_break(x->o, PX_BREAK_CELL);
        }
        break;
    case XT_NS_TABLE:
        if (strcmp(local, "table-cell") == 0 || strcmp(local, "covered-table-cell") == 0) {
            if (s->num_cell == x->depth)
                s->num_cell = 0;
            xt_break(x->o, PX_BREAK_CELL);
        } else if (strcmp(local, "table-row") == 0 || strcmp(local, "table") == 0) {
            xt_break(x->o, PX_BREAK_PARA);
        }
        break;
    case XT_NS_OFFICE:
        if (strcmp(local, "annotation") == 0)
            xt_break(x->o, PX_BREAK_CELL);
        break;
    default:
        break;
    }
}

static const xt_handlers odf_handlers = {odf_start, odf_end};

/* The format name from the "mimetype" part. */
static void odf_format(px_doc *d, px_zip *z)
{
    static const struct {
        const char *mime;
        const char *name;
    } kinds[] = {
        {"application/vnd.oasis.opendocument.text", "odt"},
        {"application/vnd.oasis.opendocument.spreadsheet", "ods"},
        {"application/vnd.oasis.opendocument.presentation", "odp"},
        {"application/vnd.oasis.opendocument.graphics", "odg"},
    };
    const char *name = "odt";
    long i = px_zip_find(z, "mimetype");
    if (i >= 0 && !px_zip_encrypted(z, (size_t)i)) {
        size_t len = 0;
        uint8_t *p = px_zip_read(z, (size_t)i, &len);
        if (p) {
            for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
                size_t ml = strlen(kinds[k].mime);
                /* "...text" also covers "...text-template", "...text-master" */
                if (len >= ml && memcmp(p, kinds[k].mime, ml) == 0) {
                    name = kinds[k].name;
                    break;
                }
            }
            px_zip_free_part(z, p, len);
        }
    }
    px_set_format(d, name);
}

int px_extract_odf(px_doc *d, px_zip *z)
{
    xt_out o;
    odf s;
    xt_out_init(&o, d);
    memset(&s, 0, sizeof s);
    odf_format(d, z);
    if (px_zip_aborted(z))
        return PX_ABORT;
    int enc = xt_manifest_encrypted(&o, z);
    if (enc < 0)
        return PX_ABORT;
    if (enc) {
        px_set_status(d, PX_ENCRYPTED, "ODF package encrypted with a password");
        return PX_CONTINUE;
    }
    if (px_zip_find(z, "content.xml") < 0)
        px_set_status(d, PX_ERROR, "content.xml missing");
    if (xt_parse_named(&o, z, "content.xml", &odf_handlers, &s) != PX_CONTINUE)
        return PX_ABORT;
    xt_break(&o, PX_BREAK_PART);
    memset(&s, 0, sizeof s);
    if (xt_parse_named(&o, z, "styles.xml", &odf_handlers, &s) != PX_CONTINUE)
        return PX_ABORT;
    return xt_flush(&o);
}
