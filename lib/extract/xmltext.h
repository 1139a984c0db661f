/* xmltext.h -- shared machinery of the zip+XML document extractors (ooxml.c,
 * odf.c, hwpx.c): one expat parser per part, element names split into a
 * namespace class and a local name, a text sink that batches character data
 * and places paragraph/cell/part breaks only between pieces of text, subtree
 * skipping, compact string tables, and helpers to pick parts out of the zip.
 *
 * Nothing here recurses on document structure: nesting is a counter, and
 * expat's own tag stack is bounded by XT_MAX_DEPTH. */
#ifndef PII_EXTRACT_XMLTEXT_H
#define PII_EXTRACT_XMLTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "extract.h"

/* Deepest element nesting accepted.  Real documents stay under ~40 levels
 * (a table in a text box in a table...); each open element costs expat a
 * tag record, so a file of 10^7 "<a>" must not open 10^7 of them. */
#define XT_MAX_DEPTH 1000

/* Namespace classes: the URIs the extractors care about (both transitional
 * and strict OOXML URIs map to the same class). */
enum {
    XT_NS_NONE = 0, /* no namespace */
    XT_NS_OTHER,    /* a namespace no extractor looks at */
    XT_NS_W,        /* WordprocessingML */
    XT_NS_S,        /* SpreadsheetML */
    XT_NS_A,        /* DrawingML main */
    XT_NS_P,        /* PresentationML */
    XT_NS_M,        /* Office math */
    XT_NS_MC,       /* markup compatibility (AlternateContent) */
    XT_NS_R,        /* officeDocument relationships (r:id attributes) */
    XT_NS_PR,       /* package relationships (.rels parts) */
    XT_NS_DGM,      /* DrawingML diagram data */
    XT_NS_TEXT,     /* ODF text: */
    XT_NS_TABLE,    /* ODF table: */
    XT_NS_OFFICE,   /* ODF office: */
    XT_NS_DC,       /* Dublin Core (ODF annotation author/date) */
    XT_NS_MANIFEST, /* ODF/OCF manifest (also used by HWPX) */
    XT_NS_HP,       /* OWPML paragraph (hp:, hp10:) */
    XT_NS_OPF       /* OPF package (HWPX content.hpf) */
};

/* Text output shared by all the parts of one document. */
#define XT_OUT_BUF 4096
typedef struct xt_out {
    px_doc *d;
    int aborted; /* a px_* call returned PX_ABORT: stop everything */
    int pending; /* strongest break asked for since the last text (0: none) */
    int dirty;   /* text was emitted since the last break */
    int part_pending;  /* a new part began: px_part() before the next text */
    char part[256];    /* its name */
    size_t n;
    char buf[XT_OUT_BUF];
} xt_out;

void xt_out_init(xt_out *o, px_doc *d);
/* Appends text (whole UTF-8 characters). */
void xt_put(xt_out *o, const char *s, size_t n);
void xt_puts(xt_out *o, const char *s);
/* Asks for a break before the next text; nothing if no text came since
 * the last one, so breaks never lead, trail or repeat. */
void xt_break(xt_out *o, int kind);
/* Hands buffered text to the driver.  Returns PX_CONTINUE or PX_ABORT. */
int xt_flush(xt_out *o);

/* One part being parsed. */
typedef struct xt xt;
typedef void (*xt_start_fn)(xt *x, int ns, const char *local, const char **atts);
typedef void (*xt_end_fn)(xt *x, int ns, const char *local);
typedef void (*xt_chars_fn)(xt *x, const char *s, size_t n);

typedef struct xt_handlers {
    xt_start_fn start;
    xt_end_fn end;
} xt_handlers;

struct xt {
    xt_out *o;
    void *parser;        /* XML_Parser */
    const char *part;    /* zip name, for reasons */
    const xt_handlers *h;
    void *user;          /* the format's state */
    unsigned depth;      /* depth of the current element (root = 1) */
    unsigned skip_at;    /* depth of the subtree being skipped, 0 if none */
    unsigned capture;    /* > 0: character data is text */
    xt_chars_fn sink;    /* when set, captured character data goes here */
    int failed;          /* the part set an error status itself */
};

/* Skips the subtree of the element whose start handler is running: no
 * handlers and no text until its end (its end handler is not called). */
void xt_skip(xt *x);
/* Stops this part with status `status` and a reason (no content). */
void xt_fail(xt *x, int status, const char *what);
/* Value of attribute (ns, local) in expat's attribute array, or NULL. */
const char *xt_attr(const char **atts, int ns, const char *local);

/* Parses zip part `idx` with handlers h.  Encrypted entries set the
 * document ENCRYPTED; malformed XML sets it ERROR ("part: XML error at
 * line N: what"); text emitted before the error stays.  Returns PX_ABORT
 * only when the whole extraction must stop. */
int xt_parse_part(xt_out *o, px_zip *z, size_t idx, const xt_handlers *h, void *user);
/* The same for a part by name; a missing part is not an error. */
int xt_parse_named(xt_out *o, px_zip *z, const char *name, const xt_handlers *h, void *user);

/* ---- compact string table: one char buffer plus offsets ---------------- */
/* Memory from px_buffer_alloc (the job's budget).  A failed growth sets
 * `full` (the driver has already marked the document SKIPPED). */
typedef struct xt_strtab {
    px_doc *d;
    char *buf;
    size_t len, cap;
    uint32_t *off; /* off[i] = start of string i; off[n] = len while open */
    size_t n, ncap;
    int full;
} xt_strtab;

void xt_strtab_init(xt_strtab *t, px_doc *d);
/* Starts a new string (closes the previous one). 0 on success, -1 if full. */
int xt_strtab_begin(xt_strtab *t);
/* Appends to the current string. 0 on success, -1 if full. */
int xt_strtab_add(xt_strtab *t, const char *s, size_t n);
/* String i (not NUL-terminated), NULL if out of range. */
const char *xt_strtab_get(const xt_strtab *t, size_t i, size_t *len);
void xt_strtab_free(xt_strtab *t);

/* ---- choosing parts ---------------------------------------------------- */
/* Indices of the zip parts named prefix + MIDDLE + suffix (MIDDLE not
 * empty, without '/'), sorted by the number in MIDDLE (slide2 before
 * slide10), then by name, unless xt_bound_reopens puts them in storage
 * order.  Returns the count; *out is malloc'd (free it), NULL if none. */
size_t xt_parts_matching(px_zip *z, const char *prefix, const char *suffix, size_t **out);
/* Reading order of a list of zip indices.  px_zip_read streams the zip:
 * each read of a part stored *before* the previous one reopens it and
 * skips to the part, so a list with many backward steps costs O(parts^2)
 * (3000 slides stored in reverse: 30 s instead of 0.2 s).  When the list
 * needs more than XT_MAX_BACKWARD backward steps it is put in storage order
 * (every part is still read; only the order of their text changes). */
#define XT_MAX_BACKWARD 32
void xt_bound_reopens(size_t *idx, size_t n);
/* Joins a relationship or manifest target to the directory of `base`
 * ("xl/workbook.xml" + "worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml";
 * a target starting with '/' is from the package root), resolving "." and
 * "..".  Returns 0, or -1 if it does not fit in cap. */
int xt_resolve(const char *base, const char *target, char *out, size_t cap);
/* 1 if `name` ends with `suffix`. */
int xt_ends_with(const char *name, const char *suffix);

/* Checks an ODF-style manifest (META-INF/manifest.xml, also in HWPX) for
 * manifest:encryption-data.  1 if the package is encrypted, 0 if not,
 * -1 on abort. */
int xt_manifest_encrypted(xt_out *o, px_zip *z);

#endif
