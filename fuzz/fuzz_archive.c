/* fuzz_archive.c -- the file-scan driver and the archive path (typing,
 * libarchive, nested members, limits) on arbitrary bytes: no crash, no
 * leak, and every report and finding well formed.  The first byte picks the
 * name hint; limits are small so a run stays fast even on a bomb. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "piiscan.h"

static const char *const names[] = {"x.zip", "x.tar.gz", "x.7z", "x", "x.eml", "x.txt.gz"};

struct check {
    const char *name;
    unsigned long reports, top;
};

static int on_file(const piiscan_file_report *r, void *user)
{
    struct check *c = user;
    FUZZ_ASSERT(r->path && strncmp(r->path, c->name, strlen(c->name)) == 0);
    FUZZ_ASSERT((int)r->status >= PIISCAN_FILE_OK && (int)r->status <= PIISCAN_FILE_UNSUPPORTED);
    FUZZ_ASSERT((r->status == PIISCAN_FILE_OK) == (r->reason == NULL));
    FUZZ_ASSERT(r->format != NULL);
    c->reports++;
    c->top += r->depth == 0;
    return PIISCAN_CONTINUE;
}

static int on_finding(const piiscan_finding *f, void *user)
{
    struct check *c = user;
    FUZZ_ASSERT(f->path && strncmp(f->path, c->name, strlen(c->name)) == 0);
    FUZZ_ASSERT(f->display && f->raw == NULL);
    return PIISCAN_CONTINUE;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static piiscan_engine *engine;
    static piiscan_scratch *scratch;
    static piiscan_options *opts;
    if (!engine) {
        if (piiscan_engine_compile_default(&engine) != PIISCAN_OK ||
            piiscan_scratch_alloc(engine, &scratch) != PIISCAN_OK ||
            piiscan_options_new(&opts) != PIISCAN_OK)
            abort();
        piiscan_options_set(opts, PIISCAN_OPT_MAX_EXTRACTED, 8 << 20);
        piiscan_options_set(opts, PIISCAN_OPT_MAX_BUFFER, 16 << 20);
        piiscan_options_set(opts, PIISCAN_OPT_MAX_MEMBERS, 1000);
    }
    if (size < 1 || size > FUZZ_MAX_INPUT)
        return 0;
    struct check c = {names[data[0] % (sizeof names / sizeof names[0])], 0, 0};
    piiscan_status st = piiscan_scan_blob(engine, data + 1, size - 1, c.name, opts, scratch,
                                          on_finding, on_file, &c);
    FUZZ_ASSERT(st == PIISCAN_OK);
    FUZZ_ASSERT(c.top == 1); /* exactly one report for the top-level file */
    return 0;
}
