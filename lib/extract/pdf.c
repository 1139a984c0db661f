/* pdf.c -- PDF through poppler-glib.
 *
 * What is read: the text of every page in page order (poppler's text
 * output device: ToUnicode CMaps of CID fonts, object streams, xref
 * streams, and the standard security handler with an empty user password,
 * RC4 or AES, are all poppler's), a PX_BREAK_PART between pages so that a
 * value ending one page never runs into the next; then the contents of
 * comment annotations (sticky notes, highlights...), which are not drawn on
 * the page; then the document information (title, author, subject,
 * keywords).  The files of file attachment annotations are handed to the
 * driver as members under their names; the document's EmbeddedFiles are
 * reported as not read (see embedded_files()).
 *
 * A PDF that needs a user password is PX_ENCRYPTED.  Limits are checked
 * between pages: each page's text is accounted with px_account(), and an
 * abort stops before the next page.
 *
 * Poppler's own diagnostics ("Syntax Error...") are not printed:
 * poppler-glib installs an error callback in poppler's core that passes
 * them to g_log() at G_LOG_LEVEL_INFO in the "Poppler" domain, which the
 * default GLib handler prints (to stdout) only when G_MESSAGES_DEBUG names
 * that domain.  See docs/extract-pdf-mime.md.
 *
 * Poppler is loaded on the first PDF (dlopen), not linked: it brings 41
 * shared libraries (GLib, cairo, fontconfig, ICU...) that every start of
 * the process would otherwise map and relocate, about 5 ms of a pre-commit
 * hook's or a file's scan that has no PDF in it.  Where it cannot be loaded
 * a PDF is PX_UNSUPPORTED with the loader's reason.
 *
 * Built without poppler (-DPIISCAN_PDF=OFF) a PDF is PX_UNSUPPORTED. */
#include "extract.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(PIISCAN_WITH_PDF) && PIISCAN_WITH_PDF

#include <dlfcn.h>
#include <poppler.h>
#include <pthread.h>

/* ---- loading poppler-glib ---------------------------------------------------- */

/* Every poppler-glib and GLib function this file calls.  The headers still
 * declare them: each pointer gets its function's own type. */
#define PDF_API(X)                                                                               \
    X(poppler_error_quark) X(poppler_document_new_from_bytes) X(poppler_document_get_n_pages)   \
    X(poppler_document_get_page) X(poppler_document_get_title) X(poppler_document_get_author)   \
    X(poppler_document_get_subject) X(poppler_document_get_keywords)                             \
    X(poppler_document_get_n_attachments) X(poppler_page_get_text)                               \
    X(poppler_page_get_annot_mapping) X(poppler_page_free_annot_mapping)                         \
    X(poppler_annot_get_annot_type) X(poppler_annot_get_contents)                                \
    X(poppler_annot_file_attachment_get_type) X(poppler_annot_file_attachment_get_attachment)    \
    X(poppler_attachment_get_name) X(poppler_attachment_get_size)                                \
    X(poppler_attachment_save_to_callback) X(g_type_check_instance_is_a) X(g_free)               \
    X(g_object_unref) X(g_error_free) X(g_bytes_new_static) X(g_bytes_unref)

static struct {
#define PDF_FIELD(f) __typeof__(f) *f;
    PDF_API(PDF_FIELD)
#undef PDF_FIELD
} pdf_api;

static pthread_once_t pdf_once = PTHREAD_ONCE_INIT;
static int pdf_loaded;
static char pdf_load_error[160];

static void pdf_load(void)
{
    /* RTLD_LOCAL: its symbols serve these pointers only.  Never closed:
     * GLib's type system cannot be unloaded. */
    void *h = dlopen(PII_POPPLER_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(pdf_load_error, sizeof pdf_load_error, "PDF support not available: %s",
                 e ? e : PII_POPPLER_SONAME " cannot be loaded");
        return;
    }
    /* dlsym() returns data pointers; POSIX guarantees they convert to
     * function pointers, which the memcpy says without a cast warning. */
#define PDF_SYM(f)                                                                               \
    {                                                                                            \
        void *sym = dlsym(h, #f);                                                                \
        if (!sym) {                                                                              \
            snprintf(pdf_load_error, sizeof pdf_load_error,                                      \
                     "PDF support not available: %s has no %s", PII_POPPLER_SONAME, #f);         \
            return;                                                                              \
        }                                                                                        \
        memcpy(&pdf_api.f, &sym, sizeof sym);                                                    \
    }
    PDF_API(PDF_SYM)
#undef PDF_SYM
    pdf_loaded = 1;
}

/* From here on a call to one of them goes through its pointer. */
#define PDF_CALL(f) (*pdf_api.f)
#define poppler_error_quark PDF_CALL(poppler_error_quark)
#define poppler_document_new_from_bytes PDF_CALL(poppler_document_new_from_bytes)
#define poppler_document_get_n_pages PDF_CALL(poppler_document_get_n_pages)
#define poppler_document_get_page PDF_CALL(poppler_document_get_page)
#define poppler_document_get_title PDF_CALL(poppler_document_get_title)
#define poppler_document_get_author PDF_CALL(poppler_document_get_author)
#define poppler_document_get_subject PDF_CALL(poppler_document_get_subject)
#define poppler_document_get_keywords PDF_CALL(poppler_document_get_keywords)
#define poppler_document_get_n_attachments PDF_CALL(poppler_document_get_n_attachments)
#define poppler_page_get_text PDF_CALL(poppler_page_get_text)
#define poppler_page_get_annot_mapping PDF_CALL(poppler_page_get_annot_mapping)
#define poppler_page_free_annot_mapping PDF_CALL(poppler_page_free_annot_mapping)
#define poppler_annot_get_annot_type PDF_CALL(poppler_annot_get_annot_type)
#define poppler_annot_get_contents PDF_CALL(poppler_annot_get_contents)
#define poppler_annot_file_attachment_get_type PDF_CALL(poppler_annot_file_attachment_get_type)
#define poppler_annot_file_attachment_get_attachment PDF_CALL(poppler_annot_file_attachment_get_attachment)
#define poppler_attachment_get_name PDF_CALL(poppler_attachment_get_name)
#define poppler_attachment_get_size PDF_CALL(poppler_attachment_get_size)
#define poppler_attachment_save_to_callback PDF_CALL(poppler_attachment_save_to_callback)
#define g_type_check_instance_is_a PDF_CALL(g_type_check_instance_is_a)
#define g_free PDF_CALL(g_free)
#define g_object_unref PDF_CALL(g_object_unref)
#define g_error_free PDF_CALL(g_error_free)
#define g_bytes_new_static PDF_CALL(g_bytes_new_static)
#define g_bytes_unref PDF_CALL(g_bytes_unref)

/* ---- extraction ----------------------------------------------------------------- */

/* Reasons for documents poppler cannot open.  Poppler's GError messages are
 * fixed strings today, but a reason must never carry document content, so
 * only these words are used. */
static const char *open_reason(const GError *err)
{
    if (!err || err->domain != POPPLER_ERROR)
        return "PDF could not be opened";
    switch (err->code) {
    case POPPLER_ERROR_INVALID:
        return "PDF is invalid";
    case POPPLER_ERROR_OPEN_FILE:
        return "PDF could not be opened";
    case POPPLER_ERROR_BAD_CATALOG:
        return "PDF document catalog is damaged";
    case POPPLER_ERROR_DAMAGED:
        return "PDF document is damaged";
    default:
        return "PDF could not be opened";
    }
}

static int text_and_account(px_doc *d, const char *s)
{
    if (!s || !*s)
        return PX_CONTINUE;
    size_t n = strlen(s);
    if (px_account(d, n, 0) == PX_ABORT)
        return PX_ABORT;
    return px_text(d, s, n);
}

/* An embedded file, collected through poppler's save callback into a
 * buffer inside the job's memory budget. */
typedef struct blob {
    px_doc *d;
    uint8_t *p;
    size_t n, cap;
    size_t hint; /* first capacity: the declared size, within bounds */
    int failed;
} blob;

static gboolean blob_save(const gchar *buf, gsize count, gpointer data, GError **error)
{
    blob *b = data;
    (void)error;
    if (b->failed)
        return FALSE;
    if (count > b->cap - b->n) {
        size_t c = b->cap ? b->cap : b->hint;
        while (c - b->n < count) {
            if (c > SIZE_MAX / 2) {
                b->failed = 1;
                return FALSE;
            }
            c *= 2;
        }
        uint8_t *q = px_buffer_alloc(b->d, c);
        if (!q) {
            b->failed = 1;
            return FALSE;
        }
        if (b->n)
            memcpy(q, b->p, b->n);
        if (b->p)
            px_buffer_free(b->d, b->p, b->cap);
        b->p = q;
        b->cap = c;
    }
    memcpy(b->p + b->n, buf, count);
    b->n += count;
    return TRUE;
}

/* Hands one embedded file to the driver as a member named after it. */
static int save_member(px_doc *d, PopplerAttachment *att, const char *prefix, unsigned k)
{
    char name[256];
#if POPPLER_CHECK_VERSION(20, 9, 0)
    const char *an = poppler_attachment_get_name(att);
#else
    const char *an = att->name;
#endif
    /* the member path separator and control characters stay out of names */
    size_t o = 0;
    for (const char *s = an ? an : ""; *s && o + 1 < sizeof name; s++)
        name[o++] = (unsigned char)*s < 0x20 || *s == '!' ? '_' : *s;
    name[o] = '\0';
    if (!o)
        snprintf(name, sizeof name, "%s-%u", prefix, k);
    /* The declared size is only a hint (it can lie): the buffer grows when
     * more comes, and never starts larger than 64 MiB. */
#if POPPLER_CHECK_VERSION(20, 9, 0)
    gsize declared = poppler_attachment_get_size(att);
#else
    gsize declared = att->size;
#endif
    blob b = {d, NULL, 0, 0, 4096, 0};
    if (declared > b.hint)
        b.hint = declared < ((gsize)64 << 20) ? (size_t)declared : (size_t)64 << 20;
    GError *err = NULL;
    gboolean ok = poppler_attachment_save_to_callback(att, blob_save, &b, &err);
    if (err)
        g_error_free(err);
    int r;
    if (ok && !b.failed) {
        r = px_account(d, b.n, 0);
        if (r == PX_CONTINUE)
            r = px_member_blob(d, name, b.p ? (const void *)b.p : "", b.n);
    } else if (b.failed) {
        r = px_member_status(d, name, PX_SKIPPED, "PDF embedded file exceeds the memory budget");
    } else {
        r = px_member_status(d, name, PX_ERROR, "PDF embedded file could not be read");
    }
    if (b.p)
        px_buffer_free(d, b.p, b.cap);
    return r;
}

/* Comment annotations: their Contents are shown in a pop-up, not drawn on
 * the page, so the page text does not have them.  Widgets (form fields),
 * free text and stamps are drawn (their text is on the page already); links
 * and pop-ups have nothing of their own. */
static int page_annotations(px_doc *d, PopplerPage *page, unsigned *nfiles)
{
    GList *map = poppler_page_get_annot_mapping(page);
    int r = PX_CONTINUE;
    for (GList *l = map; l && r == PX_CONTINUE; l = l->next) {
        PopplerAnnotMapping *am = l->data;
        if (!am || !am->annot)
            continue;
        switch (poppler_annot_get_annot_type(am->annot)) {
        case POPPLER_ANNOT_WIDGET:
        case POPPLER_ANNOT_LINK:
        case POPPLER_ANNOT_POPUP:
        case POPPLER_ANNOT_FREE_TEXT:
        case POPPLER_ANNOT_STAMP:
            continue;
        default:
            break;
        }
        gchar *c = poppler_annot_get_contents(am->annot);
        if (c && *c) {
            r = px_break(d, PX_BREAK_PARA);
            if (r == PX_CONTINUE)
                r = text_and_account(d, c);
        }
        g_free(c);
        /* a file attachment annotation holds a file that is not in the
         * document's EmbeddedFiles tree */
        if (r == PX_CONTINUE &&
            g_type_check_instance_is_a((GTypeInstance *)am->annot, poppler_annot_file_attachment_get_type())) {
            /* (GLib's checked cast macros would call into GLib unloaded) */
            PopplerAttachment *att =
                poppler_annot_file_attachment_get_attachment((PopplerAnnotFileAttachment *)am->annot);
            if (att) {
                r = save_member(d, att, "annotation-file", ++*nfiles);
                g_object_unref(att);
            }
        }
    }
    poppler_page_free_annot_mapping(map);
    return r;
}

static int doc_info(px_doc *d, PopplerDocument *doc)
{
    gchar *(*const get[])(PopplerDocument *) = {poppler_document_get_title,
                                                poppler_document_get_author,
                                                poppler_document_get_subject,
                                                poppler_document_get_keywords};
    int r = PX_CONTINUE, first = 1;
    for (size_t i = 0; i < sizeof get / sizeof *get && r == PX_CONTINUE; i++) {
        gchar *s = get[i](doc);
        if (s && *s) {
            r = first ? px_part(d, "document information") : px_break(d, PX_BREAK_PARA);
            first = 0;
            if (r == PX_CONTINUE)
                r = text_and_account(d, s);
        }
        g_free(s);
    }
    return r;
}

/* The document's embedded files (the EmbeddedFiles name tree) are not
 * read, only reported: poppler_document_get_attachments() (poppler-glib up
 * to at least 22.12) dereferences FileSpec::getEmbeddedFile() without
 * checking it, and that is NULL when a name-tree value is a reference to a
 * string file specification, which is valid PDF: the process dies (SEGV).
 * The files of file attachment annotations go through
 * poppler_annot_file_attachment_get_attachment(), which checks. */
static int embedded_files(px_doc *d, PopplerDocument *doc)
{
    guint n = poppler_document_get_n_attachments(doc);
    if (n == 0)
        return PX_CONTINUE;
    return px_member_status(d, "embedded-files", PX_UNSUPPORTED,
                            "PDF embedded files are not read (poppler-glib can crash listing them)");
}

int px_extract_pdf(px_doc *d, const uint8_t *data, size_t len)
{
    pthread_once(&pdf_once, pdf_load);
    if (!pdf_loaded) {
        px_set_status(d, PX_UNSUPPORTED, "%s", pdf_load_error);
        return PX_CONTINUE;
    }
    /* The bytes stay ours: GBytes only borrows them for the document's
     * life, which ends in this function. */
    GBytes *bytes = g_bytes_new_static(data, len);
    GError *err = NULL;
    /* No password: poppler then tries the empty user password, which opens
     * documents that only have an owner password (print/copy restrictions;
     * poppler does not enforce those permissions on text extraction).
     * The password must be NULL, not "": poppler-glib 22.x retries a
     * failed non-NULL password on a copy of the stream that it
     * dynamic_casts to BytesStream, gets NULL, and crashes (SEGV in
     * PDFDoc::PDFDoc on any PDF that needs a user password). */
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
    if (!doc) {
        if (err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED)
            px_set_status(d, PX_ENCRYPTED, "PDF needs a user password");
        else
            px_set_status(d, PX_ERROR, "%s", open_reason(err));
        if (err)
            g_error_free(err);
        g_bytes_unref(bytes);
        return PX_CONTINUE;
    }
    int r = PX_CONTINUE;
    unsigned nfiles = 0;
    int n = poppler_document_get_n_pages(doc);
    for (int i = 0; i < n && r == PX_CONTINUE; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page) {
            px_set_status(d, PX_ERROR, "PDF page %d could not be read", i + 1);
            continue;
        }
        char pname[32];
        snprintf(pname, sizeof pname, "page %d", i + 1);
        r = px_part(d, pname); /* a part break; its own header in --extract-text */
        char *text = r == PX_CONTINUE ? poppler_page_get_text(page) : NULL;
        if (text) {
            r = text_and_account(d, text);
            g_free(text);
        }
        if (r == PX_CONTINUE)
            r = page_annotations(d, page, &nfiles);
        g_object_unref(page);
    }
    if (r == PX_CONTINUE)
        r = doc_info(d, doc);
    if (r == PX_CONTINUE)
        r = embedded_files(d, doc);
    g_object_unref(doc);
    g_bytes_unref(bytes);
    return r;
}

#else /* built without poppler */

int px_extract_pdf(px_doc *d, const uint8_t *data, size_t len)
{
    (void)data;
    (void)len;
    px_set_status(d, PX_UNSUPPORTED, "built without PDF support");
    return PX_CONTINUE;
}

#endif
