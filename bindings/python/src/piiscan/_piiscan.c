/*
 * _piiscan.c -- the CPython extension behind the `piiscan` package.
 *
 * Thin by design: every policy (option names, defaults, generators, module
 * helpers) lives in __init__.py; this file owns what must be C:
 *   - calling libpiiscan with the GIL released.  Callbacks run without the
 *     GIL, so they only copy each finding / file report into C memory (a
 *     `collector`); Python objects are made after the GIL is taken back.
 *   - a per-engine pool of scratches, so one Engine serves any number of
 *     threads (a thread takes a scratch for the length of one call);
 *   - Finding and FileStatus, small immutable types whose repr and str show
 *     the masked rendition only;
 *   - keyed fingerprints (fingerprint_key=): computed by piiscan_fingerprint()
 *     in the finding callback, while the raw value is at hand; the raw value
 *     is copied out only when the engine exposes it;
 *   - the walker, run on its own thread and handed over through a bounded
 *     queue so Python can iterate a tree of any size lazily.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <piiscan.h>

#define NO_STR ((size_t)-1)
#define POOL_MAX 64

static int as_int(PyObject *o)
{
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v < INT32_MIN || v > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "value out of range");
        return -1;
    }
    return (int)v;
}

/* ---- errors ------------------------------------------------------------ */

static PyObject *make_error_fn; /* piiscan._errors._make */

/* Raises the piiscan.Error subclass for `status`.  `extra` (may be NULL) is a
 * dict of attributes (errno, filename, source, line, type). */
static PyObject *raise_status(int status, const char *message, PyObject *extra)
{
    if (!make_error_fn) {
        PyObject *mod = PyImport_ImportModule("piiscan._errors");
        if (!mod)
            return NULL;
        make_error_fn = PyObject_GetAttrString(mod, "_make");
        Py_DECREF(mod);
        if (!make_error_fn)
            return NULL;
    }
    if (!message)
        message = piiscan_strerror((piiscan_status)status);
    PyObject *args = Py_BuildValue("(is)", status, message);
    if (!args)
        return NULL;
    PyObject *exc = PyObject_Call(make_error_fn, args, extra);
    Py_DECREF(args);
    if (!exc)
        return NULL;
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

static PyObject *raise_io(int status, int err, PyObject *filename)
{
    PyObject *extra = Py_BuildValue("{s:i,s:O}", "errno", err, "filename",
                                    filename ? filename : Py_None);
    if (!extra)
        return NULL;
    char msg[1200];
    const char *what = err ? strerror(err) : "could not be read";
    PyObject *fb = NULL;
    if (filename && filename != Py_None && PyUnicode_FSConverter(filename, &fb))
        snprintf(msg, sizeof msg, "%.1000s: %s", PyBytes_AS_STRING(fb), what);
    else {
        PyErr_Clear();
        snprintf(msg, sizeof msg, "%s: %s", piiscan_strerror((piiscan_status)status), what);
    }
    Py_XDECREF(fb);
    raise_status(status, msg, extra);
    Py_DECREF(extra);
    return NULL;
}

/* ---- collector: findings and reports copied into C memory --------------- */

enum { ITEM_FINDING = 0, ITEM_FILE = 1, ITEM_TEXT = 2 };

typedef struct item {
    int kind;
    unsigned type_index;
    int masked, validation, confidence, status;
    unsigned depth;
    uint64_t offset, length, line, size, text_bytes, findings;
    size_t display, raw, raw_len, fp, path, format, reason, text, text_len;
} item;

typedef struct collector {
    item *items;
    size_t n, cap;
    char *arena;
    size_t alen, acap;
    size_t last_path; /* paths repeat: store each run once */
    int nomem;
    int want_raw;
    int callback_stop; /* stop after the first finding (Engine.contains) */
    const char *fp_key; /* fingerprint_key, or NULL: no fingerprints */
    size_t fp_keylen;
    piiscan_status fp_status; /* first failure of piiscan_fingerprint() */
} collector;

static void coll_free(collector *c)
{
    free(c->items);
    free(c->arena);
    memset(c, 0, sizeof *c);
}

static size_t arena_put(collector *c, const char *s, size_t len)
{
    if (!s)
        return NO_STR;
    if (c->alen + len + 1 > c->acap) {
        size_t cap = c->acap ? c->acap : 4096;
        while (cap < c->alen + len + 1)
            cap *= 2;
        char *a = realloc(c->arena, cap);
        if (!a) {
            c->nomem = 1;
            return NO_STR;
        }
        c->arena = a;
        c->acap = cap;
    }
    size_t at = c->alen;
    memcpy(c->arena + at, s, len);
    c->arena[at + len] = 0;
    c->alen += len + 1;
    return at;
}

static size_t arena_put_path(collector *c, const char *s)
{
    if (!s)
        return NO_STR;
    if (c->last_path != NO_STR && strcmp(c->arena + c->last_path, s) == 0)
        return c->last_path;
    c->last_path = arena_put(c, s, strlen(s));
    return c->last_path;
}

static item *coll_push(collector *c)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        item *it = realloc(c->items, cap * sizeof *it);
        if (!it) {
            c->nomem = 1;
            return NULL;
        }
        c->items = it;
        c->cap = cap;
    }
    item *it = &c->items[c->n++];
    memset(it, 0, sizeof *it);
    it->display = it->raw = it->fp = it->path = it->format = it->reason = it->text = NO_STR;
    return it;
}

static void coll_init(collector *c, int want_raw)
{
    memset(c, 0, sizeof *c);
    c->last_path = NO_STR;
    c->want_raw = want_raw;
}

/* A fingerprint key copied out of its Python object: the scan runs without
 * the GIL, when a bytearray could change under it. */
typedef struct fpkey {
    char *key; /* NULL: no key */
    size_t len;
} fpkey;

/* Zeroes memory in a way the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

static void fpkey_free(fpkey *k)
{
    if (k->key) {
        wipe(k->key, k->len);
        free(k->key);
    }
    k->key = NULL;
    k->len = 0;
}

/* obj: None (no key), bytes-like, or str (its UTF-8, as the CLI's
 * --fingerprint-key).  An empty key is an error, as in the library. */
static int fpkey_get(PyObject *obj, fpkey *k, const char *what)
{
    k->key = NULL;
    k->len = 0;
    if (!obj || obj == Py_None)
        return 1;
    const char *data;
    Py_ssize_t n;
    Py_buffer view;
    int has_view = 0;
    if (PyUnicode_Check(obj)) {
        data = PyUnicode_AsUTF8AndSize(obj, &n);
        if (!data)
            return 0;
    } else if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) == 0) {
        has_view = 1;
        data = view.buf;
        n = view.len;
    } else {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s: expected bytes or str, not %.100s", what,
                     Py_TYPE(obj)->tp_name);
        return 0;
    }
    if (n == 0) {
        if (has_view)
            PyBuffer_Release(&view);
        char msg[160];
        snprintf(msg, sizeof msg, "%s must not be empty (an empty key is no key)", what);
        raise_status(PIISCAN_E_INVALID, msg, NULL);
        return 0;
    }
    k->key = malloc((size_t)n);
    if (k->key) {
        memcpy(k->key, data, (size_t)n);
        k->len = (size_t)n;
    }
    if (has_view)
        PyBuffer_Release(&view);
    if (!k->key) {
        PyErr_NoMemory();
        return 0;
    }
    return 1;
}

static void coll_set_key(collector *c, const fpkey *k)
{
    c->fp_key = k->key;
    c->fp_keylen = k->len;
}

static int on_finding(const piiscan_finding *f, void *user)
{
    collector *c = user;
    item *it = coll_push(c);
    if (!it)
        return PIISCAN_STOP;
    it->kind = ITEM_FINDING;
    it->type_index = f->type_index;
    it->offset = f->offset;
    it->length = f->length;
    it->line = f->line;
    it->masked = f->masked;
    it->validation = f->validation;
    it->confidence = f->confidence;
    it->display = arena_put(c, f->display, f->display ? strlen(f->display) : 0);
    if (c->fp_key && f->raw) {
        char hex[PIISCAN_FINGERPRINT_HEX];
        piiscan_status st =
            piiscan_fingerprint(c->fp_key, c->fp_keylen, f->type, f->raw, f->raw_len, hex);
        if (st != PIISCAN_OK) {
            c->fp_status = st;
            return PIISCAN_STOP;
        }
        it->fp = arena_put(c, hex, 64);
    }
    if (c->want_raw && f->raw) {
        it->raw = arena_put(c, f->raw, f->raw_len);
        it->raw_len = f->raw_len;
    }
    it->path = arena_put_path(c, f->path);
    return c->nomem || c->callback_stop ? PIISCAN_STOP : PIISCAN_CONTINUE;
}

static int on_file(const piiscan_file_report *r, void *user)
{
    collector *c = user;
    item *it = coll_push(c);
    if (!it)
        return PIISCAN_STOP;
    it->kind = ITEM_FILE;
    it->path = arena_put_path(c, r->path);
    it->depth = r->depth;
    it->format = arena_put(c, r->format, r->format ? strlen(r->format) : 0);
    it->status = r->status;
    it->reason = arena_put(c, r->reason, r->reason ? strlen(r->reason) : 0);
    it->size = r->size;
    it->text_bytes = r->text_bytes;
    it->findings = r->findings;
    return c->nomem ? PIISCAN_STOP : PIISCAN_CONTINUE;
}

static int on_text(const char *path, const char *text, size_t len, void *user)
{
    collector *c = user;
    /* Pieces of one path arrive consecutively: append to the last piece. */
    if (c->n && c->items[c->n - 1].kind == ITEM_TEXT && path && c->last_path != NO_STR &&
        strcmp(c->arena + c->last_path, path) == 0 &&
        c->items[c->n - 1].text + c->items[c->n - 1].text_len + 1 == c->alen) {
        item *it = &c->items[c->n - 1];
        /* The piece is the last thing in the arena: extend it in place. */
        c->alen--; /* drop its NUL */
        size_t at = arena_put(c, text ? text : "", text ? len : 0);
        if (at == NO_STR) {
            c->alen++;
            return PIISCAN_STOP;
        }
        it->text_len += text ? len : 0;
        return PIISCAN_CONTINUE;
    }
    size_t p = arena_put_path(c, path);
    item *it = coll_push(c);
    if (!it)
        return PIISCAN_STOP;
    it->kind = ITEM_TEXT;
    it->path = p;
    it->text = arena_put(c, text ? text : "", text ? len : 0);
    it->text_len = text ? len : 0;
    return c->nomem ? PIISCAN_STOP : PIISCAN_CONTINUE;
}

/* ---- Finding ------------------------------------------------------------ */

static PyObject *str_validation[4], *str_confidence[4], *str_status[6];

typedef struct {
    PyObject_HEAD
    PyObject *type, *type_name, *path, *validation, *confidence, *text, *raw, *fingerprint;
    unsigned long long line, offset, length;
    char masked;
} FindingObject;

static PyTypeObject FindingType;

static void Finding_dealloc(FindingObject *self)
{
    Py_XDECREF(self->type);
    Py_XDECREF(self->type_name);
    Py_XDECREF(self->path);
    Py_XDECREF(self->validation);
    Py_XDECREF(self->confidence);
    Py_XDECREF(self->text);
    Py_XDECREF(self->raw);
    Py_XDECREF(self->fingerprint);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Finding_repr(FindingObject *self)
{
    return PyUnicode_FromFormat("Finding(type=%R, path=%R, line=%llu, offset=%llu, length=%llu, "
                                "masked=%s, validation=%R, confidence=%R, text=%R)",
                                self->type, self->path ? self->path : Py_None, self->line,
                                self->offset, self->length, self->masked ? "True" : "False",
                                self->validation, self->confidence, self->text);
}

static PyObject *Finding_str(FindingObject *self)
{
    if (self->path && self->path != Py_None)
        return PyUnicode_FromFormat("%S:%llu: %S %S (%S, %S%s)", self->path, self->line,
                                    self->type, self->text, self->validation, self->confidence,
                                    self->masked ? ", masked" : "");
    return PyUnicode_FromFormat("line %llu: %S %S (%S, %S%s)", self->line, self->type,
                                self->text, self->validation, self->confidence,
                                self->masked ? ", masked" : "");
}

static PyObject *Finding_as_dict(FindingObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"include_raw", NULL};
    int include_raw = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|$p:as_dict", kwlist, &include_raw))
        return NULL;
    PyObject *d = Py_BuildValue(
        "{s:s,s:O,s:O,s:O,s:K,s:K,s:K,s:O,s:O,s:O,s:O}", "kind", "finding", "path",
        self->path ? self->path : Py_None, "type", self->type, "type_name", self->type_name,
        "line", self->line, "offset", self->offset, "length", self->length, "masked",
        self->masked ? Py_True : Py_False, "validation", self->validation, "confidence",
        self->confidence, "text", self->text);
    if (d && self->fingerprint && self->fingerprint != Py_None &&
        PyDict_SetItemString(d, "fingerprint", self->fingerprint) < 0) {
        Py_DECREF(d);
        return NULL;
    }
    if (d && include_raw &&
        PyDict_SetItemString(d, "raw", self->raw ? self->raw : Py_None) < 0) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *Finding_richcompare(PyObject *a, PyObject *b, int op)
{
    if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(b, &FindingType) ||
        !PyObject_TypeCheck(a, &FindingType))
        Py_RETURN_NOTIMPLEMENTED;
    FindingObject *x = (FindingObject *)a, *y = (FindingObject *)b;
    int eq = x->line == y->line && x->offset == y->offset && x->length == y->length &&
             x->masked == y->masked;
    PyObject *fx[] = {x->type, x->path, x->validation, x->confidence, x->text, x->raw,
                      x->fingerprint};
    PyObject *fy[] = {y->type, y->path, y->validation, y->confidence, y->text, y->raw,
                      y->fingerprint};
    for (size_t i = 0; eq && i < sizeof fx / sizeof fx[0]; i++) {
        PyObject *p = fx[i] ? fx[i] : Py_None, *q = fy[i] ? fy[i] : Py_None;
        int r = PyObject_RichCompareBool(p, q, Py_EQ);
        if (r < 0)
            return NULL;
        eq = r;
    }
    if (op == Py_NE)
        eq = !eq;
    return PyBool_FromLong(eq);
}

static Py_hash_t Finding_hash(FindingObject *self)
{
    PyObject *t = Py_BuildValue("(OOKKK)", self->type, self->path ? self->path : Py_None,
                                self->line, self->offset, self->length);
    if (!t)
        return -1;
    Py_hash_t h = PyObject_Hash(t);
    Py_DECREF(t);
    return h;
}

static PyMemberDef Finding_members[] = {
    {"type", T_OBJECT, offsetof(FindingObject, type), READONLY,
     "Type id: 'kr_rrn', 'kr_frn', 'card', 'kr_phone', 'kr_account', 'email', ... or a custom id."},
    {"type_name", T_OBJECT, offsetof(FindingObject, type_name), READONLY,
     "Human-readable name of the type."},
    {"path", T_OBJECT, offsetof(FindingObject, path), READONLY,
     "File or archive member holding the value ('a.zip!hr/list.csv'); None for scan()."},
    {"line", T_ULONGLONG, offsetof(FindingObject, line), READONLY, "1-based line number."},
    {"offset", T_ULONGLONG, offsetof(FindingObject, offset), READONLY,
     "Start of the value: a str index for scan(str); else bytes of the input (see the docs)."},
    {"length", T_ULONGLONG, offsetof(FindingObject, length), READONLY,
     "Length of the value, in the unit of offset."},
    {"masked", T_BOOL, offsetof(FindingObject, masked), READONLY,
     "True if the value was already masked in the source (900101-1******)."},
    {"validation", T_OBJECT, offsetof(FindingObject, validation), READONLY,
     "'checksum', 'structural' or 'context'."},
    {"confidence", T_OBJECT, offsetof(FindingObject, confidence), READONLY,
     "'high', 'medium' or 'low'."},
    {"text", T_OBJECT, offsetof(FindingObject, text), READONLY,
     "The masked rendition of the value (900101-1******): always safe to print or store."},
    {"raw", T_OBJECT, offsetof(FindingObject, raw), READONLY,
     "The value itself, only when the engine was made with expose_raw=True; else None."},
    {"fingerprint", T_OBJECT, offsetof(FindingObject, fingerprint), READONLY,
     "Keyed fingerprint of the value (64 lower-case hex digits: HMAC-SHA256 of type ':'\n"
     "normalised value, as piiscan.fingerprint() and the CLI's --fingerprint-key) when the\n"
     "scan was given fingerprint_key=; else None."},
    {NULL}};

static PyObject *Finding_masked_text(FindingObject *self, void *closure)
{
    (void)closure;
    Py_INCREF(self->text);
    return self->text;
}

static PyGetSetDef Finding_getset[] = {
    {"display", (getter)Finding_masked_text, NULL, "Alias of text (the C API's name).", NULL},
    {NULL}};

static PyMethodDef Finding_methods[] = {
    {"as_dict", (PyCFunction)(void (*)(void))Finding_as_dict, METH_VARARGS | METH_KEYWORDS,
     "as_dict(*, include_raw=False) -> dict\n\nThe finding as a dict (JSON/CSV friendly). "
     "'raw' is included only when include_raw is True."},
    {NULL}};

static PyTypeObject FindingType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "piiscan.Finding",
    .tp_basicsize = sizeof(FindingObject),
    .tp_dealloc = (destructor)Finding_dealloc,
    .tp_repr = (reprfunc)Finding_repr,
    .tp_str = (reprfunc)Finding_str,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One piece of personal data found.  Made by the library, immutable.\n\n"
              "repr() and str() show only the masked rendition (text); the raw value is in\n"
              "`raw`, and only when the engine was made with expose_raw=True.",
    .tp_richcompare = Finding_richcompare,
    .tp_hash = (hashfunc)Finding_hash,
    .tp_members = Finding_members,
    .tp_getset = Finding_getset,
    .tp_methods = Finding_methods,
};

/* ---- FileStatus ----------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    PyObject *path, *status, *reason, *format, *mtime, *atime, *ctime;
    unsigned long long depth, size, text_bytes, findings;
} FileStatusObject;

static PyTypeObject FileStatusType;

static void FileStatus_dealloc(FileStatusObject *self)
{
    Py_XDECREF(self->path);
    Py_XDECREF(self->status);
    Py_XDECREF(self->reason);
    Py_XDECREF(self->format);
    Py_XDECREF(self->mtime);
    Py_XDECREF(self->atime);
    Py_XDECREF(self->ctime);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *FileStatus_repr(FileStatusObject *self)
{
    return PyUnicode_FromFormat("FileStatus(path=%R, status=%R, reason=%R, format=%R, depth=%llu, "
                                "size=%llu, findings=%llu)",
                                self->path, self->status, self->reason ? self->reason : Py_None,
                                self->format ? self->format : Py_None, self->depth, self->size,
                                self->findings);
}

static PyObject *FileStatus_str(FileStatusObject *self)
{
    if (self->reason && self->reason != Py_None)
        return PyUnicode_FromFormat("%S: %S (%S)", self->path, self->status, self->reason);
    return PyUnicode_FromFormat("%S: %S", self->path, self->status);
}

static PyObject *FileStatus_get_ok(FileStatusObject *self, void *closure)
{
    (void)closure;
    int eq = PyObject_RichCompareBool(self->status, str_status[PIISCAN_FILE_OK], Py_EQ);
    return eq < 0 ? NULL : PyBool_FromLong(eq);
}

static PyObject *FileStatus_as_dict(FileStatusObject *self, PyObject *unused)
{
    (void)unused;
    return Py_BuildValue("{s:s,s:O,s:O,s:O,s:O,s:K,s:K,s:K,s:K,s:O,s:O,s:O}", "kind", "file",
                         "path", self->path, "status", self->status, "reason",
                         self->reason ? self->reason : Py_None, "format",
                         self->format ? self->format : Py_None, "depth", self->depth, "size",
                         self->size, "text_bytes", self->text_bytes, "findings", self->findings,
                         "mtime", self->mtime ? self->mtime : Py_None, "atime",
                         self->atime ? self->atime : Py_None, "ctime",
                         self->ctime ? self->ctime : Py_None);
}

static PyMemberDef FileStatus_members[] = {
    {"path", T_OBJECT, offsetof(FileStatusObject, path), READONLY,
     "The file, or the archive member ('a.zip!b.tar.gz!c.csv')."},
    {"status", T_OBJECT, offsetof(FileStatusObject, status), READONLY,
     "'ok', 'encrypted', 'protected', 'error', 'skipped' or 'unsupported'."},
    {"reason", T_OBJECT, offsetof(FileStatusObject, reason), READONLY,
     "Why it is not 'ok' (never scanned data); None when ok."},
    {"format", T_OBJECT, offsetof(FileStatusObject, format), READONLY,
     "'text', 'zip', 'docx', 'hwp', 'pdf', ...; None for files the walk did not hand over."},
    {"depth", T_ULONGLONG, offsetof(FileStatusObject, depth), READONLY,
     "0 for the file itself, 1 for its members, ..."},
    {"size", T_ULONGLONG, offsetof(FileStatusObject, size), READONLY,
     "Bytes as stored (for a member: uncompressed)."},
    {"text_bytes", T_ULONGLONG, offsetof(FileStatusObject, text_bytes), READONLY,
     "Bytes of text scanned in this file itself."},
    {"findings", T_ULONGLONG, offsetof(FileStatusObject, findings), READONLY,
     "Findings in this file itself (members not included)."},
    {"mtime", T_OBJECT, offsetof(FileStatusObject, mtime), READONLY,
     "Modification time (seconds since the epoch) of a file found by scan_path(); else None."},
    {"atime", T_OBJECT, offsetof(FileStatusObject, atime), READONLY,
     "Access time, as mtime."},
    {"ctime", T_OBJECT, offsetof(FileStatusObject, ctime), READONLY,
     "Status-change time, as mtime."},
    {NULL}};

static PyGetSetDef FileStatus_getset[] = {
    {"ok", (getter)FileStatus_get_ok, NULL, "True when status is 'ok'.", NULL}, {NULL}};

static PyMethodDef FileStatus_methods[] = {
    {"as_dict", (PyCFunction)FileStatus_as_dict, METH_NOARGS,
     "as_dict() -> dict\n\nThe status as a dict (JSON/CSV friendly)."},
    {NULL}};

static PyTypeObject FileStatusType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "piiscan.FileStatus",
    .tp_basicsize = sizeof(FileStatusObject),
    .tp_dealloc = (destructor)FileStatus_dealloc,
    .tp_repr = (reprfunc)FileStatus_repr,
    .tp_str = (reprfunc)FileStatus_str,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "What happened to one file or archive member: read ('ok'), or why not.\n\n"
              "Every file and member gets one when it ends (a member's before its "
              "container's),\nso nothing is skipped silently.",
    .tp_members = FileStatus_members,
    .tp_getset = FileStatus_getset,
    .tp_methods = FileStatus_methods,
};

static PyObject *new_str_or_none(const char *arena, size_t at)
{
    if (at == NO_STR)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(arena + at, (Py_ssize_t)strlen(arena + at), "replace");
}

static PyObject *new_path(const char *arena, size_t at)
{
    if (at == NO_STR)
        Py_RETURN_NONE;
    return PyUnicode_DecodeFSDefault(arena + at);
}

static PyObject *status_str(int status)
{
    if (status >= 0 && status < 6) {
        Py_INCREF(str_status[status]);
        return str_status[status];
    }
    return PyUnicode_FromString(piiscan_file_status_name((piiscan_file_status)status));
}

/* Makes a FileStatus from parts (used for files the walk did not hand over). */
static PyObject *file_status_new(PyObject *path, PyObject *status, PyObject *reason,
                                 PyObject *format, unsigned long long depth,
                                 unsigned long long size)
{
    FileStatusObject *o = PyObject_New(FileStatusObject, &FileStatusType);
    if (!o)
        return NULL;
    o->path = path;
    o->status = status;
    o->reason = reason;
    o->format = format;
    o->mtime = o->atime = o->ctime = NULL;
    o->depth = depth;
    o->size = size;
    o->text_bytes = 0;
    o->findings = 0;
    return (PyObject *)o;
}

/* ---- Engine ----------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    piiscan_engine *engine;
    piiscan_options *opts;      /* bytes and file scans */
    piiscan_options *opts_text; /* str scans: encoding forced to UTF-8 */
    /* The same with EXPOSE_RAW: scans with a fingerprint key need the raw
     * value in the callback even when the engine does not expose it. */
    piiscan_options *opts_fp, *opts_text_fp;
    PyObject *type_ids;         /* tuple of str */
    PyObject *type_names;       /* tuple of str */
    int expose_raw;
    pthread_mutex_t pool_lock;
    piiscan_scratch *pool[POOL_MAX];
    size_t npool;
} EngineObject;

static PyTypeObject EngineType;

/* Takes a scratch from the pool or allocates one.  No GIL needed. */
static piiscan_scratch *scratch_get(EngineObject *e, piiscan_status *st)
{
    piiscan_scratch *s = NULL;
    pthread_mutex_lock(&e->pool_lock);
    if (e->npool)
        s = e->pool[--e->npool];
    pthread_mutex_unlock(&e->pool_lock);
    *st = PIISCAN_OK;
    if (!s)
        *st = piiscan_scratch_alloc(e->engine, &s);
    return s;
}

static void scratch_put(EngineObject *e, piiscan_scratch *s)
{
    pthread_mutex_lock(&e->pool_lock);
    if (e->npool < POOL_MAX) {
        e->pool[e->npool++] = s;
        s = NULL;
    }
    pthread_mutex_unlock(&e->pool_lock);
    piiscan_scratch_free(s);
}

static int engine_ready(EngineObject *e)
{
    if (!e->engine) {
        PyErr_SetString(PyExc_RuntimeError, "Engine.__init__ was not called");
        return 0;
    }
    return 1;
}

static PyObject *Engine_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    (void)args;
    (void)kw;
    EngineObject *self = (EngineObject *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    pthread_mutex_init(&self->pool_lock, NULL);
    return (PyObject *)self;
}

static void Engine_dealloc(EngineObject *self)
{
    for (size_t i = 0; i < self->npool; i++)
        piiscan_scratch_free(self->pool[i]);
    self->npool = 0;
    piiscan_options_free(self->opts);
    piiscan_options_free(self->opts_text);
    piiscan_options_free(self->opts_fp);
    piiscan_options_free(self->opts_text_fp);
    piiscan_engine_free(self->engine);
    pthread_mutex_destroy(&self->pool_lock);
    Py_XDECREF(self->type_ids);
    Py_XDECREF(self->type_names);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *pattern_error(piiscan_status st, piiscan_error *err)
{
    PyObject *extra = NULL;
    const char *msg = NULL;
    char buf[2048];
    if (err) {
        extra = Py_BuildValue("{s:s,s:I,s:s}", "source", err->source, "line", err->line, "type",
                              err->type);
        if (!extra) {
            piiscan_error_free(err);
            return NULL;
        }
        if (err->source && err->line)
            snprintf(buf, sizeof buf, "%s:%u: %s", err->source, err->line,
                     err->message ? err->message : piiscan_strerror(st));
        else if (err->source)
            snprintf(buf, sizeof buf, "%s: %s", err->source,
                     err->message ? err->message : piiscan_strerror(st));
        else
            snprintf(buf, sizeof buf, "%s", err->message ? err->message : piiscan_strerror(st));
        msg = buf;
    }
    raise_status(st, msg, extra);
    Py_XDECREF(extra);
    piiscan_error_free(err);
    return NULL;
}

/* Fills an options object from a sequence of (key, value) int pairs. */
static piiscan_options *options_from(PyObject *seq)
{
    piiscan_options *o = NULL;
    piiscan_status st = piiscan_options_new(&o);
    if (st != PIISCAN_OK) {
        raise_status(st, NULL, NULL);
        return NULL;
    }
    if (!seq || seq == Py_None)
        return o;
    PyObject *fast = PySequence_Fast(seq, "options must be a sequence of (key, value)");
    if (!fast)
        goto fail;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
        int key;
        long long value;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, i), "iL", &key, &value)) {
            Py_DECREF(fast);
            goto fail;
        }
        st = piiscan_options_set(o, (piiscan_option)key, value);
        if (st != PIISCAN_OK) {
            static const char *names[] = {NULL,          "encoding",      "min_confidence",
                                          "expose_raw",  "rrn_policy",    "report_masked",
                                          "max_depth",   "max_extracted", "max_ratio",
                                          "max_members", "max_buffer"};
            char msg[160];
            if (key > 0 && key <= 10)
                snprintf(msg, sizeof msg, "%s: value %lld out of range", names[key], value);
            else
                snprintf(msg, sizeof msg, "option %d: unknown", key);
            raise_status(st, msg, NULL);
            Py_DECREF(fast);
            goto fail;
        }
    }
    Py_DECREF(fast);
    return o;
fail:
    piiscan_options_free(o);
    return NULL;
}

/* _Engine.__init__(types, pattern_files, pattern_text, defaults, options, expose_raw)
 *   types: comma-separated str or None; pattern_files: sequence of paths;
 *   pattern_text: str or None; options: sequence of (key, value). */
static int Engine_init(EngineObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"types", "pattern_files", "pattern_text", "defaults",
                             "options", "expose_raw", NULL};
    PyObject *types = Py_None, *files = Py_None, *text = Py_None, *optseq = Py_None;
    int defaults = 1, expose_raw = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|OOOpOp:_Engine", kwlist, &types, &files, &text,
                                     &defaults, &optseq, &expose_raw))
        return -1;
    if (self->engine) {
        PyErr_SetString(PyExc_RuntimeError, "Engine is already initialised");
        return -1;
    }
    piiscan_patterns *set = NULL;
    piiscan_error *err = NULL;
    piiscan_status st = defaults ? piiscan_patterns_new_default(&set)
                                 : piiscan_patterns_new_empty(&set);
    if (st != PIISCAN_OK) {
        raise_status(st, NULL, NULL);
        return -1;
    }
    if (files != Py_None) {
        PyObject *fast = PySequence_Fast(files, "pattern_files must be a sequence of paths");
        if (!fast)
            goto fail;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
            PyObject *b = NULL;
            if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(fast, i), &b)) {
                Py_DECREF(fast);
                goto fail;
            }
            errno = 0;
            st = piiscan_patterns_load_file(set, PyBytes_AS_STRING(b), &err);
            int e = errno;
            if (st == PIISCAN_E_IO) {
                piiscan_error_free(err);
                err = NULL;
                raise_io(st, e, PySequence_Fast_GET_ITEM(fast, i));
                Py_DECREF(b);
                Py_DECREF(fast);
                goto fail;
            }
            Py_DECREF(b);
            if (st != PIISCAN_OK) {
                pattern_error(st, err);
                err = NULL;
                Py_DECREF(fast);
                goto fail;
            }
        }
        Py_DECREF(fast);
    }
    if (text != Py_None) {
        Py_ssize_t len;
        const char *t = PyUnicode_AsUTF8AndSize(text, &len);
        if (!t)
            goto fail;
        st = piiscan_patterns_load_text(set, t, (size_t)len, "<pattern_text>", &err);
        if (st != PIISCAN_OK) {
            pattern_error(st, err);
            err = NULL;
            goto fail;
        }
    }
    if (types != Py_None) {
        const char *t = PyUnicode_AsUTF8(types);
        if (!t)
            goto fail;
        st = piiscan_patterns_select(set, t);
        if (st != PIISCAN_OK) {
            char msg[512];
            snprintf(msg, sizeof msg, "unknown type in %.400s", t);
            raise_status(st, st == PIISCAN_E_UNKNOWN_TYPE ? msg : NULL, NULL);
            goto fail;
        }
    }
    self->opts = options_from(optseq);
    if (!self->opts)
        goto fail;
    self->opts_text = options_from(optseq);
    if (!self->opts_text)
        goto fail;
    st = piiscan_options_set(self->opts_text, PIISCAN_OPT_ENCODING, PIISCAN_ENC_UTF8);
    if (st != PIISCAN_OK) {
        raise_status(st, NULL, NULL);
        goto fail;
    }
    if (expose_raw &&
        ((st = piiscan_options_set(self->opts, PIISCAN_OPT_EXPOSE_RAW, 1)) != PIISCAN_OK ||
         (st = piiscan_options_set(self->opts_text, PIISCAN_OPT_EXPOSE_RAW, 1)) != PIISCAN_OK)) {
        raise_status(st, NULL, NULL);
        goto fail;
    }
    self->expose_raw = expose_raw;
    self->opts_fp = options_from(optseq);
    if (!self->opts_fp)
        goto fail;
    self->opts_text_fp = options_from(optseq);
    if (!self->opts_text_fp)
        goto fail;
    if ((st = piiscan_options_set(self->opts_fp, PIISCAN_OPT_EXPOSE_RAW, 1)) != PIISCAN_OK ||
        (st = piiscan_options_set(self->opts_text_fp, PIISCAN_OPT_EXPOSE_RAW, 1)) != PIISCAN_OK ||
        (st = piiscan_options_set(self->opts_text_fp, PIISCAN_OPT_ENCODING, PIISCAN_ENC_UTF8)) !=
            PIISCAN_OK) {
        raise_status(st, NULL, NULL);
        goto fail;
    }

    piiscan_engine *eng = NULL;
    Py_BEGIN_ALLOW_THREADS
    st = piiscan_engine_compile(set, &eng, &err);
    Py_END_ALLOW_THREADS
    if (st != PIISCAN_OK) {
        pattern_error(st, err);
        goto fail;
    }
    size_t n = piiscan_engine_type_count(eng);
    self->type_ids = PyTuple_New((Py_ssize_t)n);
    self->type_names = PyTuple_New((Py_ssize_t)n);
    if (!self->type_ids || !self->type_names) {
        piiscan_engine_free(eng);
        goto fail;
    }
    size_t nset = piiscan_patterns_count(set);
    for (size_t i = 0; i < n; i++) {
        const char *id = piiscan_engine_type_id(eng, i), *name = id;
        for (size_t j = 0; j < nset; j++) {
            const char *tid, *tname;
            int en;
            if (piiscan_patterns_get(set, j, &tid, &tname, &en) == PIISCAN_OK &&
                strcmp(tid, id) == 0) {
                name = tname ? tname : id;
                break;
            }
        }
        PyObject *a = PyUnicode_InternFromString(id), *b = PyUnicode_FromString(name);
        if (!a || !b) {
            Py_XDECREF(a);
            Py_XDECREF(b);
            piiscan_engine_free(eng);
            goto fail;
        }
        PyTuple_SET_ITEM(self->type_ids, (Py_ssize_t)i, a);
        PyTuple_SET_ITEM(self->type_names, (Py_ssize_t)i, b);
    }
    piiscan_patterns_free(set);
    self->engine = eng;
    return 0;
fail:
    piiscan_patterns_free(set);
    piiscan_options_free(self->opts);
    piiscan_options_free(self->opts_text);
    piiscan_options_free(self->opts_fp);
    piiscan_options_free(self->opts_text_fp);
    self->opts = self->opts_text = self->opts_fp = self->opts_text_fp = NULL;
    Py_CLEAR(self->type_ids);
    Py_CLEAR(self->type_names);
    return -1;
}

/* Converts collected items into Python objects.  `utf8` (may be NULL) is the
 * UTF-8 text of a str scan: offsets/lengths are then turned into str indices. */
static PyObject *convert_items(EngineObject *e, collector *c, const char *utf8, size_t utf8_len,
                               PyObject *mtimes)
{
    PyObject *list = PyList_New((Py_ssize_t)c->n);
    if (!list)
        return NULL;
    /* Byte -> code point mapping state (findings come in offset order; a
     * step back restarts from 0). */
    size_t pos_b = 0, pos_c = 0;
    for (size_t i = 0; i < c->n; i++) {
        item *it = &c->items[i];
        PyObject *o = NULL;
        if (it->kind == ITEM_FINDING) {
            FindingObject *f = PyObject_New(FindingObject, &FindingType);
            if (!f)
                goto fail;
            f->type = f->type_name = f->path = f->validation = f->confidence = f->text = f->raw =
                f->fingerprint = NULL;
            f->line = it->line;
            f->offset = it->offset;
            f->length = it->length;
            f->masked = (char)(it->masked != 0);
            if (utf8) {
                uint64_t start = it->offset, end = it->offset + it->length;
                if (end > utf8_len)
                    end = utf8_len;
                if (start > end)
                    start = end;
                if (start < pos_b)
                    pos_b = pos_c = 0;
                while (pos_b < start) {
                    if (((unsigned char)utf8[pos_b] & 0xC0) != 0x80)
                        pos_c++;
                    pos_b++;
                }
                size_t n = 0;
                for (uint64_t k = start; k < end; k++)
                    if (((unsigned char)utf8[k] & 0xC0) != 0x80)
                        n++;
                f->offset = pos_c;
                f->length = n;
            }
            if (it->type_index < (unsigned)PyTuple_GET_SIZE(e->type_ids)) {
                f->type = PyTuple_GET_ITEM(e->type_ids, it->type_index);
                f->type_name = PyTuple_GET_ITEM(e->type_names, it->type_index);
                Py_INCREF(f->type);
                Py_INCREF(f->type_name);
            } else {
                f->type = PyUnicode_FromString("unknown");
                f->type_name = PyUnicode_FromString("unknown");
            }
            f->validation = str_validation[it->validation >= 1 && it->validation <= 3
                                               ? it->validation
                                               : 0];
            f->confidence = str_confidence[it->confidence >= 1 && it->confidence <= 3
                                               ? it->confidence
                                               : 0];
            Py_INCREF(f->validation);
            Py_INCREF(f->confidence);
            f->text = new_str_or_none(c->arena, it->display);
            if (it->raw != NO_STR)
                f->raw = PyUnicode_DecodeUTF8(c->arena + it->raw, (Py_ssize_t)it->raw_len,
                                              "replace");
            else {
                f->raw = Py_None;
                Py_INCREF(Py_None);
            }
            f->fingerprint = new_str_or_none(c->arena, it->fp);
            /* Consecutive findings of one file share one path object. */
            if (it->path != NO_STR && i > 0 && c->items[i - 1].path == it->path &&
                PyList_GET_ITEM(list, (Py_ssize_t)i - 1)) {
                PyObject *prev = PyList_GET_ITEM(list, (Py_ssize_t)i - 1);
                f->path = Py_TYPE(prev) == &FindingType ? ((FindingObject *)prev)->path
                                                         : ((FileStatusObject *)prev)->path;
                Py_INCREF(f->path);
            } else
                f->path = new_path(c->arena, it->path);
            o = (PyObject *)f;
            if (!f->type || !f->type_name || !f->text || !f->raw || !f->fingerprint || !f->path) {
                Py_DECREF(o);
                goto fail;
            }
        } else if (it->kind == ITEM_FILE) {
            PyObject *path = new_path(c->arena, it->path);
            PyObject *status = status_str(it->status);
            PyObject *reason = new_str_or_none(c->arena, it->reason);
            PyObject *format = new_str_or_none(c->arena, it->format);
            if (!path || !status || !reason || !format) {
                Py_XDECREF(path);
                Py_XDECREF(status);
                Py_XDECREF(reason);
                Py_XDECREF(format);
                goto fail;
            }
            FileStatusObject *fs =
                (FileStatusObject *)file_status_new(path, status, reason, format, it->depth,
                                                    it->size);
            if (!fs) {
                Py_DECREF(path);
                Py_DECREF(status);
                Py_DECREF(reason);
                Py_DECREF(format);
                goto fail;
            }
            fs->text_bytes = it->text_bytes;
            fs->findings = it->findings;
            if (it->depth == 0 && mtimes && mtimes != Py_None) {
                PyObject *m = PyTuple_GET_ITEM(mtimes, 0), *a = PyTuple_GET_ITEM(mtimes, 1),
                         *ct = PyTuple_GET_ITEM(mtimes, 2);
                Py_INCREF(m);
                Py_INCREF(a);
                Py_INCREF(ct);
                fs->mtime = m;
                fs->atime = a;
                fs->ctime = ct;
            }
            o = (PyObject *)fs;
        } else {
            o = NULL; /* text items are converted by extract_text */
            PyErr_SetString(PyExc_SystemError, "unexpected text item");
            goto fail;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, o);
    }
    return list;
fail:
    Py_DECREF(list);
    return NULL;
}

/* Gets a read-only view of bytes-like `obj` or the UTF-8 of a str. */
typedef struct {
    Py_buffer view;
    int has_view;
    const char *data;
    size_t len;
    int is_str, ascii;
} input;

static int input_get(PyObject *obj, input *in, const char *fn, int allow_str)
{
    memset(in, 0, sizeof *in);
    if (PyUnicode_Check(obj)) {
        if (!allow_str) {
            PyErr_Format(PyExc_TypeError, "%s() takes bytes, not str", fn);
            return 0;
        }
        Py_ssize_t n;
        in->data = PyUnicode_AsUTF8AndSize(obj, &n);
        if (!in->data)
            return 0;
        in->len = (size_t)n;
        in->is_str = 1;
        in->ascii = PyUnicode_IS_ASCII(obj);
        return 1;
    }
    if (PyObject_GetBuffer(obj, &in->view, PyBUF_SIMPLE) < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s() takes %s a bytes-like object, not %.100s", fn,
                     allow_str ? "str or" : "", Py_TYPE(obj)->tp_name);
        return 0;
    }
    in->has_view = 1;
    in->data = in->view.buf;
    in->len = (size_t)in->view.len;
    return 1;
}

static void input_release(input *in)
{
    if (in->has_view)
        PyBuffer_Release(&in->view);
    in->has_view = 0;
}

/* Finishes a call: raises for an error status or a collector failure, else
 * converts the items. */
static PyObject *finish_call(EngineObject *self, collector *c, piiscan_status st,
                             const input *in, PyObject *filename, int err, PyObject *mtimes)
{
    PyObject *r = NULL;
    if (c->nomem)
        PyErr_NoMemory();
    else if (c->fp_status != PIISCAN_OK)
        raise_status(c->fp_status, "fingerprint_key: piiscan_fingerprint failed", NULL);
    else if (st == PIISCAN_E_IO && filename != Py_True)
        raise_io(st, err, filename);
    else if (st < 0)
        raise_status(st, NULL, NULL);
    else
        r = convert_items(self, c, in && in->is_str && !in->ascii ? in->data : NULL,
                          in ? in->len : 0, mtimes);
    return r;
}

/* The options of a scan: with a fingerprint key, the raw value must reach
 * the callback (which drops it unless the engine exposes it). */
static const piiscan_options *scan_opts(const EngineObject *e, int is_str, const fpkey *k)
{
    if (k && k->key)
        return is_str ? e->opts_text_fp : e->opts_fp;
    return is_str ? e->opts_text : e->opts;
}

/* scan(data, *, fingerprint_key=None) */
static PyObject *Engine_scan(EngineObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"data", "fingerprint_key", NULL};
    PyObject *arg, *key = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$O:scan", kwlist, &arg, &key))
        return NULL;
    if (!engine_ready(self))
        return NULL;
    fpkey k;
    if (!fpkey_get(key, &k, "fingerprint_key"))
        return NULL;
    input in;
    if (!input_get(arg, &in, "scan", 1)) {
        fpkey_free(&k);
        return NULL;
    }
    collector c;
    coll_init(&c, self->expose_raw);
    coll_set_key(&c, &k);
    const piiscan_options *opts = scan_opts(self, in.is_str, &k);
    piiscan_status st;
    Py_BEGIN_ALLOW_THREADS
    piiscan_scratch *s = scratch_get(self, &st);
    if (s) {
        st = piiscan_scan(self->engine, in.data, in.len, opts, s, on_finding, &c);
        scratch_put(self, s);
    }
    Py_END_ALLOW_THREADS
    PyObject *r = finish_call(self, &c, st, &in, NULL, 0, NULL);
    input_release(&in);
    coll_free(&c);
    fpkey_free(&k);
    return r;
}

static PyObject *Engine_contains(EngineObject *self, PyObject *arg)
{
    if (!engine_ready(self))
        return NULL;
    input in;
    if (!input_get(arg, &in, "contains", 1))
        return NULL;
    collector c;
    coll_init(&c, 0);
    c.callback_stop = 1;
    piiscan_status st;
    Py_BEGIN_ALLOW_THREADS
    piiscan_scratch *s = scratch_get(self, &st);
    if (s) {
        st = piiscan_scan(self->engine, in.data, in.len, in.is_str ? self->opts_text : self->opts,
                          s, on_finding, &c);
        scratch_put(self, s);
    }
    Py_END_ALLOW_THREADS
    input_release(&in);
    size_t n = c.n;
    int nomem = c.nomem;
    coll_free(&c);
    if (nomem)
        return PyErr_NoMemory();
    if (st < 0)
        return raise_status(st, NULL, NULL);
    return PyBool_FromLong(n > 0);
}

/* _scan_file(path_or_fd, name=None, mtimes=None) */
static PyObject *Engine_scan_file(EngineObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"path", "name", "mtimes", "report_io", "fingerprint_key", NULL};
    PyObject *path, *name = Py_None, *mtimes = Py_None, *key = Py_None;
    int report_io = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OOpO:scan_file", kwlist, &path, &name, &mtimes,
                                     &report_io, &key))
        return NULL;
    if (!engine_ready(self))
        return NULL;
    if (mtimes != Py_None && (!PyTuple_Check(mtimes) || PyTuple_GET_SIZE(mtimes) != 3)) {
        PyErr_SetString(PyExc_TypeError, "mtimes must be a 3-tuple");
        return NULL;
    }
    int fd = -1;
    PyObject *pb = NULL, *nb = NULL;
    if (PyLong_Check(path)) {
        fd = as_int(path);
        if (fd == -1 && PyErr_Occurred())
            return NULL;
        if (fd < 0) {
            PyErr_SetString(PyExc_ValueError, "negative file descriptor");
            return NULL;
        }
        if (name != Py_None && !PyUnicode_FSConverter(name, &nb))
            return NULL;
    } else if (!PyUnicode_FSConverter(path, &pb))
        return NULL;
    fpkey k;
    if (!fpkey_get(key, &k, "fingerprint_key")) {
        Py_XDECREF(pb);
        Py_XDECREF(nb);
        return NULL;
    }
    collector c;
    coll_init(&c, self->expose_raw);
    coll_set_key(&c, &k);
    const piiscan_options *opts = scan_opts(self, 0, &k);
    piiscan_status st;
    int err = 0;
    Py_BEGIN_ALLOW_THREADS
    piiscan_scratch *s = scratch_get(self, &st);
    if (s) {
        errno = 0;
        if (fd >= 0)
            st = piiscan_scan_fd(self->engine, fd, nb ? PyBytes_AS_STRING(nb) : NULL, opts, s,
                                 on_finding, on_file, &c);
        else
            st = piiscan_scan_file(self->engine, PyBytes_AS_STRING(pb), opts, s, on_finding,
                                   on_file, &c);
        err = errno;
        scratch_put(self, s);
    }
    Py_END_ALLOW_THREADS
    /* report_io: an unreadable file is a FileStatus 'error' (scan_path), not an exception. */
    PyObject *r = finish_call(self, &c, st, NULL,
                              report_io ? Py_True : fd >= 0 ? name : path, err, mtimes);
    Py_XDECREF(pb);
    Py_XDECREF(nb);
    coll_free(&c);
    fpkey_free(&k);
    return r;
}

/* scan_blob(data, name=None) */
static PyObject *Engine_scan_blob(EngineObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"data", "name", "fingerprint_key", NULL};
    PyObject *data, *name = Py_None, *nb = NULL, *key = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O$O:scan_blob", kwlist, &data, &name, &key))
        return NULL;
    if (!engine_ready(self))
        return NULL;
    fpkey k;
    if (!fpkey_get(key, &k, "fingerprint_key"))
        return NULL;
    input in;
    if (!input_get(data, &in, "scan_blob", 0)) {
        fpkey_free(&k);
        return NULL;
    }
    if (name != Py_None && !PyUnicode_FSConverter(name, &nb)) {
        input_release(&in);
        fpkey_free(&k);
        return NULL;
    }
    collector c;
    coll_init(&c, self->expose_raw);
    coll_set_key(&c, &k);
    const piiscan_options *opts = scan_opts(self, 0, &k);
    piiscan_status st;
    int err = 0;
    Py_BEGIN_ALLOW_THREADS
    piiscan_scratch *s = scratch_get(self, &st);
    if (s) {
        errno = 0;
        st = piiscan_scan_blob(self->engine, in.data, in.len, nb ? PyBytes_AS_STRING(nb) : NULL,
                               opts, s, on_finding, on_file, &c);
        err = errno;
        scratch_put(self, s);
    }
    Py_END_ALLOW_THREADS
    PyObject *r = finish_call(self, &c, st, NULL, name, err, NULL);
    input_release(&in);
    Py_XDECREF(nb);
    coll_free(&c);
    fpkey_free(&k);
    return r;
}

static PyObject *Engine_get_types(EngineObject *self, void *closure)
{
    (void)closure;
    if (!engine_ready(self))
        return NULL;
    Py_INCREF(self->type_ids);
    return self->type_ids;
}

static PyObject *Engine_get_type_names(EngineObject *self, void *closure)
{
    (void)closure;
    if (!engine_ready(self))
        return NULL;
    PyObject *d = PyDict_New();
    for (Py_ssize_t i = 0; d && i < PyTuple_GET_SIZE(self->type_ids); i++)
        if (PyDict_SetItem(d, PyTuple_GET_ITEM(self->type_ids, i),
                           PyTuple_GET_ITEM(self->type_names, i)) < 0)
            Py_CLEAR(d);
    return d;
}

static PyObject *Engine_get_expose_raw(EngineObject *self, void *closure)
{
    (void)closure;
    return PyBool_FromLong(self->expose_raw);
}

/* ---- Stream ---------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    EngineObject *engine;
    piiscan_stream *stream;
    int busy;
    int finished;
    fpkey key; /* Engine.stream(fingerprint_key=): for every feed */
} StreamObject;

static PyTypeObject StreamType;

/* stream(*, fingerprint_key=None) */
static PyObject *Engine_stream(EngineObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"fingerprint_key", NULL};
    PyObject *key = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|$O:stream", kwlist, &key))
        return NULL;
    if (!engine_ready(self))
        return NULL;
    fpkey k;
    if (!fpkey_get(key, &k, "fingerprint_key"))
        return NULL;
    StreamObject *s = PyObject_New(StreamObject, &StreamType);
    if (!s) {
        fpkey_free(&k);
        return NULL;
    }
    s->engine = self;
    Py_INCREF(self);
    s->stream = NULL;
    s->busy = 0;
    s->finished = 0;
    s->key = k;
    piiscan_status st = piiscan_stream_open(self->engine, scan_opts(self, 0, &k), &s->stream);
    if (st != PIISCAN_OK) {
        Py_DECREF(s);
        return raise_status(st, NULL, NULL);
    }
    return (PyObject *)s;
}

static void Stream_dealloc(StreamObject *self)
{
    piiscan_stream_free(self->stream);
    fpkey_free(&self->key);
    Py_XDECREF(self->engine);
    PyObject_Free(self);
}

static int stream_enter(StreamObject *self)
{
    if (!self->stream) {
        PyErr_SetString(PyExc_ValueError, "stream is closed");
        return 0;
    }
    if (self->busy) {
        raise_status(PIISCAN_E_SCRATCH_IN_USE, "a stream takes one call at a time", NULL);
        return 0;
    }
    self->busy = 1;
    return 1;
}

static PyObject *stream_call(StreamObject *self, const input *in)
{
    EngineObject *e = self->engine;
    collector c;
    coll_init(&c, e->expose_raw);
    coll_set_key(&c, &self->key);
    piiscan_status st;
    Py_BEGIN_ALLOW_THREADS
    piiscan_scratch *s = scratch_get(e, &st);
    if (s) {
        if (in)
            st = piiscan_stream_feed(self->stream, in->data, in->len, s, on_finding, &c);
        else
            st = piiscan_stream_finish(self->stream, s, on_finding, &c);
        scratch_put(e, s);
    }
    Py_END_ALLOW_THREADS
    self->busy = 0;
    PyObject *r = finish_call(e, &c, st, NULL, NULL, 0, NULL);
    coll_free(&c);
    return r;
}

static PyObject *Stream_feed(StreamObject *self, PyObject *arg)
{
    input in;
    if (!input_get(arg, &in, "feed", 0))
        return NULL;
    if (!stream_enter(self)) {
        input_release(&in);
        return NULL;
    }
    if (self->finished) {
        self->busy = 0;
        input_release(&in);
        PyErr_SetString(PyExc_ValueError, "feed() after finish(): call reset() first");
        return NULL;
    }
    PyObject *r = stream_call(self, &in);
    input_release(&in);
    return r;
}

static PyObject *Stream_finish(StreamObject *self, PyObject *unused)
{
    (void)unused;
    if (!stream_enter(self))
        return NULL;
    if (self->finished) {
        self->busy = 0;
        return PyList_New(0);
    }
    PyObject *r = stream_call(self, NULL);
    self->finished = 1;
    return r;
}

static PyObject *Stream_reset(StreamObject *self, PyObject *unused)
{
    (void)unused;
    if (!stream_enter(self))
        return NULL;
    piiscan_status st = piiscan_stream_reset(self->stream);
    self->busy = 0;
    if (st != PIISCAN_OK)
        return raise_status(st, NULL, NULL);
    self->finished = 0;
    Py_RETURN_NONE;
}

static PyObject *Stream_close(StreamObject *self, PyObject *unused)
{
    (void)unused;
    if (self->busy)
        return raise_status(PIISCAN_E_SCRATCH_IN_USE, "a stream takes one call at a time", NULL);
    piiscan_stream_free(self->stream);
    self->stream = NULL;
    Py_RETURN_NONE;
}

static PyObject *Stream_enter_ctx(StreamObject *self, PyObject *unused)
{
    (void)unused;
    Py_INCREF(self);
    return (PyObject *)self;
}

static PyObject *Stream_exit_ctx(StreamObject *self, PyObject *args)
{
    (void)args;
    PyObject *r = Stream_close(self, NULL);
    if (!r)
        return NULL;
    Py_DECREF(r);
    Py_RETURN_FALSE;
}

static PyMethodDef Stream_methods[] = {
    {"feed", (PyCFunction)Stream_feed, METH_O,
     "feed(data: bytes) -> list[Finding]\n\nScans the next chunk; returns the findings whose "
     "surroundings are complete.\nA value straddling two chunks is reported once, by a later "
     "feed() or finish()."},
    {"finish", (PyCFunction)Stream_finish, METH_NOARGS,
     "finish() -> list[Finding]\n\nEnds the stream and returns the findings held back."},
    {"reset", (PyCFunction)Stream_reset, METH_NOARGS,
     "reset() -> None\n\nMakes the stream ready for a new byte sequence."},
    {"close", (PyCFunction)Stream_close, METH_NOARGS, "close() -> None\n\nFrees the stream."},
    {"__enter__", (PyCFunction)Stream_enter_ctx, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)Stream_exit_ctx, METH_VARARGS, NULL},
    {NULL}};

static PyTypeObject StreamType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "piiscan.Stream",
    .tp_basicsize = sizeof(StreamObject),
    .tp_dealloc = (destructor)Stream_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A byte stream scanned chunk by chunk (Engine.stream()).  Offsets count from the "
              "start\nof the stream; findings equal those of Engine.scan() on the "
              "concatenation.\nOne call at a time; use it as a context manager.",
    .tp_methods = Stream_methods,
};

static PyMethodDef Engine_methods[] = {
    {"scan", (PyCFunction)(void (*)(void))Engine_scan, METH_VARARGS | METH_KEYWORDS,
     "scan(data: bytes | bytearray | memoryview | str, *, fingerprint_key: bytes | str | None = "
     "None) -> list[Finding]\n\n"
     "Scans a buffer.  Bytes are decoded as the engine's `encoding` says (auto: BOM,\n"
     "UTF-16, UTF-8, CP949) and offsets count bytes of the input; a str is scanned as\n"
     "text and offsets/lengths are str indices (data[f.offset:f.offset + f.length]).\n"
     "With fingerprint_key, each Finding.fingerprint is the keyed fingerprint of its value.\n"
     "The GIL is released while the C library scans."},
    {"contains", (PyCFunction)Engine_contains, METH_O,
     "contains(data: bytes | str) -> bool\n\nTrue if data holds at least one finding (stops at "
     "the first)."},
    {"_scan_file", (PyCFunction)(void (*)(void))Engine_scan_file, METH_VARARGS | METH_KEYWORDS,
     NULL},
    {"scan_blob", (PyCFunction)(void (*)(void))Engine_scan_blob, METH_VARARGS | METH_KEYWORDS,
     "scan_blob(data: bytes, name: str | None = None, *, fingerprint_key: bytes | str | None = "
     "None)\n    -> list[Finding | FileStatus]\n\n"
     "Scans bytes in memory as a file: typed by content, documents extracted, archive\n"
     "members followed.  `name` is the path used in results and breaks type ties."},
    {"stream", (PyCFunction)(void (*)(void))Engine_stream, METH_VARARGS | METH_KEYWORDS,
     "stream(*, fingerprint_key: bytes | str | None = None) -> Stream\n\nOpens a stream: bytes "
     "fed in chunks of any size; with fingerprint_key, findings carry fingerprints."},
    {NULL}};

static PyGetSetDef Engine_getset[] = {
    {"types", (getter)Engine_get_types, NULL, "Type ids the engine detects, in its order.",
     NULL},
    {"type_names", (getter)Engine_get_type_names, NULL, "dict: type id -> human-readable name.",
     NULL},
    {"expose_raw", (getter)Engine_get_expose_raw, NULL,
     "True if findings carry the raw value (Finding.raw).", NULL},
    {NULL}};

static PyTypeObject EngineType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "piiscan._piiscan._Engine",
    .tp_basicsize = sizeof(EngineObject),
    .tp_dealloc = (destructor)Engine_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "The compiled detector set (use piiscan.Engine).",
    .tp_methods = Engine_methods,
    .tp_getset = Engine_getset,
    .tp_init = (initproc)Engine_init,
    .tp_new = Engine_new,
};

/* ---- extract_text --------------------------------------------------------- */

/* _extract_text(path, options) -> (list[(path, bytes)], list[FileStatus]) */
static PyObject *mod_extract_text(PyObject *mod, PyObject *args)
{
    (void)mod;
    PyObject *path, *optseq = Py_None, *pb = NULL;
    if (!PyArg_ParseTuple(args, "O|O:_extract_text", &path, &optseq))
        return NULL;
    if (!PyUnicode_FSConverter(path, &pb))
        return NULL;
    piiscan_options *opts = options_from(optseq);
    if (!opts) {
        Py_DECREF(pb);
        return NULL;
    }
    collector c;
    coll_init(&c, 0);
    piiscan_status st;
    int err;
    Py_BEGIN_ALLOW_THREADS
    errno = 0;
    st = piiscan_extract_text_file(PyBytes_AS_STRING(pb), opts, on_text, on_file, &c);
    err = errno;
    Py_END_ALLOW_THREADS
    piiscan_options_free(opts);
    Py_DECREF(pb);
    PyObject *texts = NULL, *reports = NULL, *r = NULL;
    if (c.nomem) {
        PyErr_NoMemory();
        goto out;
    }
    if (st == PIISCAN_E_IO) {
        raise_io(st, err, path);
        goto out;
    }
    if (st < 0) {
        raise_status(st, NULL, NULL);
        goto out;
    }
    texts = PyList_New(0);
    reports = PyList_New(0);
    if (!texts || !reports)
        goto out;
    for (size_t i = 0; i < c.n; i++) {
        item *it = &c.items[i];
        PyObject *o;
        if (it->kind == ITEM_TEXT) {
            PyObject *p = new_path(c.arena, it->path);
            PyObject *t = PyBytes_FromStringAndSize(c.arena + it->text, (Py_ssize_t)it->text_len);
            o = p && t ? PyTuple_Pack(2, p, t) : NULL;
            Py_XDECREF(p);
            Py_XDECREF(t);
            if (!o || PyList_Append(texts, o) < 0) {
                Py_XDECREF(o);
                goto out;
            }
        } else {
            collector one = c;
            one.items = it;
            one.n = 1;
            PyObject *l = convert_items(NULL, &one, NULL, 0, NULL);
            if (!l)
                goto out;
            o = PyList_GET_ITEM(l, 0);
            Py_INCREF(o);
            Py_DECREF(l);
            if (PyList_Append(reports, o) < 0) {
                Py_DECREF(o);
                goto out;
            }
        }
        Py_DECREF(o);
    }
    r = PyTuple_Pack(2, texts, reports);
out:
    Py_XDECREF(texts);
    Py_XDECREF(reports);
    coll_free(&c);
    return r;
}

/* ---- Walk: piiscan_walk on its own thread, a bounded queue to Python ------ */

#define WALK_QUEUE 256

typedef struct {
    char *path, *reason;
    int status;
    uint64_t size;
    int64_t mtime, atime, ctime;
} walk_item;

typedef struct {
    PyObject_HEAD
    piiscan_walker *walker;
    char *root;
    pthread_t thread;
    int started, joined;
    pthread_mutex_t mu;
    pthread_cond_t cv_items, cv_space;
    walk_item ring[WALK_QUEUE];
    size_t head, count;
    int done, cancel, nomem;
    piiscan_status status;
    int err;
} WalkObject;

static PyTypeObject WalkType;

static int walk_cb(const piiscan_walk_entry *e, void *user)
{
    WalkObject *w = user;
    walk_item it = {0};
    it.path = strdup(e->path ? e->path : "");
    it.reason = e->reason ? strdup(e->reason) : NULL;
    it.status = e->status;
    it.size = e->size;
    it.mtime = e->mtime;
    it.atime = e->atime;
    it.ctime = e->ctime;
    pthread_mutex_lock(&w->mu);
    if (!it.path || (e->reason && !it.reason)) {
        w->nomem = 1;
        pthread_mutex_unlock(&w->mu);
        free(it.path);
        free(it.reason);
        return PIISCAN_STOP;
    }
    while (w->count == WALK_QUEUE && !w->cancel)
        pthread_cond_wait(&w->cv_space, &w->mu);
    if (w->cancel) {
        pthread_mutex_unlock(&w->mu);
        free(it.path);
        free(it.reason);
        return PIISCAN_STOP;
    }
    w->ring[(w->head + w->count) % WALK_QUEUE] = it;
    w->count++;
    pthread_cond_signal(&w->cv_items);
    pthread_mutex_unlock(&w->mu);
    return PIISCAN_CONTINUE;
}

static void *walk_thread(void *arg)
{
    WalkObject *w = arg;
    errno = 0;
    piiscan_status st = piiscan_walk(w->walker, w->root, walk_cb, w);
    int err = errno;
    pthread_mutex_lock(&w->mu);
    w->status = st;
    w->err = err;
    w->done = 1;
    pthread_cond_broadcast(&w->cv_items);
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void walk_stop(WalkObject *w)
{
    if (w->started && !w->joined) {
        pthread_mutex_lock(&w->mu);
        w->cancel = 1;
        pthread_cond_broadcast(&w->cv_space);
        pthread_mutex_unlock(&w->mu);
        Py_BEGIN_ALLOW_THREADS
        pthread_join(w->thread, NULL);
        Py_END_ALLOW_THREADS
        w->joined = 1;
    }
    while (w->count) {
        walk_item *it = &w->ring[w->head];
        free(it->path);
        free(it->reason);
        w->head = (w->head + 1) % WALK_QUEUE;
        w->count--;
    }
}

/* _Walk(root, follow_symlinks, one_file_system, max_file_size, ignore_files,
 *       include, exclude) */
static PyObject *Walk_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"root", "follow_symlinks", "one_file_system", "max_file_size",
                             "ignore_files", "include", "exclude", NULL};
    PyObject *root, *inc = Py_None, *exc = Py_None, *rb = NULL;
    int follow = 0, onefs = 0, ignore = 1;
    long long maxsize = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|ppLpOO:_Walk", kwlist, &root, &follow, &onefs,
                                     &maxsize, &ignore, &inc, &exc))
        return NULL;
    if (!PyUnicode_FSConverter(root, &rb))
        return NULL;
    WalkObject *w = (WalkObject *)type->tp_alloc(type, 0);
    if (!w) {
        Py_DECREF(rb);
        return NULL;
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv_items, NULL);
    pthread_cond_init(&w->cv_space, NULL);
    w->root = strdup(PyBytes_AS_STRING(rb));
    Py_DECREF(rb);
    if (!w->root) {
        Py_DECREF(w);
        return PyErr_NoMemory();
    }
    piiscan_status st = piiscan_walker_new(&w->walker);
    if (st == PIISCAN_OK)
        st = piiscan_walker_set(w->walker, PIISCAN_WALK_FOLLOW_SYMLINKS, follow);
    if (st == PIISCAN_OK)
        st = piiscan_walker_set(w->walker, PIISCAN_WALK_ONE_FILE_SYSTEM, onefs);
    if (st == PIISCAN_OK)
        st = piiscan_walker_set(w->walker, PIISCAN_WALK_MAX_FILE_SIZE, maxsize);
    if (st == PIISCAN_OK)
        st = piiscan_walker_set(w->walker, PIISCAN_WALK_IGNORE_FILES, ignore);
    if (st != PIISCAN_OK) {
        Py_DECREF(w);
        return raise_status(st, "invalid walk option", NULL);
    }
    PyObject *lists[2] = {inc, exc};
    for (int k = 0; k < 2; k++) {
        if (lists[k] == Py_None)
            continue;
        PyObject *fast = PySequence_Fast(lists[k], "include/exclude must be sequences of str");
        if (!fast) {
            Py_DECREF(w);
            return NULL;
        }
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
            PyObject *g = PySequence_Fast_GET_ITEM(fast, i), *gb = NULL;
            if (!PyUnicode_FSConverter(g, &gb)) {
                Py_DECREF(fast);
                Py_DECREF(w);
                return NULL;
            }
            st = k == 0 ? piiscan_walker_include(w->walker, PyBytes_AS_STRING(gb))
                        : piiscan_walker_exclude(w->walker, PyBytes_AS_STRING(gb));
            Py_DECREF(gb);
            if (st != PIISCAN_OK) {
                char msg[300];
                snprintf(msg, sizeof msg, "invalid %s glob", k == 0 ? "include" : "exclude");
                Py_DECREF(fast);
                Py_DECREF(w);
                return raise_status(st, msg, NULL);
            }
        }
        Py_DECREF(fast);
    }
    return (PyObject *)w;
}

static void Walk_dealloc(WalkObject *w)
{
    walk_stop(w);
    piiscan_walker_free(w->walker);
    free(w->root);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv_items);
    pthread_cond_destroy(&w->cv_space);
    Py_TYPE(w)->tp_free((PyObject *)w);
}

/* Yields (path, status, reason, size, mtime, atime, ctime); status is the
 * piiscan_file_status name.  At the end, .status holds piiscan_walk's result. */
static PyObject *Walk_next(WalkObject *w)
{
    if (w->joined && !w->count)
        return NULL;
    if (!w->started) {
        int rc = pthread_create(&w->thread, NULL, walk_thread, w);
        if (rc) {
            errno = rc;
            return PyErr_SetFromErrno(PyExc_OSError);
        }
        w->started = 1;
    }
    walk_item it;
    int have = 0;
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&w->mu);
    while (!w->count && !w->done)
        pthread_cond_wait(&w->cv_items, &w->mu);
    if (w->count) {
        it = w->ring[w->head];
        w->head = (w->head + 1) % WALK_QUEUE;
        w->count--;
        have = 1;
        pthread_cond_signal(&w->cv_space);
    }
    pthread_mutex_unlock(&w->mu);
    if (!have) {
        pthread_join(w->thread, NULL);
    }
    Py_END_ALLOW_THREADS
    if (!have) {
        w->joined = 1;
        if (w->nomem)
            return PyErr_NoMemory();
        return NULL; /* StopIteration */
    }
    PyObject *path = PyUnicode_DecodeFSDefault(it.path);
    PyObject *reason = it.reason ? PyUnicode_DecodeUTF8(it.reason, (Py_ssize_t)strlen(it.reason),
                                                        "replace")
                                 : (Py_INCREF(Py_None), Py_None);
    free(it.path);
    free(it.reason);
    if (!path || !reason) {
        Py_XDECREF(path);
        Py_XDECREF(reason);
        return NULL;
    }
    PyObject *status = status_str(it.status);
    PyObject *r = Py_BuildValue("(NNNKLLL)", path, status, reason, (unsigned long long)it.size,
                                (long long)it.mtime, (long long)it.atime, (long long)it.ctime);
    return r;
}

static PyObject *Walk_close(WalkObject *w, PyObject *unused)
{
    (void)unused;
    walk_stop(w);
    w->joined = 1;
    Py_RETURN_NONE;
}

static PyObject *Walk_get_status(WalkObject *w, void *closure)
{
    (void)closure;
    if (!w->joined)
        Py_RETURN_NONE;
    return PyLong_FromLong(w->status);
}

static PyMethodDef Walk_methods[] = {
    {"close", (PyCFunction)Walk_close, METH_NOARGS, "Stops the walk."}, {NULL}};

static PyGetSetDef Walk_getset[] = {
    {"status", (getter)Walk_get_status, NULL, "piiscan_walk's status once the walk ended.", NULL},
    {NULL}};

static PyTypeObject WalkType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "piiscan._piiscan._Walk",
    .tp_basicsize = sizeof(WalkObject),
    .tp_dealloc = (destructor)Walk_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A walk of a file tree (used by Engine.scan_path).",
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)Walk_next,
    .tp_methods = Walk_methods,
    .tp_getset = Walk_getset,
    .tp_new = Walk_new,
};

/* _file_status(path, status, reason, size, mtimes) for walk entries. */
static PyObject *mod_file_status(PyObject *mod, PyObject *args)
{
    (void)mod;
    PyObject *path, *status, *reason, *mtimes = Py_None;
    unsigned long long size = 0;
    if (!PyArg_ParseTuple(args, "UUO|KO:_file_status", &path, &status, &reason, &size, &mtimes))
        return NULL;
    Py_INCREF(path);
    Py_INCREF(status);
    Py_INCREF(reason);
    Py_INCREF(Py_None);
    FileStatusObject *fs =
        (FileStatusObject *)file_status_new(path, status, reason, Py_None, 0, size);
    if (!fs)
        return NULL;
    if (mtimes != Py_None) {
        if (!PyTuple_Check(mtimes) || PyTuple_GET_SIZE(mtimes) != 3) {
            Py_DECREF(fs);
            PyErr_SetString(PyExc_TypeError, "mtimes must be a 3-tuple");
            return NULL;
        }
        fs->mtime = PyTuple_GET_ITEM(mtimes, 0);
        fs->atime = PyTuple_GET_ITEM(mtimes, 1);
        fs->ctime = PyTuple_GET_ITEM(mtimes, 2);
        Py_INCREF(fs->mtime);
        Py_INCREF(fs->atime);
        Py_INCREF(fs->ctime);
    }
    return (PyObject *)fs;
}

/* _default_types() -> list of (id, name, enabled) */
static PyObject *mod_default_types(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    piiscan_patterns *set = NULL;
    piiscan_status st = piiscan_patterns_new_default(&set);
    if (st != PIISCAN_OK)
        return raise_status(st, NULL, NULL);
    size_t n = piiscan_patterns_count(set);
    PyObject *l = PyList_New(0);
    for (size_t i = 0; l && i < n; i++) {
        const char *id, *name;
        int en;
        if (piiscan_patterns_get(set, i, &id, &name, &en) != PIISCAN_OK)
            continue;
        PyObject *t = Py_BuildValue("(ssO)", id, name ? name : id, en ? Py_True : Py_False);
        if (!t || PyList_Append(l, t) < 0)
            Py_CLEAR(l);
        Py_XDECREF(t);
    }
    piiscan_patterns_free(set);
    return l;
}

static PyObject *mod_strerror(PyObject *mod, PyObject *arg)
{
    (void)mod;
    int st = as_int(arg);
    if (st == -1 && PyErr_Occurred())
        return NULL;
    return PyUnicode_FromString(piiscan_strerror((piiscan_status)st));
}

/* _fingerprint(key, type, value) -> str: piiscan_fingerprint() */
static PyObject *mod_fingerprint(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    static char *kwlist[] = {"key", "type", "value", NULL};
    PyObject *key, *value;
    const char *type;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OsO:fingerprint", kwlist, &key, &type, &value))
        return NULL;
    if (key == Py_None) {
        PyErr_SetString(PyExc_TypeError, "fingerprint: key must be bytes or str, not None");
        return NULL;
    }
    fpkey k;
    if (!fpkey_get(key, &k, "key"))
        return NULL;
    input in;
    if (!input_get(value, &in, "fingerprint", 1)) {
        fpkey_free(&k);
        return NULL;
    }
    char hex[PIISCAN_FINGERPRINT_HEX];
    piiscan_status st = piiscan_fingerprint(k.key, k.len, type, in.data, in.len, hex);
    input_release(&in);
    fpkey_free(&k);
    if (st != PIISCAN_OK)
        return raise_status(st, NULL, NULL);
    return PyUnicode_FromStringAndSize(hex, 64);
}

static PyMethodDef module_methods[] = {
    {"_fingerprint", (PyCFunction)(void (*)(void))mod_fingerprint, METH_VARARGS | METH_KEYWORDS,
     NULL},
    {"_extract_text", mod_extract_text, METH_VARARGS, NULL},
    {"_file_status", mod_file_status, METH_VARARGS, NULL},
    {"_default_types", mod_default_types, METH_NOARGS, NULL},
    {"_strerror", mod_strerror, METH_O, NULL},
    {NULL}};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "piiscan._piiscan",
    "C core of the piiscan package (libpiiscan).  Use the `piiscan` package.", -1,
    module_methods};

PyMODINIT_FUNC PyInit__piiscan(void)
{
    const char *v[] = {NULL, "context", "structural", "checksum"};
    const char *c[] = {NULL, "low", "medium", "high"};
    str_validation[0] = PyUnicode_InternFromString("unknown");
    str_confidence[0] = PyUnicode_InternFromString("unknown");
    for (int i = 1; i < 4; i++) {
        str_validation[i] = PyUnicode_InternFromString(v[i]);
        str_confidence[i] = PyUnicode_InternFromString(c[i]);
    }
    for (int i = 0; i < 6; i++)
        str_status[i] = PyUnicode_InternFromString(piiscan_file_status_name((piiscan_file_status)i));
    if (PyType_Ready(&FindingType) < 0 || PyType_Ready(&FileStatusType) < 0 ||
        PyType_Ready(&EngineType) < 0 || PyType_Ready(&StreamType) < 0 ||
        PyType_Ready(&WalkType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&moduledef);
    if (!m)
        return NULL;
    if (PyModule_AddObjectRef(m, "Finding", (PyObject *)&FindingType) < 0 ||
        PyModule_AddObjectRef(m, "FileStatus", (PyObject *)&FileStatusType) < 0 ||
        PyModule_AddObjectRef(m, "_Engine", (PyObject *)&EngineType) < 0 ||
        PyModule_AddObjectRef(m, "Stream", (PyObject *)&StreamType) < 0 ||
        PyModule_AddObjectRef(m, "_Walk", (PyObject *)&WalkType) < 0 ||
        PyModule_AddStringConstant(m, "library_version", piiscan_version()) < 0 ||
        PyModule_AddStringConstant(m, "header_version", PIISCAN_VERSION_STRING) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
