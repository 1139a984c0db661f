/* test_api.c -- the public API's contract: statuses, NULL handling, misuse
 * detection, callbacks that stop, versions. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "piiscan.h"
#include "testutil.h"

static const char doc[] = "주민등록번호: 900101-1234568\n연락처 010-2345-6789\n";

Test(api, version_macros_match_the_library)
{
    cr_assert_str_eq(piiscan_version(), PIISCAN_VERSION_STRING);
    cr_assert_eq(piiscan_version_number(), PIISCAN_VERSION_NUMBER);
    cr_assert_eq(PIISCAN_VERSION_NUMBER, PIISCAN_VERSION_MAJOR * 10000 + PIISCAN_VERSION_MINOR * 100 +
                                             PIISCAN_VERSION_PATCH);
}

Test(api, strerror_names_every_status)
{
    const piiscan_status all[] = {PIISCAN_OK,          PIISCAN_STOPPED,       PIISCAN_E_INVALID,
                                  PIISCAN_E_NOMEM,     PIISCAN_E_PATTERN,     PIISCAN_E_SCRATCH_IN_USE,
                                  PIISCAN_E_MISMATCH,  PIISCAN_E_IO,          PIISCAN_E_UNKNOWN_TYPE,
                                  PIISCAN_E_LIMIT,     PIISCAN_E_INTERNAL};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        const char *s = piiscan_strerror(all[i]);
        cr_assert_not_null(s);
        cr_assert_str_neq(s, "unknown status", "status %d has no text", all[i]);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(s, piiscan_strerror(all[j]), "statuses share a text");
    }
    cr_assert_str_eq(piiscan_strerror((piiscan_status)12345), "unknown status");
}

Test(api, names_of_validation_and_confidence)
{
    cr_assert_str_eq(piiscan_validation_name(PIISCAN_VALID_CHECKSUM), "checksum");
    cr_assert_str_eq(piiscan_validation_name(PIISCAN_VALID_STRUCTURAL), "structural");
    cr_assert_str_eq(piiscan_validation_name(PIISCAN_VALID_CONTEXT), "context");
    cr_assert_str_eq(piiscan_confidence_name(PIISCAN_CONF_HIGH), "high");
    cr_assert_str_eq(piiscan_confidence_name(PIISCAN_CONF_MEDIUM), "medium");
    cr_assert_str_eq(piiscan_confidence_name(PIISCAN_CONF_LOW), "low");
}

Test(api, free_functions_accept_null)
{
    piiscan_engine_free(NULL);
    piiscan_scratch_free(NULL);
    piiscan_stream_free(NULL);
    piiscan_options_free(NULL);
    piiscan_patterns_free(NULL);
    piiscan_error_free(NULL);
}

Test(api, null_arguments_are_invalid_not_crashes)
{
    piiscan_scratch *s = NULL;
    cr_assert_eq(piiscan_scratch_alloc(NULL, &s), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), NULL), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_engine_compile_default(NULL), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_engine_compile(NULL, NULL, NULL), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_options_new(NULL), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_stream_open(NULL, NULL, NULL), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_scan(t_default_engine(), doc, 4, NULL, NULL, NULL, NULL), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_stream_reset(NULL), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_stream_encoding(NULL), -1);
    cr_assert_eq(piiscan_engine_type_count(NULL), 0);
    cr_assert_null(piiscan_engine_type_id(NULL, 0));
    cr_assert_null(piiscan_engine_type_id(t_default_engine(), 100000));
}

Test(api, options_reject_out_of_range_values)
{
    piiscan_options *o = NULL;
    cr_assert_eq(piiscan_options_new(&o), PIISCAN_OK);
    int64_t v = -1;
    cr_assert_eq(piiscan_options_get(o, PIISCAN_OPT_RRN_POLICY, &v), PIISCAN_OK);
    cr_assert_eq(v, PIISCAN_RRN_CONTEXT, "default RRN policy is CONTEXT");
    cr_assert_eq(piiscan_options_get(o, PIISCAN_OPT_REPORT_MASKED, &v), PIISCAN_OK);
    cr_assert_eq(v, 1);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_ENCODING, 99), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_MIN_CONFIDENCE, 0), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_EXPOSE_RAW, 2), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_RRN_POLICY, 3), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_options_set(o, (piiscan_option)999, 0), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_ENCODING, PIISCAN_ENC_CP949), PIISCAN_OK);
    cr_assert_eq(piiscan_options_get(o, PIISCAN_OPT_ENCODING, &v), PIISCAN_OK);
    cr_assert_eq(v, PIISCAN_ENC_CP949);
    piiscan_options_free(o);
}

Test(api, default_engine_knows_the_documented_types)
{
    const piiscan_engine *e = t_default_engine();
    const char *want[] = {"kr_rrn", "kr_frn", "card", "kr_driver_license", "kr_passport",
                          "kr_phone", "kr_account", "email"};
    for (size_t w = 0; w < sizeof want / sizeof *want; w++) {
        int found = 0;
        for (size_t i = 0; i < piiscan_engine_type_count(e); i++)
            found |= !strcmp(piiscan_engine_type_id(e, i), want[w]);
        cr_assert(found, "type %s missing from the default engine", want[w]);
    }
    /* kr_brn is in the default set but off. */
    for (size_t i = 0; i < piiscan_engine_type_count(e); i++)
        cr_assert_str_neq(piiscan_engine_type_id(e, i), "kr_brn");
}

Test(api, scratch_of_another_engine_is_a_mismatch)
{
    piiscan_engine *other = NULL;
    cr_assert_eq(piiscan_engine_compile_default(&other), PIISCAN_OK);
    piiscan_scratch *s = NULL;
    cr_assert_eq(piiscan_scratch_alloc(other, &s), PIISCAN_OK);
    cr_assert_eq(piiscan_scan(t_default_engine(), doc, sizeof doc - 1, NULL, s, NULL, NULL),
                 PIISCAN_E_MISMATCH);
    piiscan_stream *str = NULL;
    cr_assert_eq(piiscan_stream_open(t_default_engine(), NULL, &str), PIISCAN_OK);
    cr_assert_eq(piiscan_stream_feed(str, doc, 3, s, NULL, NULL), PIISCAN_E_MISMATCH);
    piiscan_stream_free(str);
    piiscan_scratch_free(s);
    piiscan_engine_free(other);
}

typedef struct reenter {
    piiscan_scratch *scratch;
    int inner_status;
    int calls;
} reenter;

static int reenter_cb(const piiscan_finding *f, void *user)
{
    (void)f;
    reenter *r = user;
    r->calls++;
    r->inner_status = piiscan_scan(t_default_engine(), "x", 1, NULL, r->scratch, NULL, NULL);
    return PIISCAN_CONTINUE;
}

Test(api, callback_reusing_its_scratch_gets_scratch_in_use)
{
    reenter r = {0};
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), &r.scratch), PIISCAN_OK);
    cr_assert_eq(piiscan_scan(t_default_engine(), doc, sizeof doc - 1, NULL, r.scratch, reenter_cb, &r),
                 PIISCAN_OK);
    cr_assert_gt(r.calls, 0);
    cr_assert_eq(r.inner_status, PIISCAN_E_SCRATCH_IN_USE);
    /* And the scratch is usable again afterwards. */
    cr_assert_eq(piiscan_scan(t_default_engine(), doc, sizeof doc - 1, NULL, r.scratch, NULL, NULL),
                 PIISCAN_OK);
    piiscan_scratch_free(r.scratch);
}

static int stop_cb(const piiscan_finding *f, void *user)
{
    (void)f;
    (*(int *)user)++;
    return PIISCAN_STOP;
}

Test(api, stop_from_callback_ends_the_scan)
{
    int calls = 0;
    piiscan_scratch *s = NULL;
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), &s), PIISCAN_OK);
    cr_assert_eq(piiscan_scan(t_default_engine(), doc, sizeof doc - 1, NULL, s, stop_cb, &calls),
                 PIISCAN_STOPPED);
    cr_assert_eq(calls, 1, "the callback must not be called after it said stop");
    /* A stopped stream stays stopped until reset. */
    piiscan_stream *str = NULL;
    cr_assert_eq(piiscan_stream_open(t_default_engine(), NULL, &str), PIISCAN_OK);
    calls = 0;
    piiscan_status st = piiscan_stream_feed(str, doc, sizeof doc - 1, s, stop_cb, &calls);
    if (st == PIISCAN_OK)
        st = piiscan_stream_finish(str, s, stop_cb, &calls);
    cr_assert_eq(st, PIISCAN_STOPPED);
    cr_assert_eq(piiscan_stream_feed(str, doc, 5, s, stop_cb, &calls), PIISCAN_STOPPED);
    cr_assert_eq(calls, 1);
    cr_assert_eq(piiscan_stream_reset(str), PIISCAN_OK);
    tfindings f = {0};
    cr_assert_eq(t_scan_chunked(t_default_engine(), NULL, doc, sizeof doc - 1, 7, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 2);
    t_free(&f);
    piiscan_stream_free(str);
    piiscan_scratch_free(s);
}

Test(api, feed_after_finish_is_invalid_until_reset)
{
    piiscan_scratch *s = NULL;
    piiscan_stream *str = NULL;
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), &s), PIISCAN_OK);
    cr_assert_eq(piiscan_stream_open(t_default_engine(), NULL, &str), PIISCAN_OK);
    cr_assert_eq(piiscan_stream_encoding(str), -1, "undecided before any input");
    cr_assert_eq(piiscan_stream_feed(str, doc, sizeof doc - 1, s, NULL, NULL), PIISCAN_OK);
    cr_assert_eq(piiscan_stream_finish(str, s, NULL, NULL), PIISCAN_OK);
    cr_assert_eq(piiscan_stream_encoding(str), PIISCAN_ENC_UTF8);
    cr_assert_eq(piiscan_stream_feed(str, doc, 1, s, NULL, NULL), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_stream_finish(str, s, NULL, NULL), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_stream_reset(str), PIISCAN_OK);
    cr_assert_eq(piiscan_stream_feed(str, doc, 1, s, NULL, NULL), PIISCAN_OK);
    piiscan_stream_free(str);
    piiscan_scratch_free(s);
}

typedef struct rawcheck {
    int with_raw, calls;
    char raw[64];
} rawcheck;

static int raw_cb(const piiscan_finding *f, void *user)
{
    rawcheck *r = user;
    r->calls++;
    if (f->raw) {
        r->with_raw++;
        snprintf(r->raw, sizeof r->raw, "%.*s", (int)f->raw_len, f->raw);
    }
    cr_assert_null(strstr(f->display, "1234568"), "display must not hold the hidden digits");
    return PIISCAN_CONTINUE;
}

Test(api, raw_value_only_when_asked)
{
    const char text[] = "주민번호 900101-1234568";
    piiscan_scratch *s = NULL;
    piiscan_options *o = NULL;
    cr_assert_eq(piiscan_scratch_alloc(t_default_engine(), &s), PIISCAN_OK);
    cr_assert_eq(piiscan_options_new(&o), PIISCAN_OK);
    rawcheck r = {0};
    cr_assert_eq(piiscan_scan(t_default_engine(), text, sizeof text - 1, o, s, raw_cb, &r), PIISCAN_OK);
    cr_assert_eq(r.calls, 1);
    cr_assert_eq(r.with_raw, 0, "raw must be NULL by default");
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_EXPOSE_RAW, 1), PIISCAN_OK);
    memset(&r, 0, sizeof r);
    cr_assert_eq(piiscan_scan(t_default_engine(), text, sizeof text - 1, o, s, raw_cb, &r), PIISCAN_OK);
    cr_assert_eq(r.with_raw, 1);
    cr_assert_str_eq(r.raw, "900101-1234568");
    piiscan_options_free(o);
    piiscan_scratch_free(s);
}

Test(api, min_confidence_and_unmasked_only_filter)
{
    /* One checksum-valid RRN (high) and one masked phone number. */
    const char text[] = "주민번호 900101-1234568 / 전화 010-****-5678";
    piiscan_options *o = NULL;
    cr_assert_eq(piiscan_options_new(&o), PIISCAN_OK);
    tfindings all = {0}, f = {0};
    cr_assert_eq(t_scan(t_default_engine(), o, text, sizeof text - 1, &all), PIISCAN_OK);
    cr_assert_eq(all.n, 2);
    cr_assert_eq(t_count_type(&all, "kr_phone"), 1);
    cr_assert_eq(t_first_type(&all, "kr_phone")->masked, 1);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_REPORT_MASKED, 0), PIISCAN_OK);
    cr_assert_eq(t_scan(t_default_engine(), o, text, sizeof text - 1, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].type, "kr_rrn");
    t_free(&f);
    piiscan_options_free(o);
    t_free(&all);
}
