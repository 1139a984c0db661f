/* ooxml.c -- placeholder until the ooxml extractor lands: reports the file as
 * unsupported, so nothing is silently treated as clean. */
#include "extract.h"

int px_extract_ooxml(px_doc *d, px_zip *z, int kind)
{
    (void)z; (void)kind;
    px_set_status(d, PX_UNSUPPORTED, "OOXML extraction not built yet");
    return PX_CONTINUE;
}
