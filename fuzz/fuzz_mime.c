/* fuzz_mime.c -- the MIME extractor on arbitrary bytes through the public API
 * (piiscan_extract_text_blob, name "x.eml"), with low limits: no crash, no
 * leak, no hang; every report well-formed. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "piiscan.h"

static int on_text(const char *path, const char *text, size_t len, void *user)
{
    size_t *total = user;
    FUZZ_ASSERT(path != NULL && (text != NULL || len == 0));
    *total += len;
    return PIISCAN_CONTINUE;
}

static int on_file(const piiscan_file_report *r, void *user)
{
    (void)user;
    FUZZ_ASSERT(r->path != NULL && r->format != NULL);
    FUZZ_ASSERT(r->status >= PIISCAN_FILE_OK && r->status <= PIISCAN_FILE_UNSUPPORTED);
    FUZZ_ASSERT(r->status != PIISCAN_FILE_OK || r->reason == NULL);
    FUZZ_ASSERT(r->depth <= 4); /* MAX_DEPTH 3: a member one deeper is reported, not read */
    return PIISCAN_CONTINUE;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static piiscan_options *opts;
    if (size > FUZZ_MAX_INPUT)
        return 0;
    if (!opts) {
        if (piiscan_options_new(&opts) != PIISCAN_OK)
            abort();
        piiscan_options_set(opts, PIISCAN_OPT_MAX_DEPTH, 3);
        piiscan_options_set(opts, PIISCAN_OPT_MAX_EXTRACTED, 8 << 20);
        piiscan_options_set(opts, PIISCAN_OPT_MAX_BUFFER, 32 << 20);
        piiscan_options_set(opts, PIISCAN_OPT_MAX_MEMBERS, 64);
    }
    size_t total = 0;
    piiscan_status st = piiscan_extract_text_blob(data, size, "x.eml", opts, on_text, on_file, &total);
    FUZZ_ASSERT(st == PIISCAN_OK);
    return 0;
}
