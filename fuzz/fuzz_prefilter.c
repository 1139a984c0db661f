/* fuzz_prefilter.c -- differential target for the prefilter's segment skip
 * and block walk: the windows the prefilter emits with the skip (with and
 * without PEXT) and with the block walk alone must be those of the
 * character walk alone, for a fuzzer-chosen trigger,
 * band, '@' or not, and text arriving in fuzzer-chosen pieces, with the text
 * behind the prefilter dropped as the stream drops it.  Any difference is
 * a value the scanner could miss.  (On a CPU without AVX2 the walk is
 * compared with itself.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "prefilter_cuts.h" /* tests/unit */

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 4 || size > FUZZ_MAX_INPUT)
        return 0;
    /* Byte 0: the trigger (2..64, as patterns allow) and '@'; bytes 1-3: the
     * cuts; byte 4: the band's width (0: none) and {{LB}}; bytes 5-6: its
     * start bytes, a few of the phone number's and others. */
    if (size < 7)
        return 0;
    unsigned min_digits = 2 + (data[0] & 127) % 63;
    int want_at = data[0] >> 7;
    uint32_t seed = (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
    test_band bd;
    memset(&bd, 0, sizeof bd);
    bd.hi = min_digits + (data[4] & 15);
    if (bd.hi > 64)
        bd.hi = 64;
    bd.lb = data[4] >> 7;
    static const uint8_t starts[16] = {'0', '+', '(', 0xEF, '1', '9', '*', '-', 'x', 'M', ' ', 0x80, 0xC2, 0xE2, '#', '.'};
    for (int k = 0; k < 16; k++)
        if ((data[5 + k / 8] >> (k % 8)) & 1)
            bd.start[starts[k] >> 3] |= (uint8_t)(1u << (starts[k] & 7));
    data += 7;
    size -= 7;
    size_t cuts[8], ncuts = seed & 7;
    for (size_t c = 0; c < ncuts; c++) {
        seed = seed * 1103515245u + 12345u;
        cuts[c] = size ? (seed >> 8) % (size + 1) : 0;
    }
    for (size_t c = 1; c < ncuts; c++)
        for (size_t d = c; d > 0 && cuts[d - 1] > cuts[d]; d--) {
            size_t t = cuts[d];
            cuts[d] = cuts[d - 1];
            cuts[d - 1] = t;
        }
    pii_winvec walk = {0}, skip = {0};
    size_t nw = test_prefilter_windows(data, size, cuts, ncuts, min_digits, want_at, &bd, 0, &walk);
    FUZZ_ASSERT(nw != (size_t)-1);
    for (int mode = 1; mode <= 3; mode++) {
        size_t ns = test_prefilter_windows(data, size, cuts, ncuts, min_digits, want_at, &bd, mode, &skip);
        FUZZ_ASSERT(ns == nw);
        for (size_t k = 0; k < nw; k++) {
            FUZZ_ASSERT(test_same_window(&walk.v[k], &skip.v[k]));
        }
    }
    free(walk.v);
    free(skip.v);
    return 0;
}
