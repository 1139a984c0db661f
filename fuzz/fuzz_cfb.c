/* fuzz_cfb.c -- compound files and HWP 5.0 documents: the input is handed
 * to piiscan_extract_text_blob as "x.hwp" (typing, cfb.c, hwp.c and the
 * legacy-Office dispatch), with low limits; then to the CFB reader itself,
 * whose every successful read must return exactly the declared size.  No
 * crash, no hang, a report for the file, and text only as UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/cfb.h"
#include "fuzz_common.h"
#include "piiscan.h"

struct seen {
    int reports;
    int top_status;
};

static int on_text(const char *path, const char *text, size_t len, void *user)
{
    (void)path;
    (void)user;
    FUZZ_ASSERT(text != NULL || len == 0);
    return PIISCAN_CONTINUE;
}

static int on_file(const piiscan_file_report *r, void *user)
{
    struct seen *s = user;
    s->reports++;
    FUZZ_ASSERT(r->path != NULL && r->format != NULL);
    FUZZ_ASSERT((r->status == PIISCAN_FILE_OK) == (r->reason == NULL));
    if (r->depth == 0)
        s->top_status = (int)r->status;
    return PIISCAN_CONTINUE;
}

static piiscan_options *limits(void)
{
    static piiscan_options *o;
    if (!o) {
        FUZZ_ASSERT(piiscan_options_new(&o) == PIISCAN_OK);
        piiscan_options_set(o, PIISCAN_OPT_MAX_EXTRACTED, 8 << 20);
        piiscan_options_set(o, PIISCAN_OPT_MAX_BUFFER, 32 << 20);
        piiscan_options_set(o, PIISCAN_OPT_MAX_DEPTH, 3);
        piiscan_options_set(o, PIISCAN_OPT_MAX_MEMBERS, 200);
    }
    return o;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    struct seen s = {0, -1};
    piiscan_status st = piiscan_extract_text_blob(data, size, "x.hwp", limits(), on_text,
                                                  on_file, &s);
    FUZZ_ASSERT(st == PIISCAN_OK);
    FUZZ_ASSERT(s.reports >= 1 && s.top_status >= 0);

    const char *err = NULL;
    px_cfb *c = px_cfb_open(data, size, &err);
    if (!c) {
        FUZZ_ASSERT(err != NULL);
        return 0;
    }
    for (size_t i = 0; i < px_cfb_count(c); i++) {
        FUZZ_ASSERT(px_cfb_path(c, i) != NULL);
        if (px_cfb_type(c, i) != PX_CFB_STREAM)
            continue;
        size_t n = 0;
        uint8_t *p = px_cfb_read(c, NULL, i, &n, &err);
        if (p)
            FUZZ_ASSERT(n == px_cfb_size(c, i));
        else
            FUZZ_ASSERT(err != NULL && n == 0);
        px_cfb_free(NULL, p, n);
    }
    px_cfb_close(c);
    return 0;
}
