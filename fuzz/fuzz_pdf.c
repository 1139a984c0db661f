/* fuzz_pdf.c -- the PDF extractor on arbitrary bytes through the public API
 * (piiscan_extract_text_blob, name "x.pdf"), with low limits: no crash, no
 * leak, no hang; every report well-formed. */
#include "fuzz_extract_text.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    return fuzz_extract_text(data, size, "x.pdf");
}
