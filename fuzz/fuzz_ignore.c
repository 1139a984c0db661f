/* fuzz_ignore.c -- .piiscanignore files and include/exclude globs are
 * untrusted text (a repository or a share holds them): any content must be
 * parsed and matched in bounded time, the same way twice.
 *
 * Input: the first line is a path below the root ('/'-separated), the
 * second a glob given as an exclude and an include, the rest the root's
 * .piiscanignore.  The walker's own view (piiscan_walker_leaves_out) is
 * asked about the path; and the parallel walk over a small tree made from
 * the path must hand over what the sequential walk hands over. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "piiscan.h"

static char root[64];

static void cleanup(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/.piiscanignore", root);
    unlink(path);
    rmdir(root);
}

static int count(const piiscan_walk_entry *e, void *user)
{
    (void)e;
    __atomic_add_fetch((int *)user, 1, __ATOMIC_RELAXED);
    return PIISCAN_CONTINUE;
}

/* A line of data at *p (up to '\n' or the end), NUL-terminated into buf. */
static const unsigned char *line(const unsigned char *p, const unsigned char *end, char *buf,
                                 size_t cap)
{
    size_t n = 0;
    while (p < end && *p != '\n') {
        if (n + 1 < cap && *p)
            buf[n++] = (char)*p;
        p++;
    }
    buf[n] = 0;
    return p < end ? p + 1 : p;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > 16 * 1024)
        return 0;
    if (!root[0]) {
        strcpy(root, "/tmp/piiscan-fuzz-ignore-XXXXXX");
        FUZZ_ASSERT(mkdtemp(root));
        atexit(cleanup);
    }
    const unsigned char *p = data, *end = data + size;
    char rel[256], glob[256];
    p = line(p, end, rel, sizeof rel);
    p = line(p, end, glob, sizeof glob);
    char path[512];
    snprintf(path, sizeof path, "%s/.piiscanignore", root);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    FUZZ_ASSERT(fd >= 0);
    FUZZ_ASSERT(write(fd, p, (size_t)(end - p)) == (ssize_t)(end - p));
    close(fd);

    piiscan_walker *w = NULL;
    FUZZ_ASSERT(piiscan_walker_new(&w) == PIISCAN_OK);
    if (glob[0]) {
        piiscan_status a = piiscan_walker_exclude(w, glob), b = piiscan_walker_include(w, glob);
        FUZZ_ASSERT(a == PIISCAN_OK || a == PIISCAN_E_INVALID);
        FUZZ_ASSERT(b == a);
    }
    int out = piiscan_walker_leaves_out(w, root, rel[0] ? rel : "x");
    FUZZ_ASSERT(out == 0 || out == 1);
    FUZZ_ASSERT(piiscan_walker_leaves_out(w, root, rel[0] ? rel : "x") == out);

    /* A file named after the path's last component (and a directory after
     * its first, when it has two): both walks see the same number. */
    const char *slash = strchr(rel, '/');
    char name[256] = "f", dir[256] = "";
    if (slash && slash != rel && slash - rel < 200 && !strchr(slash + 1, '/') && slash[1]) {
        memcpy(dir, rel, (size_t)(slash - rel));
        dir[slash - rel] = 0;
        snprintf(name, sizeof name, "%s", slash + 1);
    } else if (rel[0] && !slash) {
        snprintf(name, sizeof name, "%s", rel);
    }
    int ok_name = strcmp(name, ".") && strcmp(name, "..") && strcmp(name, ".piiscanignore");
    int ok_dir = !dir[0] || (strcmp(dir, ".") && strcmp(dir, ".."));
    char made_dir[512] = "", made_file[1024] = "";
    if (ok_name && ok_dir) {
        if (dir[0]) {
            snprintf(made_dir, sizeof made_dir, "%s/%s", root, dir);
            if (mkdir(made_dir, 0755) != 0)
                made_dir[0] = 0;
        }
        snprintf(made_file, sizeof made_file, "%s/%s%s%s", root, made_dir[0] ? dir : "",
                 made_dir[0] ? "/" : "", name);
        fd = open(made_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0)
            close(fd);
        else
            made_file[0] = 0;
    }
    int a = 0, b = 0;
    void *users[3] = {&b, &b, &b};
    const char *roots[] = {root};
    FUZZ_ASSERT(piiscan_walk(w, root, count, &a) == PIISCAN_OK);
    FUZZ_ASSERT(piiscan_walk_parallel(w, roots, 1, 3, count, users) == PIISCAN_OK);
    FUZZ_ASSERT(a == b);
    if (made_file[0])
        unlink(made_file);
    if (made_dir[0])
        rmdir(made_dir);
    piiscan_walker_free(w);
    return 0;
}
