/* test_cfb.c -- the MS-CFB reader (lib/extract/cfb.c) on compound files
 * written by tests/fixtures/cfbwriter.py (via gen_hwp.py): versions 3 and 4,
 * the mini stream, chained DIFAT sectors, and hostile structures (loops,
 * out-of-range sectors, lying sizes, directory cycles) that must fail
 * cleanly.  Reads use a NULL px_doc (plain malloc). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "extract/cfb.h"
#include "testutil.h"

#define FIX(name) PII_FIXTURE_DIR "/" name

typedef struct cfile {
    uint8_t *data;
    size_t len;
    px_cfb *c;
} cfile;

static cfile open_fixture(const char *path)
{
    cfile f = {0};
    f.data = (uint8_t *)t_read_file(path, &f.len);
    cr_assert_not_null(f.data, "fixture %s missing", path);
    const char *err = NULL;
    f.c = px_cfb_open(f.data, f.len, &err);
    cr_assert_not_null(f.c, "%s: %s", path, err ? err : "?");
    return f;
}

static void close_fixture(cfile *f)
{
    px_cfb_close(f->c);
    free(f->data);
}

/* Reads stream `path`; asserts success. */
static uint8_t *read_ok(px_cfb *c, const char *path, size_t *len)
{
    long i = px_cfb_find(c, path);
    cr_assert_geq(i, 0, "%s not found", path);
    cr_assert_eq(px_cfb_type(c, (size_t)i), PX_CFB_STREAM);
    const char *err = NULL;
    uint8_t *p = px_cfb_read(c, NULL, (size_t)i, len, &err);
    cr_assert_not_null(p, "%s: %s", path, err ? err : "?");
    cr_assert_eq(*len, px_cfb_size(c, (size_t)i));
    return p;
}

/* Reads stream `path`; asserts failure with a reason containing `why`. */
static void read_fails(px_cfb *c, const char *path, const char *why)
{
    long i = px_cfb_find(c, path);
    cr_assert_geq(i, 0, "%s not found", path);
    const char *err = NULL;
    size_t len = 99;
    uint8_t *p = px_cfb_read(c, NULL, (size_t)i, &len, &err);
    cr_assert_null(p, "%s: read succeeded", path);
    cr_assert_not_null(err);
    cr_assert(strstr(err, why) != NULL, "%s: reason '%s', expected '%s'", path, err, why);
    cr_assert_eq(len, 0);
}

static void check_layout(const char *file)
{
    cfile f = open_fixture(file);
    size_t n;
    uint8_t *p = read_ok(f.c, "Small", &n);
    cr_assert_eq(n, 130, "mini-stream stream size");
    for (size_t i = 0; i < n; i += 13)
        cr_assert_eq(memcmp(p + i, "small stream ", 13), 0);
    px_cfb_free(NULL, p, n);

    p = read_ok(f.c, "Dir/Big", &n);
    cr_assert_eq(n, 10240);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(p[i], (uint8_t)(i & 0xFF), "byte %zu of a regular-sector stream", i);
    px_cfb_free(NULL, p, n);

    /* Exactly the cutoff: stored in regular sectors, not the mini stream. */
    p = read_ok(f.c, "Dir/Sub/Exact", &n);
    cr_assert_eq(n, 4096);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(p[i], 'E');
    px_cfb_free(NULL, p, n);

    p = read_ok(f.c, "Dir/Sub/Empty", &n);
    cr_assert_eq(n, 0);
    px_cfb_free(NULL, p, n);

    p = read_ok(f.c, "Unicode 한글", &n);
    cr_assert_eq(n, 100);
    cr_assert_eq(p[0], 'u');
    cr_assert_eq(p[99], 'u');
    px_cfb_free(NULL, p, n);

    /* Storages are listed with their paths; names compare case-insensitively. */
    long d = px_cfb_find(f.c, "Dir/Sub");
    cr_assert_geq(d, 0);
    cr_assert_eq(px_cfb_type(f.c, (size_t)d), PX_CFB_STORAGE);
    cr_assert_eq(px_cfb_find(f.c, "dir/BIG"), px_cfb_find(f.c, "Dir/Big"));
    cr_assert_eq(px_cfb_find(f.c, "Dir/Bi"), -1);
    cr_assert_eq(px_cfb_find(f.c, "Big"), -1, "a path needs its storages");
    cr_assert_eq(px_cfb_type(f.c, 0), PX_CFB_ROOT);
    cr_assert_str_eq(px_cfb_path(f.c, 0), "");
    /* Root, Small, Unicode, Dir, Dir/Big, Dir/Sub, Empty, Exact. */
    cr_assert_eq(px_cfb_count(f.c), 8);
    close_fixture(&f);
}

Test(cfb, version3_512_byte_sectors) { check_layout(FIX("cfb-v3.cfb")); }

Test(cfb, version4_4096_byte_sectors) { check_layout(FIX("cfb-v4.cfb")); }

Test(cfb, difat_chain_beyond_109_fat_sectors)
{
    cfile f = open_fixture(FIX("cfb-difat.cfb"));
    cr_assert_eq(px_cfb_count(f.c), 126);
    /* The last streams live in sectors described by FAT sectors that only
     * the DIFAT chain lists. */
    const char *names[] = {"S000", "S064", "S124"};
    const uint8_t vals[] = {0, 64, 124};
    for (int k = 0; k < 3; k++) {
        size_t n;
        uint8_t *p = read_ok(f.c, names[k], &n);
        cr_assert_eq(n, 60000);
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(p[i], vals[k], "%s byte %zu", names[k], i);
        px_cfb_free(NULL, p, n);
    }
    close_fixture(&f);
}

Test(cfb, fat_chain_loop_fails_cleanly)
{
    cfile f = open_fixture(FIX("cfb-fat-loop.cfb"));
    read_fails(f.c, "Big", "CFB: FAT chain loops");
    /* The rest of the file stays readable. */
    size_t n;
    uint8_t *p = read_ok(f.c, "Small", &n);
    px_cfb_free(NULL, p, n);
    close_fixture(&f);
}

Test(cfb, sector_out_of_range_fails_cleanly)
{
    cfile f = open_fixture(FIX("cfb-bad-sector.cfb"));
    read_fails(f.c, "Big", "CFB: sector number out of range");
    close_fixture(&f);
}

Test(cfb, mini_fat_loop_fails_cleanly)
{
    cfile f = open_fixture(FIX("cfb-minifat-loop.cfb"));
    read_fails(f.c, "Small", "CFB: mini FAT chain loops");
    size_t n;
    uint8_t *p = read_ok(f.c, "Other", &n);
    cr_assert_eq(n, 300);
    px_cfb_free(NULL, p, n);
    close_fixture(&f);
}

Test(cfb, broken_mini_stream_loses_only_the_small_streams)
{
    cfile f = open_fixture(FIX("cfb-ministream-loop.cfb"));
    read_fails(f.c, "Small", "CFB: mini stream chain loops");
    size_t n;
    uint8_t *p = read_ok(f.c, "Big", &n);
    cr_assert_eq(n, 10240);
    px_cfb_free(NULL, p, n);
    close_fixture(&f);
}

Test(cfb, size_larger_than_the_file_fails_before_allocating)
{
    cfile f = open_fixture(FIX("cfb-size-lies.cfb"));
    read_fails(f.c, "Big", "CFB: stream size exceeds the file");
    close_fixture(&f);
}

Test(cfb, chain_shorter_than_the_size_fails)
{
    cfile f = open_fixture(FIX("cfb-short-chain.cfb"));
    read_fails(f.c, "Big", "CFB: stream chain shorter than its size");
    close_fixture(&f);
}

static void open_fails(const char *file, const char *why)
{
    size_t len = 0;
    uint8_t *data = (uint8_t *)t_read_file(file, &len);
    cr_assert_not_null(data);
    const char *err = NULL;
    px_cfb *c = px_cfb_open(data, len, &err);
    cr_assert_null(c, "%s opened", file);
    cr_assert_not_null(err);
    cr_assert_str_eq(err, why);
    free(data);
}

Test(cfb, directory_cycle_fails_at_open)
{
    open_fails(FIX("cfb-dir-cycle.cfb"), "CFB: directory tree has a cycle");
}

Test(cfb, directory_chain_loop_fails_at_open)
{
    open_fails(FIX("cfb-dir-loop.cfb"), "CFB: FAT chain loops");
}

Test(cfb, path_memory_is_bounded)
{
    open_fails(FIX("cfb-long-paths.cfb"), "CFB: directory paths too long");
}

Test(cfb, not_a_compound_file)
{
    const char *err = NULL;
    uint8_t junk[600] = "PK\3\4 not a compound file";
    cr_assert_null(px_cfb_open(junk, sizeof junk, &err));
    cr_assert_str_eq(err, "CFB: not a compound file");
    cr_assert_eq(px_cfb_sniff(junk, sizeof junk), 0);
    static const uint8_t sig[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    memcpy(junk, sig, 8);
    cr_assert(px_cfb_sniff(junk, sizeof junk));
    cr_assert_null(px_cfb_open(junk, sizeof junk, &err), "zeroed header opened");
    cr_assert_not_null(err);
    cr_assert_null(px_cfb_open(junk, 100, &err), "100 bytes opened");
}

/* Reads every stream; returns how many were read (errors are fine). */
static size_t read_all(px_cfb *c)
{
    size_t ok = 0;
    for (size_t i = 0; i < px_cfb_count(c); i++) {
        if (px_cfb_type(c, i) != PX_CFB_STREAM)
            continue;
        size_t n;
        const char *err;
        uint8_t *p = px_cfb_read(c, NULL, i, &n, &err);
        if (p) {
            cr_assert_leq(n, px_cfb_size(c, i));
            ok++;
        } else {
            cr_assert_not_null(err);
        }
        px_cfb_free(NULL, p, n);
    }
    return ok;
}

Test(cfb, every_truncation_fails_or_reads_cleanly)
{
    size_t len = 0;
    uint8_t *data = (uint8_t *)t_read_file(FIX("cfb-v3.cfb"), &len);
    cr_assert_not_null(data);
    size_t opened = 0;
    for (size_t cut = 0; cut < len; cut += 61) {
        /* A copy of exactly `cut` bytes, so ASan sees any read past it. */
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, data, cut);
        const char *err = NULL;
        px_cfb *c = px_cfb_open(copy, cut, &err);
        if (c) {
            opened++;
            read_all(c);
            px_cfb_close(c);
        } else {
            cr_assert_not_null(err);
        }
        free(copy);
    }
    cr_assert_gt(opened, 0, "no truncation could be opened at all");
    free(data);
}

Test(cfb, corrupted_bytes_never_crash)
{
    size_t len = 0;
    uint8_t *data = (uint8_t *)t_read_file(FIX("cfb-v3.cfb"), &len);
    cr_assert_not_null(data);
    uint8_t *copy = malloc(len);
    uint32_t seed = 12345;
    for (int round = 0; round < 3000; round++) {
        memcpy(copy, data, len);
        for (int k = 0; k < 4; k++) {
            seed = seed * 1103515245u + 12345u;
            /* Hit the header, FAT and directory (the first 2 KiB) most. */
            size_t at = (seed >> 8) % (round % 2 ? len : 2048);
            seed = seed * 1103515245u + 12345u;
            copy[at] = (uint8_t)(seed >> 16);
        }
        const char *err = NULL;
        px_cfb *c = px_cfb_open(copy, len, &err);
        if (c) {
            read_all(c);
            px_cfb_close(c);
        } else {
            cr_assert_not_null(err);
        }
    }
    free(copy);
    free(data);
}
