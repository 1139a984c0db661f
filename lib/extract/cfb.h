/* cfb.h -- a reader of MS-CFB (OLE2 compound file) images held in memory,
 * for the HWP 5.0 and legacy Office extractors.
 *
 * px_cfb_open() validates the header, loads the FAT (through the header's
 * DIFAT and any chained DIFAT sectors), the mini FAT and the directory, and
 * names every stream and storage by its full path ("BodyText/Section0"),
 * walking the directory's red-black tree iteratively with a visited set.
 * Hostile input (loops, out-of-range sectors, sizes past the end of the
 * file, directory cycles) makes open or read fail with a reason that never
 * contains content; work is bounded by the file size (each chain visits a
 * sector at most once).
 *
 * The handle borrows `data`: it must outlive the handle.  A handle is used
 * by one thread at a time. */
#ifndef PII_EXTRACT_CFB_H
#define PII_EXTRACT_CFB_H

#include <stddef.h>
#include <stdint.h>

#include "extract.h"

typedef struct px_cfb px_cfb;

enum { PX_CFB_STORAGE = 1, PX_CFB_STREAM = 2, PX_CFB_ROOT = 5 };

/* 1 if data starts with the CFB signature D0 CF 11 E0 A1 B1 1A E1. */
int px_cfb_sniff(const uint8_t *data, size_t len);

/* Opens the compound file; NULL on a structural error or ENOMEM, with a
 * static reason ("CFB: FAT chain loops") in *err. */
px_cfb *px_cfb_open(const uint8_t *data, size_t len, const char **err);
void px_cfb_close(px_cfb *c);

/* Entries reachable from the root, in directory order (root first). */
size_t px_cfb_count(const px_cfb *c);
/* Full path in UTF-8, storages joined by '/'; "" for the root.  Names are
 * as stored, so "\005HwpSummaryInformation" keeps its control byte. */
const char *px_cfb_path(const px_cfb *c, size_t i);
int px_cfb_type(const px_cfb *c, size_t i);
/* Declared size of stream i (0 for storages). */
uint64_t px_cfb_size(const px_cfb *c, size_t i);

/* Index of the entry called `path` (CFB names compare case-insensitively
 * for ASCII letters), or -1. */
long px_cfb_find(const px_cfb *c, const char *path);

/* Reads stream i whole into a buffer from px_buffer_alloc(d, ...) (plain
 * malloc when d is NULL, for unit tests); *len receives its size.
 * Returns NULL with a static reason in *err when the stream's chain is
 * broken (loop, sector out of range, shorter than its size), or with *err
 * NULL when the memory budget refused the buffer (the doc is then already
 * set SKIPPED).  A zero-length stream returns a non-NULL pointer that must
 * still be released. */
uint8_t *px_cfb_read(px_cfb *c, px_doc *d, size_t i, size_t *len, const char **err);
void px_cfb_free(px_doc *d, uint8_t *p, size_t len);

/* hwp.c: the HWP 5.0 document in an opened compound file whose FileHeader
 * stream starts with "HWP Document File".  Returns PX_CONTINUE or PX_ABORT. */
int px_extract_hwp5(px_doc *d, px_cfb *c);

#endif
