/* cfb.c -- MS-CFB (OLE2 compound file) reader over memory, and the
 * extractor that decides what a compound file is (HWP 5.0, .doc, .xls,
 * .ppt, an encrypted OOXML package, or anything else).
 *
 * Structures follow [MS-CFB] (Microsoft Open Specifications, "Compound
 * File Binary File Format"): a 512-byte header, sectors of 512 (version 3)
 * or 4096 (version 4) bytes numbered from the end of the header sector, a
 * FAT of 32-bit "next sector" entries whose own sectors are listed by the
 * DIFAT (109 entries in the header, then a chain of DIFAT sectors), a mini
 * FAT for streams shorter than the cutoff (4096 bytes) that live in 64-byte
 * mini sectors inside the root entry's stream, and a directory of 128-byte
 * entries linked as a red-black tree per storage.
 *
 * Bounds: every table is sized from the bytes present, never from a count
 * in the header; every chain walk marks the sectors it visits (an epoch
 * counter per sector, so no per-chain clearing) and fails on a second visit;
 * the directory tree is walked with an explicit stack and a visited set. */
#include "cfb.h"

#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "msoffice.h"

#define CFB_ENDOFCHAIN 0xFFFFFFFEu
#define CFB_FREESECT 0xFFFFFFFFu
#define CFB_NOSTREAM 0xFFFFFFFFu
#define CFB_MINI_SECTOR 64u
#define CFB_DIRENT 128u
/* Storages nest a few levels in real files (ObjectPool/_1234/...); deeper
 * entries are left out of the listing rather than building long paths. */
#define CFB_MAX_DEPTH 32u
/* Longest path kept: 32 levels of 31-character names, in UTF-8. */
#define CFB_MAX_PATH 4096u
/* All paths together: deep storages with many children could otherwise
 * turn 128-byte entries into kilobytes of path each.  Real files need a
 * few kilobytes. */
#define CFB_MAX_PATH_BYTES (32u << 20)

struct cfb_ent {
    char *path;
    uint8_t type;
    uint32_t start;
    uint64_t size;
};

struct px_cfb {
    const uint8_t *data;
    size_t len;
    unsigned shift;     /* sector size = 1 << shift */
    uint32_t ss;        /* sector size */
    uint32_t nsec;      /* sectors (whole or partial) present after the header */
    uint32_t *fat;      /* nsec entries */
    uint32_t *mark;     /* nsec entries: epoch of the last chain that visited */
    uint32_t epoch;
    uint32_t *minifat;  /* nmini entries */
    uint32_t *minimark; /* nmini entries */
    uint32_t nmini;
    uint32_t *rootsec; /* sectors of the mini stream, in order */
    uint32_t nrootsec;
    uint64_t minisize; /* bytes of the mini stream that are present */
    uint32_t cutoff;
    const char *mini_err; /* why the mini stream is unreadable, or NULL */
    struct cfb_ent *ents;
    size_t nents;
};

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

int px_cfb_sniff(const uint8_t *data, size_t len)
{
    static const uint8_t sig[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    return len >= 8 && memcmp(data, sig, 8) == 0;
}

/* Bytes of sector s present in the file (0 if none), and where they start. */
static size_t sector_bytes(const px_cfb *c, uint32_t s, const uint8_t **p)
{
    uint64_t off = ((uint64_t)s + 1) << c->shift;
    if (s >= c->nsec || off >= c->len)
        return 0;
    *p = c->data + off;
    uint64_t avail = c->len - off;
    return avail < c->ss ? (size_t)avail : c->ss;
}

static void new_epoch(px_cfb *c)
{
    if (++c->epoch == 0) { /* wrapped: forget every old mark */
        memset(c->mark, 0, (size_t)c->nsec * sizeof *c->mark);
        if (c->minimark)
            memset(c->minimark, 0, (size_t)c->nmini * sizeof *c->minimark);
        c->epoch = 1;
    }
}

/* Next sector of a chain, checking it; returns 0 and sets *err on a loop or
 * a sector out of range.  *s is the sector to visit now. */
static int visit(px_cfb *c, uint32_t s, const char **err)
{
    if (s >= c->nsec) {
        *err = "CFB: sector number out of range";
        return 0;
    }
    if (c->mark[s] == c->epoch) {
        *err = "CFB: FAT chain loops";
        return 0;
    }
    c->mark[s] = c->epoch;
    return 1;
}

/* Collects the sectors of the chain starting at `start` into a malloc'd
 * array (at most nsec entries, each sector once). */
static uint32_t *collect_chain(px_cfb *c, uint32_t start, uint32_t *n, const char **err)
{
    new_epoch(c);
    size_t cap = 16, k = 0;
    uint32_t *v = malloc(cap * sizeof *v);
    if (!v) {
        *err = "CFB: out of memory";
        return NULL;
    }
    for (uint32_t s = start; s != CFB_ENDOFCHAIN; s = c->fat[s]) {
        if (!visit(c, s, err)) {
            free(v);
            return NULL;
        }
        if (k == cap) {
            cap *= 2;
            uint32_t *w = realloc(v, cap * sizeof *v);
            if (!w) {
                free(v);
                *err = "CFB: out of memory";
                return NULL;
            }
            v = w;
        }
        v[k++] = s;
    }
    *n = (uint32_t)k;
    return v;
}

/* FAT sectors come from the header's 109 DIFAT slots, then from the chain
 * of DIFAT sectors (each holding ss/4 - 1 slots and the next sector's
 * number).  Only the FAT sectors that describe sectors present in the file
 * are read; the rest of the FAT stays FREESECT. */
static int load_fat(px_cfb *c, const uint8_t *h, const char **err)
{
    uint32_t per = c->ss / 4;
    uint32_t need = (uint32_t)(((uint64_t)c->nsec + per - 1) / per);
    uint32_t declared = rd32(h + 44);
    if (declared == 0) {
        *err = "CFB: header declares no FAT sectors";
        return 0;
    }
    if (declared < need)
        need = declared;
    uint32_t got = 0;
    uint32_t difat = rd32(h + 68);
    const uint8_t *slots = h + 76;
    uint32_t nslots = 109;
    new_epoch(c); /* DIFAT sectors are marked as visited: a looping chain stops */
    for (;;) {
        for (uint32_t i = 0; i < nslots && got < need; i++, got++) {
            uint32_t fs = rd32(slots + 4 * i);
            if (fs == CFB_FREESECT || fs == CFB_ENDOFCHAIN)
                goto done;
            const uint8_t *p = NULL;
            size_t nb = sector_bytes(c, fs, &p);
            if (nb == 0) {
                *err = "CFB: FAT sector out of range";
                return 0;
            }
            uint64_t base = (uint64_t)got * per;
            for (uint32_t j = 0; j < nb / 4 && base + j < c->nsec; j++)
                c->fat[base + j] = rd32(p + 4 * j);
        }
        if (got >= need || difat == CFB_ENDOFCHAIN || difat == CFB_FREESECT)
            break;
        if (!visit(c, difat, err)) {
            if (*err && strstr(*err, "loops"))
                *err = "CFB: DIFAT chain loops";
            return 0;
        }
        const uint8_t *p = NULL;
        size_t nb = sector_bytes(c, difat, &p);
        if (nb < c->ss) {
            *err = "CFB: DIFAT sector past end of file";
            return 0;
        }
        slots = p;
        nslots = per - 1;
        difat = rd32(p + 4 * (per - 1));
    }
done:
    if (got == 0) {
        *err = "CFB: no FAT sector";
        return 0;
    }
    return 1;
}

static int load_minifat(px_cfb *c, const uint8_t *h, const char **err)
{
    uint32_t start = rd32(h + 60);
    if (start == CFB_ENDOFCHAIN || start == CFB_FREESECT || rd32(h + 64) == 0)
        return 1;
    uint32_t n = 0;
    uint32_t *secs = collect_chain(c, start, &n, err);
    if (!secs)
        return 0;
    uint32_t per = c->ss / 4;
    c->nmini = n * per;
    c->minifat = malloc(((size_t)c->nmini + 1) * sizeof *c->minifat);
    c->minimark = calloc((size_t)c->nmini + 1, sizeof *c->minimark);
    if (!c->minifat || !c->minimark) {
        free(secs);
        *err = "CFB: out of memory";
        return 0;
    }
    for (uint32_t k = 0; k < n; k++) {
        const uint8_t *p = NULL;
        size_t nb = sector_bytes(c, secs[k], &p);
        for (uint32_t j = 0; j < per; j++)
            c->minifat[k * per + j] = 4 * j + 4 <= nb ? rd32(p + 4 * j) : CFB_FREESECT;
    }
    free(secs);
    return 1;
}

/* UTF-16LE name (at most 31 units before the NUL) -> UTF-8, appended to out. */
static size_t name_utf8(const uint8_t *e, char *out, size_t cap)
{
    uint16_t nl = rd16(e + 64);
    size_t units = nl >= 2 && nl <= 64 && nl % 2 == 0 ? (size_t)nl / 2 - 1 : 32;
    size_t k = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t u = rd16(e + 2 * i);
        if (u == 0)
            break;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
            uint32_t lo = rd16(e + 2 * i + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            } else {
                u = 0xFFFD;
            }
        } else if (u >= 0xD800 && u <= 0xDFFF) {
            u = 0xFFFD;
        }
        if (k + 4 > cap)
            break;
        if (u < 0x80) {
            out[k++] = (char)u;
        } else if (u < 0x800) {
            out[k++] = (char)(0xC0 | u >> 6);
            out[k++] = (char)(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
            out[k++] = (char)(0xE0 | u >> 12);
            out[k++] = (char)(0x80 | (u >> 6 & 0x3F));
            out[k++] = (char)(0x80 | (u & 0x3F));
        } else {
            out[k++] = (char)(0xF0 | u >> 18);
            out[k++] = (char)(0x80 | (u >> 12 & 0x3F));
            out[k++] = (char)(0x80 | (u >> 6 & 0x3F));
            out[k++] = (char)(0x80 | (u & 0x3F));
        }
    }
    return k;
}

struct walk_item {
    uint32_t sid;
    uint32_t parent; /* index in c->ents */
    uint32_t depth;
};

/* Names every entry reachable from the root by its full path.  The tree is
 * walked with an explicit stack (each entry pushed at most once thanks to
 * the visited set, so the stack never exceeds the entry count); an entry
 * reached twice is a cycle. */
static int load_directory(px_cfb *c, const uint8_t *h, const char **err)
{
    uint32_t nds = 0;
    uint32_t *secs = collect_chain(c, rd32(h + 48), &nds, err);
    if (!secs)
        return 0;
    int ok = 0;
    size_t per = c->ss / CFB_DIRENT;
    size_t nd = (size_t)nds * per;
    const uint8_t **raw = calloc(nd + 1, sizeof *raw);
    uint8_t *seen = calloc(nd + 1, 1);
    /* An unseen entry can be pushed by two parents before it is popped (then
     * the second pop reports the cycle): 3 pushes per popped entry bound it. */
    struct walk_item *stack = malloc((3 * nd + 1) * sizeof *stack);
    c->ents = calloc(nd + 1, sizeof *c->ents);
    char *name = malloc(CFB_MAX_PATH + 1);
    if (!raw || !seen || !stack || !c->ents || !name) {
        *err = "CFB: out of memory";
        goto out;
    }
    for (uint32_t k = 0; k < nds; k++) {
        const uint8_t *p = NULL;
        size_t nb = sector_bytes(c, secs[k], &p);
        for (size_t j = 0; j < per; j++)
            raw[k * per + j] = (j + 1) * CFB_DIRENT <= nb ? p + j * CFB_DIRENT : NULL;
    }
    if (nd == 0 || !raw[0] || raw[0][66] != PX_CFB_ROOT) {
        *err = "CFB: no root directory entry";
        goto out;
    }
    const uint8_t *root = raw[0];
    seen[0] = 1;
    c->ents[0].path = strdup("");
    if (!c->ents[0].path) {
        *err = "CFB: out of memory";
        goto out;
    }
    c->ents[0].type = PX_CFB_ROOT;
    c->ents[0].start = rd32(root + 116);
    c->ents[0].size = c->shift == 9 ? rd32(root + 120) : (uint64_t)rd32(root + 120) | (uint64_t)rd32(root + 124) << 32;
    c->nents = 1;
    size_t sp = 0, path_bytes = 0;
    uint32_t child = rd32(root + 76);
    if (child != CFB_NOSTREAM)
        stack[sp++] = (struct walk_item){child, 0, 1};
    while (sp > 0) {
        struct walk_item it = stack[--sp];
        if (it.sid >= nd || !raw[it.sid]) {
            *err = "CFB: directory link out of range";
            goto out;
        }
        if (seen[it.sid]) {
            *err = "CFB: directory tree has a cycle";
            goto out;
        }
        seen[it.sid] = 1;
        const uint8_t *e = raw[it.sid];
        uint8_t type = e[66];
        uint32_t left = rd32(e + 68), right = rd32(e + 72), kid = rd32(e + 76);
        /* Siblings are pushed with the same parent, the child subtree with
         * this entry as parent.  Only unseen entries are pushed. */
        if (right != CFB_NOSTREAM && right < nd && !seen[right])
            stack[sp++] = (struct walk_item){right, it.parent, it.depth};
        else if (right != CFB_NOSTREAM) {
            *err = right < nd ? "CFB: directory tree has a cycle" : "CFB: directory link out of range";
            goto out;
        }
        if (left != CFB_NOSTREAM && left < nd && !seen[left])
            stack[sp++] = (struct walk_item){left, it.parent, it.depth};
        else if (left != CFB_NOSTREAM) {
            *err = left < nd && seen[left] ? "CFB: directory tree has a cycle" : "CFB: directory link out of range";
            goto out;
        }
        if (type != PX_CFB_STORAGE && type != PX_CFB_STREAM)
            continue; /* unallocated or unknown: not listed, children ignored */
        if (it.depth > CFB_MAX_DEPTH)
            continue;
        const char *pp = c->ents[it.parent].path;
        size_t pl = strlen(pp), k = 0;
        if (pl + 1 >= CFB_MAX_PATH)
            continue;
        if (pl) {
            memcpy(name, pp, pl);
            name[pl] = '/';
            k = pl + 1;
        }
        k += name_utf8(e, name + k, CFB_MAX_PATH - k);
        name[k] = '\0';
        path_bytes += k + 1;
        if (path_bytes > CFB_MAX_PATH_BYTES) {
            *err = "CFB: directory paths too long";
            goto out;
        }
        struct cfb_ent *ent = &c->ents[c->nents];
        ent->path = strdup(name);
        if (!ent->path) {
            *err = "CFB: out of memory";
            goto out;
        }
        ent->type = type;
        ent->start = rd32(e + 116);
        /* Version 3 readers must ignore the high 32 bits of the size. */
        ent->size = c->shift == 9 ? rd32(e + 120) : (uint64_t)rd32(e + 120) | (uint64_t)rd32(e + 124) << 32;
        if (type == PX_CFB_STORAGE)
            ent->size = 0;
        uint32_t me = (uint32_t)c->nents++;
        if (type == PX_CFB_STORAGE && kid != CFB_NOSTREAM) {
            if (kid >= nd) {
                *err = "CFB: directory link out of range";
                goto out;
            }
            if (seen[kid]) {
                *err = "CFB: directory tree has a cycle";
                goto out;
            }
            stack[sp++] = (struct walk_item){kid, me, it.depth + 1};
        }
    }
    ok = 1;
out:
    free(secs);
    free(raw);
    free(seen);
    free(stack);
    free(name);
    return ok;
}

/* The mini stream is the root entry's chain of regular sectors. */
static int load_ministream(px_cfb *c, const char **err)
{
    if (c->nmini == 0 || c->ents[0].size == 0)
        return 1;
    const char *why = NULL;
    c->rootsec = collect_chain(c, c->ents[0].start, &c->nrootsec, &why);
    if (!c->rootsec) {
        /* Only the small streams are lost: the others stay readable. */
        if (why && strstr(why, "memory")) {
            *err = why;
            return 0;
        }
        c->nrootsec = 0;
        c->minisize = 0;
        c->mini_err = why && strstr(why, "loops") ? "CFB: mini stream chain loops"
                                                  : "CFB: mini stream chain broken";
        return 1;
    }
    uint64_t have = (uint64_t)c->nrootsec * c->ss;
    c->minisize = c->ents[0].size < have ? c->ents[0].size : have;
    return 1;
}

px_cfb *px_cfb_open(const uint8_t *data, size_t len, const char **err)
{
    *err = NULL;
    if (!px_cfb_sniff(data, len) || len < 512) {
        *err = "CFB: not a compound file";
        return NULL;
    }
    const uint8_t *h = data;
    uint16_t major = rd16(h + 26), shift = rd16(h + 30), mshift = rd16(h + 32);
    if (rd16(h + 28) != 0xFFFE) {
        *err = "CFB: bad byte-order mark";
        return NULL;
    }
    if (!((major == 3 && shift == 9) || (major == 4 && shift == 12))) {
        *err = "CFB: unsupported version or sector size";
        return NULL;
    }
    if (mshift != 6) {
        *err = "CFB: unsupported mini sector size";
        return NULL;
    }
    px_cfb *c = calloc(1, sizeof *c);
    if (!c) {
        *err = "CFB: out of memory";
        return NULL;
    }
    c->data = data;
    c->len = len;
    c->shift = shift;
    c->ss = 1u << shift;
    c->cutoff = rd32(h + 56);
    if (c->cutoff != 4096) /* fixed by the specification; anything else is corrupt */
        c->cutoff = 4096;
    if (len <= c->ss) {
        *err = "CFB: file ends after its header";
        goto fail;
    }
    uint64_t nsec = ((uint64_t)len - c->ss + c->ss - 1) / c->ss;
    if (nsec >= 0xFFFFFFFAu) {
        *err = "CFB: file too large";
        goto fail;
    }
    c->nsec = (uint32_t)nsec;
    c->fat = malloc((size_t)c->nsec * sizeof *c->fat);
    c->mark = calloc(c->nsec, sizeof *c->mark);
    if (!c->fat || !c->mark) {
        *err = "CFB: out of memory";
        goto fail;
    }
    for (uint32_t i = 0; i < c->nsec; i++)
        c->fat[i] = CFB_FREESECT;
    if (!load_fat(c, h, err) || !load_minifat(c, h, err) || !load_directory(c, h, err) ||
        !load_ministream(c, err))
        goto fail;
    return c;
fail:
    px_cfb_close(c);
    return NULL;
}

void px_cfb_close(px_cfb *c)
{
    if (!c)
        return;
    if (c->ents)
        for (size_t i = 0; i < c->nents; i++)
            free(c->ents[i].path);
    free(c->ents);
    free(c->fat);
    free(c->mark);
    free(c->minifat);
    free(c->minimark);
    free(c->rootsec);
    free(c);
}

size_t px_cfb_count(const px_cfb *c) { return c ? c->nents : 0; }

const char *px_cfb_path(const px_cfb *c, size_t i) { return i < c->nents ? c->ents[i].path : NULL; }

int px_cfb_type(const px_cfb *c, size_t i) { return i < c->nents ? c->ents[i].type : 0; }

uint64_t px_cfb_size(const px_cfb *c, size_t i) { return i < c->nents ? c->ents[i].size : 0; }

static int ascii_lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }

long px_cfb_find(const px_cfb *c, const char *path)
{
    for (size_t i = 0; i < c->nents; i++) {
        const char *a = c->ents[i].path, *b = path;
        while (*a && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b))
            a++, b++;
        if (*a == '\0' && *b == '\0')
            return (long)i;
    }
    return -1;
}

static void *buf_alloc(px_doc *d, size_t n)
{
    return d ? px_buffer_alloc(d, n) : malloc(n);
}

void px_cfb_free(px_doc *d, uint8_t *p, size_t len)
{
    if (!p)
        return;
    if (len == 0)
        len = 1; /* px_cfb_read allocates one byte for an empty stream */
    if (d)
        px_buffer_free(d, p, len);
    else
        free(p);
}

static int read_mini(px_cfb *c, const struct cfb_ent *e, uint8_t *out, const char **err)
{
    if (c->mini_err) {
        *err = c->mini_err;
        return 0;
    }
    uint64_t done = 0;
    uint32_t m = e->start;
    for (; done < e->size; m = c->minifat[m]) {
        if (m >= c->nmini) {
            *err = "CFB: mini sector number out of range";
            return 0;
        }
        if (c->minimark[m] == c->epoch) {
            *err = "CFB: mini FAT chain loops";
            return 0;
        }
        c->minimark[m] = c->epoch;
        uint64_t off = (uint64_t)m * CFB_MINI_SECTOR;
        uint64_t k = e->size - done < CFB_MINI_SECTOR ? e->size - done : CFB_MINI_SECTOR;
        if (off + k > c->minisize) {
            *err = "CFB: mini stream shorter than its streams";
            return 0;
        }
        /* A mini sector never straddles two regular sectors (64 divides ss). */
        const uint8_t *p = NULL;
        size_t nb = sector_bytes(c, c->rootsec[off >> c->shift], &p);
        size_t in = (size_t)(off & (c->ss - 1));
        if (in + k > nb) {
            *err = "CFB: stream extends past end of file";
            return 0;
        }
        memcpy(out + done, p + in, (size_t)k);
        done += k;
    }
    return 1;
}

static int read_big(px_cfb *c, const struct cfb_ent *e, uint8_t *out, const char **err)
{
    uint64_t done = 0;
    for (uint32_t s = e->start; done < e->size; s = c->fat[s]) {
        if (s == CFB_ENDOFCHAIN) {
            *err = "CFB: stream chain shorter than its size";
            return 0;
        }
        if (!visit(c, s, err))
            return 0;
        const uint8_t *p = NULL;
        size_t nb = sector_bytes(c, s, &p);
        uint64_t k = e->size - done < c->ss ? e->size - done : c->ss;
        if (k > nb) {
            *err = "CFB: stream extends past end of file";
            return 0;
        }
        memcpy(out + done, p, (size_t)k);
        done += k;
    }
    return 1;
}

uint8_t *px_cfb_read(px_cfb *c, px_doc *d, size_t i, size_t *len, const char **err)
{
    *err = NULL;
    *len = 0;
    if (i >= c->nents || c->ents[i].type != PX_CFB_STREAM) {
        *err = "CFB: not a stream";
        return NULL;
    }
    const struct cfb_ent *e = &c->ents[i];
    int mini = e->size < c->cutoff;
    /* A stream cannot be larger than the sectors that could hold it: this
     * check comes before the allocation, so a lying size costs nothing. */
    uint64_t room = mini ? (uint64_t)c->nmini * CFB_MINI_SECTOR : (uint64_t)c->nsec * c->ss;
    if (e->size > room || e->size > SIZE_MAX - 1) {
        *err = "CFB: stream size exceeds the file";
        return NULL;
    }
    size_t n = (size_t)e->size;
    uint8_t *out = buf_alloc(d, n ? n : 1);
    if (!out)
        return NULL; /* budget: the doc is already SKIPPED */
    new_epoch(c);
    int ok = n == 0 || (mini ? read_mini(c, e, out, err) : read_big(c, e, out, err));
    if (!ok) {
        px_cfb_free(d, out, n);
        return NULL;
    }
    *len = n;
    return out;
}

/* ======================================================================
 * The extractor: what kind of compound file is this?
 * ====================================================================== */

/* Reads a stream by path; NULL if absent.  On a read error sets the doc's
 * status (ERROR, with the reader's reason and the stream's name) and
 * *failed; on a budget refusal sets *failed too (the doc is SKIPPED). */
static uint8_t *read_named(px_doc *d, px_cfb *c, const char *path, size_t *len, int *failed)
{
    long i = px_cfb_find(c, path);
    *len = 0;
    if (i < 0 || px_cfb_type(c, (size_t)i) != PX_CFB_STREAM)
        return NULL;
    const char *err;
    uint8_t *p = px_cfb_read(c, d, (size_t)i, len, &err);
    if (!p) {
        if (err)
            px_set_status(d, PX_ERROR, "%s: %s", path, err);
        *failed = 1;
    }
    return p;
}

static int extract_office(px_doc *d, px_cfb *c, const char *kind)
{
    int failed = 0, r = PX_CONTINUE;
    if (strcmp(kind, "doc") == 0) {
        size_t wl = 0, t0l = 0, t1l = 0;
        uint8_t *w = read_named(d, c, "WordDocument", &wl, &failed);
        uint8_t *t0 = failed ? NULL : read_named(d, c, "0Table", &t0l, &failed);
        uint8_t *t1 = failed ? NULL : read_named(d, c, "1Table", &t1l, &failed);
        if (!failed)
            r = px_msoffice_doc(d, w, wl, t0, t0l, t1, t1l);
        px_cfb_free(d, w, wl);
        px_cfb_free(d, t0, t0l);
        px_cfb_free(d, t1, t1l);
    } else if (strcmp(kind, "xls") == 0) {
        size_t wl = 0;
        uint8_t *w = read_named(d, c, "Workbook", &wl, &failed);
        if (!w && !failed)
            w = read_named(d, c, "Book", &wl, &failed);
        if (w)
            r = px_msoffice_xls(d, w, wl);
        px_cfb_free(d, w, wl);
    } else {
        size_t pl = 0, cl = 0;
        uint8_t *p = read_named(d, c, "PowerPoint Document", &pl, &failed);
        uint8_t *cu = failed ? NULL : read_named(d, c, "Current User", &cl, &failed);
        if (!failed && p)
            r = px_msoffice_ppt(d, p, pl, cu, cl, px_cfb_find(c, "EncryptedSummary") >= 0);
        px_cfb_free(d, p, pl);
        px_cfb_free(d, cu, cl);
    }
    return r;
}

/* Unknown compound files: every stream is swept for runs of text, each
 * run its own paragraph: UTF-16LE runs (at both byte alignments) of
 * characters from the scripts personal data is written in (ASCII, Latin-1,
 * Hangul, CJK punctuation, full-width forms; not Hanja, which misaligned
 * ASCII would imitate), and 8-bit runs of ASCII and KS X 1001 Hangul
 * (CP949) pairs.  At least SWEEP_MIN characters per run.  This finds the
 * strings most OLE-based formats store plainly (MSG, property sets, legacy
 * Works...) without claiming to understand them. */
#define SWEEP_MIN 4

static int sweep_utf16_char(uint32_t u)
{
    return u == 9 || (u >= 0x20 && u < 0x7F) || (u >= 0xA0 && u < 0x180) ||
           (u >= 0x3000 && u < 0x3040) || (u >= 0x3130 && u < 0x3190) ||
           (u >= 0xAC00 && u <= 0xD7A3) || (u >= 0xFF01 && u <= 0xFF5E);
}

static int sweep_stream(px_doc *d, const uint8_t *p, size_t n)
{
    for (size_t align = 0; align < 2; align++) {
        size_t run = align, count = 0;
        for (size_t i = align; i <= n; i += 2) {
            if (i + 1 < n && sweep_utf16_char(rd16(p + i))) {
                if (count++ == 0)
                    run = i;
                continue;
            }
            if (count >= SWEEP_MIN &&
                (px_text_utf16le(d, p + run, count * 2) || px_break(d, PX_BREAK_PARA)))
                return PX_ABORT;
            count = 0;
        }
    }
    size_t start = 0, count = 0;
    for (size_t i = 0; i <= n;) {
        size_t w = 0;
        if (i < n && (p[i] == 9 || (p[i] >= 0x20 && p[i] < 0x7F)))
            w = 1;
        else if (i + 1 < n && p[i] >= 0xB0 && p[i] <= 0xC8 && p[i + 1] >= 0xA1 && p[i + 1] <= 0xFE)
            w = 2;
        if (w) {
            if (count++ == 0)
                start = i;
            i += w;
            continue;
        }
        if (count >= SWEEP_MIN &&
            (px_text_codepage(d, p + start, i - start, 949) || px_break(d, PX_BREAK_PARA)))
            return PX_ABORT;
        count = 0;
        i++;
    }
    return PX_CONTINUE;
}

static int extract_sweep(px_doc *d, px_cfb *c)
{
    for (size_t i = 0; i < px_cfb_count(c); i++) {
        if (px_cfb_type(c, i) != PX_CFB_STREAM)
            continue;
        size_t n;
        const char *err;
        uint8_t *p = px_cfb_read(c, d, i, &n, &err);
        if (!p) {
            if (!err)
                return PX_CONTINUE; /* budget: SKIPPED already set */
            px_set_status(d, PX_ERROR, "%s: %s", px_cfb_path(c, i), err);
            continue;
        }
        int r = sweep_stream(d, p, n);
        px_cfb_free(d, p, n);
        if (r == PX_CONTINUE)
            r = px_break(d, PX_BREAK_PART);
        if (r != PX_CONTINUE)
            return PX_ABORT;
    }
    return PX_CONTINUE;
}

int px_extract_cfb(px_doc *d, const uint8_t *data, size_t len)
{
    const char *err = NULL;
    /* HWP 3.x and earlier are not compound files; libmagic may still type
     * them application/x-hwp, which the driver sends here. */
    if (len >= 19 && memcmp(data, "HWP Document File V", 19) == 0) {
        px_set_format(d, "hwp");
        px_set_status(d, PX_UNSUPPORTED, "HWP 3.x document: only HWP 5.0 is read");
        return PX_CONTINUE;
    }
    px_cfb *c = px_cfb_open(data, len, &err);
    if (!c) {
        px_set_format(d, "cfb");
        px_set_status(d, PX_ERROR, "%s", err ? err : "CFB: unreadable");
        return PX_CONTINUE;
    }
    int r = PX_CONTINUE;
    long fh = px_cfb_find(c, "FileHeader");
    int is_hwp = 0;
    if (fh >= 0 && px_cfb_type(c, (size_t)fh) == PX_CFB_STREAM) {
        size_t n;
        uint8_t *p = px_cfb_read(c, d, (size_t)fh, &n, &err);
        if (p) {
            is_hwp = n >= 17 && memcmp(p, "HWP Document File", 17) == 0;
            px_cfb_free(d, p, n);
        } else if (!err) {
            goto out; /* budget */
        }
    }
    if (is_hwp) {
        px_set_format(d, "hwp");
        r = px_extract_hwp5(d, c);
    } else if (px_cfb_find(c, "EncryptionInfo") >= 0 && px_cfb_find(c, "EncryptedPackage") >= 0) {
        px_set_format(d, "ooxml");
        px_set_status(d, PX_ENCRYPTED,
                      "password-protected Office document (ECMA-376 agile/standard encryption)");
    } else if (px_cfb_find(c, "WordDocument") >= 0) {
        px_set_format(d, "doc");
        r = extract_office(d, c, "doc");
    } else if (px_cfb_find(c, "Workbook") >= 0 || px_cfb_find(c, "Book") >= 0) {
        px_set_format(d, "xls");
        r = extract_office(d, c, "xls");
    } else if (px_cfb_find(c, "PowerPoint Document") >= 0) {
        px_set_format(d, "ppt");
        r = extract_office(d, c, "ppt");
    } else {
        px_set_format(d, "cfb");
        r = extract_sweep(d, c);
    }
out:
    px_cfb_close(c);
    return r;
}
