/* msoffice.h -- text of the legacy binary Office formats, given the streams
 * that cfb.c found in the compound file.  Each function emits text with
 * px_text*() and px_break() and sets the status (encrypted: FIB fEncrypted,
 * a FILEPASS record, an EncryptedSummary/CryptSession; error: a structure
 * that points outside its stream).  Returns PX_CONTINUE or PX_ABORT. */
#ifndef PII_EXTRACT_MSOFFICE_H
#define PII_EXTRACT_MSOFFICE_H

#include "extract.h"

/* Word 97-2003: the WordDocument stream and the table stream the FIB names
 * (0Table or 1Table; NULL/0 if absent). */
int px_msoffice_doc(px_doc *d, const uint8_t *word, size_t wlen, const uint8_t *table0,
                    size_t t0len, const uint8_t *table1, size_t t1len);
/* Excel 97-2003 (BIFF8, also BIFF5): the Workbook (or Book) stream. */
int px_msoffice_xls(px_doc *d, const uint8_t *wb, size_t len);
/* PowerPoint 97-2003: the "PowerPoint Document" stream, and the "Current
 * User" stream (NULL/0 if absent). */
int px_msoffice_ppt(px_doc *d, const uint8_t *doc, size_t len, const uint8_t *cur,
                    size_t curlen, int has_encrypted_summary);

#endif
