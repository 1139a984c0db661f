/* test_allow.c -- the "piiscan:allow" line marker: suppresses only its own
 * line, within reach, whatever the chunking; can be turned off. */
#include <criterion/criterion.h>
#include <string.h>

#include "piiscan.h"
#include "testutil.h"

static const char text[] = "fixture 900101-1234568 // piiscan:allow\n"
                           "real 880411-2238459\n"
                           "# piiscan:allow applies to this line only: 850618-1811204 too\n"
                           "next line 760406-1679592\n";

Test(allow, marker_suppresses_its_line_only)
{
    tfindings f = {0};
    cr_assert_eq(t_scan(t_default_engine(), NULL, text, strlen(text), &f), PIISCAN_OK);
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 2, "lines 2 and 4 remain");
    cr_assert_eq(f.v[0].line, 2);
    cr_assert_eq(f.v[1].line, 4);
    /* any chunking gives the same answer */
    for (size_t chunk = 1; chunk < 64; chunk += 7) {
        tfindings g = {0};
        t_scan_chunked(t_default_engine(), NULL, text, strlen(text), chunk, &g);
        cr_assert(t_same(&f, &g), "chunk %zu", chunk);
        t_free(&g);
    }
    t_free(&f);
}

Test(allow, option_off_reports_everything)
{
    piiscan_options *o;
    piiscan_options_new(&o);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_ALLOW_MARKER, 0), PIISCAN_OK);
    int64_t v = -1;
    piiscan_options_get(o, PIISCAN_OPT_ALLOW_MARKER, &v);
    cr_assert_eq(v, 0);
    tfindings f = {0};
    t_scan(t_default_engine(), o, text, strlen(text), &f);
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 4);
    t_free(&f);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_ALLOW_MARKER, 2), PIISCAN_E_INVALID);
    piiscan_options_free(o);
}

Test(allow, marker_out_of_reach_does_not_count)
{
    char buf[1024];
    memset(buf, 'x', sizeof buf);
    const char *v = "rrn 900101-1234568 ";
    memcpy(buf, v, strlen(v));
    memcpy(buf + 600, "piiscan:allow", 13);
    buf[sizeof buf - 1] = '\n';
    tfindings f = {0};
    t_scan(t_default_engine(), NULL, buf, sizeof buf, &f);
    cr_assert_eq(t_count_type(&f, "kr_rrn"), 1, "600 bytes away is out of reach");
    t_free(&f);
}
