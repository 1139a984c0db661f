/* fuzz_xmldoc.c -- the zip+XML document extractors (docx, xlsx, pptx, ODF,
 * HWPX) on arbitrary bytes through piiscan_extract_text_blob.
 *
 * First byte < 0x80: the rest is a whole file; the byte picks the name
 * hint (docx, xlsx, pptx, odt, hwpx; typing is by content, the hint breaks
 * ties).  First byte >= 0x80: the rest is ONE XML part, which the harness
 * wraps in a valid stored zip of the format the byte picks (with correct
 * CRCs, so mutations reach expat and the extractors instead of dying on a
 * checksum).  Limits are set low so each run stays small.
 *
 * Invariants: the call returns PIISCAN_OK, every report has a known status
 * and a reason exactly when not OK, and the text stays within the
 * extraction limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz_common.h"
#include "piiscan.h"

#define FUZZ_MAX_EXTRACTED (4u << 20)

typedef struct seen {
    uint64_t text;
    unsigned reports;
} seen;

static int on_text(const char *path, const char *text, size_t len, void *user)
{
    seen *s = user;
    FUZZ_ASSERT(path != NULL && (text != NULL || len == 0));
    s->text += len;
    return PIISCAN_CONTINUE;
}

static int on_file(const piiscan_file_report *r, void *user)
{
    seen *s = user;
    FUZZ_ASSERT(r->path != NULL && r->format != NULL);
    FUZZ_ASSERT(r->status >= PIISCAN_FILE_OK && r->status <= PIISCAN_FILE_UNSUPPORTED);
    FUZZ_ASSERT((r->status == PIISCAN_FILE_OK) == (r->reason == NULL));
    FUZZ_ASSERT(r->reason == NULL || strlen(r->reason) <= 256);
    s->reports++;
    return PIISCAN_CONTINUE;
}

/* ---- a stored zip in memory -------------------------------------------- */

typedef struct zpart {
    const char *name;
    const void *data;
    size_t len;
} zpart;

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xFFFF);
    put16(p + 2, v >> 16);
}

/* Writes parts as a stored (uncompressed) zip; returns malloc'd bytes. */
static unsigned char *make_zip(const zpart *parts, size_t n, size_t *outlen)
{
    size_t total = 22;
    for (size_t i = 0; i < n; i++)
        total += 30 + 46 + 2 * strlen(parts[i].name) + parts[i].len;
    unsigned char *z = calloc(1, total), *p = z;
    FUZZ_ASSERT(z);
    uint32_t offs[16];
    FUZZ_ASSERT(n <= 16);
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(parts[i].name);
        uint32_t crc = (uint32_t)crc32(0L, parts[i].data, (uInt)parts[i].len);
        offs[i] = (uint32_t)(p - z);
        put32(p, 0x04034b50);
        put16(p + 4, 20);
        put32(p + 14, crc);
        put32(p + 18, (uint32_t)parts[i].len);
        put32(p + 22, (uint32_t)parts[i].len);
        put16(p + 26, (unsigned)nl);
        memcpy(p + 30, parts[i].name, nl);
        if (parts[i].len)
            memcpy(p + 30 + nl, parts[i].data, parts[i].len);
        p += 30 + nl + parts[i].len;
    }
    unsigned char *cd = p;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(parts[i].name);
        uint32_t crc = (uint32_t)crc32(0L, parts[i].data, (uInt)parts[i].len);
        put32(p, 0x02014b50);
        put16(p + 4, 20);
        put16(p + 6, 20);
        put32(p + 16, crc);
        put32(p + 20, (uint32_t)parts[i].len);
        put32(p + 24, (uint32_t)parts[i].len);
        put16(p + 28, (unsigned)nl);
        put32(p + 42, offs[i]);
        memcpy(p + 46, parts[i].name, nl);
        p += 46 + nl;
    }
    put32(p, 0x06054b50);
    put16(p + 8, (unsigned)n);
    put16(p + 10, (unsigned)n);
    put32(p + 12, (uint32_t)(p - cd));
    put32(p + 16, (uint32_t)(cd - z));
    p += 22;
    *outlen = (size_t)(p - z);
    return z;
}

#define S(x) x, sizeof x - 1
static const char ct[] = "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/"
                         "package/2006/content-types\"/>";
static const char pkg_rels_docx[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
static const char docx_doc[] =
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:body><w:p><w:r><w:t>900101-</w:t></w:r><w:r><w:t>1234568</w:t></w:r></w:p></w:body>"
    "</w:document>";
static const char wb[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char wb_rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
static const char sst[] = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                          "<si><t>a</t></si><si><r><t>b</t></r><r><t>c</t></r></si></sst>";
static const char sheet[] =
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    "<row><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c><c t=\"s\"><v>2</v></c><c><v>7</v></c>"
    "</row></sheetData></worksheet>";
static const char odt_mime[] = "application/vnd.oasis.opendocument.text";
static const char hwpx_mime[] = "application/hwp+zip";

/* Wraps one XML part into a document of kind k. */
static unsigned char *wrap(unsigned k, const unsigned char *x, size_t n, size_t *len,
                           const char **hint)
{
    zpart p[6];
    size_t np = 0;
    switch (k % 8) {
    case 0:
        *hint = "f.docx";
        p[np++] = (zpart){"[Content_Types].xml", S(ct)};
        p[np++] = (zpart){"word/document.xml", x, n};
        break;
    case 1:
    case 2:
        *hint = "f.xlsx";
        p[np++] = (zpart){"[Content_Types].xml", S(ct)};
        p[np++] = (zpart){"xl/workbook.xml", S(wb)};
        p[np++] = (zpart){"xl/_rels/workbook.xml.rels", S(wb_rels)};
        if (k % 8 == 1) {
            p[np++] = (zpart){"xl/sharedStrings.xml", S(sst)};
            p[np++] = (zpart){"xl/worksheets/sheet1.xml", x, n};
        } else {
            p[np++] = (zpart){"xl/sharedStrings.xml", x, n};
            p[np++] = (zpart){"xl/worksheets/sheet1.xml", S(sheet)};
        }
        break;
    case 3:
        *hint = "f.pptx";
        p[np++] = (zpart){"[Content_Types].xml", S(ct)};
        p[np++] = (zpart){"ppt/presentation.xml", S("<p/>")};
        p[np++] = (zpart){"ppt/slides/slide1.xml", x, n};
        break;
    case 4:
    case 5:
        *hint = "f.odt";
        p[np++] = (zpart){"mimetype", S(odt_mime)};
        p[np++] = (zpart){k % 8 == 4 ? "content.xml" : "META-INF/manifest.xml", x, n};
        break;
    case 6:
        *hint = "f.hwpx";
        p[np++] = (zpart){"mimetype", S(hwpx_mime)};
        p[np++] = (zpart){"Contents/section0.xml", x, n};
        break;
    default:
        *hint = "f.docx";
        p[np++] = (zpart){"[Content_Types].xml", S(ct)};
        p[np++] = (zpart){"_rels/.rels", x, n};
        p[np++] = (zpart){"word/document.xml", S(docx_doc)};
        (void)pkg_rels_docx;
        break;
    }
    return make_zip(p, np, len);
}

static piiscan_options *opts;

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static const char *const hints[] = {"f.docx", "f.xlsx", "f.pptx", "f.odt", "f.hwpx"};
    if (size < 1 || size > FUZZ_MAX_INPUT)
        return 0;
    if (!opts) {
        FUZZ_ASSERT(piiscan_options_new(&opts) == PIISCAN_OK);
        FUZZ_ASSERT(piiscan_options_set(opts, PIISCAN_OPT_MAX_EXTRACTED, FUZZ_MAX_EXTRACTED) ==
                    PIISCAN_OK);
        FUZZ_ASSERT(piiscan_options_set(opts, PIISCAN_OPT_MAX_BUFFER, 32 << 20) == PIISCAN_OK);
        FUZZ_ASSERT(piiscan_options_set(opts, PIISCAN_OPT_MAX_DEPTH, 3) == PIISCAN_OK);
        FUZZ_ASSERT(piiscan_options_set(opts, PIISCAN_OPT_MAX_MEMBERS, 2000) == PIISCAN_OK);
    }
    seen s = {0, 0};
    const char *hint = hints[data[0] % (sizeof hints / sizeof *hints)];
    unsigned char *zip = NULL;
    const unsigned char *in = data + 1;
    size_t inlen = size - 1;
    if (data[0] & 0x80) {
        zip = wrap(data[0] & 0x7F, data + 1, size - 1, &inlen, &hint);
        in = zip;
    }
    piiscan_status st = piiscan_extract_text_blob(in, inlen, hint, opts, on_text, on_file, &s);
    free(zip);
    FUZZ_ASSERT(st == PIISCAN_OK);
    FUZZ_ASSERT(s.reports >= 1);
    /* text can pass the extracted-bytes limit only by break characters */
    FUZZ_ASSERT(s.text <= 2ull * FUZZ_MAX_EXTRACTED + 4096);
    return 0;
}
