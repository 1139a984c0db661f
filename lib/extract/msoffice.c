/* msoffice.c -- TEMPORARY placeholder from branch x-cfb so that cfb.c links
 * before the real legacy-Office extractor lands; the msoffice engineer's
 * msoffice.c replaces this file whole.  Reports the document unsupported,
 * so nothing is silently treated as clean. */
#include "msoffice.h"

int px_msoffice_doc(px_doc *d, const uint8_t *word, size_t wlen, const uint8_t *table0,
                    size_t t0len, const uint8_t *table1, size_t t1len)
{
    px_set_status(d, PX_UNSUPPORTED, "Word 97-2003 extraction not built yet");
    return PX_CONTINUE;
}

int px_msoffice_xls(px_doc *d, const uint8_t *wb, size_t len)
{
    px_set_status(d, PX_UNSUPPORTED, "Excel 97-2003 extraction not built yet");
    return PX_CONTINUE;
}

int px_msoffice_ppt(px_doc *d, const uint8_t *doc, size_t len, const uint8_t *cur,
                    size_t curlen, int has_encrypted_summary)
{
    px_set_status(d, PX_UNSUPPORTED, "PowerPoint 97-2003 extraction not built yet");
    return PX_CONTINUE;
}
