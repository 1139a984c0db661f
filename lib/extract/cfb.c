/* cfb.c -- placeholder until the cfb extractor lands: reports the file as
 * unsupported, so nothing is silently treated as clean. */
#include "extract.h"

int px_extract_cfb(px_doc *d, const uint8_t *data, size_t len)
{
    (void)data; (void)len;
    px_set_status(d, PX_UNSUPPORTED, "compound-file extraction not built yet");
    return PX_CONTINUE;
}
