/* test_walk.c -- piiscan_walk: order, what is handed over, what is reported
 * and why, gitignore-style rules, links and loops, limits. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
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

/* ---- piiscan_walk_parallel ------------------------------------------------- */

/* Entries as "status|path|reason" lines, from any thread. */
typedef struct lines {
    pthread_mutex_t mu;
    char **v;
    size_t n, cap;
    int threads_seen[8];
} lines;

static int add_line(const piiscan_walk_entry *e, void *user)
{
    lines *l = user;
    char buf[1200];
    snprintf(buf, sizeof buf, "%d|%s|%s", (int)e->status, e->path, e->reason ? e->reason : "");
    pthread_mutex_lock(&l->mu);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        cr_assert_not_null(l->v);
    }
    l->v[l->n++] = strdup(buf);
    pthread_mutex_unlock(&l->mu);
    return PIISCAN_CONTINUE;
}

/* users[i] for thread i: which threads handed something over */
typedef struct per_thread {
    lines *l;
    int index;
} per_thread;

static int add_line_thread(const piiscan_walk_entry *e, void *user)
{
    per_thread *t = user;
    __atomic_store_n(&t->l->threads_seen[t->index], 1, __ATOMIC_RELAXED);
    return add_line(e, t->l);
}

static int by_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    pthread_mutex_destroy(&l->mu);
}

/* The sorted entries of a sequential walk of each root, and of a parallel
 * walk of all of them on nthreads threads, must be equal. */
static void same_as_sequential(piiscan_walker *w, const char *const *roots, size_t nroots,
                               unsigned nthreads, piiscan_status want)
{
    lines a = {.mu = PTHREAD_MUTEX_INITIALIZER}, b = {.mu = PTHREAD_MUTEX_INITIALIZER};
    for (size_t i = 0; i < nroots; i++)
        piiscan_walk(w, roots[i], add_line, &a);
    per_thread t[8];
    void *users[8];
    for (unsigned i = 0; i < 8; i++) {
        t[i] = (per_thread){&b, (int)i};
        users[i] = &t[i];
    }
    cr_assert_eq(piiscan_walk_parallel(w, roots, nroots, nthreads, add_line_thread, users), want);
    qsort(a.v, a.n, sizeof *a.v, by_line);
    qsort(b.v, b.n, sizeof *b.v, by_line);
    cr_assert_eq(b.n, a.n, "%u threads: %zu entries, sequentially %zu", nthreads, b.n, a.n);
    for (size_t i = 0; i < a.n; i++)
        cr_assert_str_eq(b.v[i], a.v[i], "%u threads, entry %zu", nthreads, i);
    lines_free(&a);
    lines_free(&b);
}

/* A tree with ignore files at three levels, a directory of 200 files (four
 * chunks), nested directories, a FIFO, a link and a too-big file. */
static void bigger_tree(void)
{
    mkd("many");
    for (int i = 0; i < 200; i++) {
        char f[64];
        snprintf(f, sizeof f, "many/f%03d.%s", i, i % 7 ? "txt" : "log");
        put(f, "x");
    }
    put("many/.piiscanignore", "*.log\n!f007.log\n");
    mkd("many/sub");
    put("many/sub/.piiscanignore", "f*.txt\n");
    put("many/sub/f1.txt", "no");
    put("many/sub/g1.txt", "yes");
    mkd("n1");
    mkd("n1/n2");
    mkd("n1/n2/n3");
    put("n1/n2/n3/deep.csv", "1");
    char p[512];
    snprintf(p, sizeof p, "%s/fifo", root);
    cr_assert_eq(mkfifo(p, 0644), 0);
    snprintf(p, sizeof p, "%s/link.txt", root);
    cr_assert_eq(symlink("z.txt", p), 0);
}

Test(walk, parallel_same_entries_as_sequential)
{
    bigger_tree();
    piiscan_walker *w;
    piiscan_walker_new(&w);
    piiscan_walker_set(w, PIISCAN_WALK_MAX_FILE_SIZE, 20);
    piiscan_walker_exclude(w, "secret/");
    const char *roots[] = {root};
    for (unsigned n = 1; n <= 8; n *= 2)
        same_as_sequential(w, roots, 1, n, PIISCAN_OK);
    /* includes anchored at the root, seen from any thread */
    piiscan_walker_include(w, "/many/*.txt");
    piiscan_walker_include(w, "n1/**/*.csv");
    same_as_sequential(w, roots, 1, 4, PIISCAN_OK);
    piiscan_walker_free(w);
    /* several roots: a directory, a file, one that does not exist */
    piiscan_walker_new(&w);
    char f[512], d[512], missing[512];
    snprintf(f, sizeof f, "%s/z.txt", root);
    snprintf(d, sizeof d, "%s/many/", root);
    snprintf(missing, sizeof missing, "%s/nothing-here", root);
    const char *several[] = {d, f, missing};
    same_as_sequential(w, several, 3, 3, PIISCAN_E_IO);
    piiscan_walker_free(w);
}

/* users[i] for thread i, a little slow (as a file's scan is): the other
 * threads have time to take work, however busy the machine. */
static int scanning_entry(const piiscan_walk_entry *e, void *user)
{
    usleep(200);
    return add_line_thread(e, user);
}

Test(walk, parallel_spreads_a_big_directory)
{
    bigger_tree();
    piiscan_walker *w;
    piiscan_walker_new(&w);
    piiscan_walker_set(w, PIISCAN_WALK_IGNORE_FILES, 0);
    lines l = {.mu = PTHREAD_MUTEX_INITIALIZER};
    per_thread t[4];
    void *users[4];
    for (int i = 0; i < 4; i++) {
        t[i] = (per_thread){&l, i};
        users[i] = &t[i];
    }
    /* The threads race; over a few walks more than one must hand over
     * entries (a walk on one thread would pass the equality test above). */
    int several = 0;
    for (int round = 0; round < 20 && !several; round++) {
        memset(l.threads_seen, 0, sizeof l.threads_seen);
        const char *roots[] = {root};
        cr_assert_eq(piiscan_walk_parallel(w, roots, 1, 4, scanning_entry, users), PIISCAN_OK);
        several = l.threads_seen[0] + l.threads_seen[1] + l.threads_seen[2] + l.threads_seen[3] > 1;
    }
    cr_assert(several, "every entry came from one thread in 20 walks");
    lines_free(&l);
    piiscan_walker_free(w);
}

Test(walk, parallel_links_followed_and_loops)
{
    bigger_tree();
    char p[512];
    snprintf(p, sizeof p, "%s/n1/n2/up", root);
    cr_assert_eq(symlink("../..", p), 0); /* a loop back to the root */
    snprintf(p, sizeof p, "%s/again", root);
    cr_assert_eq(symlink("n1", p), 0); /* a second way into n1 */
    piiscan_walker *w;
    piiscan_walker_new(&w);
    piiscan_walker_set(w, PIISCAN_WALK_FOLLOW_SYMLINKS, 1);
    const char *roots[] = {root};
    for (unsigned n = 1; n <= 4; n *= 2) {
        lines a = {.mu = PTHREAD_MUTEX_INITIALIZER}, b = {.mu = PTHREAD_MUTEX_INITIALIZER};
        cr_assert_eq(piiscan_walk(w, root, add_line, &a), PIISCAN_OK);
        void *users[4] = {&b, &b, &b, &b};
        cr_assert_eq(piiscan_walk_parallel(w, roots, 1, n, add_line, users), PIISCAN_OK);
        /* Which of two ways into a directory is walked may differ; how
         * many files are handed over and how many directories are
         * reported walked already may not. */
        size_t ok_a = 0, ok_b = 0, again_a = 0, again_b = 0;
        for (size_t i = 0; i < a.n; i++) {
            ok_a += a.v[i][0] == '0';
            again_a += strstr(a.v[i], "already walked") != NULL;
        }
        for (size_t i = 0; i < b.n; i++) {
            ok_b += b.v[i][0] == '0';
            again_b += strstr(b.v[i], "already walked") != NULL;
        }
        cr_assert_eq(b.n, a.n, "%u threads", n);
        cr_assert_eq(ok_b, ok_a, "%u threads: %zu files, sequentially %zu", n, ok_b, ok_a);
        cr_assert_eq(again_b, again_a);
        cr_assert_geq(again_a, 2);
        lines_free(&a);
        lines_free(&b);
    }
    piiscan_walker_free(w);
}

static int stop_after_five(const piiscan_walk_entry *e, void *user)
{
    (void)e;
    return __atomic_add_fetch((int *)user, 1, __ATOMIC_RELAXED) >= 5 ? PIISCAN_STOP : PIISCAN_CONTINUE;
}

Test(walk, parallel_stop_and_bad_arguments)
{
    bigger_tree();
    piiscan_walker *w;
    piiscan_walker_new(&w);
    int n = 0;
    int *users[4] = {&n, &n, &n, &n};
    const char *roots[] = {root};
    cr_assert_eq(piiscan_walk_parallel(w, roots, 1, 4, stop_after_five, (void *const *)users),
                 PIISCAN_STOPPED);
    /* each thread stops at its next entry: at most one more per thread */
    cr_assert(n >= 5 && n <= 8, "%d entries after a stop", n);
    cr_assert_eq(piiscan_walk_parallel(w, roots, 1, 0, add_line, NULL), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_walk_parallel(w, roots, 1, 257, add_line, NULL), PIISCAN_E_INVALID);
    cr_assert_eq(piiscan_walk_parallel(NULL, roots, 1, 2, add_line, NULL), PIISCAN_E_INVALID);
    const char *empty[] = {""};
    cr_assert_eq(piiscan_walk_parallel(w, empty, 1, 2, add_line, NULL), PIISCAN_E_INVALID);
    piiscan_walker_free(w);
}

/* users[i] for thread i, slow: each entry takes a millisecond, as a big
 * archive would -- and 20 ms while some thread has had none, so that on a
 * loaded machine a thread the scheduler starts late still finds entries
 * left to be handed (at most 30 x 20 ms in all). */
static int slow_entry(const piiscan_walk_entry *e, void *user)
{
    per_thread *t = user;
    int r = add_line_thread(e, user);
    int *had = t->l->threads_seen;
    int all = __atomic_load_n(&had[0], __ATOMIC_RELAXED) &&
              __atomic_load_n(&had[1], __ATOMIC_RELAXED) &&
              __atomic_load_n(&had[2], __ATOMIC_RELAXED);
    usleep(all ? 1000 : 20000);
    return r;
}

Test(walk, parallel_splits_a_small_directory_of_slow_files)
{
    mkd("few");
    for (int i = 0; i < 30; i++) {
        char f[64];
        snprintf(f, sizeof f, "few/a%02d.zip", i);
        put(f, "x");
    }
    char p[512];
    snprintf(p, sizeof p, "%s/few", root);
    piiscan_walker *w;
    piiscan_walker_new(&w);
    lines l = {.mu = PTHREAD_MUTEX_INITIALIZER};
    per_thread t[3];
    void *users[3];
    for (int i = 0; i < 3; i++) {
        t[i] = (per_thread){&l, i};
        users[i] = &t[i];
    }
    const char *roots[] = {p};
    cr_assert_eq(piiscan_walk_parallel(w, roots, 1, 3, slow_entry, users), PIISCAN_OK);
    cr_assert_eq(l.n, 30);
    /* 30 names are one chunk; threads that wait are handed halves of it */
    cr_assert_eq(l.threads_seen[0] + l.threads_seen[1] + l.threads_seen[2], 3,
                 "threads that handed over entries: %d %d %d", l.threads_seen[0], l.threads_seen[1],
                 l.threads_seen[2]);
    qsort(l.v, l.n, sizeof *l.v, by_line);
    for (size_t i = 1; i < l.n; i++)
        cr_assert_str_neq(l.v[i], l.v[i - 1], "an entry handed over twice");
    lines_free(&l);
    piiscan_walker_free(w);
}

/* The root is followed even when it is a link to a directory (the user
 * named it), by both walks; a link to a directory below it is not. */
Test(walk, root_link_to_a_directory_is_walked)
{
    char link[600], inner[600];
    snprintf(link, sizeof link, "%s-link", root);
    unlink(link);
    cr_assert_eq(symlink(root, link), 0);
    snprintf(inner, sizeof inner, "%s/b/to-a", root);
    cr_assert_eq(symlink("../a", inner), 0);
    piiscan_walker *w;
    piiscan_walker_new(&w);
    piiscan_walker_set(w, PIISCAN_WALK_IGNORE_FILES, 0);
    seen s = {0};
    cr_assert_eq(piiscan_walk(w, link, record, &s), PIISCAN_OK);
    int ok = 0, skipped_link = 0;
    for (int i = 0; i < s.n; i++) {
        ok += s.status[i] == PIISCAN_FILE_OK;
        skipped_link += strstr(s.reason[i], "not followed") != NULL;
    }
    cr_assert_eq(ok, 9, "files through the root link: %d", ok);
    cr_assert_eq(skipped_link, 1);
    lines l = {.mu = PTHREAD_MUTEX_INITIALIZER};
    void *users[2] = {&l, &l};
    const char *roots[] = {link};
    cr_assert_eq(piiscan_walk_parallel(w, roots, 1, 2, add_line, users), PIISCAN_OK);
    size_t pok = 0;
    for (size_t i = 0; i < l.n; i++)
        pok += l.v[i][0] == '0';
    cr_assert_eq(pok, 9);
    cr_assert_eq(l.n, (size_t)s.n);
    lines_free(&l);
    unlink(link);
    piiscan_walker_free(w);
}

/* An ignore file that is a FIFO (open would wait for a writer) or a link
 * to /dev/zero (reading would never end) is not read, by either walk. */
Test(walk, ignore_file_that_is_no_regular_file, .timeout = 20)
{
    char p[512];
    snprintf(p, sizeof p, "%s/a/.piiscanignore", root);
    cr_assert_eq(mkfifo(p, 0644), 0);
    snprintf(p, sizeof p, "%s/b/.piiscanignore", root);
    cr_assert_eq(symlink("/dev/zero", p), 0);
    piiscan_walker *w;
    piiscan_walker_new(&w);
    seen s = {0};
    cr_assert_eq(piiscan_walk(w, root, record, &s), PIISCAN_OK);
    cr_assert_geq(index_of(&s, "b/1.csv"), 0);
    lines l = {.mu = PTHREAD_MUTEX_INITIALIZER};
    void *users[2] = {&l, &l};
    const char *roots[] = {root};
    cr_assert_eq(piiscan_walk_parallel(w, roots, 1, 2, add_line, users), PIISCAN_OK);
    cr_assert_eq(l.n, (size_t)s.n);
    lines_free(&l);
    piiscan_walker_free(w);
}
