/* test_extract_archive.c -- archives through the file-scan API: member
 * paths, nesting, typing by content, encrypted entries, corrupt input and
 * every limit.  Fixtures come from tests/fixtures/gen_archives.py. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "piiscan.h"
#include "testutil.h"

#define A(name) PII_FIXTURE_DIR "/archive/" name

static tfilescan scan(const char *path, const piiscan_options *o)
{
    tfilescan s = {0};
    int st = t_scan_path(path, o, &s);
    cr_assert_eq(st, PIISCAN_OK, "%s: status %d", path, st);
    return s;
}

static void assert_status(const tfilescan *s, const char *path, int status, const char *reason_part)
{
    const treport *r = t_report(s, path);
    cr_assert_not_null(r, "no report for %s", path);
    cr_assert_eq(r->status, status, "%s: status %d (%s), want %d", path, r->status, r->reason,
                 status);
    if (reason_part)
        cr_assert(strstr(r->reason, reason_part), "%s: reason '%s' lacks '%s'", path, r->reason,
                  reason_part);
}

Test(archive, zip_members_named_with_bang)
{
    tfilescan s = scan(A("plain.zip"), NULL);
    cr_assert_eq(t_count_at(&s, A("plain.zip") "!dir/a.txt", "kr_rrn"), 1);
    cr_assert_eq(t_count_at(&s, A("plain.zip") "!b.csv", "kr_phone"), 1);
    cr_assert_eq(s.nf, 2);
    assert_status(&s, A("plain.zip") "!empty.txt", PIISCAN_FILE_OK, NULL);
    assert_status(&s, A("plain.zip"), PIISCAN_FILE_OK, NULL);
    /* offsets count from the start of the member */
    for (size_t i = 0; i < s.nf; i++)
        if (!strcmp(s.f[i].type, "kr_rrn"))
            cr_assert_eq(s.f[i].offset, strlen("주민등록번호 "));
    const treport *top = t_report(&s, A("plain.zip"));
    cr_assert_eq(top->depth, 0);
    cr_assert_str_eq(top->format, "zip");
    cr_assert_eq(t_report(&s, A("plain.zip") "!b.csv")->depth, 1);
    t_filescan_free(&s);
}

Test(archive, nested_paths)
{
    tfilescan s = scan(A("nested.zip"), NULL);
    cr_assert_eq(t_count_at(&s, A("nested.zip") "!inner.zip!a.txt", "kr_rrn"), 1);
    cr_assert_eq(t_count_at(&s, A("nested.zip") "!c.txt", "card"), 1);
    t_filescan_free(&s);
    s = scan(A("deep.zip"), NULL);
    cr_assert_eq(t_count_at(&s, A("deep.zip") "!b.tar.gz!c.zip!d.txt", "kr_rrn"), 1);
    t_filescan_free(&s);
}

Test(archive, tar_family_and_7z)
{
    static const char *const tars[] = {A("t.tar"), A("t.tar.gz"), A("t.tar.bz2"), A("t.tar.xz"),
                                       A("t.7z")};
    for (size_t i = 0; i < sizeof tars / sizeof tars[0]; i++) {
        tfilescan s = scan(tars[i], NULL);
        char p[600];
        snprintf(p, sizeof p, "%s!a.txt", tars[i]);
        cr_assert_eq(t_count_at(&s, p, "kr_rrn"), 1, "%s", p);
        assert_status(&s, tars[i], PIISCAN_FILE_OK, NULL);
        t_filescan_free(&s);
    }
    tfilescan s = scan(A("t.tar.gz"), NULL);
    cr_assert_eq(t_count_at(&s, A("t.tar.gz") "!sub/b.csv", "kr_phone"), 1);
    t_filescan_free(&s);
}

Test(archive, single_compressed_files)
{
    static const char *const f[] = {A("log.txt.gz"), A("log.txt.bz2"), A("log.txt.xz")};
    for (size_t i = 0; i < 3; i++) {
        tfilescan s = scan(f[i], NULL);
        char p[600];
        snprintf(p, sizeof p, "%s!log.txt", f[i]);
        cr_assert_eq(t_count_at(&s, p, "kr_phone"), 1, "%s", p);
        t_filescan_free(&s);
    }
}

Test(archive, korean_member_names_in_cp949_or_utf8)
{
    tfilescan s = scan(A("cp949-names.zip"), NULL);
    cr_assert_eq(t_count_at(&s, A("cp949-names.zip") "!인사/명단.csv", "kr_rrn"), 1,
                 "a CP949 name without the UTF-8 flag is decoded as CP949");
    cr_assert_eq(t_count_at(&s, A("cp949-names.zip") "!영문/utf8.txt", "kr_phone"), 1,
                 "a flagged UTF-8 name is kept");
    t_filescan_free(&s);
}

Test(archive, typed_by_content_not_name)
{
    tfilescan s = scan(A("renamed.dat"), NULL);
    cr_assert_eq(t_count_at(&s, A("renamed.dat") "!a.txt", "kr_rrn"), 1);
    t_filescan_free(&s);
    s = scan(A("backup.bak"), NULL);
    cr_assert_eq(t_count_at(&s, A("backup.bak") "!a.txt", "kr_rrn"), 1);
    t_filescan_free(&s);
}

Test(archive, members_are_not_glued)
{
    tfilescan s = scan(A("split.zip"), NULL);
    cr_assert_eq(s.nf, 0, "two members must not form one RRN");
    t_filescan_free(&s);
}

Test(archive, media_unsupported_binary_scanned)
{
    tfilescan s = scan(A("mixed.zip"), NULL);
    assert_status(&s, A("mixed.zip") "!pic.png", PIISCAN_FILE_UNSUPPORTED, "image");
    cr_assert_eq(t_count_at(&s, A("mixed.zip") "!data.bin", "kr_rrn"), 1);
    t_filescan_free(&s);
}

Test(archive, encrypted_entries_and_archives)
{
    tfilescan s = scan(A("encrypted.zip"), NULL);
    assert_status(&s, A("encrypted.zip") "!a.txt", PIISCAN_FILE_ENCRYPTED, "password");
    assert_status(&s, A("encrypted.zip"), PIISCAN_FILE_ENCRYPTED, "2 of 2");
    cr_assert_eq(s.nf, 0);
    t_filescan_free(&s);
    s = scan(A("enc-headers.7z"), NULL);
    assert_status(&s, A("enc-headers.7z"), PIISCAN_FILE_ENCRYPTED, NULL);
    t_filescan_free(&s);
    s = scan(A("enc-data.7z"), NULL);
    assert_status(&s, A("enc-data.7z"), PIISCAN_FILE_ENCRYPTED, NULL);
    t_filescan_free(&s);
}

Test(archive, corrupt_and_truncated)
{
    tfilescan s = scan(A("corrupt.zip"), NULL);
    assert_status(&s, A("corrupt.zip"), PIISCAN_FILE_ERROR, NULL);
    t_filescan_free(&s);
    s = scan(A("truncated.tar.gz"), NULL);
    /* what came before the damage is kept */
    cr_assert_eq(t_count_at(&s, A("truncated.tar.gz") "!a.txt", "kr_rrn"), 1);
    assert_status(&s, A("truncated.tar.gz"), PIISCAN_FILE_ERROR, "truncated");
    t_filescan_free(&s);
}

Test(archive, depth_limit)
{
    const char *leaf = A("depth10.zip") "!l0.zip!l1.zip!l2.zip!l3.zip!l4.zip!l5.zip!l6.zip!"
                                        "l7.zip!l8.zip!l9.zip!leaf.txt";
    tfilescan s = scan(A("depth10.zip"), NULL);
    cr_assert_eq(s.nf, 0);
    assert_status(&s, A("depth10.zip") "!l0.zip!l1.zip!l2.zip!l3.zip!l4.zip!l5.zip!l6.zip!l7.zip!l8.zip",
                  PIISCAN_FILE_SKIPPED, "deeper than 8");
    t_filescan_free(&s);
    piiscan_options *o;
    piiscan_options_new(&o);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_MAX_DEPTH, 11), PIISCAN_OK);
    s = scan(A("depth10.zip"), o);
    cr_assert_eq(t_count_at(&s, leaf, "kr_rrn"), 1);
    t_filescan_free(&s);
    cr_assert_eq(piiscan_options_set(o, PIISCAN_OPT_MAX_DEPTH, 65), PIISCAN_E_INVALID);
    piiscan_options_free(o);
}

Test(archive, bombs_end_skipped)
{
    tfilescan s = scan(A("bomb-10g.zip"), NULL);
    assert_status(&s, A("bomb-10g.zip"), PIISCAN_FILE_SKIPPED, "ratio");
    assert_status(&s, A("bomb-10g.zip") "!zeros.bin", PIISCAN_FILE_SKIPPED, "ratio");
    t_filescan_free(&s);
    s = scan(A("bomb-nested.zip"), NULL);
    assert_status(&s, A("bomb-nested.zip"), PIISCAN_FILE_SKIPPED, "limit");
    /* only the first branch was entered before the job ended */
    cr_assert_lt(s.nr, 12);
    t_filescan_free(&s);
}

Test(archive, member_and_size_limits)
{
    piiscan_options *o;
    piiscan_options_new(&o);
    piiscan_options_set(o, PIISCAN_OPT_MAX_MEMBERS, 1);
    tfilescan s = scan(A("plain.zip"), o);
    assert_status(&s, A("plain.zip"), PIISCAN_FILE_SKIPPED, "more than 1 members");
    /* the member read before the limit keeps its finding */
    cr_assert_eq(t_count_at(&s, A("plain.zip") "!dir/a.txt", "kr_rrn"), 1);
    t_filescan_free(&s);
    piiscan_options_set(o, PIISCAN_OPT_MAX_MEMBERS, 100);
    piiscan_options_set(o, PIISCAN_OPT_MAX_EXTRACTED, 10);
    s = scan(A("t.tar.gz"), o);
    assert_status(&s, A("t.tar.gz"), PIISCAN_FILE_SKIPPED, "extracted");
    t_filescan_free(&s);
    piiscan_options_free(o);
}

Test(archive, extract_text_names_members)
{
    int st = -1, top = -1;
    char *t = t_extract_text(A("nested.zip"), NULL, &st, &top);
    cr_assert_eq(st, PIISCAN_OK);
    cr_assert_eq(top, PIISCAN_FILE_OK);
    cr_assert(strstr(t, "900101-1234568"));
    cr_assert(strstr(t, "4111111111111111"));
    free(t);
}

struct paths {
    char v[8][128];
    int n;
};

static int record_path(const piiscan_finding *f, void *user)
{
    struct paths *p = user;
    if (p->n < 8)
        snprintf(p->v[p->n++], sizeof p->v[0], "%s", f->path);
    return PIISCAN_CONTINUE;
}

/* Scans t.tar.gz written into a pipe by a child process (after delay_ms);
 * the read end non-blocking if asked. */
static void scan_tgz_from_pipe(const char *name, int nonblocking, unsigned delay_ms, struct paths *p)
{
    size_t len = 0;
    char *data = t_read_file(A("t.tar.gz"), &len);
    cr_assert_not_null(data);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    if (nonblocking)
        cr_assert_eq(fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        usleep(delay_ms * 1000);
        ssize_t w = write(fds[1], data, len);
        _exit(w == (ssize_t)len ? 0 : 1);
    }
    close(fds[1]);
    const piiscan_engine *e = t_default_engine();
    piiscan_scratch *scr;
    piiscan_scratch_alloc(e, &scr);
    int st = piiscan_scan_fd(e, fds[0], name, NULL, scr, record_path, NULL, p);
    cr_assert_eq(st, PIISCAN_OK);
    close(fds[0]);
    piiscan_scratch_free(scr);
    free(data);
}

Test(archive, pipe_is_read_sequentially)
{
    struct paths p = {0};
    scan_tgz_from_pipe("stdin.tgz", 0, 0, &p);
    cr_assert_eq(p.n, 2);
    cr_assert_str_eq(p.v[0], "stdin.tgz!a.txt");
    cr_assert_str_eq(p.v[1], "stdin.tgz!sub/b.csv");
}

/* A non-blocking descriptor (the CLI and piiscan_scan_file() open with
 * O_NONBLOCK so a FIFO cannot hang open()): reading it before the writer
 * has written gives EAGAIN, which must mean "wait", not "error". */
Test(archive, nonblocking_pipe_waits_for_data)
{
    struct paths p = {0};
    scan_tgz_from_pipe("pipe.tgz", 1, 200, &p); /* the scan waits on an empty pipe first */
    cr_assert_eq(p.n, 2);
    cr_assert_str_eq(p.v[0], "pipe.tgz!a.txt");
}

Test(archive, blob_with_name)
{
    size_t len = 0;
    char *data = t_read_file(A("t.tar.gz"), &len);
    tfilescan s = {0};
    cr_assert_eq(t_scan_blob_named(data, len, "mem.tgz", NULL, &s), PIISCAN_OK);
    cr_assert_eq(t_count_at(&s, "mem.tgz!a.txt", "kr_rrn"), 1);
    free(data);
    t_filescan_free(&s);
}

static int stop_at_first(const piiscan_finding *f, void *user)
{
    (void)f;
    ++*(int *)user;
    return PIISCAN_STOP;
}

Test(archive, stop_from_callback)
{
    const piiscan_engine *e = t_default_engine();
    piiscan_scratch *scr;
    piiscan_scratch_alloc(e, &scr);
    int n = 0;
    cr_assert_eq(piiscan_scan_file(e, A("plain.zip"), NULL, scr, stop_at_first, NULL, &n),
                 PIISCAN_STOPPED);
    cr_assert_eq(n, 1);
    piiscan_scratch_free(scr);
}

struct reenter {
    const piiscan_engine *e;
    piiscan_scratch *scr;
    int st;
};

static int reenter_cb(const piiscan_file_report *r, void *user)
{
    (void)r;
    struct reenter *x = user;
    x->st = piiscan_scan_file(x->e, A("plain.zip"), NULL, x->scr, NULL, NULL, NULL);
    return PIISCAN_CONTINUE;
}

Test(archive, scratch_reuse_in_callback_is_refused)
{
    struct reenter x = {t_default_engine(), NULL, 0};
    piiscan_scratch_alloc(x.e, &x.scr);
    cr_assert_eq(piiscan_scan_file(x.e, A("stored.zip"), NULL, x.scr, NULL, reenter_cb, &x),
                 PIISCAN_OK);
    cr_assert_eq(x.st, PIISCAN_E_SCRATCH_IN_USE);
    piiscan_scratch_free(x.scr);
}

Test(archive, missing_file_is_reported)
{
    tfilescan s = {0};
    cr_assert_eq(t_scan_path(PII_FIXTURE_DIR "/archive/no-such-file", NULL, &s), PIISCAN_E_IO);
    assert_status(&s, PII_FIXTURE_DIR "/archive/no-such-file", PIISCAN_FILE_ERROR, "No such");
    t_filescan_free(&s);
}

Test(archive, status_names)
{
    cr_assert_str_eq(piiscan_file_status_name(PIISCAN_FILE_ENCRYPTED), "encrypted");
    cr_assert_str_eq(piiscan_file_status_name(PIISCAN_FILE_SKIPPED), "skipped");
    cr_assert_str_eq(piiscan_file_status_name((piiscan_file_status)99), "unknown");
}
