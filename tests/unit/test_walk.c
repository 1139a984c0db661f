/* test_walk.c -- piiscan_walk: order, what is handed over, what is reported
 * and why, gitignore-style rules, links and loops, limits. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "piiscan.h"

typedef struct seen {
    char path[64][512];
    int status[64];
    char reason[64][128];
    int n;
} seen;

static int record(const piiscan_walk_entry *e, void *user)
{
    seen *s = user;
    if (s->n < 64) {
        snprintf(s->path[s->n], sizeof s->path[0], "%s", e->path);
        s->status[s->n] = e->status;
        snprintf(s->reason[s->n], sizeof s->reason[0], "%s", e->reason ? e->reason : "");
        s->n++;
    }
    return PIISCAN_CONTINUE;
}

static char root[256];

static void put(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f, "%s", p);
    fputs(text, f);
    fclose(f);
}

static void mkd(const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    cr_assert_eq(mkdir(p, 0755), 0, "%s", p);
}

static void setup_tree(void)
{
    snprintf(root, sizeof root, "/tmp/piiscan-walk-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    mkd("b");
    mkd("a");
    mkd("a/build");
    mkd("secret");
    put("z.txt", "z");
    put("b/2.csv", "2");
    put("b/1.csv", "1");
    put("a/x.log", "log");
    put("a/keep.log", "keep");
    put("a/build/out.txt", "out");
    put("secret/s.txt", "s");
    put("big.txt", "0123456789012345678901234567890123456789");
    put(".piiscanignore", "# comment\n*.log\n!keep.log\nbuild/\n");
}

static void teardown_tree(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(walk, .init = setup_tree, .fini = teardown_tree);

static int index_of(const seen *s, const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->path[i], p))
            return i;
    return -1;
}

Test(walk, sorted_and_ignore_file_rules)
{
    piiscan_walker *w;
    cr_assert_eq(piiscan_walker_new(&w), PIISCAN_OK);
    seen s = {0};
    cr_assert_eq(piiscan_walk(w, root, record, &s), PIISCAN_OK);
    /* sorted: .piiscanignore, a/keep.log, b/1.csv, b/2.csv, big.txt, secret/s.txt, z.txt */
    cr_assert_eq(s.n, 7, "got %d entries", s.n);
    cr_assert_geq(index_of(&s, "a/keep.log"), 0, "negated rule re-includes keep.log");
    cr_assert_lt(index_of(&s, "a/x.log"), 0, "*.log is ignored");
    cr_assert_lt(index_of(&s, "a/build/out.txt"), 0, "build/ is ignored");
    cr_assert_lt(index_of(&s, "b/1.csv"), index_of(&s, "b/2.csv"));
    cr_assert_lt(index_of(&s, "b/2.csv"), index_of(&s, "z.txt"));
    for (int i = 0; i < s.n; i++)
        cr_assert_eq(s.status[i], PIISCAN_FILE_OK);
    /* without ignore files everything is there */
    piiscan_walker_set(w, PIISCAN_WALK_IGNORE_FILES, 0);
    seen t = {0};
    piiscan_walk(w, root, record, &t);
    cr_assert_eq(t.n, 9);
    piiscan_walker_free(w);
}

Test(walk, include_exclude_and_size)
{
    piiscan_walker *w;
    piiscan_walker_new(&w);
    cr_assert_eq(piiscan_walker_exclude(w, "secret/"), PIISCAN_OK);
    cr_assert_eq(piiscan_walker_include(w, "*.csv"), PIISCAN_OK);
    cr_assert_eq(piiscan_walker_include(w, "/big.txt"), PIISCAN_OK);
    cr_assert_eq(piiscan_walker_set(w, PIISCAN_WALK_MAX_FILE_SIZE, 10), PIISCAN_OK);
    seen s = {0};
    piiscan_walk(w, root, record, &s);
    cr_assert_eq(s.n, 3, "1.csv, 2.csv and big.txt (reported too big); got %d", s.n);
    int big = index_of(&s, "big.txt");
    cr_assert_geq(big, 0);
    cr_assert_eq(s.status[big], PIISCAN_FILE_SKIPPED);
    cr_assert(strstr(s.reason[big], "larger than 10 bytes"));
    cr_assert_lt(index_of(&s, "secret/s.txt"), 0);
    cr_assert_eq(piiscan_walker_set(w, PIISCAN_WALK_MAX_FILE_SIZE, -1), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_walker_include(w, ""), PIISCAN_E_INVALID);
    piiscan_walker_free(w);
}

Test(walk, double_star_globs)
{
    mkd("a/deep");
    mkd("a/deep/er");
    put("a/deep/er/f.xlsx", "x");
    piiscan_walker *w;
    piiscan_walker_new(&w);
    piiscan_walker_include(w, "a/**/*.xlsx");
    seen s = {0};
    piiscan_walk(w, root, record, &s);
    cr_assert_eq(s.n, 1);
    cr_assert_geq(index_of(&s, "a/deep/er/f.xlsx"), 0);
    piiscan_walker_free(w);
    piiscan_walker_new(&w);
    piiscan_walker_include(w, "**/f.xlsx");
    seen t = {0};
    piiscan_walk(w, root, record, &t);
    cr_assert_eq(t.n, 1);
    piiscan_walker_free(w);
}

Test(walk, links_fifos_and_loops)
{
    char p[512], q[512];
    snprintf(p, sizeof p, "%s/link.txt", root);
    cr_assert_eq(symlink("z.txt", p), 0);
    snprintf(p, sizeof p, "%s/b/loop", root);
    cr_assert_eq(symlink("..", p), 0);
    snprintf(q, sizeof q, "%s/fifo", root);
    cr_assert_eq(mkfifo(q, 0644), 0);
    piiscan_walker *w;
    piiscan_walker_new(&w);
    seen s = {0};
    cr_assert_eq(piiscan_walk(w, root, record, &s), PIISCAN_OK);
    int l = index_of(&s, "link.txt"), f = index_of(&s, "fifo");
    cr_assert(l >= 0 && s.status[l] == PIISCAN_FILE_SKIPPED && strstr(s.reason[l], "not followed"));
    cr_assert(f >= 0 && s.status[f] == PIISCAN_FILE_SKIPPED && strstr(s.reason[f], "FIFO"));
    /* following links: the file link is a file, the loop is reported once */
    piiscan_walker_set(w, PIISCAN_WALK_FOLLOW_SYMLINKS, 1);
    seen t = {0};
    cr_assert_eq(piiscan_walk(w, root, record, &t), PIISCAN_OK);
    l = index_of(&t, "link.txt");
    cr_assert(l >= 0 && t.status[l] == PIISCAN_FILE_OK);
    int loop = index_of(&t, "b/loop");
    cr_assert(loop >= 0 && t.status[loop] == PIISCAN_FILE_SKIPPED &&
              strstr(t.reason[loop], "already walked"));
    piiscan_walker_free(w);
}

Test(walk, missing_root_and_single_file)
{
    piiscan_walker *w;
    piiscan_walker_new(&w);
    seen s = {0};
    cr_assert_eq(piiscan_walk(w, "/nonexistent/dir", record, &s), PIISCAN_E_IO);
    cr_assert_eq(s.n, 1);
    cr_assert_eq(s.status[0], PIISCAN_FILE_ERROR);
    char p[512];
    snprintf(p, sizeof p, "%s/z.txt", root);
    seen t = {0};
    cr_assert_eq(piiscan_walk(w, p, record, &t), PIISCAN_OK);
    cr_assert_eq(t.n, 1);
    cr_assert_str_eq(t.path[0], p);
    cr_assert_eq(piiscan_walk(NULL, p, record, &t), PIISCAN_E_INVALID);
    piiscan_walker_free(w);
}

static int stop_now(const piiscan_walk_entry *e, void *user)
{
    (void)e;
    ++*(int *)user;
    return PIISCAN_STOP;
}

Test(walk, stop)
{
    piiscan_walker *w;
    piiscan_walker_new(&w);
    int n = 0;
    cr_assert_eq(piiscan_walk(w, root, stop_now, &n), PIISCAN_STOPPED);
    cr_assert_eq(n, 1);
    piiscan_walker_free(w);
}

Test(walk, unreadable_directory_is_reported)
{
    if (geteuid() == 0)
        cr_skip("root reads every directory");
    char p[512];
    snprintf(p, sizeof p, "%s/secret", root);
    chmod(p, 0);
    piiscan_walker *w;
    piiscan_walker_new(&w);
    seen s = {0};
    piiscan_walk(w, root, record, &s);
    chmod(p, 0755);
    int i = index_of(&s, "secret");
    cr_assert(i >= 0 && s.status[i] == PIISCAN_FILE_ERROR);
    piiscan_walker_free(w);
}

/* dir_fd + name open the very file path names (same device and inode), for
 * files below the root and for a root that is a file. */
typedef struct same_file {
    int entries, same, relative;
} same_file;

static int check_at(const piiscan_walk_entry *e, void *user)
{
    same_file *c = user;
    if (e->status != PIISCAN_FILE_OK)
        return PIISCAN_CONTINUE;
    c->entries++;
    struct stat a, b;
    int fd = openat(e->dir_fd, e->name, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fstat(fd, &a) == 0 && stat(e->path, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        c->same++;
    if (fd >= 0)
        close(fd);
    if (e->dir_fd != AT_FDCWD && !strchr(e->name, '/'))
        c->relative++;
    return PIISCAN_CONTINUE;
}

Test(walk, dir_fd_and_name_open_the_entry)
{
    piiscan_walker *w;
    piiscan_walker_new(&w);
    piiscan_walker_set(w, PIISCAN_WALK_IGNORE_FILES, 0);
    same_file c = {0};
    cr_assert_eq(piiscan_walk(w, root, check_at, &c), PIISCAN_OK);
    cr_assert_eq(c.entries, 9);
    cr_assert_eq(c.same, 9, "openat(dir_fd, name) opened %d of 9 entries", c.same);
    cr_assert_eq(c.relative, 9, "every entry below the root is one name in its directory");
    char p[512];
    snprintf(p, sizeof p, "%s/b/1.csv", root);
    same_file d = {0};
    cr_assert_eq(piiscan_walk(w, p, check_at, &d), PIISCAN_OK);
    cr_assert_eq(d.entries, 1);
    cr_assert_eq(d.same, 1);
    cr_assert_eq(d.relative, 0, "a root file is its own path, from the working directory");
    piiscan_walker_free(w);
}

/* With few descriptors to spare (a low limit, a deep tree) the walk keeps
 * no more than half of them: past that it goes on by paths, every file is
 * still handed over, and the caller can still open each one. */
Test(walk, deep_tree_with_few_descriptors)
{
    char rel[512] = "";
    for (int i = 0; i < 24; i++) {
        strcat(rel, i ? "/d" : "d");
        mkd(rel);
        char f[600];
        snprintf(f, sizeof f, "%s/f.txt", rel);
        put(f, "x");
    }
    int fd = open("/dev/null", O_RDONLY);
    cr_assert_geq(fd, 0);
    close(fd);
    /* fd is the lowest free descriptor: a limit a few above it */
    struct rlimit rl = {(rlim_t)fd + 24, (rlim_t)fd + 24};
    cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    piiscan_walker *w;
    piiscan_walker_new(&w);
    piiscan_walker_set(w, PIISCAN_WALK_IGNORE_FILES, 0);
    same_file c = {0};
    cr_assert_eq(piiscan_walk(w, root, check_at, &c), PIISCAN_OK);
    /* 9 files of the tree, 24 down the deep one */
    cr_assert_eq(c.entries, 33, "got %d", c.entries);
    cr_assert_eq(c.same, 33, "opened %d of 33", c.same);
    cr_assert_lt(c.relative, 33, "the cap was reached (else this test proves nothing)");
    cr_assert_gt(c.relative, 0, "some entries were opened relative to their directory");
    piiscan_walker_free(w);
}
