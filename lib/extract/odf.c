/* odf.c -- placeholder until the odf extractor lands: reports the file as
 * unsupported, so nothing is silently treated as clean. */
#include "extract.h"

int px_extract_odf(px_doc *d, px_zip *z)
{
    (void)z;
    px_set_status(d, PX_UNSUPPORTED, "ODF extraction not built yet");
    return PX_CONTINUE;
}
