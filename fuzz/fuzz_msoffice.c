/* fuzz_msoffice.c -- the legacy Office extractors (.doc, .xls, .ppt) on
 * arbitrary streams, through the public API.
 *
 * So that mutations land in the Word/Excel/PowerPoint structures rather than
 * in the compound-file layer, the target wraps the input's streams in a
 * small valid CFB of its own (version 3, one FAT sector, every stream in
 * regular sectors, padded with zeros to the mini-stream cutoff) and hands
 * that to piiscan_extract_text_blob().  Input layout:
 *
 *   byte 0 % 4 == 0  .doc: bytes 1-2 = n (LE); WordDocument = the next n
 *                    bytes, the table stream = the rest (1Table if bit 2 of
 *                    byte 0 is set, else 0Table)
 *   byte 0 % 4 == 1  .xls: Workbook = bytes 1..
 *   byte 0 % 4 == 2  .ppt: bytes 1-2 = n; PowerPoint Document = the next n
 *                    bytes, Current User = the rest; bit 2 of byte 0 adds an
 *                    EncryptedSummary stream
 *   byte 0 % 4 == 3  a whole compound file, named x.doc/x.xls/x.ppt by
 *                    (byte 0 >> 2) % 3
 *
 * Invariants: no crash, no sanitizer report, and the call returns a status
 * the API documents. */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "piiscan.h"

#define SEC 512u
#define MINI_CUTOFF 4096u
#define MAX_STREAM_BYTES 40000u /* keeps every image within one FAT sector */
#define ENDOFCHAIN 0xFFFFFFFEu
#define FREESECT 0xFFFFFFFFu
#define FATSECT 0xFFFFFFFDu
#define NOSTREAM 0xFFFFFFFFu

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xFFFF);
    put16(p + 2, v >> 16);
}

typedef struct fstream {
    const char *name;
    const uint8_t *data;
    size_t len;
} fstream;

static void dirent(uint8_t *e, const char *name, int type, uint32_t left, uint32_t right,
                   uint32_t child, uint32_t start, uint32_t size)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++)
        put16(e + 2 * i, (uint8_t)name[i]);
    put16(e + 64, (uint32_t)(2 * n + 2));
    e[66] = (uint8_t)type;
    e[67] = 1; /* black */
    put32(e + 68, left);
    put32(e + 72, right);
    put32(e + 76, child);
    put32(e + 116, start);
    put32(e + 120, size);
}

/* Builds a CFB holding the streams (at most 3, given in directory sort
 * order: shorter names first, then by upper-cased name).  Returns its size
 * in out (capacity cap), 0 if it does not fit. */
static size_t build_cfb(const fstream *s, size_t ns, uint8_t *out, size_t cap)
{
    uint32_t nsec = 2; /* FAT, directory */
    uint32_t start[3], size[3];
    for (size_t i = 0; i < ns; i++) {
        size_t sz = s[i].len < MINI_CUTOFF ? MINI_CUTOFF : s[i].len;
        start[i] = nsec;
        size[i] = (uint32_t)sz;
        nsec += (uint32_t)((sz + SEC - 1) / SEC);
    }
    if (nsec > SEC / 4 || (size_t)(nsec + 1) * SEC > cap)
        return 0;
    size_t total = (size_t)(nsec + 1) * SEC;
    memset(out, 0, total);
    static const uint8_t sig[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    memcpy(out, sig, 8);
    put16(out + 24, 0x003E);
    put16(out + 26, 3);
    put16(out + 28, 0xFFFE);
    put16(out + 30, 9);
    put16(out + 32, 6);
    put32(out + 44, 1);          /* FAT sectors */
    put32(out + 48, 1);          /* first directory sector */
    put32(out + 56, MINI_CUTOFF);
    put32(out + 60, ENDOFCHAIN); /* no mini FAT */
    put32(out + 68, ENDOFCHAIN); /* no DIFAT sectors */
    put32(out + 76, 0);          /* DIFAT[0]: the FAT is sector 0 */
    for (int i = 1; i < 109; i++)
        put32(out + 76 + 4 * i, FREESECT);
    uint8_t *fat = out + SEC;
    for (uint32_t i = 0; i < SEC / 4; i++)
        put32(fat + 4 * i, FREESECT);
    put32(fat, FATSECT);
    put32(fat + 4, ENDOFCHAIN);
    for (size_t i = 0; i < ns; i++) {
        uint32_t n = (size[i] + SEC - 1) / SEC;
        for (uint32_t k = 0; k < n; k++)
            put32(fat + 4 * (start[i] + k), k + 1 < n ? start[i] + k + 1 : ENDOFCHAIN);
        memcpy(out + (size_t)(start[i] + 1) * SEC, s[i].data, s[i].len);
    }
    /* Directory: root (0), streams 1..ns as a tree rooted at the middle one. */
    uint8_t *dir = out + 2 * SEC;
    for (int i = 0; i < 4; i++) {
        put32(dir + 128 * i + 68, NOSTREAM);
        put32(dir + 128 * i + 72, NOSTREAM);
        put32(dir + 128 * i + 76, NOSTREAM);
    }
    uint32_t mid = ns == 0 ? NOSTREAM : (uint32_t)(ns / 2 + 1);
    dirent(dir, "Root Entry", 5, NOSTREAM, NOSTREAM, mid, ENDOFCHAIN, 0);
    for (size_t i = 0; i < ns; i++) {
        uint32_t sid = (uint32_t)i + 1, left = NOSTREAM, right = NOSTREAM;
        if (sid == mid) {
            left = mid > 1 ? 1 : NOSTREAM;
            right = mid + 1 <= ns ? mid + 1 : NOSTREAM;
        }
        dirent(dir + 128 * sid, s[i].name, 2, left, right, NOSTREAM, start[i], size[i]);
    }
    return total;
}

static int on_text(const char *path, const char *text, size_t len, void *user)
{
    (void)path;
    (void)user;
    FUZZ_ASSERT(text != NULL || len == 0);
    return PIISCAN_CONTINUE;
}

static int on_file(const piiscan_file_report *r, void *user)
{
    (void)user;
    FUZZ_ASSERT(r->status >= PIISCAN_FILE_OK && r->status <= PIISCAN_FILE_UNSUPPORTED);
    FUZZ_ASSERT(r->status == PIISCAN_FILE_OK || r->reason != NULL);
    return PIISCAN_CONTINUE;
}

static uint8_t image[(MAX_STREAM_BYTES / SEC + 3 * (MINI_CUTOFF / SEC) + 8) * SEC];

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1 || size > MAX_STREAM_BYTES)
        return 0;
    int mode = data[0] % 4;
    const char *name = "x.doc";
    fstream s[3];
    size_t ns = 0;
    const uint8_t *blob = image;
    size_t blen = 0;
    if (mode == 0 || mode == 2) {
        if (size < 3)
            return 0;
        size_t n = (size_t)(data[1] | (data[2] << 8));
        const uint8_t *p = data + 3;
        size_t rest = size - 3;
        if (n > rest)
            n = rest;
        if (mode == 0) {
            s[ns++] = (fstream){(data[0] & 4) ? "1Table" : "0Table", p + n, rest - n};
            s[ns++] = (fstream){"WordDocument", p, n};
        } else {
            name = "x.ppt";
            s[ns++] = (fstream){"Current User", p + n, rest - n};
            if (data[0] & 4)
                s[ns++] = (fstream){"EncryptedSummary", p, 0};
            s[ns++] = (fstream){"PowerPoint Document", p, n};
        }
        blen = build_cfb(s, ns, image, sizeof image);
    } else if (mode == 1) {
        name = "x.xls";
        s[ns++] = (fstream){"Workbook", data + 1, size - 1};
        blen = build_cfb(s, ns, image, sizeof image);
    } else {
        static const char *const names[3] = {"x.doc", "x.xls", "x.ppt"};
        name = names[(data[0] >> 2) % 3];
        blob = data + 1;
        blen = size - 1;
    }
    if (blen == 0)
        return 0;
    piiscan_options *o = NULL;
    FUZZ_ASSERT(piiscan_options_new(&o) == PIISCAN_OK);
    /* low limits: work stays bounded whatever the input claims */
    piiscan_options_set(o, PIISCAN_OPT_MAX_BUFFER, 1 << 20);
    piiscan_options_set(o, PIISCAN_OPT_MAX_EXTRACTED, 4 << 20);
    piiscan_status st = piiscan_extract_text_blob(blob, blen, name, o, on_text, on_file, NULL);
    FUZZ_ASSERT(st == PIISCAN_OK || st == PIISCAN_STOPPED || st == PIISCAN_E_NOMEM);
    piiscan_options_free(o);
    return 0;
}
