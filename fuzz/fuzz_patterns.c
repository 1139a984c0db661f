/* fuzz_patterns.c -- the pattern-file parser and engine compile must accept
 * or reject any text cleanly; an accepted set must compile and scan. */
#include <string.h>

#include "fuzz_common.h"
#include "piiscan.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    piiscan_patterns *set = NULL;
    FUZZ_ASSERT(piiscan_patterns_new_empty(&set) == PIISCAN_OK);
    piiscan_error *err = NULL;
    piiscan_status st = piiscan_patterns_load_text(set, (const char *)data, size, "fuzz.pat", &err);
    FUZZ_ASSERT(st == PIISCAN_OK || st == PIISCAN_E_PATTERN);
    FUZZ_ASSERT((st == PIISCAN_OK) == (err == NULL));
    if (err)
        FUZZ_ASSERT(err->message && err->message[0]);
    piiscan_error_free(err);
    if (st == PIISCAN_OK && piiscan_patterns_count(set) > 0) {
        piiscan_engine *e = NULL;
        err = NULL;
        st = piiscan_engine_compile(set, &e, &err);
        FUZZ_ASSERT(st == PIISCAN_OK || st == PIISCAN_E_PATTERN);
        piiscan_error_free(err);
        if (e) {
            piiscan_scratch *s = NULL;
            FUZZ_ASSERT(piiscan_scratch_alloc(e, &s) == PIISCAN_OK);
            static const char text[] = "EMP-123456 900101-1234568 a@b.co 010-2345-6789 ０１２";
            st = piiscan_scan(e, text, sizeof text - 1, NULL, s, NULL, NULL);
            FUZZ_ASSERT(st == PIISCAN_OK);
            piiscan_scratch_free(s);
            piiscan_engine_free(e);
        }
    }
    piiscan_patterns_free(set);
    return 0;
}
