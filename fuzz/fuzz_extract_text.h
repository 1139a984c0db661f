/* fuzz_extract_text.h -- the body shared by targets that feed one document
 * format through piiscan_extract_text_blob() with low limits: no crash, no
 * leak, no hang; every report well-formed.  A target includes it once and
 * calls fuzz_extract_text() with its name hint ("x.pdf", "x.eml"). */
#ifndef PII_FUZZ_EXTRACT_TEXT_H
#define PII_FUZZ_EXTRACT_TEXT_H

#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "piiscan.h"

static int fx_on_text(const char *path, const char *text, size_t len, void *user)
{
    size_t *total = user;
    FUZZ_ASSERT(path != NULL && (text != NULL || len == 0));
    *total += len;
    return PIISCAN_CONTINUE;
}

static int fx_on_file(const piiscan_file_report *r, void *user)
{
    (void)user;
    FUZZ_ASSERT(r->path != NULL && r->format != NULL);
    FUZZ_ASSERT(r->status >= PIISCAN_FILE_OK && r->status <= PIISCAN_FILE_UNSUPPORTED);
    FUZZ_ASSERT(r->status != PIISCAN_FILE_OK || r->reason == NULL);
    FUZZ_ASSERT(r->depth <= 4); /* MAX_DEPTH 3: a member one deeper is reported, not read */
    return PIISCAN_CONTINUE;
}

static int fuzz_extract_text(const unsigned char *data, size_t size, const char *name)
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
    piiscan_status st =
        piiscan_extract_text_blob(data, size, name, opts, fx_on_text, fx_on_file, &total);
    FUZZ_ASSERT(st == PIISCAN_OK);
    return 0;
}

#endif
