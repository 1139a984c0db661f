/*
 * piiscan.h -- the one public header of libpiiscan.
 *
 * libpiiscan finds Korean personal data (resident and foreign registration
 * numbers, passport and driver's licence numbers, card, bank-account and
 * phone numbers, e-mail addresses) in text, with checksum and structural
 * validation, and tells already-masked values from raw ones.
 *
 * Basic outline:
 *   1) Build a pattern set: piiscan_patterns_new_default() (the embedded
 *      default set), then optionally piiscan_patterns_load_file() to add
 *      custom types or override built-in ones, piiscan_patterns_enable().
 *   2) Compile it once: piiscan_engine_compile().  The engine is immutable.
 *   3) Per thread: piiscan_scratch_alloc().
 *   4) Scan: piiscan_scan() for a whole buffer, or piiscan_stream_open() +
 *      piiscan_stream_feed() (chunks of any size) + piiscan_stream_finish().
 *      Each finding is delivered to your callback.
 *   5) Free everything with the matching *_free() function (all accept NULL).
 *
 * Threads.  The library has no mutable global state and starts no threads.
 *   - piiscan_engine is immutable once compiled: any number of threads may
 *     scan with one engine at the same time.
 *   - piiscan_scratch is per-thread working memory.  Never use one scratch
 *     in two calls at once; the library detects the common case (a callback
 *     that re-enters with the scratch it was called with) and returns
 *     PIISCAN_E_SCRATCH_IN_USE.
 *   - piiscan_stream is the state of one byte stream.  One call at a time;
 *     a stream may move between threads between calls.
 *   - piiscan_options is read-only during a scan: once set up, one options
 *     object may be shared by threads.  Streams copy it when opened.
 *   - piiscan_patterns is a builder: one thread at a time.
 *
 * Ownership.  Every object you get from a *_new/_alloc/_open/_compile call is
 * yours and must be freed with its *_free function.  Pointers inside a
 * piiscan_finding are owned by the library and valid only during the
 * callback that received it.
 *
 * Privacy.  A finding always carries a masked rendition (`display`) that is
 * safe to print.  The raw value is exposed only if you set
 * PIISCAN_OPT_EXPOSE_RAW.  No status text or error message ever contains
 * scanned data.
 */
#ifndef PIISCAN_H
#define PIISCAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(PIISCAN_BUILDING)
#define PIISCAN_API __declspec(dllexport)
#elif defined(__GNUC__)
#define PIISCAN_API __attribute__((visibility("default")))
#else
#define PIISCAN_API
#endif

/* ---- Version -------------------------------------------------------------
 * The version is provided as both macros and functions: the macros describe
 * the header you compiled against, the functions the library you run with.
 * They differ only when a program built against one release runs with
 * another shared library. */
#define PIISCAN_VERSION_MAJOR 0
#define PIISCAN_VERSION_MINOR 1
#define PIISCAN_VERSION_PATCH 0
/** a.b.c -> a*10000 + b*100 + c, so comparisons with < and > work. */
#define PIISCAN_VERSION_NUMBER                                                 \
    (PIISCAN_VERSION_MAJOR * 10000 + PIISCAN_VERSION_MINOR * 100 + PIISCAN_VERSION_PATCH)
#define PIISCAN_VERSION_STRING "0.1.0"

/** The library's version string, e.g. "0.1.0".  Static storage. */
PIISCAN_API const char *piiscan_version(void);
/** The library's version number (see PIISCAN_VERSION_NUMBER). */
PIISCAN_API unsigned piiscan_version_number(void);

/* ---- Status --------------------------------------------------------------
 * Every fallible call returns one of these.  0 is success, positive values
 * are outcomes that are not errors, negative values are errors.  Values are
 * never renumbered or reused; new codes are appended. */
typedef enum piiscan_status {
    PIISCAN_OK = 0,
    PIISCAN_STOPPED = 1,                /**< a callback returned PIISCAN_STOP */
    PIISCAN_E_INVALID = -1,             /**< bad argument or call order: a caller bug */
    PIISCAN_E_NOMEM = -2,               /**< out of memory */
    PIISCAN_E_PATTERN = -3,             /**< a pattern file or regex is invalid; see the error */
    PIISCAN_E_SCRATCH_IN_USE = -4,      /**< scratch used by two calls at once */
    PIISCAN_E_MISMATCH = -5,            /**< scratch or stream belongs to another engine */
    PIISCAN_E_IO = -6,                  /**< open/read failed (see errno) */
    PIISCAN_E_UNKNOWN_TYPE = -7,        /**< no pattern with that type id */
    PIISCAN_E_LIMIT = -8,               /**< a configured or built-in limit was reached */
    PIISCAN_E_INTERNAL = -99            /**< a bug in libpiiscan; please report it */
} piiscan_status;

/** Static English text for a status.  Never NULL, never contains scanned data. */
PIISCAN_API const char *piiscan_strerror(piiscan_status status);

/* ---- Opaque handles ------------------------------------------------------ */
typedef struct piiscan_patterns piiscan_patterns; /**< pattern-set builder */
typedef struct piiscan_engine piiscan_engine;     /**< compiled, immutable, shareable */
typedef struct piiscan_scratch piiscan_scratch;   /**< per-thread working memory */
typedef struct piiscan_stream piiscan_stream;     /**< state of one byte stream */
typedef struct piiscan_options piiscan_options;   /**< scan policies, read-only in scans */

/* ---- Pattern sets ----------------------------------------------------------
 * The pattern-file format is described in docs/patterns.md. */

/** Details of a pattern error.  Free with piiscan_error_free(). */
typedef struct piiscan_error {
    char *message;  /**< what went wrong, incl. PCRE2's own message for a bad regex */
    char *source;   /**< file name (or the name given for a text), may be NULL */
    unsigned line;  /**< 1-based line in that source, 0 if not line-specific */
    char *type;     /**< type id of the offending pattern, may be NULL */
} piiscan_error;

/** Frees an error.  NULL is a no-op. */
PIISCAN_API void piiscan_error_free(piiscan_error *error);

/**
 * Creates a pattern set holding the embedded default detectors (no file is
 * read).  Types marked `enabled = no` in the defaults (kr_brn) stay off until
 * enabled.
 * @return PIISCAN_OK, PIISCAN_E_INVALID (out is NULL), PIISCAN_E_NOMEM.
 */
PIISCAN_API piiscan_status piiscan_patterns_new_default(piiscan_patterns **out);

/** Creates an empty pattern set.  Same statuses as piiscan_patterns_new_default(). */
PIISCAN_API piiscan_status piiscan_patterns_new_empty(piiscan_patterns **out);

/**
 * Parses pattern-file text and merges it into `set`: a section whose type id
 * is already in the set overrides the fields it names (so `enabled = no`
 * turns a built-in off); a new id adds a type.  Regexes are compiled here, so
 * errors carry their line.  `source_name` names the text in errors (may be
 * NULL).  On PIISCAN_E_PATTERN, *error (if error is not NULL) receives the
 * details; the set is left unchanged.
 * @return PIISCAN_OK, PIISCAN_E_PATTERN, PIISCAN_E_INVALID, PIISCAN_E_NOMEM.
 */
PIISCAN_API piiscan_status piiscan_patterns_load_text(piiscan_patterns *set, const char *text,
                                                      size_t len, const char *source_name,
                                                      piiscan_error **error);

/**
 * Reads a pattern file and merges it as piiscan_patterns_load_text() does.
 * @return as piiscan_patterns_load_text(), plus PIISCAN_E_IO (errno is set
 *         and *error names the file).
 */
PIISCAN_API piiscan_status piiscan_patterns_load_file(piiscan_patterns *set, const char *path,
                                                      piiscan_error **error);

/**
 * Turns one type on or off (`enabled` is 0 or 1).
 * @return PIISCAN_OK, PIISCAN_E_UNKNOWN_TYPE, PIISCAN_E_INVALID.
 */
PIISCAN_API piiscan_status piiscan_patterns_enable(piiscan_patterns *set, const char *type,
                                                   int enabled);

/**
 * Turns every type off, then turns on those named in `types`, a comma
 * separated list such as "kr_rrn,card".  Unknown names give
 * PIISCAN_E_UNKNOWN_TYPE and leave the set unchanged.
 */
PIISCAN_API piiscan_status piiscan_patterns_select(piiscan_patterns *set, const char *types);

/** Number of types in the set (enabled or not). */
PIISCAN_API size_t piiscan_patterns_count(const piiscan_patterns *set);

/**
 * Describes type number `index` (0-based, in file order): its id, human
 * name and whether it is enabled.  The strings live as long as the set.
 * @return PIISCAN_OK or PIISCAN_E_INVALID (index out of range).
 */
PIISCAN_API piiscan_status piiscan_patterns_get(const piiscan_patterns *set, size_t index,
                                                const char **type, const char **name,
                                                int *enabled);

/** Frees a pattern set.  NULL is a no-op.  Engines compiled from it stay valid. */
PIISCAN_API void piiscan_patterns_free(piiscan_patterns *set);

/* ---- Engine -------------------------------------------------------------- */

/**
 * Compiles the enabled types of `set` into an immutable engine (PCRE2 JIT
 * where available).  The set is not referenced afterwards.
 * @return PIISCAN_OK, PIISCAN_E_PATTERN (no type is enabled, or a JIT/limit
 *         problem; *error if not NULL), PIISCAN_E_INVALID, PIISCAN_E_NOMEM.
 */
PIISCAN_API piiscan_status piiscan_engine_compile(const piiscan_patterns *set,
                                                  piiscan_engine **out, piiscan_error **error);

/** Shortcut: compile the embedded default set. */
PIISCAN_API piiscan_status piiscan_engine_compile_default(piiscan_engine **out);

/** Number of types in the engine; type index i of a finding is < this. */
PIISCAN_API size_t piiscan_engine_type_count(const piiscan_engine *engine);

/** Type id ("kr_rrn") of type index `i`, or NULL if out of range.  Lives as long as the engine. */
PIISCAN_API const char *piiscan_engine_type_id(const piiscan_engine *engine, size_t i);

/** Frees an engine.  NULL is a no-op.  Free its scratches and streams first. */
PIISCAN_API void piiscan_engine_free(piiscan_engine *engine);

/* ---- Options --------------------------------------------------------------
 * Typed, enum-keyed setters (no varargs).  A NULL options pointer in any scan
 * call means "all defaults". */
typedef enum piiscan_option {
    /** Input encoding: PIISCAN_ENC_*.  Default PIISCAN_ENC_AUTO. */
    PIISCAN_OPT_ENCODING = 1,
    /** Drop findings below this confidence (PIISCAN_CONF_*).  Default LOW (keep all). */
    PIISCAN_OPT_MIN_CONFIDENCE = 2,
    /** 1: fill piiscan_finding.raw.  Default 0: raw stays NULL. */
    PIISCAN_OPT_EXPOSE_RAW = 3,
    /** Policy for RRN/FRN whose check digit fails: PIISCAN_RRN_*.  Default CONTEXT. */
    PIISCAN_OPT_RRN_POLICY = 4,
    /** 1: also report values that were already masked in the source (default 1). */
    PIISCAN_OPT_REPORT_MASKED = 5,
    /* Limits of file scans (piiscan_scan_file/_fd/_blob, piiscan_extract_text_*).
     * Passing one ends the top-level file with PIISCAN_FILE_SKIPPED and a
     * reason naming the limit; findings made before are kept. */
    /** Deepest nesting of archives/documents/attachments followed (default 8; 0..64). */
    PIISCAN_OPT_MAX_DEPTH = 6,
    /** Bytes that may be extracted (decompressed, decoded) from one top-level
     *  file, all members together (default 16 GiB). */
    PIISCAN_OPT_MAX_EXTRACTED = 7,
    /** Largest compression ratio accepted once a member has produced 16 MiB,
     *  or a top-level file 64 MiB (default 250; zip bombs are ~1000). */
    PIISCAN_OPT_MAX_RATIO = 8,
    /** Members (archive entries, attachments, parts) per top-level file (default 100000). */
    PIISCAN_OPT_MAX_MEMBERS = 9,
    /** Bytes of memory for files held whole because their format needs
     *  random access (documents, PDFs, 7z inside archives), all nesting
     *  levels together (default 256 MiB). */
    PIISCAN_OPT_MAX_BUFFER = 10,
    /** 1 (default): a value on a line that contains "piiscan:allow" within
     *  256 bytes of it is not reported (a test fixture, a documented
     *  example).  0: the marker is ignored. */
    PIISCAN_OPT_ALLOW_MARKER = 11
} piiscan_option;

/** Values of PIISCAN_OPT_ENCODING. */
enum {
    PIISCAN_ENC_AUTO = 0,   /**< BOM, then UTF-16 NUL pattern, else UTF-8 falling back to CP949 */
    PIISCAN_ENC_UTF8 = 1,
    PIISCAN_ENC_UTF16LE = 2,
    PIISCAN_ENC_UTF16BE = 3,
    PIISCAN_ENC_CP949 = 4   /**< CP949 (Unified Hangul Code), a superset of EUC-KR */
};

/** Values of PIISCAN_OPT_RRN_POLICY: what to do with a registration number
 *  whose date and gender digit are valid but whose check digit fails (numbers
 *  issued from 2020-10-05, and numbers re-issued after a leak, have none). */
enum {
    /** Report only checksum-valid numbers. */
    PIISCAN_RRN_CHECKSUM_ONLY = 0,
    /** Default: report as structural/medium when written with the usual hyphen
     *  or when a context keyword is near; a bare 13-digit run is dropped. */
    PIISCAN_RRN_CONTEXT = 1,
    /** Report every valid date + gender digit as structural (bare runs low). */
    PIISCAN_RRN_STRUCTURAL = 2
};

/** Creates an options object with all defaults. */
PIISCAN_API piiscan_status piiscan_options_new(piiscan_options **out);
/** Sets one option.  @return PIISCAN_OK or PIISCAN_E_INVALID (unknown key or value out of range). */
PIISCAN_API piiscan_status piiscan_options_set(piiscan_options *opts, piiscan_option key,
                                               int64_t value);
/** Reads one option into *value.  @return PIISCAN_OK or PIISCAN_E_INVALID. */
PIISCAN_API piiscan_status piiscan_options_get(const piiscan_options *opts, piiscan_option key,
                                               int64_t *value);
/** Frees options.  NULL is a no-op. */
PIISCAN_API void piiscan_options_free(piiscan_options *opts);

/* ---- Findings -------------------------------------------------------------- */

/** How a finding was validated, weakest first. */
typedef enum piiscan_validation {
    PIISCAN_VALID_CONTEXT = 1,    /**< shape plus a context keyword (no checksum exists) */
    PIISCAN_VALID_STRUCTURAL = 2, /**< shape plus structure (date, prefix, numbering plan) */
    PIISCAN_VALID_CHECKSUM = 3    /**< a check digit or Luhn passed */
} piiscan_validation;

/** Confidence that the finding is real personal data. */
typedef enum piiscan_confidence {
    PIISCAN_CONF_LOW = 1,
    PIISCAN_CONF_MEDIUM = 2,
    PIISCAN_CONF_HIGH = 3
} piiscan_confidence;

/** "checksum", "structural" or "context" (static storage). */
PIISCAN_API const char *piiscan_validation_name(piiscan_validation v);
/** "high", "medium" or "low" (static storage). */
PIISCAN_API const char *piiscan_confidence_name(piiscan_confidence c);

/**
 * One finding.  Owned by the library, valid only during the callback.  The
 * struct may gain fields at the end in later minor releases.
 *
 * Offsets count bytes of the original input in whatever encoding it was
 * (a CP949 or UTF-16 input reports CP949 or UTF-16 byte offsets), from the
 * start of the stream.
 */
typedef struct piiscan_finding {
    const char *type;            /**< type id: "kr_rrn", "card", ... */
    const char *type_name;       /**< human-readable name of the type */
    unsigned type_index;         /**< index in the engine (piiscan_engine_type_id) */
    uint64_t offset;             /**< byte offset in the original input */
    uint64_t length;             /**< byte length in the original input */
    uint64_t line;               /**< 1-based line number */
    int masked;                  /**< 1 if the value was already masked in the source */
    piiscan_validation validation;
    piiscan_confidence confidence;
    const char *display;         /**< masked rendition, NUL-terminated, always safe to print */
    const char *raw;             /**< NULL unless PIISCAN_OPT_EXPOSE_RAW; the value as UTF-8 */
    size_t raw_len;              /**< length of raw */
    /** File scans: path of the file or member holding the value, members
     *  joined with '!' ("share/a.zip!hr/list.xlsx").  NULL for piiscan_scan()
     *  and streams. */
    const char *path;
} piiscan_finding;

/** Return values of a finding callback. */
enum {
    PIISCAN_CONTINUE = 0, /**< go on scanning */
    PIISCAN_STOP = 1      /**< stop; the scan call returns PIISCAN_STOPPED */
};

/** Called once per finding, in increasing offset order.  Must not reuse the
 *  scratch or stream of the call that invoked it. */
typedef int (*piiscan_on_finding)(const piiscan_finding *finding, void *user);

/* ---- Fingerprints ----------------------------------------------------------
 * A keyed fingerprint names a value without containing it: reports and
 * baselines made with the same key can be compared and de-duplicated, and
 * nobody without the key can test a fingerprint against candidate numbers.
 * The CLI's --fingerprint-key, --baseline and report `fingerprint` fields
 * and the bindings' fingerprint options all use this one function. */

/** Size of a fingerprint in hex with its NUL: 64 hex digits + 1. */
#define PIISCAN_FINGERPRINT_HEX 65

/**
 * Writes to `out` the keyed fingerprint of a value of type `type` (a type
 * id such as "kr_rrn"): lower-case hex of HMAC-SHA256(key, type ":"
 * normalised value), NUL-terminated.  The normalisation (docs/reports.md,
 * "Fingerprints") makes one value written differently give one
 * fingerprint: for every type but "email", only ASCII letters (upper-cased)
 * and digits are kept, and full-width digits become ASCII digits, so
 * "900101-1234568" and "9001011234568" are equal; for "email" the whole
 * value is kept, ASCII letters lower-cased.  Values never change between
 * releases (baselines depend on them).
 *
 * Pure and thread-safe: no state, nothing logged, the value's normalised
 * copy is wiped before returning.  `value` is `len` bytes of UTF-8 (a
 * finding's `raw`/`raw_len`, which needs PIISCAN_OPT_EXPOSE_RAW); it need
 * not be NUL-terminated.  `key` is `keylen` bytes, any content.
 * @return PIISCAN_OK; PIISCAN_E_INVALID (a NULL argument, or keylen 0: an
 *         empty key would make an unkeyed, reversible hash); PIISCAN_E_NOMEM;
 *         PIISCAN_E_INTERNAL (libcrypto failed).  On error `out` (if not
 *         NULL) is the empty string.
 */
PIISCAN_API piiscan_status piiscan_fingerprint(const void *key, size_t keylen, const char *type,
                                               const char *value, size_t len,
                                               char out[PIISCAN_FINGERPRINT_HEX]);

/* ---- Scratch ---------------------------------------------------------------- */

/**
 * Allocates per-thread working memory for scans with `engine`.
 * @return PIISCAN_OK, PIISCAN_E_INVALID, PIISCAN_E_NOMEM.
 */
PIISCAN_API piiscan_status piiscan_scratch_alloc(const piiscan_engine *engine,
                                                 piiscan_scratch **out);
/** Frees a scratch.  NULL is a no-op. */
PIISCAN_API void piiscan_scratch_free(piiscan_scratch *scratch);

/* ---- Scanning ------------------------------------------------------------- */

/**
 * Scans a whole buffer and calls `on_finding` for each finding, in offset
 * order.  The encoding is detected (or forced by PIISCAN_OPT_ENCODING).
 * Memory use is bounded whatever `len` is: the buffer is scanned in windows.
 * @return PIISCAN_OK, PIISCAN_STOPPED, PIISCAN_E_INVALID, PIISCAN_E_MISMATCH,
 *         PIISCAN_E_SCRATCH_IN_USE, PIISCAN_E_NOMEM.
 */
PIISCAN_API piiscan_status piiscan_scan(const piiscan_engine *engine, const void *data,
                                        size_t len, const piiscan_options *opts,
                                        piiscan_scratch *scratch, piiscan_on_finding on_finding,
                                        void *user);

/**
 * Opens a stream: a byte sequence fed in chunks of any size.  `opts` is
 * copied (NULL: defaults).  A value that straddles two chunks is reported
 * exactly once, and every finding is identical to what piiscan_scan() gives
 * for the concatenated input, offsets counted from the start of the stream.
 */
PIISCAN_API piiscan_status piiscan_stream_open(const piiscan_engine *engine,
                                               const piiscan_options *opts,
                                               piiscan_stream **out);

/**
 * Feeds the next chunk.  Findings whose surroundings are complete are
 * reported now; findings near the end of the chunk are reported by a later
 * feed or by piiscan_stream_finish().  After PIISCAN_STOPPED, further feeds
 * return PIISCAN_STOPPED without scanning.
 * @return PIISCAN_OK, PIISCAN_STOPPED, PIISCAN_E_INVALID, PIISCAN_E_MISMATCH,
 *         PIISCAN_E_SCRATCH_IN_USE, PIISCAN_E_NOMEM.
 */
PIISCAN_API piiscan_status piiscan_stream_feed(piiscan_stream *stream, const void *data,
                                               size_t len, piiscan_scratch *scratch,
                                               piiscan_on_finding on_finding, void *user);

/**
 * Ends the stream: scans what was held back and reports it.  Afterwards the
 * stream can be reset with piiscan_stream_reset() or freed.
 * @return as piiscan_stream_feed().
 */
PIISCAN_API piiscan_status piiscan_stream_finish(piiscan_stream *stream,
                                                 piiscan_scratch *scratch,
                                                 piiscan_on_finding on_finding, void *user);

/** Makes a stream ready for a new byte sequence (same engine and options). */
PIISCAN_API piiscan_status piiscan_stream_reset(piiscan_stream *stream);

/** Encoding a stream settled on (PIISCAN_ENC_*), or -1 if not yet decided. */
PIISCAN_API int piiscan_stream_encoding(const piiscan_stream *stream);

/** Frees a stream.  NULL is a no-op. */
PIISCAN_API void piiscan_stream_free(piiscan_stream *stream);

/* ---- Files, documents and archives --------------------------------------
 * A file scan types its input by content (libmagic; the name only breaks
 * ties), extracts the text of documents (docx, xlsx, pptx, odt/ods/odp,
 * hwpx, HWP 5.0, doc/xls/ppt, PDF, e-mail) and follows archive members and
 * attachments, scanning each with the engine.  Nothing is written to disk.
 *
 * Every file and member gets a piiscan_file_report when it ends (a member's
 * before its container's), so "what was not scanned, and why" is never
 * silent.  Offsets of findings in documents and members count bytes of the
 * extracted UTF-8 text; in plain files, bytes of the file. */

/** What happened to one file or member.  Values are never renumbered. */
typedef enum piiscan_file_status {
    PIISCAN_FILE_OK = 0,          /**< read completely */
    PIISCAN_FILE_ENCRYPTED = 1,   /**< password-protected; `reason` names the protection */
    PIISCAN_FILE_PROTECTED = 2,   /**< HWP distribution document or DRM whose text could not be read */
    PIISCAN_FILE_ERROR = 3,       /**< unreadable, corrupt or truncated; findings before the error are kept */
    PIISCAN_FILE_SKIPPED = 4,     /**< a limit was passed (`reason` names it); findings before it are kept */
    PIISCAN_FILE_UNSUPPORTED = 5  /**< no text to scan (image, audio, video) */
} piiscan_file_status;

/** "ok", "encrypted", "protected", "error", "skipped", "unsupported" (static). */
PIISCAN_API const char *piiscan_file_status_name(piiscan_file_status status);

/** The end of one file or member.  Owned by the library, valid during the
 *  callback only.  May gain fields at the end in later minor releases. */
typedef struct piiscan_file_report {
    const char *path;           /**< as in piiscan_finding.path */
    unsigned depth;             /**< 0 for the file named by the caller */
    const char *format;         /**< "text", "zip", "docx", "hwp", "pdf", "eml"... */
    piiscan_file_status status;
    const char *reason;         /**< NULL when OK; never contains scanned data */
    uint64_t size;              /**< bytes as stored (in its container, uncompressed) */
    uint64_t text_bytes;        /**< bytes of text scanned in this file itself */
    uint64_t findings;          /**< findings in this file itself, members not included */
} piiscan_file_report;

/** Called at the end of each file and member; return PIISCAN_CONTINUE or PIISCAN_STOP. */
typedef int (*piiscan_on_file)(const piiscan_file_report *report, void *user);

/**
 * Scans the file at `path`: its text, or the text of the document or the
 * members of the archive it is.  `on_finding` and `on_file` may be NULL.
 * The scratch is used by the whole call (callbacks must not reuse it).
 * @return PIISCAN_OK when the file was handled, whatever its file status
 *         (see the reports); PIISCAN_E_IO when it could not be opened or
 *         read (it is also reported with PIISCAN_FILE_ERROR; errno is set);
 *         PIISCAN_STOPPED; PIISCAN_E_INVALID, PIISCAN_E_MISMATCH,
 *         PIISCAN_E_SCRATCH_IN_USE, PIISCAN_E_NOMEM.
 */
PIISCAN_API piiscan_status piiscan_scan_file(const piiscan_engine *engine, const char *path,
                                             const piiscan_options *opts,
                                             piiscan_scratch *scratch,
                                             piiscan_on_finding on_finding,
                                             piiscan_on_file on_file, void *user);

/** As piiscan_scan_file() for an open descriptor; `name` is the path used
 *  in reports and to break type ties.  A regular file is read from its
 *  current position with pread(), which leaves the position unchanged; a
 *  pipe or socket is read in order to its end (a non-blocking one is
 *  waited for with poll()).  The descriptor is not closed. */
PIISCAN_API piiscan_status piiscan_scan_fd(const piiscan_engine *engine, int fd,
                                           const char *name, const piiscan_options *opts,
                                           piiscan_scratch *scratch,
                                           piiscan_on_finding on_finding,
                                           piiscan_on_file on_file, void *user);

/** As piiscan_scan_file() for bytes in memory; `name` (may be NULL) is the
 *  path used in reports and the hint that breaks type ties. */
PIISCAN_API piiscan_status piiscan_scan_blob(const piiscan_engine *engine, const void *data,
                                             size_t len, const char *name,
                                             const piiscan_options *opts,
                                             piiscan_scratch *scratch,
                                             piiscan_on_finding on_finding,
                                             piiscan_on_file on_file, void *user);

/** Receives extracted text: a piece of the text of the file or member
 *  `path`, in order.  Pieces of one path arrive consecutively, but a member
 *  may interrupt its container's text. */
typedef int (*piiscan_on_text)(const char *path, const char *text, size_t len, void *user);

/**
 * Extracts the text of a file (every member and part) as a file scan would
 * see it, for debugging and conformance tests.  Plain-text files are passed
 * as stored (not re-encoded).  Limits come from `opts`.
 * @return as piiscan_scan_file().
 */
PIISCAN_API piiscan_status piiscan_extract_text_file(const char *path,
                                                     const piiscan_options *opts,
                                                     piiscan_on_text on_text,
                                                     piiscan_on_file on_file, void *user);

/** As piiscan_extract_text_file() for bytes in memory. */
PIISCAN_API piiscan_status piiscan_extract_text_blob(const void *data, size_t len,
                                                     const char *name,
                                                     const piiscan_options *opts,
                                                     piiscan_on_text on_text,
                                                     piiscan_on_file on_file, void *user);

/* ---- Walking a file tree ---------------------------------------------------
 * What the CLI and the bindings use to turn paths into files to scan: a
 * sorted, deterministic walk that reports every entry it does not hand over
 * (symbolic links, FIFOs, devices, unreadable directories, files over the
 * size limit, ignored paths are not reported) so nothing is skipped
 * silently.  A walker is configured once and may be used by one thread at a
 * time; piiscan_walk() itself keeps no state between calls. */

typedef struct piiscan_walker piiscan_walker;

typedef enum piiscan_walk_option {
    /** 1: follow symbolic links (loops are detected and reported); default 0:
     *  a link is reported PIISCAN_FILE_SKIPPED "symbolic link (not followed)". */
    PIISCAN_WALK_FOLLOW_SYMLINKS = 1,
    /** 1: do not descend into directories on other file systems (default 0). */
    PIISCAN_WALK_ONE_FILE_SYSTEM = 2,
    /** Files larger than this many bytes are reported skipped (default 0: no limit). */
    PIISCAN_WALK_MAX_FILE_SIZE = 3,
    /** 1 (default): honour .piiscanignore files (gitignore syntax) in every directory. */
    PIISCAN_WALK_IGNORE_FILES = 4
} piiscan_walk_option;

PIISCAN_API piiscan_status piiscan_walker_new(piiscan_walker **out);
/** @return PIISCAN_OK or PIISCAN_E_INVALID. */
PIISCAN_API piiscan_status piiscan_walker_set(piiscan_walker *w, piiscan_walk_option key,
                                              int64_t value);
/** Adds a glob (gitignore syntax: `*.xlsx`, `hr/` + double star, `/top-only`, `dir/`): when
 *  any include is given, only files matching one are handed over. */
PIISCAN_API piiscan_status piiscan_walker_include(piiscan_walker *w, const char *glob);
/** Adds a glob of paths to leave out (files, or whole directories). */
PIISCAN_API piiscan_status piiscan_walker_exclude(piiscan_walker *w, const char *glob);
PIISCAN_API void piiscan_walker_free(piiscan_walker *w);

/** 1 if the walker would leave out `relpath` (a file path relative to
 *  `root`, '/'-separated): an exclude, a .piiscanignore rule in `root` or a
 *  directory on the way (when ignore files are on), a left-out parent
 *  directory, or no matching include.  0 otherwise (also on bad arguments).
 *  For paths that do not come from a walk, such as git's staged files. */
PIISCAN_API int piiscan_walker_leaves_out(const piiscan_walker *w, const char *root,
                                          const char *relpath);

/** One entry of a walk.  Valid during the callback only. */
typedef struct piiscan_walk_entry {
    const char *path;            /**< root joined with the relative path */
    piiscan_file_status status;  /**< OK: a regular file to scan; SKIPPED or ERROR: not handed over */
    const char *reason;          /**< NULL when OK */
    uint64_t size;               /**< bytes (regular files) */
    int64_t mtime, atime, ctime; /**< seconds since the epoch */
    /** The entry as `name` inside the directory open as `dir_fd` (the walk's
     *  own descriptor; AT_FDCWD and the whole path for a root, or where no
     *  descriptor could be had).  openat(dir_fd, name, ...) opens the file
     *  without looking up every directory of its path again.  Valid during
     *  the callback only; do not close dir_fd.  (C only: the Go and Python
     *  walks hand entries to another thread, after the callback.) */
    int dir_fd;
    const char *name;
} piiscan_walk_entry;

/** Return PIISCAN_CONTINUE or PIISCAN_STOP. */
typedef int (*piiscan_on_walk_entry)(const piiscan_walk_entry *entry, void *user);

/**
 * Walks `root` (a file or a directory) in sorted order, calling `on_entry`
 * for every regular file to scan and for every entry that is not scanned
 * and why.  `root` itself is followed even when it is a symbolic link.
 * @return PIISCAN_OK, PIISCAN_STOPPED, PIISCAN_E_INVALID, PIISCAN_E_NOMEM,
 *         PIISCAN_E_IO (root cannot be read; also reported as an entry).
 */
PIISCAN_API piiscan_status piiscan_walk(const piiscan_walker *w, const char *root,
                                        piiscan_on_walk_entry on_entry, void *user);

/**
 * Walks `roots` (files or directories) as piiscan_walk() does, on
 * `nthreads` threads (1..256; the calling thread is one of them) that share
 * the work by directory: the thread that lists a directory keeps its first
 * 64 names and leaves the rest, in chunks of 64, and every subdirectory, to
 * any thread; while a thread waits for work, the thread working through a
 * chunk hands it the second half of what is left.  So a file is looked at
 * and handed over on one thread, which can open and scan it right there,
 * and no single thread walks for all.
 *
 * `on_entry` is called on all threads at once; calls made on thread i get
 * `users[i]` (users may be NULL).  Entries come in no fixed order, but
 * every entry of piiscan_walk() comes exactly once, with the same status and
 * reason (a directory reached twice through links is reported once, on
 * whichever path gets there first).  `dir_fd` and `name` are valid during
 * the call.  PIISCAN_STOP from any call stops every thread soon after.
 * @return as piiscan_walk(); PIISCAN_E_IO when some root cannot be read.
 */
PIISCAN_API piiscan_status piiscan_walk_parallel(const piiscan_walker *w, const char *const *roots,
                                                 size_t nroots, unsigned nthreads,
                                                 piiscan_on_walk_entry on_entry,
                                                 void *const *users);

#ifdef __cplusplus
}
#endif
#endif /* PIISCAN_H */
