/* fuzz_common.h -- shared by the fuzz targets: FUZZ_ASSERT aborts so an
 * invariant violation is a crash the fuzzer (or the replay driver) reports. */
#ifndef PII_FUZZ_COMMON_H
#define PII_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed\n", __FILE__, __LINE__, #cond);        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Largest input a target looks at: keeps each run fast and bounded. */
#define FUZZ_MAX_INPUT (256 * 1024)

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#endif
