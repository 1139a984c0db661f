/* hwpx.c -- placeholder until the hwpx extractor lands: reports the file as
 * unsupported, so nothing is silently treated as clean. */
#include "extract.h"

int px_extract_hwpx(px_doc *d, px_zip *z)
{
    (void)z;
    px_set_status(d, PX_UNSUPPORTED, "HWPX extraction not built yet");
    return PX_CONTINUE;
}
