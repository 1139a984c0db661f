/* walk.c -- piiscan_walk: turns a path into the files to scan, in sorted
 * order, and reports everything it does not hand over (links not followed,
 * link loops, FIFOs, devices, other file systems, files over the size limit,
 * unreadable directories).  Paths left out on purpose -- .piiscanignore
 * rules, excludes, files no include matches -- are not reported: the user
 * asked for them to be left out.
 *
 * Globs use gitignore's syntax: a pattern without a slash matches a name at
 * any depth; with a slash it is anchored at the directory of its ignore file
 * (the walk root for includes and excludes); a trailing slash matches
 * directories only; "**" matches across slashes; "!" re-includes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "piiscan.h"

#define WALKER_MAGIC 0x574c4b52u /* "WLKR" */
/* Directories deeper than this are reported, not entered: a tree that deep
 * is a loop the (dev, inode) check cannot see, or hostile. */
#define WALK_MAX_DEPTH 256
#define GLOB_MAX 1024

typedef struct rule {
    char *pat;       /* without "!", leading "/" and trailing "/" */
    size_t base_len; /* rules of an ignore file apply below its directory */
    char *base;
    unsigned neg : 1, dir_only : 1, anchored : 1;
} rule;

typedef struct rules {
    rule *v;
    size_t n, cap;
} rules;

struct piiscan_walker {
    uint32_t magic;
    int follow, one_fs, ignore_files;
    uint64_t max_size;
    rules include, exclude;
};

/* ---- glob matching --------------------------------------------------------- */

/* A bracket expression at p[*pi] ("[a-z]", "[!0-9]") against c; advances *pi
 * past it.  An unterminated "[" is a literal. */
static int match_class(const char *p, size_t *pi, char c)
{
    size_t i = *pi + 1;
    int neg = p[i] == '!' || p[i] == '^';
    if (neg)
        i++;
    int ok = 0;
    size_t start = i;
    while (p[i] && (p[i] != ']' || i == start)) {
        if (p[i + 1] == '-' && p[i + 2] && p[i + 2] != ']') {
            if ((unsigned char)c >= (unsigned char)p[i] && (unsigned char)c <= (unsigned char)p[i + 2])
                ok = 1;
            i += 3;
        } else {
            if (p[i] == c)
                ok = 1;
            i++;
        }
    }
    if (!p[i]) { /* no closing bracket: "[" is itself */
        *pi += 1;
        return c == '[';
    }
    *pi = i + 1;
    return ok != neg;
}

/* memo: (pl+1)*(sl+1) cells, 0 unknown, 1 no, 2 yes: every (pattern, text)
 * position pair is decided once, so no pattern can make matching slow. */
static int gm(const char *p, size_t pi, size_t pl, const char *s, size_t si, size_t sl,
              unsigned char *memo)
{
    unsigned char *m = &memo[pi * (sl + 1) + si];
    if (*m)
        return *m == 2;
    int r;
    if (pi == pl) {
        r = si == sl;
    } else if (p[pi] == '*' && pi + 1 < pl && p[pi + 1] == '*') {
        size_t q = pi + 2;
        if (q < pl && p[q] == '/') {
            /* a double star and a slash: zero or more whole directories */
            r = gm(p, q + 1, pl, s, si, sl, memo);
            for (size_t k = si; !r && k < sl; k++)
                if (s[k] == '/')
                    r = gm(p, q + 1, pl, s, k + 1, sl, memo);
        } else {
            r = 0;
            for (size_t k = si; !r && k <= sl; k++)
                r = gm(p, q, pl, s, k, sl, memo);
        }
    } else if (p[pi] == '*') {
        r = gm(p, pi + 1, pl, s, si, sl, memo);
        for (size_t k = si; !r && k < sl && s[k] != '/'; k++)
            r = gm(p, pi + 1, pl, s, k + 1, sl, memo);
    } else if (si == sl) {
        r = 0;
    } else if (p[pi] == '?') {
        r = s[si] != '/' && gm(p, pi + 1, pl, s, si + 1, sl, memo);
    } else if (p[pi] == '[') {
        size_t ni = pi;
        r = s[si] != '/' && match_class(p, &ni, s[si]) && ni <= pl &&
            gm(p, ni, pl, s, si + 1, sl, memo);
    } else if (p[pi] == '\\' && pi + 1 < pl) {
        r = p[pi + 1] == s[si] && gm(p, pi + 2, pl, s, si + 1, sl, memo);
    } else {
        r = p[pi] == s[si] && gm(p, pi + 1, pl, s, si + 1, sl, memo);
    }
    *m = r ? 2 : 1;
    return r;
}

static int glob_match(const char *pat, const char *s)
{
    size_t pl = strlen(pat), sl = strlen(s);
    if (pl > GLOB_MAX || sl > 4 * GLOB_MAX)
        return 0;
    unsigned char small[4096], *memo = small;
    size_t cells = (pl + 1) * (sl + 1);
    if (cells > sizeof small && !(memo = malloc(cells)))
        return 0;
    memset(memo, 0, cells);
    int r = gm(pat, 0, pl, s, 0, sl, memo);
    if (memo != small)
        free(memo);
    return r;
}

/* Does rule r match `rel` (relative to the walk root)? */
static int rule_matches(const rule *r, const char *rel, int is_dir)
{
    if (r->dir_only && !is_dir)
        return 0;
    if (r->base_len) {
        if (strncmp(rel, r->base, r->base_len) != 0 || rel[r->base_len] != '/')
            return 0;
        rel += r->base_len + 1;
    }
    if (r->anchored)
        return glob_match(r->pat, rel);
    const char *slash = strrchr(rel, '/');
    return glob_match(r->pat, slash ? slash + 1 : rel);
}

static int rules_add(rules *rs, const char *line, const char *base)
{
    size_t n = strlen(line);
    while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
        n--;
    if (n == 0 || line[0] == '#')
        return 0;
    rule r = {0};
    if (line[0] == '!') {
        r.neg = 1;
        line++, n--;
    }
    if (n && line[n - 1] == '/') {
        r.dir_only = 1;
        n--;
    }
    if (n && line[0] == '/') {
        r.anchored = 1;
        line++, n--;
    }
    if (n == 0 || n > GLOB_MAX)
        return 0;
    if (memchr(line, '/', n))
        r.anchored = 1;
    r.pat = strndup(line, n);
    r.base = strdup(base ? base : "");
    if (!r.pat || !r.base) {
        free(r.pat);
        free(r.base);
        return -1;
    }
    r.base_len = strlen(r.base);
    if (rs->n == rs->cap) {
        size_t nc = rs->cap ? rs->cap * 2 : 8;
        rule *nv = realloc(rs->v, nc * sizeof *nv);
        if (!nv) {
            free(r.pat);
            free(r.base);
            return -1;
        }
        rs->v = nv;
        rs->cap = nc;
    }
    rs->v[rs->n++] = r;
    return 0;
}

static void rules_truncate(rules *rs, size_t n)
{
    while (rs->n > n) {
        rs->n--;
        free(rs->v[rs->n].pat);
        free(rs->v[rs->n].base);
    }
}

/* gitignore: the last rule that matches decides. */
static int rules_decide(const rules *rs, const char *rel, int is_dir, int *decided)
{
    for (size_t i = rs->n; i-- > 0;)
        if (rule_matches(&rs->v[i], rel, is_dir)) {
            *decided = 1;
            return !rs->v[i].neg;
        }
    *decided = 0;
    return 0;
}

/* ---- walker object ---------------------------------------------------------- */

PIISCAN_API piiscan_status piiscan_walker_new(piiscan_walker **out)
{
    if (!out)
        return PIISCAN_E_INVALID;
    piiscan_walker *w = calloc(1, sizeof *w);
    if (!w)
        return PIISCAN_E_NOMEM;
    w->magic = WALKER_MAGIC;
    w->ignore_files = 1;
    *out = w;
    return PIISCAN_OK;
}

PIISCAN_API piiscan_status piiscan_walker_set(piiscan_walker *w, piiscan_walk_option key,
                                              int64_t v)
{
    if (!w || w->magic != WALKER_MAGIC)
        return PIISCAN_E_INVALID;
    switch (key) {
    case PIISCAN_WALK_FOLLOW_SYMLINKS:
    case PIISCAN_WALK_ONE_FILE_SYSTEM:
    case PIISCAN_WALK_IGNORE_FILES:
        if (v != 0 && v != 1)
            return PIISCAN_E_INVALID;
        *(key == PIISCAN_WALK_FOLLOW_SYMLINKS   ? &w->follow
          : key == PIISCAN_WALK_ONE_FILE_SYSTEM ? &w->one_fs
                                                : &w->ignore_files) = (int)v;
        return PIISCAN_OK;
    case PIISCAN_WALK_MAX_FILE_SIZE:
        if (v < 0)
            return PIISCAN_E_INVALID;
        w->max_size = (uint64_t)v;
        return PIISCAN_OK;
    }
    return PIISCAN_E_INVALID;
}

static piiscan_status add_glob(piiscan_walker *w, rules *rs, const char *glob)
{
    if (!w || w->magic != WALKER_MAGIC || !glob || !*glob || strlen(glob) > GLOB_MAX)
        return PIISCAN_E_INVALID;
    return rules_add(rs, glob, "") == 0 ? PIISCAN_OK : PIISCAN_E_NOMEM;
}

PIISCAN_API piiscan_status piiscan_walker_include(piiscan_walker *w, const char *glob)
{
    return add_glob(w, w ? &w->include : NULL, glob);
}

PIISCAN_API piiscan_status piiscan_walker_exclude(piiscan_walker *w, const char *glob)
{
    return add_glob(w, w ? &w->exclude : NULL, glob);
}

PIISCAN_API void piiscan_walker_free(piiscan_walker *w)
{
    if (!w || w->magic != WALKER_MAGIC)
        return;
    rules_truncate(&w->include, 0);
    rules_truncate(&w->exclude, 0);
    free(w->include.v);
    free(w->exclude.v);
    w->magic = 0;
    free(w);
}

/* ---- the walk ------------------------------------------------------------------- */

typedef struct dirid {
    dev_t dev;
    ino_t ino;
} dirid;

/* Directories entered (following links: each once), as an open-addressing
 * hash set of (dev, inode). */
typedef struct seenset {
    dirid *v;
    size_t n, cap;
} seenset;

struct pwalk;

typedef struct walk {
    const piiscan_walker *w;
    piiscan_on_walk_entry cb;
    void *user;
    dev_t root_dev;
    rules ignore;    /* rules of the .piiscanignore files above the current directory */
    seenset seen;
    struct pwalk *par; /* a thread of a parallel walk (see below), or NULL */
    struct prules *par_ign; /* there: the rules in force in the directory being looked at */
    int stopped, nomem;
    char path[8192];
    size_t root_len; /* path[0..root_len) is the root as given */
    /* The entry being looked at, as a name relative to an open descriptor
     * of its directory (AT_FDCWD and the whole path for the root, or where
     * no descriptor could be opened): stat and open then look up one name,
     * not every directory of the path again (20,000 files under a path of
     * five components: 100,000 lookups instead of 20,000). */
    int at_fd;
    const char *at_name;
    /* A directory's descriptor is kept while its entries are walked only
     * if it is below this number and the directory is less than
     * WALK_FD_DEPTH deep: the rest of the process's descriptors stay free
     * for the caller's files (a deeper directory is walked by paths). */
    int fd_cap;
} walk;

#define WALK_FD_DEPTH 64

static int par_stopped(const walk *k);
static void par_stop(walk *k);

static void emit(walk *k, const char *path, int status, const char *reason, const struct stat *st)
{
    if (k->stopped || (k->par && par_stopped(k)))
        return;
    piiscan_walk_entry e = {0};
    e.path = path;
    e.dir_fd = path == k->path ? k->at_fd : AT_FDCWD;
    e.name = path == k->path ? k->at_name : path;
    e.status = (piiscan_file_status)status;
    e.reason = reason;
    if (st) {
        e.size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
        e.mtime = (int64_t)st->st_mtime;
        e.atime = (int64_t)st->st_atime;
        e.ctime = (int64_t)st->st_ctime;
    }
    if (k->cb(&e, k->user) != PIISCAN_CONTINUE) {
        k->stopped = 1;
        if (k->par)
            par_stop(k);
    }
}

static const char *rel_of(const walk *k)
{
    const char *r = k->path + k->root_len;
    while (*r == '/')
        r++;
    return r;
}

/* Left out on purpose (ignore files, excludes, includes)? */
static int left_out(walk *k, const char *rel, int is_dir)
{
    int decided;
    if (rules_decide(&k->w->exclude, rel, is_dir, &decided) && decided)
        return 1;
    if (k->w->ignore_files && rules_decide(&k->ignore, rel, is_dir, &decided) && decided)
        return 1;
    if (!is_dir && k->w->include.n) {
        int inc = rules_decide(&k->w->include, rel, 0, &decided);
        return !(decided && inc);
    }
    return 0;
}

/* Only kept when following links: without them a directory cannot be
 * reached twice. */
static size_t dirid_hash(dev_t dev, ino_t ino, size_t cap)
{
    uint64_t h = ((uint64_t)dev * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)ino * 0xC2B2AE3D27D4EB4Full);
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* 1 if st's directory is in the set; otherwise adds it.  -1 on ENOMEM. */
static int seenset_add(seenset *ss, const struct stat *st)
{
    if ((ss->n + 1) * 2 > ss->cap) {
        size_t nc = ss->cap ? ss->cap * 2 : 256;
        dirid *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < ss->cap; i++)
            if (ss->v[i].ino || ss->v[i].dev) {
                size_t j = dirid_hash(ss->v[i].dev, ss->v[i].ino, nc);
                while (ns[j].ino || ns[j].dev)
                    j = (j + 1) & (nc - 1);
                ns[j] = ss->v[i];
            }
        free(ss->v);
        ss->v = ns;
        ss->cap = nc;
    }
    size_t j = dirid_hash(st->st_dev, st->st_ino, ss->cap);
    while (ss->v[j].ino || ss->v[j].dev) {
        if (ss->v[j].dev == st->st_dev && ss->v[j].ino == st->st_ino)
            return 1;
        j = (j + 1) & (ss->cap - 1);
    }
    ss->v[j] = (dirid){st->st_dev, st->st_ino};
    ss->n++;
    return 0;
}

static int seen_before_shared(walk *k, const struct stat *st);

/* 1 if seen before; otherwise remembers it.  -1 on ENOMEM. */
static int seen_before(walk *k, const struct stat *st)
{
    if (!k->w->follow)
        return 0;
    return k->par ? seen_before_shared(k, st) : seenset_add(&k->seen, st);
}

/* The .piiscanignore file of directory k->path (open as dfd, or -1), or NULL. */
static FILE *open_ignore_file(walk *k, int dfd)
{
    size_t n = strlen(k->path);
    if (n + 16 >= sizeof k->path)
        return NULL;
    memcpy(k->path + n, "/.piiscanignore", 16);
    /* A regular file only: the tree is not ours, and a FIFO of that name
     * would block the open (O_NONBLOCK), a link to /dev/zero the reading. */
    int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    int fd = dfd >= 0 ? openat(dfd, ".piiscanignore", flags) : open(k->path, flags);
    k->path[n] = 0;
    struct stat st;
    FILE *f = NULL;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        f = fdopen(fd, "r");
    if (fd >= 0 && !f)
        close(fd);
    return f;
}

/* An ignore file is read up to this many bytes (a real one is a few
 * hundred): a huge one must not make the walk slow or large. */
#define IGNORE_FILE_MAX (1u << 20)

/* Adds the rules of ignore file f (closed here) to rs. */
static void read_ignore_file(walk *k, FILE *f, rules *rs, const char *rel_dir)
{
    char line[GLOB_MAX + 64];
    size_t read = 0;
    while (read < IGNORE_FILE_MAX && fgets(line, sizeof line, f)) {
        read += strlen(line) + 1;
        line[strcspn(line, "\n")] = 0;
        if (rules_add(rs, line, rel_dir) != 0) {
            k->nomem = 1;
            break;
        }
    }
    fclose(f);
}

static void load_ignore_file(walk *k, int dfd, const char *rel_dir)
{
    FILE *f = open_ignore_file(k, dfd);
    if (f)
        read_ignore_file(k, f, &k->ignore, rel_dir);
}

/* Flags to open a directory at `depth` (0: the root) for listing: through
 * a symbolic link only for the root or when links are followed. */
static int dir_open_flags(const walk *k, unsigned depth)
{
    return O_RDONLY | O_DIRECTORY | O_CLOEXEC | (k->w->follow || depth == 0 ? 0 : O_NOFOLLOW);
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in directory dfd other than "." and "..", sorted, as one block
 * (the names and an array of pointers to them; free() it); -1 with errno
 * on failure.  Takes dfd over: it stays open in *dirp, to be closedir()ed,
 * or is closed here when dirp is NULL. */
static int list_dir(int dfd, DIR **dirp, char ***names)
{
    if (!dirp) {
        DIR *d = NULL;
        int n = list_dir(dfd, &d, names);
        if (d)
            closedir(d);
        return n;
    }
    DIR *d = fdopendir(dfd);
    if (!d) {
        int e = errno;
        close(dfd);
        errno = e;
        return -1;
    }
    *dirp = d;
    char *buf = NULL;
    size_t used = 0, cap = 0, n = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        const char *nm = de->d_name;
        if (nm[0] == '.' && (!nm[1] || (nm[1] == '.' && !nm[2])))
            continue;
        size_t l = strlen(nm) + 1;
        if (used + l > cap) {
            size_t nc = cap ? cap * 2 : 4096;
            while (nc < used + l)
                nc *= 2;
            char *nb = realloc(buf, nc);
            if (!nb) {
                free(buf);
                errno = ENOMEM;
                return -1;
            }
            buf = nb;
            cap = nc;
        }
        memcpy(buf + used, nm, l);
        used += l;
        n++;
        errno = 0;
    }
    if (errno) {
        int e = errno;
        free(buf);
        errno = e;
        return -1;
    }
    /* One block: the pointers, then the names. */
    char **v = malloc(n * sizeof *v + used + 1);
    if (!v) {
        free(buf);
        errno = ENOMEM;
        return -1;
    }
    char *s = (char *)(v + n);
    if (used)
        memcpy(s, buf, used);
    free(buf);
    for (size_t i = 0; i < n; i++) {
        v[i] = s;
        s += strlen(s) + 1;
    }
    qsort(v, n, sizeof *v, by_str);
    *names = v;
    return (int)n;
}

static void walk_path(walk *k, unsigned depth, int is_root, int pfd, const char *name);
static void par_push_dir(walk *k, unsigned depth, const struct stat *st);

/* The checks before directory k->path (st, at `depth`) is listed, by
 * either walk: not too deep, and (following links) not entered before.
 * 1: go on; 0: reported (or out of memory). */
static int may_enter(walk *k, const struct stat *st, unsigned depth)
{
    if (depth >= WALK_MAX_DEPTH) {
        emit(k, k->path, PIISCAN_FILE_SKIPPED, "directory nested deeper than 256 levels", st);
        return 0;
    }
    int seen = seen_before(k, st);
    if (seen < 0)
        k->nomem = 1;
    else if (seen)
        emit(k, k->path, PIISCAN_FILE_SKIPPED,
             "directory already walked (symbolic link loop or second link)", st);
    return seen == 0;
}

/* Looks at `child`, a name in directory k->path (len bytes; open as dfd,
 * or -1: by paths), at `depth`; k->path is the directory again after. */
static void visit_child(walk *k, size_t len, const char *child, unsigned depth, int dfd)
{
    size_t nl = strlen(child);
    if (len + nl + 2 >= sizeof k->path) {
        k->at_fd = AT_FDCWD;
        k->at_name = k->path;
        emit(k, k->path, PIISCAN_FILE_SKIPPED, "path too long", NULL);
        return;
    }
    k->path[len] = '/';
    memcpy(k->path + len + 1, child, nl + 1);
    walk_path(k, depth, 0, dfd, k->path + len + 1);
    k->path[len] = 0;
}

/* Lists and walks directory k->path.  pfd, name: the directory as a name
 * in directory pfd (pfd -1: by its path, k->path). */
static void walk_dir(walk *k, const struct stat *st, unsigned depth, int pfd, const char *name)
{
    if (!may_enter(k, st, depth))
        return;
    int flags = dir_open_flags(k, depth);
    int dfd = pfd >= 0 ? openat(pfd, name, flags) : open(k->path, flags);
    /* The descriptor is kept for the entries only within the cap (see
     * walk.fd_cap); past it they are looked at by paths. */
    int keep = dfd >= 0 && dfd < k->fd_cap && depth < WALK_FD_DEPTH;
    DIR *dir = NULL;
    char **names = NULL;
    int n = dfd < 0 ? -1 : list_dir(dfd, keep ? &dir : NULL, &names);
    if (n < 0) {
        emit(k, k->path, PIISCAN_FILE_ERROR, strerror(errno), st);
        if (dir)
            closedir(dir);
        return;
    }
    int cfd = dir ? dirfd(dir) : -1;
    size_t keep_rules = k->ignore.n;
    if (k->w->ignore_files)
        load_ignore_file(k, cfd, rel_of(k));
    size_t len = strlen(k->path);
    for (int i = 0; i < n && !k->stopped && !k->nomem; i++)
        visit_child(k, len, names[i], depth + 1, cfd);
    free(names);
    if (dir)
        closedir(dir);
    rules_truncate(&k->ignore, keep_rules);
}

/* pfd, name: the entry k->path as a name in directory pfd (-1: by path). */
static void walk_path(walk *k, unsigned depth, int is_root, int pfd, const char *name)
{
    struct stat st;
    k->at_fd = pfd >= 0 ? pfd : AT_FDCWD;
    k->at_name = pfd >= 0 ? name : k->path;
    /* The root is followed even when it is a link: the user named it. */
    if ((is_root ? stat(k->path, &st) : fstatat(k->at_fd, k->at_name, &st, AT_SYMLINK_NOFOLLOW)) != 0) {
        emit(k, k->path, PIISCAN_FILE_ERROR, strerror(errno), NULL);
        return;
    }
    if (S_ISLNK(st.st_mode)) {
        if (!k->w->follow) {
            if (!left_out(k, rel_of(k), 0))
                emit(k, k->path, PIISCAN_FILE_SKIPPED, "symbolic link (not followed)", &st);
            return;
        }
        if (fstatat(k->at_fd, k->at_name, &st, 0) != 0) {
            emit(k, k->path, PIISCAN_FILE_ERROR,
                 errno == ELOOP ? "symbolic link loop" : "dangling symbolic link", NULL);
            return;
        }
    }
    int is_dir = S_ISDIR(st.st_mode);
    if (!is_root && left_out(k, rel_of(k), is_dir))
        return;
    if (is_dir) {
        if (k->w->one_fs && !is_root && st.st_dev != k->root_dev) {
            emit(k, k->path, PIISCAN_FILE_SKIPPED, "on another file system (--one-file-system)",
                 &st);
            return;
        }
        if (k->par) {
            /* A parallel walk lists it on whichever thread takes it. */
            par_push_dir(k, depth, &st);
            return;
        }
        walk_dir(k, &st, depth, pfd, name);
        /* Entries emitted below changed it: this is a directory again. */
        k->at_fd = pfd >= 0 ? pfd : AT_FDCWD;
        k->at_name = pfd >= 0 ? name : k->path;
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        emit(k, k->path, PIISCAN_FILE_SKIPPED,
             S_ISFIFO(st.st_mode)   ? "FIFO (not read)"
             : S_ISSOCK(st.st_mode) ? "socket (not read)"
                                    : "device (not read)",
             &st);
        return;
    }
    if (k->w->max_size && (uint64_t)st.st_size > k->w->max_size) {
        char why[96];
        snprintf(why, sizeof why, "larger than %llu bytes (limit)",
                 (unsigned long long)k->w->max_size);
        emit(k, k->path, PIISCAN_FILE_SKIPPED, why, &st);
        return;
    }
    emit(k, k->path, PIISCAN_FILE_OK, NULL, &st);
}

PIISCAN_API piiscan_status piiscan_walk(const piiscan_walker *w, const char *root,
                                        piiscan_on_walk_entry on_entry, void *user)
{
    if (!w || w->magic != WALKER_MAGIC || !root || !*root || !on_entry)
        return PIISCAN_E_INVALID;
    walk k;
    memset(&k, 0, sizeof k);
    k.w = w;
    k.cb = on_entry;
    k.user = user;
    size_t rl = strlen(root);
    if (rl >= sizeof k.path - 2)
        return PIISCAN_E_INVALID;
    memcpy(k.path, root, rl + 1);
    /* "dir/" and "dir" walk the same way: no doubled slash in reported paths */
    while (rl > 1 && k.path[rl - 1] == '/')
        k.path[--rl] = 0;
    k.root_len = rl;
    struct rlimit lim;
    k.fd_cap = 1024;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
        k.fd_cap = lim.rlim_cur > 256 ? (int)(lim.rlim_cur - 128) : (int)(lim.rlim_cur / 2);
    struct stat st;
    piiscan_status result = PIISCAN_OK;
    if (stat(k.path, &st) != 0) {
        emit(&k, k.path, PIISCAN_FILE_ERROR, strerror(errno), NULL);
        result = PIISCAN_E_IO;
    } else {
        k.root_dev = st.st_dev;
        walk_path(&k, 0, 1, -1, NULL);
    }
    rules_truncate(&k.ignore, 0);
    free(k.ignore.v);
    free(k.seen.v);
    if (k.nomem)
        return PIISCAN_E_NOMEM;
    if (k.stopped)
        return PIISCAN_STOPPED;
    return result;
}

/* ---- the parallel walk ----------------------------------------------------------
 *
 * piiscan_walk_parallel(): the threads share the work by directory, as
 * items on one stack: a root; a directory to list; or a chunk of at most
 * PAR_CHUNK names of a listed directory, to look at (fstatat relative to
 * the directory, opened again by path by the thread that takes the chunk)
 * and hand over.  A thread that lists a directory keeps its first chunk and
 * pushes the rest; subdirectories found in a chunk are pushed as items.  So
 * a file is looked at, handed over and (by the CLI) opened and read on one
 * thread, and a directory of 100,000 files is spread over every thread.
 * Each directory's ignore rules are a snapshot (its parent's plus its own
 * .piiscanignore) shared by its chunks and its subdirectories' items.
 * With links followed the set of directories entered is shared (under the
 * lock).  The walk ends when the stack is empty and every thread waits. */

#define PAR_CHUNK 64

typedef struct prules {
    rules r;
    unsigned refs; /* atomic */
} prules;

enum { PI_ROOT, PI_DIR, PI_CHUNK };

typedef struct pitem {
    struct pitem *next;
    int kind;
    char *path;       /* the root as given, the directory */
    size_t root_len;  /* of the walk root in path (rules are relative to it) */
    dev_t root_dev;
    unsigned depth;   /* the directory's */
    prules *ign;      /* PI_DIR: rules above it; PI_CHUNK: the directory's own */
    struct stat st;   /* PI_DIR: the directory's */
    char **names;     /* PI_CHUNK: names (one block with their strings) */
    size_t n;
} pitem;

typedef struct pwalk {
    const piiscan_walker *w;
    piiscan_on_walk_entry cb;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pitem *stack;     /* under mu */
    unsigned nthreads, waiting;
    int stopped;      /* atomic */
    int nomem, root_failed, done;
    seenset seen;     /* under mu */
} pwalk;

static int par_stopped(const walk *k)
{
    return __atomic_load_n(&k->par->stopped, __ATOMIC_RELAXED);
}

static void par_stop(walk *k)
{
    __atomic_store_n(&k->par->stopped, 1, __ATOMIC_RELAXED);
}

static int seen_before_shared(walk *k, const struct stat *st)
{
    pthread_mutex_lock(&k->par->mu);
    int r = seenset_add(&k->par->seen, st);
    pthread_mutex_unlock(&k->par->mu);
    return r;
}

static prules *prules_ref(prules *p)
{
    if (p)
        __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
    return p;
}

static void prules_unref(prules *p)
{
    if (p && __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        rules_truncate(&p->r, 0);
        free(p->r.v);
        free(p);
    }
}

/* A copy of parent's rules (none: empty), to add a directory's own to. */
static prules *prules_copy(const prules *parent)
{
    prules *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->refs = 1;
    for (size_t i = 0; parent && i < parent->r.n; i++) {
        const rule *r = &parent->r.v[i];
        if (p->r.n == p->r.cap) {
            size_t nc = p->r.cap ? p->r.cap * 2 : 8;
            rule *nv = realloc(p->r.v, nc * sizeof *nv);
            if (!nv)
                goto fail;
            p->r.v = nv;
            p->r.cap = nc;
        }
        rule c = *r;
        c.pat = strdup(r->pat);
        c.base = strdup(r->base);
        if (!c.pat || !c.base) {
            free(c.pat);
            free(c.base);
            goto fail;
        }
        p->r.v[p->r.n++] = c;
    }
    return p;
fail:
    prules_unref(p);
    return NULL;
}

static void pitem_free(pitem *it)
{
    if (!it)
        return;
    free(it->path);
    free(it->names);
    prules_unref(it->ign);
    free(it);
}

static pitem *pitem_new(int kind, const char *path, size_t root_len, dev_t root_dev, unsigned depth,
                        prules *ign)
{
    pitem *it = calloc(1, sizeof *it);
    if (!it || !(it->path = strdup(path))) {
        free(it);
        prules_unref(ign);
        return NULL;
    }
    it->kind = kind;
    it->root_len = root_len;
    it->root_dev = root_dev;
    it->depth = depth;
    it->ign = ign;
    return it;
}

/* Pushes it (NULL: out of memory) and wakes a waiting thread. */
static void par_push(walk *k, pitem *it)
{
    pwalk *pw = k->par;
    if (!it) {
        k->nomem = 1;
        return;
    }
    pthread_mutex_lock(&pw->mu);
    it->next = pw->stack;
    pw->stack = it;
    if (pw->waiting)
        pthread_cond_signal(&pw->cv);
    pthread_mutex_unlock(&pw->mu);
}

/* Sets the thread up for item it: its path, root and rules. */
static int par_enter(walk *k, const pitem *it)
{
    size_t n = strlen(it->path);
    if (n >= sizeof k->path)
        return -1;
    memcpy(k->path, it->path, n + 1);
    k->root_len = it->root_len;
    k->root_dev = it->root_dev;
    /* A view: read by rules_decide(), never freed through k. */
    if (it->ign)
        k->ignore = it->ign->r;
    else
        k->ignore = (rules){0};
    k->at_fd = AT_FDCWD;
    k->at_name = k->path;
    return 0;
}

static void par_push_dir(walk *k, unsigned depth, const struct stat *st)
{
    pitem *it = pitem_new(PI_DIR, k->path, k->root_len, k->root_dev, depth, prules_ref(k->par_ign));
    if (it)
        it->st = *st;
    par_push(k, it);
}

static pitem *par_chunk_item(const pitem *dir, prules *ign, char **names, size_t from, size_t to);

/* The names of chunk it (k entered at its directory), looked at in
 * directory dfd (-1: by paths); subdirectories are pushed.  While a thread
 * waits for work, the second half of what is left is pushed for it: a
 * directory of 50 archives is one chunk, and would otherwise be one
 * thread's alone. */
static void par_chunk(walk *k, const pitem *it, int dfd)
{
    size_t len = strlen(k->path), n = it->n;
    k->par_ign = it->ign;
    for (size_t i = 0; i < n && !k->stopped && !k->nomem && !par_stopped(k); i++) {
        if (n - i > 1 && __atomic_load_n(&k->par->waiting, __ATOMIC_RELAXED) > 0) {
            size_t mid = i + (n - i + 1) / 2;
            pitem *rest = par_chunk_item(it, it->ign, it->names, mid, n);
            if (rest) {
                par_push(k, rest);
                n = mid;
            }
        }
        visit_child(k, len, it->names[i], it->depth + 1, dfd);
    }
}

/* names[from, to) as a chunk item of directory it (a block of its own). */
static pitem *par_chunk_item(const pitem *dir, prules *ign, char **names, size_t from, size_t to)
{
    size_t bytes = 0;
    for (size_t i = from; i < to; i++)
        bytes += strlen(names[i]) + 1;
    pitem *c = pitem_new(PI_CHUNK, dir->path, dir->root_len, dir->root_dev, dir->depth, prules_ref(ign));
    if (!c)
        return NULL;
    c->names = malloc((to - from) * sizeof *c->names + bytes);
    if (!c->names) {
        pitem_free(c);
        return NULL;
    }
    char *p = (char *)(c->names + (to - from));
    for (size_t i = from; i < to; i++) {
        size_t l = strlen(names[i]) + 1;
        memcpy(p, names[i], l);
        c->names[c->n++] = p;
        p += l;
    }
    return c;
}

/* Directory item it: lists it, pushes all but its first chunk of names,
 * and looks at that one. */
static void par_dir(walk *k, pitem *it)
{
    if (!may_enter(k, &it->st, it->depth))
        return;
    int dfd = open(k->path, dir_open_flags(k, it->depth));
    DIR *dir = NULL;
    char **names = NULL;
    int n = dfd < 0 ? -1 : list_dir(dfd, &dir, &names);
    if (n < 0) {
        emit(k, k->path, PIISCAN_FILE_ERROR, strerror(errno), &it->st);
        if (dir)
            closedir(dir);
        return;
    }
    /* The rules in force inside: the parent's, plus this directory's own
     * when it has an ignore file (then a copy). */
    prules *ign = prules_ref(it->ign);
    FILE *f = k->w->ignore_files ? open_ignore_file(k, dirfd(dir)) : NULL;
    if (f) {
        prules *own = prules_copy(ign);
        if (own) {
            read_ignore_file(k, f, &own->r, rel_of(k));
            prules_unref(ign);
            ign = own;
        } else {
            fclose(f);
            k->nomem = 1;
        }
    }
    size_t nn = (size_t)n;
    /* Later chunks first on the stack, so they are taken in order. */
    for (size_t hi = nn; hi > PAR_CHUNK && !k->nomem;) {
        size_t lo = (hi - 1) / PAR_CHUNK * PAR_CHUNK;
        par_push(k, par_chunk_item(it, ign, names, lo, hi));
        hi = lo;
    }
    if (!k->nomem) {
        pitem first = *it;
        first.ign = ign;
        first.names = names;
        first.n = nn < PAR_CHUNK ? nn : PAR_CHUNK;
        k->ignore = ign ? ign->r : (rules){0};
        par_chunk(k, &first, dirfd(dir));
    }
    free(names);
    closedir(dir);
    prules_unref(ign);
}

/* A root given by the caller: what piiscan_walk() does with it first. */
static void par_root(walk *k)
{
    struct stat st;
    if (stat(k->path, &st) != 0) {
        emit(k, k->path, PIISCAN_FILE_ERROR, strerror(errno), NULL);
        __atomic_store_n(&k->par->root_failed, 1, __ATOMIC_RELAXED);
        return;
    }
    k->root_dev = st.st_dev;
    k->par_ign = NULL;
    walk_path(k, 0, 1, -1, NULL);
}

static void par_item(walk *k, pitem *it)
{
    if (par_enter(k, it) != 0) {
        emit(k, it->path, PIISCAN_FILE_SKIPPED, "path too long", NULL);
        return;
    }
    if (it->kind == PI_ROOT) {
        par_root(k);
    } else if (it->kind == PI_DIR) {
        par_dir(k, it);
    } else {
        int dfd = open(k->path, dir_open_flags(k, it->depth));
        k->ignore = it->ign ? it->ign->r : (rules){0};
        par_chunk(k, it, dfd);
        if (dfd >= 0)
            close(dfd);
    }
}

typedef struct pthread_arg {
    pwalk *pw;
    void *user;
} pthread_arg;

static void *par_thread(void *arg)
{
    pthread_arg *a = arg;
    pwalk *pw = a->pw;
    walk *k = calloc(1, sizeof *k);
    pthread_mutex_lock(&pw->mu);
    if (!k)
        pw->nomem = 1;
    for (;;) {
        while (!pw->stack && !pw->done) {
            if (__atomic_add_fetch(&pw->waiting, 1, __ATOMIC_RELAXED) == pw->nthreads) {
                /* every thread waits and nothing is left: the walk is over */
                pw->done = 1;
                pthread_cond_broadcast(&pw->cv);
                break;
            }
            pthread_cond_wait(&pw->cv, &pw->mu);
            __atomic_sub_fetch(&pw->waiting, 1, __ATOMIC_RELAXED);
        }
        if (pw->done)
            break;
        pitem *it = pw->stack;
        pw->stack = it->next;
        pthread_mutex_unlock(&pw->mu);
        if (k && !__atomic_load_n(&pw->stopped, __ATOMIC_RELAXED) && !pw->nomem) {
            k->w = pw->w;
            k->cb = pw->cb;
            k->user = a->user;
            k->par = pw;
            par_item(k, it);
        }
        pitem_free(it);
        pthread_mutex_lock(&pw->mu);
        if (k && k->nomem)
            pw->nomem = 1;
    }
    pthread_mutex_unlock(&pw->mu);
    free(k);
    return NULL;
}

PIISCAN_API piiscan_status piiscan_walk_parallel(const piiscan_walker *w, const char *const *roots,
                                                 size_t nroots, unsigned nthreads,
                                                 piiscan_on_walk_entry on_entry, void *const *users)
{
    if (!w || w->magic != WALKER_MAGIC || !roots || !on_entry || nthreads < 1 || nthreads > 256)
        return PIISCAN_E_INVALID;
    for (size_t i = 0; i < nroots; i++)
        if (!roots[i] || !*roots[i] || strlen(roots[i]) >= sizeof ((walk *)0)->path - 2)
            return PIISCAN_E_INVALID;
    pwalk pw;
    memset(&pw, 0, sizeof pw);
    pw.w = w;
    pw.cb = on_entry;
    pthread_mutex_init(&pw.mu, NULL);
    pthread_cond_init(&pw.cv, NULL);
    /* The roots, first one on top. */
    for (size_t i = nroots; i-- > 0;) {
        char path[8192];
        size_t rl = strlen(roots[i]);
        memcpy(path, roots[i], rl + 1);
        while (rl > 1 && path[rl - 1] == '/')
            path[--rl] = 0;
        pitem *it = pitem_new(PI_ROOT, path, rl, 0, 0, NULL);
        if (!it) {
            pw.nomem = 1;
            break;
        }
        it->next = pw.stack;
        pw.stack = it;
    }
    pthread_arg args[256];
    pthread_t th[256];
    unsigned started = 0;
    for (unsigned i = 0; i < nthreads; i++)
        args[i] = (pthread_arg){&pw, users ? users[i] : NULL};
    pw.nthreads = 1;
    for (unsigned i = 1; i < nthreads && !pw.nomem; i++) {
        pthread_mutex_lock(&pw.mu);
        pw.nthreads++;
        pthread_mutex_unlock(&pw.mu);
        if (pthread_create(&th[i], NULL, par_thread, &args[i]) != 0) {
            pthread_mutex_lock(&pw.mu);
            pw.nthreads--;
            pthread_mutex_unlock(&pw.mu);
            break;
        }
        started++;
    }
    par_thread(&args[0]); /* the calling thread is thread 0 */
    for (unsigned i = 1; i <= started; i++)
        pthread_join(th[i], NULL);
    while (pw.stack) {
        pitem *it = pw.stack;
        pw.stack = it->next;
        pitem_free(it);
    }
    free(pw.seen.v);
    pthread_mutex_destroy(&pw.mu);
    pthread_cond_destroy(&pw.cv);
    if (pw.nomem)
        return PIISCAN_E_NOMEM;
    if (pw.stopped)
        return PIISCAN_STOPPED;
    return pw.root_failed ? PIISCAN_E_IO : PIISCAN_OK;
}

PIISCAN_API int piiscan_walker_leaves_out(const piiscan_walker *w, const char *root,
                                          const char *relpath)
{
    if (!w || w->magic != WALKER_MAGIC || !root || !relpath || !*relpath)
        return 0;
    walk k;
    memset(&k, 0, sizeof k);
    k.w = w;
    size_t rl = strlen(root), pl = strlen(relpath);
    if (rl + pl + 2 >= sizeof k.path)
        return 0;
    memcpy(k.path, root, rl + 1);
    while (rl > 1 && k.path[rl - 1] == '/')
        k.path[--rl] = 0;
    k.root_len = rl;
    int out = 0;
    /* Each directory on the way: its own rules may leave it out, then its
     * ignore file applies below it -- as a walk would see it. */
    const char *p = relpath;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t dl = (size_t)(p - relpath);
        k.path[rl] = 0;
        if (dl) {
            k.path[rl] = '/';
            memcpy(k.path + rl + 1, relpath, dl - 1);
            k.path[rl + dl] = 0;
            if (left_out(&k, rel_of(&k), 1)) {
                out = 1;
                break;
            }
        }
        if (w->ignore_files)
            load_ignore_file(&k, -1, rel_of(&k));
        if (!slash)
            break;
        p = slash + 1;
    }
    if (!out) {
        k.path[rl] = '/';
        memcpy(k.path + rl + 1, relpath, pl + 1);
        out = left_out(&k, rel_of(&k), 0);
    }
    rules_truncate(&k.ignore, 0);
    free(k.ignore.v);
    return out;
}
