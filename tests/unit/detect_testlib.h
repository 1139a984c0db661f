/* detect_testlib.h -- helpers shared by the test_detect_*.c files: build a
 * candidate from a string, run a validator with or without a context
 * keyword, and walk the published vectors in tests/vectors/.
 *
 * Vector files: the first line is a "# SOURCE:" comment, and a new
 * "# SOURCE:" line opens each group from another place.  Data lines are
 *     <expected> <value> [<expected with a context keyword>]
 * where <expected> is checksum | structural | context | reject: the
 * validator's answer under the default policy with no keyword nearby.  The
 * values are the sources' published test numbers.  Assertion messages name
 * the file and line, never the value (the rule for all test output). */
#ifndef PII_TESTS_DETECT_TESTLIB_H
#define PII_TESTS_DETECT_TESTLIB_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "detect/checks.h"
#include "detect/detect.h"
#include "piiscan.h"

static int tl_ctx_yes(const pii_candidate *c)
{
    (void)c;
    return 1;
}

/* One validator run: verdict as the scanner would initialise it, plus the
 * display of the candidate. */
typedef struct tl_result {
    pii_verdict v;
    char display[160];
} tl_result;

static pii_candidate_buf tl_buf;

static __attribute__((unused)) tl_result tl_run(const char *validator, const char *value,
                                                int ctx, int policy)
{
    const pii_detector *d = pii_detector_find(validator);
    cr_assert_not_null(d, "validator %s", validator);
    pii_candidate c;
    pii_candidate_init(&c, &tl_buf, (const uint8_t *)value, strlen(value));
    c.rrn_policy = policy;
    if (ctx)
        c.has_context = tl_ctx_yes;
    tl_result r;
    memset(&r, 0, sizeof r);
    r.v.accept = 1;
    r.v.validation = PIISCAN_VALID_STRUCTURAL;
    r.v.confidence = PIISCAN_CONF_MEDIUM;
    r.v.masked = c.nmask > 0;
    d->validate(&c, &r.v);
    if (r.v.accept)
        d->display(&c, r.display, sizeof r.display);
    return r;
}

/* "checksum" etc. -> validation level, 0 for "reject", -1 if unknown. */
static __attribute__((unused)) int tl_expect_code(const char *w)
{
    if (!strcmp(w, "reject"))
        return 0;
    if (!strcmp(w, "context"))
        return PIISCAN_VALID_CONTEXT;
    if (!strcmp(w, "structural"))
        return PIISCAN_VALID_STRUCTURAL;
    if (!strcmp(w, "checksum"))
        return PIISCAN_VALID_CHECKSUM;
    return -1;
}

/* Checks every line of tests/vectors/<file> against `validator`, with and
 * without context.  Returns the number of data lines. */
static __attribute__((unused)) size_t tl_check_vectors(const char *file, const char *validator)
{
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/%s", PII_TEST_VECTOR_DIR, file);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t lineno = 0, n = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (lineno == 1)
            cr_assert(!strncmp(line, "# SOURCE:", 9), "%s must start with a # SOURCE: line", file);
        if (!line[0] || line[0] == '#')
            continue;
        /* expected, value (may hold one space: 서울 12-345678-90, 28 22 ...),
         * optional expected-with-context: the value is what lies between the
         * first word and a trailing keyword. */
        char *sp = strchr(line, ' ');
        cr_assert_not_null(sp, "%s:%zu: malformed", file, lineno);
        *sp = 0;
        int want = tl_expect_code(line), want_ctx = want;
        char *value = sp + 1;
        char *last = strrchr(value, ' ');
        if (last && tl_expect_code(last + 1) >= 0) {
            want_ctx = tl_expect_code(last + 1);
            *last = 0;
        }
        cr_assert_geq(want, 0, "%s:%zu: unknown expectation", file, lineno);
        for (int ctx = 0; ctx <= 1; ctx++) {
            tl_result r = tl_run(validator, value, ctx, PIISCAN_RRN_CONTEXT);
            int got = r.v.accept ? (int)r.v.validation : 0;
            int w = ctx ? want_ctx : want;
            cr_assert_eq(got, w, "%s:%zu (%s): expected %d, got %d (display %s)", file, lineno,
                         ctx ? "with context" : "no context", w, got, r.v.accept ? r.display : "-");
        }
        n++;
    }
    fclose(f);
    return n;
}

#endif
