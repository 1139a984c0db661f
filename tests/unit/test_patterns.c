/* test_patterns.c -- the pattern-file format: custom types, overrides, errors
 * that name the file, the line and PCRE2's message. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "piiscan.h"
#include "testutil.h"

static piiscan_status load(piiscan_patterns *set, const char *text, piiscan_error **err)
{
    return piiscan_patterns_load_text(set, text, strlen(text), "custom.pat", err);
}

static piiscan_engine *compile_or_die(piiscan_patterns *set)
{
    piiscan_engine *e = NULL;
    piiscan_error *err = NULL;
    piiscan_status st = piiscan_engine_compile(set, &e, &err);
    cr_assert_eq(st, PIISCAN_OK, "compile: %s", err ? err->message : piiscan_strerror(st));
    return e;
}

/* The number of findings in doc of an engine made of one pattern file. */
static size_t findings_with(const char *pattern_text, const char *doc)
{
    piiscan_patterns *set = NULL;
    piiscan_error *err = NULL;
    cr_assert_eq(piiscan_patterns_new_empty(&set), PIISCAN_OK);
    cr_assert_eq(load(set, pattern_text, &err), PIISCAN_OK, "%s", err ? err->message : "");
    piiscan_engine *e = compile_or_die(set);
    tfindings f = {0};
    cr_assert_eq(t_scan(e, NULL, doc, strlen(doc), &f), PIISCAN_OK);
    size_t n = f.n;
    t_free(&f);
    piiscan_engine_free(e);
    piiscan_patterns_free(set);
    return n;
}

Test(patterns, embedded_defaults_load_without_files)
{
    piiscan_patterns *set = NULL;
    cr_assert_eq(piiscan_patterns_new_default(&set), PIISCAN_OK);
    cr_assert_geq(piiscan_patterns_count(set), 9);
    int brn_seen = 0;
    for (size_t i = 0; i < piiscan_patterns_count(set); i++) {
        const char *id, *name;
        int en;
        cr_assert_eq(piiscan_patterns_get(set, i, &id, &name, &en), PIISCAN_OK);
        if (!strcmp(id, "kr_brn")) {
            brn_seen = 1;
            cr_assert_eq(en, 0, "kr_brn is off by default");
        }
    }
    cr_assert(brn_seen);
    cr_assert_eq(piiscan_patterns_get(set, 100000, NULL, NULL, NULL), PIISCAN_E_INVALID);
    piiscan_patterns_free(set);
}

Test(patterns, custom_type_is_found_and_builtin_can_be_turned_off)
{
    piiscan_patterns *set = NULL;
    piiscan_error *err = NULL;
    cr_assert_eq(piiscan_patterns_new_default(&set), PIISCAN_OK);
    const char *text = "# employee ids\n"
                       "[acme_employee_id]\n"
                       "name = ACME employee ID\n"
                       "regex = {{LB}}EMP{{DASH}}{{DIGIT}}{6}{{RB}}\n"
                       "trigger = digits 6\n"
                       "confidence = high\n"
                       "\n"
                       "[kr_phone]\n"
                       "enabled = no\n";
    cr_assert_eq(load(set, text, &err), PIISCAN_OK, "%s", err ? err->message : "");
    piiscan_engine *e = compile_or_die(set);
    const char doc[] = "사번 EMP-123456, 전화 010-2345-6789, 사번 EMP－６５４３２１, EMP-1234567";
    tfindings f = {0};
    cr_assert_eq(t_scan(e, NULL, doc, sizeof doc - 1, &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_phone"), 0, "kr_phone was disabled");
    cr_assert_eq(t_count_type(&f, "acme_employee_id"), 2, "full-width digits and dash count too");
    const tfinding *a = t_first_type(&f, "acme_employee_id");
    cr_assert_eq(a->offset, strstr(doc, "EMP-123456") - doc);
    cr_assert_eq(a->length, 10);
    cr_assert_eq(a->confidence, PIISCAN_CONF_HIGH);
    cr_assert_eq(a->validation, PIISCAN_VALID_STRUCTURAL);
    t_free(&f);
    piiscan_engine_free(e);
    piiscan_patterns_free(set);
}

Test(patterns, context_required_custom_type_reports_context_validation)
{
    piiscan_patterns *set = NULL;
    piiscan_error *err = NULL;
    cr_assert_eq(piiscan_patterns_new_empty(&set), PIISCAN_OK);
    cr_assert_eq(load(set,
                      "[member_no]\nregex = {{LB}}{{DIGIT}}{8}{{RB}}\ntrigger = digits 8\n"
                      "context = 회원번호, member\ncontext_required = yes\ncontext_before = 20\ncontext_after = 0\n",
                      &err),
                 PIISCAN_OK, "%s", err ? err->message : "");
    piiscan_engine *e = compile_or_die(set);
    const char doc[] = "회원번호: 12345678\n"
                       "주문 12345678\n"
                       "MEMBER no. 87654321\n";
    tfindings f = {0};
    cr_assert_eq(t_scan(e, NULL, doc, sizeof doc - 1, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 2, "only the two with a keyword (ASCII keywords match caseless)");
    cr_assert_eq(f.v[0].line, 1);
    cr_assert_eq(f.v[1].line, 3);
    cr_assert_eq(f.v[0].validation, PIISCAN_VALID_CONTEXT);
    t_free(&f);
    piiscan_engine_free(e);
    piiscan_patterns_free(set);
}

/* The scanner skips starts right after a letter or digit for a regex that
 * begins with {{LB}}, without calling PCRE2; with a top-level '|' only the
 * first alternative carries the guard, so that shortcut must be off. */
Test(patterns, leading_lb_guards_only_a_regex_without_top_level_alternation)
{
    static const struct {
        const char *regex;
        size_t want;
    } cases[] = {
        /* K1234 (after a letter) and Z5678; not Z1111, right after a digit. */
        {"{{LB}}Z{{DIGIT}}{4}|K{{DIGIT}}{4}", 2},
        /* The same guard inside a group covers both: only Z5678. */
        {"{{LB}}(?:Z|K){{DIGIT}}{4}", 1},
        /* A '|' in a class, escaped, quoted or in a comment is no alternative. */
        {"{{LB}}[|Z](?#a|b)\\|?\\Q|\\E?{{DIGIT}}{4}", 1},
        /* An optional guard guards nothing: Z5678 and Z1111. */
        {"{{LB}}?Z{{DIGIT}}{4}", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "[tag]\nregex = %s\ntrigger = digits 4 prefix 1\n", cases[i].regex);
        size_t n = findings_with(text, "ref AK1234 Z5678 9Z1111\n");
        cr_assert_eq(n, cases[i].want, "%s: %zu findings", cases[i].regex, n);
    }
}

Test(patterns, bad_regex_names_file_line_and_pcre2_message)
{
    piiscan_patterns *set = NULL;
    piiscan_error *err = NULL;
    cr_assert_eq(piiscan_patterns_new_default(&set), PIISCAN_OK);
    size_t before = piiscan_patterns_count(set);
    const char *text = "[good]\nregex = abc\n\n[broken]\nname = x\nregex = (EMP[0-9]+\n";
    cr_assert_eq(load(set, text, &err), PIISCAN_E_PATTERN);
    cr_assert_not_null(err);
    cr_assert_str_eq(err->source, "custom.pat");
    cr_assert_eq(err->line, 6);
    cr_assert_str_eq(err->type, "broken");
    cr_assert(strstr(err->message, "missing closing parenthesis") != NULL, "got: %s", err->message);
    piiscan_error_free(err);
    cr_assert_eq(piiscan_patterns_count(set), before, "a bad file leaves the set unchanged");
    piiscan_patterns_free(set);
}

static void expect_error(const char *text, unsigned line, const char *needle)
{
    piiscan_patterns *set = NULL;
    piiscan_error *err = NULL;
    cr_assert_eq(piiscan_patterns_new_empty(&set), PIISCAN_OK);
    cr_assert_eq(load(set, text, &err), PIISCAN_E_PATTERN, "accepted: %s", text);
    cr_assert_not_null(err);
    cr_assert_eq(err->line, line, "line %u for: %s (%s)", err->line, text, err->message);
    cr_assert(strstr(err->message, needle) != NULL, "'%s' not in '%s'", needle, err->message);
    piiscan_error_free(err);
    piiscan_patterns_free(set);
}

Test(patterns, format_errors_are_reported_with_their_line)
{
    expect_error("[x]\nregex = a\nfoo = bar\n", 3, "unknown key");
    expect_error("[x]\nregex = a\nvalidator = nosuch\n", 3, "unknown validator");
    expect_error("[x]\nregex = {{NOPE}}\n", 2, "unknown macro");
    expect_error("[x]\nregex = a\ntrigger = digits 0\n", 3, "trigger");
    expect_error("[x]\nregex = a\ntrigger = sometimes\n", 3, "trigger");
    expect_error("[x]\nregex = a\nconfidence = very\n", 3, "confidence");
    expect_error("[x]\nregex = a\ncontext_before = 9999\n", 3, "context_before");
    expect_error("[X-Y]\nregex = a\n", 1, "type id");
    expect_error("regex = a\n", 1, "outside");
    expect_error("[x]\nname = only a name\n", 1, "needs a regex");
    expect_error("[x]\nregex = a\nenabled = maybe\n", 3, "enabled");
    expect_error("[x]\nregex = (?<=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)b\n", 2, "lookbehind");
    expect_error("[x]\njust text\n", 2, "key = value");
    expect_error("[x]\nregex = a\nconfidence += high\n", 3, "'+='");
    expect_error("[x]\nregex = a\nshape = 6+0\n", 3, "shape");
    expect_error("[x]\nregex = a\nshape = 6 | x\n", 3, "shape");
    expect_error("[x]\nregex = a\nshape = 1|2|3|4|5|6|7|8|9\n", 3, "shape");
    expect_error("[x]\nregex = a\nlead = 0\n", 3, "lead");
    expect_error("[x]\nregex = a\nlead = 65\n", 3, "lead");
    expect_error("[x]\nregex = a\nlead = four\n", 3, "lead");
    expect_error("[x]\nregex = a\ntrigger = keyword\ncontext = foo\n", 2, "trigger = keyword");
    expect_error("[x]\nregex = a\ntrigger = keyword\ncontext_required = yes\n", 2, "trigger = keyword");
}

/* `trigger = keyword`: the regex runs only near the type's keywords, and
 * finds there exactly what a full search with the context rule finds:
 * before a keyword (within context_after), after it (within
 * context_before), across a page boundary of the scanner (16 KiB), and
 * however the text arrives. */
Test(patterns, keyword_trigger_searches_near_its_keywords)
{
    static const char defs[] = "[emp]\n"
                               "regex = (?<![A-Z0-9-])EMP-[0-9]{6}(?![0-9])\n"
                               "trigger = keyword\n"
                               "context = 사번, employee\n"
                               "context_required = yes\n"
                               "context_before = 40\n"
                               "context_after = 20\n";
    piiscan_patterns *set = NULL;
    piiscan_error *err = NULL;
    cr_assert_eq(piiscan_patterns_new_empty(&set), PIISCAN_OK);
    cr_assert_eq(load(set, defs, &err), PIISCAN_OK, "%s", err ? err->message : "");
    piiscan_engine *e = compile_or_die(set);
    size_t cap = 40000, n = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    struct {
        size_t at;      /* pad with filler up to here first */
        const char *s;
        int reported;
    } parts[] = {
        {100, "사번 EMP-100001 ", 1},                /* keyword 1 byte before */
        {400, "EMP-100002 ", 0},                     /* no keyword */
        {800, "EMP-100003 (employee) ", 1},          /* keyword 2 bytes after */
        /* The keyword must lie wholly within 20 bytes after the value's
         * end, or start at most 40 bytes before its start. */
        {1200, "EMP-100004 .......... employee ", 1},  /* ends 20 bytes after */
        {1400, "EMP-100010 ........... employee ", 0}, /* ends 21 bytes after */
        {1600, "사번 ................................ EMP-100005 ", 1}, /* starts 40 bytes before */
        {2400, "사번 ................................. EMP-100006 ", 0}, /* 41 bytes before */
        {16370, "사번 EMP-100007 ", 1},                /* across the first page boundary */
        {16384 * 2 - 3, "EMP-100008 employee ", 1},
        {39000, "employee EMP-100009", 1},             /* at the very end */
    };
    size_t want = 0;
    for (size_t p = 0; p < sizeof parts / sizeof *parts; p++) {
        for (; n < parts[p].at; n++)
            text[n] = n % 61 == 60 ? '\n' : "lorem ipsum "[n % 12];
        size_t l = strlen(parts[p].s);
        memcpy(text + n, parts[p].s, l);
        n += l;
        want += (size_t)parts[p].reported;
    }
    tfindings whole = {0}, bytes7 = {0}, bytes1000 = {0};
    cr_assert_eq(t_scan(e, NULL, text, n, &whole), PIISCAN_OK);
    cr_assert_eq(whole.n, want, "found %zu, want %zu", whole.n, want);
    for (size_t i = 0, p = 0; i < whole.n; i++, p++) {
        while (!parts[p].reported)
            p++;
        const char *v = strstr(parts[p].s, "EMP-");
        cr_assert_eq(memcmp(text + whole.v[i].offset, v, 10), 0, "finding %zu is not part %zu", i, p);
    }
    cr_assert_eq(t_scan_chunked(e, NULL, text, n, 7, &bytes7), PIISCAN_OK);
    cr_assert_eq(t_scan_chunked(e, NULL, text, n, 1000, &bytes1000), PIISCAN_OK);
    cr_assert(t_same(&whole, &bytes7));
    cr_assert(t_same(&whole, &bytes1000));
    t_free(&whole);
    t_free(&bytes7);
    t_free(&bytes1000);
    free(text);
    piiscan_engine_free(e);
    piiscan_patterns_free(set);
}

/* `shape`: the regex runs only on clusters whose group lengths include all
 * of one alternative; a new `regex` line drops the shape it had. */
Test(patterns, shape_selects_clusters_by_their_groups)
{
    static const struct {
        const char *extra;
        size_t want;
    } cases[] = {
        {"", 3},                     /* no shape: 1234-5678, 123456-78, 12345678 */
        {"shape = 4\n", 1},          /* only the cluster with a group of 4 */
        {"shape = 6+2 | 8\n", 2},    /* 123456-78 and 12345678 */
        {"shape = 4+6\n", 0},        /* no cluster has both */
        {"shape = 4\nregex = {{LB}}{{DIGIT}}{4,6}-?{{DIGIT}}{2,4}{{RB}}\n", 3}, /* dropped with the old regex */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "[tag]\nregex = {{LB}}{{DIGIT}}{4,8}(?:-{{DIGIT}}{2,4})?{{RB}}\ntrigger = digits 8\n%s",
                 cases[i].extra);
        size_t n = findings_with(text, "a 1234-5678, b 123456-78, c 12345678\n");
        cr_assert_eq(n, cases[i].want, "case %zu: %zu findings", i, n);
    }
}

/* `lead`: a start at a digit is not tried unless that many digits or masks
 * follow in a row.  A promise the regex does not keep loses values (that is
 * the contract, and it shows the promise is used); a new `regex` line drops
 * it; a start that is no member is not held to it. */
Test(patterns, lead_skips_starts_without_enough_members)
{
    static const struct {
        const char *extra;
        size_t want;
    } cases[] = {
        {"", 3},                       /* 12-3456, 123456-7890, (1234) */
        {"lead = 2\n", 3},             /* what the regex promises */
        {"lead = 3\n", 2},             /* too much: 12-3456 is lost */
        {"lead = 7\n", 1},             /* only the start at '(' is left */
        {"lead = 7\nregex = (?:{{LB}}{{DIGIT}}{2,6}-{{DIGIT}}{4}|\\({{DIGIT}}{4}\\)){{RB}}\n", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "[tag]\nregex = (?:{{LB}}{{DIGIT}}{2,6}-{{DIGIT}}{4}|\\({{DIGIT}}{4}\\)){{RB}}\n"
                 "trigger = digits 4 prefix 1\n%s",
                 cases[i].extra);
        size_t n = findings_with(text, "a 12-3456, b 123456-7890, c (1234)\n");
        cr_assert_eq(n, cases[i].want, "case %zu: %zu findings", i, n);
    }
}

Test(patterns, continuation_lines_append)
{
    piiscan_patterns *set = NULL;
    piiscan_error *err = NULL;
    cr_assert_eq(piiscan_patterns_new_empty(&set), PIISCAN_OK);
    cr_assert_eq(load(set, "[code]\nregex = {{LB}}AB\nregex += C{{DIGIT}}{4}{{RB}}\ntrigger = digits 4\n", &err),
                 PIISCAN_OK);
    piiscan_engine *e = compile_or_die(set);
    tfindings f = {0};
    cr_assert_eq(t_scan(e, NULL, "x ABC1234 y", 11, &f), PIISCAN_OK);
    cr_assert_eq(f.n, 1);
    cr_assert_eq(f.v[0].offset, 2);
    cr_assert_eq(f.v[0].length, 7);
    t_free(&f);
    piiscan_engine_free(e);
    piiscan_patterns_free(set);
}

Test(patterns, select_and_enable)
{
    piiscan_patterns *set = NULL;
    cr_assert_eq(piiscan_patterns_new_default(&set), PIISCAN_OK);
    cr_assert_eq(piiscan_patterns_select(set, "kr_rrn,nosuch"), PIISCAN_E_UNKNOWN_TYPE);
    cr_assert_eq(piiscan_patterns_select(set, "kr_rrn, card"), PIISCAN_OK);
    cr_assert_eq(piiscan_patterns_enable(set, "nosuch", 1), PIISCAN_E_UNKNOWN_TYPE);
    cr_assert_eq(piiscan_patterns_enable(set, "kr_brn", 2), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_patterns_enable(set, "kr_brn", 1), PIISCAN_OK);
    piiscan_engine *e = compile_or_die(set);
    cr_assert_eq(piiscan_engine_type_count(e), 3);
    piiscan_engine_free(e);
    cr_assert_eq(piiscan_patterns_select(set, ""), PIISCAN_OK);
    piiscan_engine *none = NULL;
    piiscan_error *err = NULL;
    cr_assert_eq(piiscan_engine_compile(set, &none, &err), PIISCAN_E_PATTERN, "nothing enabled");
    cr_assert_null(none);
    piiscan_error_free(err);
    piiscan_patterns_free(set);
}

Test(patterns, load_file_reports_missing_file_and_reads_real_one)
{
    piiscan_patterns *set = NULL;
    piiscan_error *err = NULL;
    cr_assert_eq(piiscan_patterns_new_empty(&set), PIISCAN_OK);
    cr_assert_eq(piiscan_patterns_load_file(set, "/nonexistent/dir/x.pat", &err), PIISCAN_E_IO);
    cr_assert_not_null(err);
    cr_assert_str_eq(err->source, "/nonexistent/dir/x.pat");
    piiscan_error_free(err);
    char path[] = "/tmp/piiscan-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char *text = "[ticket]\nregex = {{LB}}T{{DIGIT}}{5}{{RB}}\ntrigger = digits 5\n[bad]\nregex = [\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    cr_assert_eq(piiscan_patterns_load_file(set, path, &err), PIISCAN_E_PATTERN);
    cr_assert_str_eq(err->source, path);
    cr_assert_eq(err->line, 5);
    piiscan_error_free(err);
    unlink(path);
    piiscan_patterns_free(set);
}

Test(patterns, every_shipped_pattern_file_parses_alone)
{
    /* The files in patterns/ are embedded, but each must also load at run
     * time exactly as a user's file would. */
    const char *files[] = {PII_SOURCE_DIR "/patterns"};
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s/*.pat", files[0]);
    FILE *ls = popen(cmd, "r");
    cr_assert_not_null(ls);
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, ls)) {
        line[strcspn(line, "\n")] = 0;
        piiscan_patterns *set = NULL;
        piiscan_error *err = NULL;
        cr_assert_eq(piiscan_patterns_new_empty(&set), PIISCAN_OK);
        cr_assert_eq(piiscan_patterns_load_file(set, line, &err), PIISCAN_OK, "%s: %s", line,
                     err ? err->message : "");
        piiscan_patterns_free(set);
        n++;
    }
    pclose(ls);
    cr_assert_geq(n, 1);
}
