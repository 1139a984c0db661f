/* api.c -- thin public entry points: version, status text, options, scratch
 * and the whole-buffer scan (a stream fed once). */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "piiscan.h"
#include "scan/options.h"
#include "scan/scratch.h"
#include "scan/stream.h"
#include "extract/extract_internal.h"

PIISCAN_API const char *piiscan_version(void)
{
    return PIISCAN_VERSION_STRING;
}

PIISCAN_API unsigned piiscan_version_number(void)
{
    return PIISCAN_VERSION_NUMBER;
}

PIISCAN_API const char *piiscan_strerror(piiscan_status status)
{
    switch (status) {
    case PIISCAN_OK:
        return "success";
    case PIISCAN_STOPPED:
        return "stopped by the callback";
    case PIISCAN_E_INVALID:
        return "invalid argument or call order";
    case PIISCAN_E_NOMEM:
        return "out of memory";
    case PIISCAN_E_PATTERN:
        return "invalid pattern set";
    case PIISCAN_E_SCRATCH_IN_USE:
        return "scratch is already in use by another call";
    case PIISCAN_E_MISMATCH:
        return "scratch or stream belongs to another engine";
    case PIISCAN_E_IO:
        return "input/output error";
    case PIISCAN_E_UNKNOWN_TYPE:
        return "unknown type id";
    case PIISCAN_E_LIMIT:
        return "a limit was reached";
    case PIISCAN_E_INTERNAL:
        return "internal error in libpiiscan";
    }
    return "unknown status";
}

PIISCAN_API const char *piiscan_validation_name(piiscan_validation v)
{
    switch (v) {
    case PIISCAN_VALID_CHECKSUM:
        return "checksum";
    case PIISCAN_VALID_STRUCTURAL:
        return "structural";
    case PIISCAN_VALID_CONTEXT:
        return "context";
    }
    return "unknown";
}

PIISCAN_API const char *piiscan_confidence_name(piiscan_confidence c)
{
    switch (c) {
    case PIISCAN_CONF_HIGH:
        return "high";
    case PIISCAN_CONF_MEDIUM:
        return "medium";
    case PIISCAN_CONF_LOW:
        return "low";
    }
    return "unknown";
}

/* ---- options ------------------------------------------------------------------ */

void pii_options_defaults(struct piiscan_options *o)
{
    memset(o, 0, sizeof *o);
    o->magic = PII_OPTIONS_MAGIC;
    o->encoding = PIISCAN_ENC_AUTO;
    o->min_confidence = PIISCAN_CONF_LOW;
    o->expose_raw = 0;
    o->rrn_policy = PIISCAN_RRN_CONTEXT;
    o->report_masked = 1;
    o->allow_marker = 1;
    o->max_depth = 8;
    o->max_extracted = (uint64_t)16 << 30;
    o->max_ratio = 250;
    o->max_members = 100000;
    o->max_buffer = (uint64_t)256 << 20;
}

PIISCAN_API piiscan_status piiscan_options_new(piiscan_options **out)
{
    if (!out)
        return PIISCAN_E_INVALID;
    *out = malloc(sizeof **out);
    if (!*out)
        return PIISCAN_E_NOMEM;
    pii_options_defaults(*out);
    return PIISCAN_OK;
}

PIISCAN_API piiscan_status piiscan_options_set(piiscan_options *o, piiscan_option key,
                                               int64_t v)
{
    if (!o || o->magic != PII_OPTIONS_MAGIC)
        return PIISCAN_E_INVALID;
    switch (key) {
    case PIISCAN_OPT_ENCODING:
        if (v < PIISCAN_ENC_AUTO || v > PIISCAN_ENC_CP949)
            return PIISCAN_E_INVALID;
        o->encoding = (int)v;
        return PIISCAN_OK;
    case PIISCAN_OPT_MIN_CONFIDENCE:
        if (v < PIISCAN_CONF_LOW || v > PIISCAN_CONF_HIGH)
            return PIISCAN_E_INVALID;
        o->min_confidence = (int)v;
        return PIISCAN_OK;
    case PIISCAN_OPT_EXPOSE_RAW:
        if (v != 0 && v != 1)
            return PIISCAN_E_INVALID;
        o->expose_raw = (int)v;
        return PIISCAN_OK;
    case PIISCAN_OPT_RRN_POLICY:
        if (v < PIISCAN_RRN_CHECKSUM_ONLY || v > PIISCAN_RRN_STRUCTURAL)
            return PIISCAN_E_INVALID;
        o->rrn_policy = (int)v;
        return PIISCAN_OK;
    case PIISCAN_OPT_REPORT_MASKED:
        if (v != 0 && v != 1)
            return PIISCAN_E_INVALID;
        o->report_masked = (int)v;
        return PIISCAN_OK;
    case PIISCAN_OPT_ALLOW_MARKER:
        if (v != 0 && v != 1)
            return PIISCAN_E_INVALID;
        o->allow_marker = (int)v;
        return PIISCAN_OK;
    case PIISCAN_OPT_MAX_DEPTH:
        if (v < 0 || v > 64)
            return PIISCAN_E_INVALID;
        o->max_depth = (unsigned)v;
        return PIISCAN_OK;
    case PIISCAN_OPT_MAX_EXTRACTED:
    case PIISCAN_OPT_MAX_RATIO:
    case PIISCAN_OPT_MAX_MEMBERS:
        if (v < 1)
            return PIISCAN_E_INVALID;
        *(key == PIISCAN_OPT_MAX_EXTRACTED ? &o->max_extracted
          : key == PIISCAN_OPT_MAX_RATIO   ? &o->max_ratio
                                           : &o->max_members) = (uint64_t)v;
        return PIISCAN_OK;
    case PIISCAN_OPT_MAX_BUFFER:
        if (v < 1 || (uint64_t)v > (uint64_t)SIZE_MAX / 2)
            return PIISCAN_E_INVALID;
        o->max_buffer = (uint64_t)v;
        return PIISCAN_OK;
    }
    return PIISCAN_E_INVALID;
}

PIISCAN_API piiscan_status piiscan_options_get(const piiscan_options *o, piiscan_option key,
                                               int64_t *v)
{
    if (!o || o->magic != PII_OPTIONS_MAGIC || !v)
        return PIISCAN_E_INVALID;
    switch (key) {
    case PIISCAN_OPT_ENCODING:
        *v = o->encoding;
        return PIISCAN_OK;
    case PIISCAN_OPT_MIN_CONFIDENCE:
        *v = o->min_confidence;
        return PIISCAN_OK;
    case PIISCAN_OPT_EXPOSE_RAW:
        *v = o->expose_raw;
        return PIISCAN_OK;
    case PIISCAN_OPT_RRN_POLICY:
        *v = o->rrn_policy;
        return PIISCAN_OK;
    case PIISCAN_OPT_REPORT_MASKED:
        *v = o->report_masked;
        return PIISCAN_OK;
    case PIISCAN_OPT_ALLOW_MARKER:
        *v = o->allow_marker;
        return PIISCAN_OK;
    case PIISCAN_OPT_MAX_DEPTH:
        *v = o->max_depth;
        return PIISCAN_OK;
    case PIISCAN_OPT_MAX_EXTRACTED:
        *v = (int64_t)o->max_extracted;
        return PIISCAN_OK;
    case PIISCAN_OPT_MAX_RATIO:
        *v = (int64_t)o->max_ratio;
        return PIISCAN_OK;
    case PIISCAN_OPT_MAX_MEMBERS:
        *v = (int64_t)o->max_members;
        return PIISCAN_OK;
    case PIISCAN_OPT_MAX_BUFFER:
        *v = (int64_t)o->max_buffer;
        return PIISCAN_OK;
    }
    return PIISCAN_E_INVALID;
}

PIISCAN_API void piiscan_options_free(piiscan_options *o)
{
    if (o && o->magic == PII_OPTIONS_MAGIC) {
        o->magic = 0;
        free(o);
    }
}

/* ---- scratch ------------------------------------------------------------------ */

/* PCRE2 limits for one search: generous for the built-in patterns (which
 * need a few hundred steps), but a catastrophic custom regex stops here
 * instead of hanging the scan. */
#define PII_MATCH_LIMIT 1000000u
#define PII_DEPTH_LIMIT 10000u

PIISCAN_API void piiscan_scratch_free(piiscan_scratch *s)
{
    if (!s || s->magic != PII_SCRATCH_MAGIC)
        return;
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    pcre2_jit_stack_free(s->jit_stack);
    px_magic_close(s->magic_cookie);
    if (s->whole) {
        pii_stream_release(s->whole);
        free(s->whole);
    }
    if (s->file_stream) {
        pii_stream_release(s->file_stream);
        free(s->file_stream);
    }
    free(s->file_head);
    s->magic = 0;
    free(s);
}

PIISCAN_API piiscan_status piiscan_scratch_alloc(const piiscan_engine *engine,
                                                 piiscan_scratch **out)
{
    if (!engine || engine->magic != PII_ENGINE_MAGIC || !out)
        return PIISCAN_E_INVALID;
    piiscan_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return PIISCAN_E_NOMEM;
    s->magic = PII_SCRATCH_MAGIC;
    s->engine = engine;
    s->md = pcre2_match_data_create(16, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    s->jit_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
    if (!s->md || !s->mctx || !s->jit_stack) {
        piiscan_scratch_free(s);
        return PIISCAN_E_NOMEM;
    }
    pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);
    pcre2_set_match_limit(s->mctx, PII_MATCH_LIMIT);
    pcre2_set_depth_limit(s->mctx, PII_DEPTH_LIMIT);
    *out = s;
    return PIISCAN_OK;
}

/* ---- whole-buffer scan ------------------------------------------------------------ */

PIISCAN_API piiscan_status piiscan_scan(const piiscan_engine *engine, const void *data,
                                        size_t len, const piiscan_options *opts,
                                        piiscan_scratch *scratch, piiscan_on_finding on_finding,
                                        void *user)
{
    if (!engine || engine->magic != PII_ENGINE_MAGIC || !scratch ||
        scratch->magic != PII_SCRATCH_MAGIC || (!data && len) ||
        (opts && opts->magic != PII_OPTIONS_MAGIC))
        return PIISCAN_E_INVALID;
    if (scratch->engine != engine)
        return PIISCAN_E_MISMATCH;
    if (scratch->in_use)
        return PIISCAN_E_SCRATCH_IN_USE;
    if (!scratch->whole) {
        scratch->whole = calloc(1, sizeof *scratch->whole);
        if (!scratch->whole)
            return PIISCAN_E_NOMEM;
    }
    piiscan_stream *s = scratch->whole;
    piiscan_status st = pii_stream_init(s, engine, opts);
    if (st != PIISCAN_OK)
        return st;
    st = piiscan_stream_feed(s, data, len, scratch, on_finding, user);
    if (st == PIISCAN_OK)
        st = piiscan_stream_finish(s, scratch, on_finding, user);
    /* Large buffers are not kept between calls. */
    if (s->cap > (1u << 20)) {
        pii_stream_release(s);
        free(s);
        scratch->whole = NULL;
    }
    return st;
}
