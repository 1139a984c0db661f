/* run.c -- see run.h.
 *
 * Threads: with -j 1 the main thread walks (piiscan_walk, sorted order) and
 * scans each file as it is handed over.  With -j N the library's parallel
 * walk runs on N threads (the main thread one of them), and each scans the
 * files it is handed (see scanner).  A scanning thread collects one file's
 * findings and file reports into that file's event list (strings copied
 * into a per-file arena), then hands the list to the writer under the
 * output lock, so each file's report is contiguous and a writer is never
 * called from two threads at once.  With a text, JSON Lines or CSV report,
 * the thread formats the file's records into its own buffer first (see
 * emitter) and the lock covers only copying them out and adding the counts. */
#define _GNU_SOURCE /* fopencookie() */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


/* ---- per-file arena ------------------------------------------------------------ */

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

typedef struct arena {
    chunk *head;
} arena;

static char *arena_dup(arena *a, const char *s, size_t n)
{
    if (!a->head || a->head->cap - a->head->used < n + 1) {
        size_t cap = n + 1 > 4096 ? n + 1 : 4096;
        chunk *c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    char *p = a->head->data + a->head->used;
    memcpy(p, s, n);
    p[n] = 0;
    a->head->used += n + 1;
    return p;
}

static void arena_free(arena *a)
{
    while (a->head) {
        chunk *n = a->head->next;
        free(a->head);
        a->head = n;
    }
}

/* ---- events of one file ----------------------------------------------------------- */

enum { EV_FINDING, EV_FILE };

typedef struct event {
    int kind;
    unsigned type_index;
    unsigned depth;
    uint64_t text_bytes;
    int status; /* EV_FILE: piiscan_file_status */
    report_finding f;
    report_file r;
} event;

typedef struct job {
    char *path;
    size_t path_cap;  /* bytes allocated for path */
    int64_t time;     /* the --time field of the top-level file (0: unknown) */
    int walk_status;  /* != OK: a walk entry that is only reported */
    char *walk_reason;
    arena a;
    event *ev;
    size_t nev, cap;
    uint64_t found;   /* findings in the file and its members */
    uint64_t size;    /* bytes on disk (walk entry), for the progress line */
    int api_error;    /* the scan call itself failed */
    int fd;           /* opened by name in the walk's directory (on_walk_entry), or -1 */
} job;

static event *push_event(job *j)
{
    if (j->nev == j->cap) {
        size_t nc = j->cap ? j->cap * 2 : 16;
        event *ne = realloc(j->ev, nc * sizeof *ne);
        if (!ne)
            return NULL;
        j->ev = ne;
        j->cap = nc;
    }
    event *e = &j->ev[j->nev++];
    memset(e, 0, sizeof *e);
    return e;
}

/* Makes a finished job ready to be filled again: its event array, the
 * newest chunk of its arena and its path buffer are kept (up to a bound). */
static void job_reset(job *j)
{
    if (j->fd >= 0)
        close(j->fd);
    if (j->a.head) {
        arena rest = {j->a.head->next};
        arena_free(&rest);
        j->a.head->next = NULL;
        j->a.head->used = 0;
    }
    if (j->cap > 256) {
        free(j->ev);
        j->ev = NULL;
        j->cap = 0;
    }
    free(j->walk_reason);
    job keep = {.path = j->path, .path_cap = j->path_cap, .a = j->a, .ev = j->ev, .cap = j->cap};
    *j = keep;
    j->fd = -1;
}

static void job_free(job *j)
{
    if (j->fd >= 0)
        close(j->fd);
    arena_free(&j->a);
    free(j->ev);
    free(j->path);
    free(j->walk_reason);
    free(j);
}

/* ---- shared state ----------------------------------------------------------------- */

typedef struct dir_slot {
    char *dir;
    uint64_t findings, unmasked;
} dir_slot;

/* Findings per directory (see count_dir). */
typedef struct dirtab {
    dir_slot *v;
    size_t n, cap;
    size_t *index; /* open addressing: positions in v, plus one; 0 is empty */
    size_t capindex;
} dirtab;

/* Counts of a report: what one job (or a batch of them) adds, counted by
 * format_job() with no lock held, and the run's totals it is added to
 * under the report lock (merge_tally()). */
typedef struct tally {
    report_summary s;          /* the counters only */
    report_type_count *types;  /* r->ntypes; counts and names */
    uint64_t counted;
    uint64_t kept, kept_unmasked; /* format_job(): the job's findings after the baseline */
    uint64_t done_bytes;       /* on-disk bytes of the jobs */
} tally;

typedef struct run {
    run_config *cfg;
    /* output and summary (under omu) */
    pthread_mutex_t omu;
    report_type_count *tally_types; /* emit_job()'s tally (under omu) */
    size_t ntypes;
    dirtab dirs;
    tally tot; /* totals: tot.s is the summary, tot.types the counts by type */
    uint64_t total_bytes; /* on-disk bytes in all (0: unknown); tot.done_bytes scanned */
    int64_t now;
    struct timespec t0, last_progress;
} run;

struct scan_ctx {
    run *r;
    job *j;
};

static int on_finding(const piiscan_finding *f, void *user)
{
    struct scan_ctx *w = user;
    job *j = w->j;
    run_config *cfg = w->r->cfg;
    event *e = push_event(j);
    if (!e)
        return PIISCAN_STOP;
    e->kind = EV_FINDING;
    e->type_index = f->type_index;
    e->f.path = arena_dup(&j->a, f->path ? f->path : j->path, strlen(f->path ? f->path : j->path));
    e->f.type = f->type; /* owned by the engine, which outlives the run */
    e->f.type_name = f->type_name;
    e->f.line = f->line;
    e->f.offset = f->offset;
    e->f.length = f->length;
    e->f.masked = f->masked;
    e->f.match = arena_dup(&j->a, f->display, strlen(f->display));
    e->f.validation = piiscan_validation_name(f->validation);
    e->f.confidence = piiscan_confidence_name(f->confidence);
    if (cfg->fp_key && f->raw) {
        char hex[PIISCAN_FINGERPRINT_HEX];
        if (piiscan_fingerprint(cfg->fp_key, strlen(cfg->fp_key), f->type, f->raw, f->raw_len,
                                hex) == PIISCAN_OK)
            e->f.fingerprint = arena_dup(&j->a, hex, 64);
    }
    if (cfg->show_raw && f->raw) {
        e->f.raw = arena_dup(&j->a, f->raw, f->raw_len);
        e->f.raw_len = f->raw_len;
    }
    j->found++;
    return PIISCAN_CONTINUE;
}

static int on_file(const piiscan_file_report *r, void *user)
{
    struct scan_ctx *w = user;
    job *j = w->j;
    event *e = push_event(j);
    if (!e)
        return PIISCAN_STOP;
    e->kind = EV_FILE;
    e->depth = r->depth;
    e->text_bytes = r->text_bytes;
    e->status = r->status;
    e->r.path = arena_dup(&j->a, r->path, strlen(r->path));
    e->r.status = piiscan_file_status_name(r->status);
    e->r.reason = arena_dup(&j->a, r->reason ? r->reason : "", r->reason ? strlen(r->reason) : 0);
    e->r.format = arena_dup(&j->a, r->format ? r->format : "", r->format ? strlen(r->format) : 0);
    e->r.age_days = -1;
    return PIISCAN_CONTINUE;
}

static void scan_job(run *r, job *j, piiscan_scratch *scr)
{
    if (j->walk_status != PIISCAN_FILE_OK)
        return;
    struct scan_ctx w = {r, j};
    piiscan_status st;
    if (j->fd >= 0) {
        st = piiscan_scan_fd(r->cfg->engine, j->fd, j->path, r->cfg->opts, scr, on_finding, on_file, &w);
        close(j->fd);
        j->fd = -1;
    } else if (!strcmp(j->path, "-")) {
        st = piiscan_scan_fd(r->cfg->engine, STDIN_FILENO, "-", r->cfg->opts, scr, on_finding,
                             on_file, &w);
    } else {
        /* The library opens it (O_NONBLOCK: a FIFO put in place of a walked
         * file does not hang open()), reads a regular file from offset 0
         * without asking, and reports a file it cannot open through
         * on_file, as "cannot open: <reason>". */
        st = piiscan_scan_file(r->cfg->engine, j->path, r->cfg->opts, scr, on_finding, on_file, &w);
    }
    if (st != PIISCAN_OK && st != PIISCAN_E_IO && st != PIISCAN_STOPPED)
        j->api_error = st;
}

/* ---- baseline ------------------------------------------------------------------------ */

struct baseline {
    char **slot; /* open addressing; "fingerprint\tpath" */
    size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int baseline_add(baseline *b, const char *key)
{
    if ((b->n + 1) * 2 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 1024;
        char **ns = calloc(nc, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < b->cap; i++)
            if (b->slot[i]) {
                size_t k = hash_str(b->slot[i]) & (nc - 1);
                while (ns[k])
                    k = (k + 1) & (nc - 1);
                ns[k] = b->slot[i];
            }
        free(b->slot);
        b->slot = ns;
        b->cap = nc;
    }
    size_t k = hash_str(key) & (b->cap - 1);
    while (b->slot[k]) {
        if (!strcmp(b->slot[k], key))
            return 0;
        k = (k + 1) & (b->cap - 1);
    }
    if (!(b->slot[k] = strdup(key)))
        return -1;
    b->n++;
    return 0;
}

static int baseline_has(const baseline *b, const char *fp, const char *path)
{
    if (!b || !b->cap || !fp)
        return 0;
    size_t fl = strlen(fp), pl = strlen(path);
    char stack[1024], *key = fl + pl + 2 <= sizeof stack ? stack : malloc(fl + pl + 2);
    if (!key)
        return 0;
    memcpy(key, fp, fl);
    key[fl] = '\t';
    memcpy(key + fl + 1, path, pl + 1);
    size_t k = hash_str(key) & (b->cap - 1);
    int found = 0;
    while (b->slot[k] && !(found = !strcmp(b->slot[k], key)))
        k = (k + 1) & (b->cap - 1);
    if (key != stack)
        free(key);
    return found;
}

/* The file: a comment header, then "fingerprint<TAB>path<TAB>type" lines. */
baseline *baseline_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    baseline *b = calloc(1, sizeof *b);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    while (b && (n = getline(&line, &cap, f)) > 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#')
            continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || t1 - line != 64) {
            snprintf(err, errlen, "%s:%u: not a baseline line (fingerprint, path, type)", path,
                     lineno);
            baseline_free(b);
            b = NULL;
            break;
        }
        if (t2)
            *t2 = 0;
        if (baseline_add(b, line) != 0) {
            snprintf(err, errlen, "out of memory");
            baseline_free(b);
            b = NULL;
        }
    }
    free(line);
    fclose(f);
    return b;
}

void baseline_free(baseline *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->cap; i++)
        free(b->slot[i]);
    free(b->slot);
    free(b);
}

/* ---- emission and the summary (output lock held) ------------------------------------ */

static int type_selected(const char *list, const char *type)
{
    if (!list)
        return 1;
    size_t tl = strlen(type);
    for (const char *p = list; *p;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n == tl && !strncmp(p, type, n))
            return 1;
        p += n + (c != NULL);
    }
    return 0;
}

/* Findings of one top-level file added to its directory's counts.  The
 * directories are found through an open-addressing index (dir_index holds
 * positions in dirs, plus one; 0 is empty), so a share with many
 * directories costs one lookup per file. */
/* Adds findings to directory d (taken over) in t. */
static void dirtab_add(dirtab *t, char *d, uint64_t findings, uint64_t unmasked)
{
    if ((t->n + 1) * 2 > t->capindex) {
        size_t nc = t->capindex ? t->capindex * 2 : 256;
        size_t *ni = calloc(nc, sizeof *ni);
        if (!ni) {
            free(d);
            return;
        }
        for (size_t i = 0; i < t->n; i++) {
            size_t k = hash_str(t->v[i].dir) & (nc - 1);
            while (ni[k])
                k = (k + 1) & (nc - 1);
            ni[k] = i + 1;
        }
        free(t->index);
        t->index = ni;
        t->capindex = nc;
    }
    size_t k = hash_str(d) & (t->capindex - 1);
    while (t->index[k]) {
        dir_slot *ds = &t->v[t->index[k] - 1];
        if (!strcmp(ds->dir, d)) {
            ds->findings += findings;
            ds->unmasked += unmasked;
            free(d);
            return;
        }
        k = (k + 1) & (t->capindex - 1);
    }
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 64;
        dir_slot *nd = realloc(t->v, nc * sizeof *nd);
        if (!nd) {
            free(d);
            return;
        }
        t->v = nd;
        t->cap = nc;
    }
    t->v[t->n++] = (dir_slot){d, findings, unmasked};
    t->index[k] = t->n;
}

static void count_dir(dirtab *t, const char *path, uint64_t findings, uint64_t unmasked)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    if (slash == path)
        n = 1;
    char *d = strndup(slash ? path : ".", n);
    if (d)
        dirtab_add(t, d, findings, unmasked);
}

/* Moves every count of from into into; from is left empty. */
static void dirtab_merge(dirtab *into, dirtab *from)
{
    for (size_t i = 0; i < from->n; i++)
        dirtab_add(into, from->v[i].dir, from->v[i].findings, from->v[i].unmasked);
    from->n = 0;
    if (from->index)
        memset(from->index, 0, from->capindex * sizeof *from->index);
}

static void dirtab_free(dirtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].dir);
    free(t->v);
    free(t->index);
}

static double elapsed(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress(run *r, int final)
{
    if (!r->cfg->progress)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!final && elapsed(&r->last_progress, &now) < 0.25)
        return;
    r->last_progress = now;
    double s = elapsed(&r->t0, &now);
    if (final) {
        fputs("\r\033[K", stderr);
        return;
    }
    double rate = s > 0 ? (double)r->tot.done_bytes / s : 0.0;
    fprintf(stderr, "\r\033[Kpiiscan: %llu files, %.1f MB, %.1f MB/s, %llu findings",
            (unsigned long long)r->tot.s.files, (double)r->tot.done_bytes / 1e6, rate / 1e6,
            (unsigned long long)r->tot.s.findings);
    /* The total is known when every root is a regular file. */
    if (r->total_bytes && rate > 0 && r->total_bytes > r->tot.done_bytes)
        fprintf(stderr, ", ETA %.0f s", (double)(r->total_bytes - r->tot.done_bytes) / rate);
}

/* Writes job j's records with writer w and counts them into t.  Touches no
 * shared state but the configuration and the baseline (read-only), except
 * --write-baseline's file: with it the caller holds the report lock. */
static void format_job(run *r, job *j, report_writer *w, tally *t)
{
    run_config *cfg = r->cfg;
    report_summary *s = &t->s;
    t->kept = t->kept_unmasked = 0;
    if (j->walk_status != PIISCAN_FILE_OK) {
        report_file f = {j->path, piiscan_file_status_name((piiscan_file_status)j->walk_status),
                         j->walk_reason ? j->walk_reason : "", "", 0, -1, 0};
        w->file(w, &f);
        if (j->walk_status == PIISCAN_FILE_ERROR)
            s->errors++;
        else if (j->walk_status == PIISCAN_FILE_SKIPPED)
            s->skipped++;
        return;
    }
    for (size_t i = 0; i < j->nev; i++) {
        event *e = &j->ev[i];
        if (e->kind == EV_FINDING) {
            if (baseline_has(cfg->baseline, e->f.fingerprint, e->f.path))
                continue;
            t->kept++;
            w->finding(w, &e->f);
            s->findings++;
            if (e->f.masked)
                s->masked++;
            else
                s->unmasked++;
            if (e->type_index < r->ntypes) {
                report_type_count *ty = &t->types[e->type_index];
                ty->type_name = e->f.type_name;
                if (e->f.masked)
                    ty->masked++;
                else
                    ty->unmasked++;
            }
            t->kept_unmasked += !e->f.masked;
            if (type_selected(cfg->fail_on, e->f.type))
                t->counted++;
            if (cfg->write_baseline && e->f.fingerprint)
                fprintf(cfg->write_baseline, "%s\t%s\t%s\n", e->f.fingerprint, e->f.path,
                        e->f.type);
        } else {
            if (e->depth == 0)
                s->files++;
            else
                s->members++;
            s->bytes += e->text_bytes;
            switch (e->status) {
            case PIISCAN_FILE_ENCRYPTED:
                s->encrypted++;
                break;
            case PIISCAN_FILE_PROTECTED:
                s->protected_++;
                break;
            case PIISCAN_FILE_ERROR:
                s->errors++;
                break;
            case PIISCAN_FILE_SKIPPED:
                s->skipped++;
                break;
            case PIISCAN_FILE_UNSUPPORTED:
                s->unsupported++;
                break;
            default:
                break;
            }
            int top = e->depth == 0;
            int breach = top && cfg->retention_secs && j->time && j->found &&
                         r->now - j->time > cfg->retention_secs;
            if (breach) {
                e->r.mtime = j->time;
                e->r.age_days = (r->now - j->time) / 86400;
                e->r.retention_breach = 1;
                s->retention_breaches++;
            }
            if (e->status != PIISCAN_FILE_OK || breach)
                w->file(w, &e->r);
        }
    }
    if (t->kept)
        s->files_with_findings++;
    t->done_bytes += j->size;
    if (j->api_error) {
        report_file f = {j->path, "error", piiscan_strerror(j->api_error), "", 0, -1, 0};
        w->file(w, &f);
        s->errors++;
    }
}

/* Empties t (n types). */
static void tally_clear(tally *t, size_t n)
{
    memset(&t->s, 0, sizeof t->s);
    t->counted = t->kept = t->kept_unmasked = t->done_bytes = 0;
    for (size_t i = 0; i < n; i++)
        t->types[i].masked = t->types[i].unmasked = 0;
}

/* Adds the counts of src to dst (only the counters of the summary) and
 * empties src. */
static void tally_add(tally *dst, tally *src, size_t n)
{
    report_summary *d = &dst->s, *s = &src->s;
    d->files += s->files;
    d->members += s->members;
    d->bytes += s->bytes;
    d->findings += s->findings;
    d->masked += s->masked;
    d->unmasked += s->unmasked;
    d->encrypted += s->encrypted;
    d->protected_ += s->protected_;
    d->errors += s->errors;
    d->skipped += s->skipped;
    d->unsupported += s->unsupported;
    d->files_with_findings += s->files_with_findings;
    d->retention_breaches += s->retention_breaches;
    dst->counted += src->counted;
    dst->done_bytes += src->done_bytes;
    for (size_t i = 0; i < n && s->findings; i++) {
        report_type_count *ty = &src->types[i];
        if (ty->masked || ty->unmasked) {
            dst->types[i].type_name = ty->type_name;
            dst->types[i].masked += ty->masked;
            dst->types[i].unmasked += ty->unmasked;
        }
    }
    tally_clear(src, n);
}

/* Adds t to the run's totals and empties it (report lock held). */
static void merge_tally(run *r, tally *t)
{
    tally_add(&r->tot, t, r->ntypes);
    progress(r, 0);
}

/* A job's report, written and counted in one go (report lock held, or a
 * single thread). */
static void emit_job(run *r, job *j)
{
    tally t = {.types = r->tally_types};
    format_job(r, j, r->cfg->writer, &t);
    if (t.kept)
        count_dir(&r->dirs, j->path, t.kept, t.kept_unmasked);
    merge_tally(r, &t);
}

/* ---- scanning threads ---------------------------------------------------------------- */

/* A scanning thread's own report writer (with -j N, for writers whose
 * records keep no state): a copy of the run's writer that writes into a
 * memory buffer, so a job's records are formatted with no lock held and
 * the report lock only covers copying the bytes and adding the counts.
 * Formatting under the lock made the threads queue for it. */
typedef struct emitter {
    report_writer w;
    char *buf;
    size_t len, cap;
    int failed;
    tally job;     /* the file being formatted */
    tally batch;   /* the files formatted since the last flush */
    dirtab dirs;   /* their findings per directory */
    unsigned files;
} emitter;

/* Files and bytes of report an emitter holds before it takes the lock:
 * the lock and the run's totals are touched once per batch, not per file
 * (each touch moved their cache lines from the other thread's core). */
#define EMIT_BATCH_FILES 32
#define EMIT_BATCH_BYTES (32u << 10)

static ssize_t emitter_write(void *cookie, const char *p, size_t n)
{
    emitter *em = cookie;
    if (em->len + n > em->cap) {
        size_t nc = em->cap ? em->cap * 2 : 1 << 16;
        while (nc < em->len + n)
            nc *= 2;
        char *nb = realloc(em->buf, nc);
        if (!nb) {
            em->failed = 1;
            return -1;
        }
        em->buf = nb;
        em->cap = nc;
    }
    memcpy(em->buf + em->len, p, n);
    em->len += n;
    return (ssize_t)n;
}

/* NULL where records are formatted under the lock (one thread, a writer
 * with state, --write-baseline, or out of memory). */
static emitter *emitter_new(run *r)
{
    run_config *cfg = r->cfg;
    if (cfg->jobs <= 1 || !cfg->writer->records_stateless || cfg->write_baseline)
        return NULL;
    emitter *em = calloc(1, sizeof *em);
    if (!em)
        return NULL;
    em->job.types = calloc(r->ntypes ? r->ntypes : 1, sizeof *em->job.types);
    em->batch.types = calloc(r->ntypes ? r->ntypes : 1, sizeof *em->batch.types);
    em->w = *cfg->writer;
    em->w.out = fopencookie(em, "w", (cookie_io_functions_t){NULL, emitter_write, NULL, NULL});
    if (!em->job.types || !em->batch.types || !em->w.out) {
        if (em->w.out)
            fclose(em->w.out);
        free(em->job.types);
        free(em->batch.types);
        free(em);
        return NULL;
    }
    __fsetlocking(em->w.out, FSETLOCKING_BYCALLER);
    return em;
}

/* Writes out the batch and adds its counts (takes the report lock). */
static void emitter_flush(run *r, emitter *em)
{
    if (!em || (!em->files && !em->len))
        return;
    pthread_mutex_lock(&r->omu);
    if (em->len)
        fwrite(em->buf, 1, em->len, r->cfg->writer->out);
    merge_tally(r, &em->batch);
    dirtab_merge(&r->dirs, &em->dirs);
    pthread_mutex_unlock(&r->omu);
    em->len = 0;
    em->files = 0;
}

static void emitter_free(emitter *em)
{
    if (!em)
        return;
    fclose(em->w.out);
    free(em->buf);
    free(em->job.types);
    free(em->batch.types);
    dirtab_free(&em->dirs);
    free(em);
}

static void scan_and_emit(run *r, job *j, piiscan_scratch *scr, emitter *em)
{
    if (scr)
        scan_job(r, j, scr);
    else
        j->api_error = PIISCAN_E_NOMEM;
    if (em) {
        size_t len0 = em->len;
        format_job(r, j, &em->w, &em->job);
        fflush(em->w.out);
        if (!em->failed) {
            if (em->job.kept)
                count_dir(&em->dirs, j->path, em->job.kept, em->job.kept_unmasked);
            tally_add(&em->batch, &em->job, r->ntypes);
            if (++em->files >= EMIT_BATCH_FILES || em->len >= EMIT_BATCH_BYTES)
                emitter_flush(r, em);
            return;
        }
        /* Out of memory for the buffer: the batch so far, then this job's
         * records directly. */
        clearerr(em->w.out);
        em->failed = 0;
        em->len = len0;
        emitter_flush(r, em);
        tally_clear(&em->job, r->ntypes);
    }
    pthread_mutex_lock(&r->omu);
    emit_job(r, j);
    pthread_mutex_unlock(&r->omu);
}

/* One scanning thread: with -j 1 the main thread, which walks in sorted
 * order; with -j N each thread of the parallel walk (piiscan_walk_parallel),
 * which scans every file it is handed where it found it -- the file is
 * looked at, opened, read and closed on one thread, with no queue between
 * a walker and workers (that handing over cost each thread about a tenth
 * more CPU time than one thread alone needed: every job, path and open file
 * moved between two caches). */
typedef struct scanner {
    run *r;
    piiscan_scratch *scr;
    emitter *em;  /* -j N with a stateless writer, or NULL */
    job *spare;   /* the job used for each file in turn */
    int ready;    /* scr and em made, on the scanner's own thread */
    int failed;   /* ... or they could not be */
    /* Each scanner on cache lines of its own: spare changes per file. */
    char pad[128 - 3 * sizeof(void *) - sizeof(job *) - 2 * sizeof(int)];
} scanner;
_Static_assert(sizeof(scanner) == 128, "a scanner fills two cache lines exactly");

/* A job for path: the scanner's spare one when it has one. */
static job *new_job(job **spare, const char *path)
{
    size_t n = strlen(path) + 1, cap = n < 256 ? 256 : n;
    job *j = spare ? *spare : NULL;
    if (j) {
        *spare = NULL;
        if (j->path_cap < n) {
            char *np = malloc(cap);
            if (!np) {
                job_free(j);
                return NULL;
            }
            free(j->path);
            j->path = np;
            j->path_cap = cap;
        }
    } else {
        j = calloc(1, sizeof *j);
        if (!j || !(j->path = malloc(cap))) {
            free(j);
            return NULL;
        }
        j->path_cap = cap;
        j->fd = -1;
    }
    memcpy(j->path, path, n);
    return j;
}

/* Scans job j on scanner sc and reports it; keeps the job for the next. */
static void scan_on(scanner *sc, job *j)
{
    scan_and_emit(sc->r, j, sc->scr, sc->em);
    job_reset(j);
    if (sc->spare)
        job_free(sc->spare);
    sc->spare = j;
}

static int scanner_setup(scanner *sc);

static int on_walk_entry(const piiscan_walk_entry *e, void *user)
{
    scanner *sc = user;
    if (!sc->ready && scanner_setup(sc) != 0)
        return PIISCAN_STOP;
    job *j = new_job(&sc->spare, e->path);
    if (!j)
        return PIISCAN_STOP;
    j->walk_status = e->status;
    if (e->reason && !(j->walk_reason = strdup(e->reason))) {
        job_free(j);
        return PIISCAN_STOP;
    }
    int tf = sc->r->cfg->time_field;
    j->time = tf == 1 ? e->atime : tf == 2 ? e->ctime : e->mtime;
    j->size = e->size;
    /* Opened by its name in the walk's open directory: the kernel looks up
     * one name, not each directory of the path again.  On failure the
     * scan opens it by path, and reports why it cannot. */
    if (e->status == PIISCAN_FILE_OK && e->name)
        j->fd = openat(e->dir_fd, e->name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    scan_on(sc, j);
    return PIISCAN_CONTINUE;
}

/* The scratch and the emitter are made by the thread that uses them, on
 * its first file: from its own malloc arena, not interleaved with another
 * thread's (whose writes would then share cache lines with them). */
static int scanner_setup(scanner *sc)
{
    if (sc->failed)
        return -1;
    sc->ready = 1;
    if (piiscan_scratch_alloc(sc->r->cfg->engine, &sc->scr) != PIISCAN_OK) {
        sc->scr = NULL;
        sc->failed = 1;
        return -1;
    }
    sc->em = emitter_new(sc->r);
    return 0;
}

static void scanner_release(scanner *sc)
{
    emitter_flush(sc->r, sc->em);
    piiscan_scratch_free(sc->scr);
    emitter_free(sc->em);
    if (sc->spare)
        job_free(sc->spare);
}

static int by_findings(const void *a, const void *b)
{
    const report_dir_count *x = a, *y = b;
    return x->findings < y->findings ? 1 : x->findings > y->findings ? -1 : strcmp(x->dir, y->dir);
}

static void iso_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The report lock is held for a few microseconds (a batch copied out): a
 * thread that finds it taken spins a little before it sleeps (glibc's
 * adaptive mutex), instead of paying two context switches. */
static void mutex_init_short(pthread_mutex_t *m)
{
#ifdef __GLIBC__
    pthread_mutexattr_t a;
    if (pthread_mutexattr_init(&a) == 0) {
        int ok = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ADAPTIVE_NP) == 0 &&
                 pthread_mutex_init(m, &a) == 0;
        pthread_mutexattr_destroy(&a);
        if (ok)
            return;
    }
#endif
    pthread_mutex_init(m, NULL);
}

static int run_setup(run *r, run_config *cfg, char *started, size_t startedlen)
{
    memset(r, 0, sizeof *r);
    r->cfg = cfg;
    mutex_init_short(&r->omu);
    r->ntypes = piiscan_engine_type_count(cfg->engine);
    r->tot.types = calloc(r->ntypes ? r->ntypes : 1, sizeof *r->tot.types);
    r->tally_types = calloc(r->ntypes ? r->ntypes : 1, sizeof *r->tally_types);
    if (!r->tot.types || !r->tally_types)
        return -1;
    for (size_t i = 0; i < r->ntypes; i++) {
        r->tot.types[i].type = piiscan_engine_type_id(cfg->engine, i);
        r->tot.types[i].type_name = r->tot.types[i].type;
    }
    r->now = (int64_t)time(NULL);
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    iso_now(started, startedlen);
    r->tot.s.version = cfg->version;
    r->tot.s.started = started;
    r->tot.s.retention = cfg->retention_secs ? cfg->retention_label : NULL;
    if (cfg->write_baseline)
        fputs("# piiscan baseline: fingerprint<TAB>path<TAB>type (keyed HMAC-SHA256; no values)\n",
              cfg->write_baseline);
    cfg->writer->begin(cfg->writer);
    return 0;
}

static int run_finish(run *r)
{
    run_config *cfg = r->cfg;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->tot.s.seconds = elapsed(&r->t0, &t1);
    r->tot.s.types = r->tot.types;
    r->tot.s.ntypes = (int)r->ntypes;
    report_dir_count *dirs = calloc(r->dirs.n ? r->dirs.n : 1, sizeof *dirs);
    if (dirs) {
        for (size_t i = 0; i < r->dirs.n; i++)
            dirs[i] = (report_dir_count){r->dirs.v[i].dir, r->dirs.v[i].findings, r->dirs.v[i].unmasked};
        qsort(dirs, r->dirs.n, sizeof *dirs, by_findings);
        r->tot.s.dirs = dirs;
        r->tot.s.ndirs = r->dirs.n < 20 ? (int)r->dirs.n : 20;
    }
    progress(r, 1);
    cfg->writer->end(cfg->writer, &r->tot.s);
    free(dirs);
    dirtab_free(&r->dirs);
    free(r->tot.types);
    free(r->tally_types);
    pthread_mutex_destroy(&r->omu);
    return r->tot.s.errors ? 2 : r->tot.counted ? 1 : 0;
}

int run_scan(run_config *cfg, char *const *roots, int nroots)
{
    run r;
    char started[32];
    if (run_setup(&r, cfg, started, sizeof started) != 0) {
        fputs("piiscan: out of memory\n", stderr);
        return 2;
    }
    r.tot.s.roots = (const char *const *)roots;
    r.tot.s.nroots = nroots;
    for (int i = 0; i < nroots; i++) {
        struct stat st;
        if (!strcmp(roots[i], "-") || stat(roots[i], &st) != 0 || !S_ISREG(st.st_mode)) {
            r.total_bytes = 0;
            break;
        }
        r.total_bytes += (uint64_t)st.st_size;
    }
    int jobs = cfg->jobs < 1 ? 1 : cfg->jobs > 256 ? 256 : cfg->jobs;
    scanner *sc = aligned_alloc(128, (size_t)jobs * sizeof *sc);
    void **users = calloc((size_t)jobs, sizeof *users);
    const char **dirs = calloc((size_t)nroots + 1, sizeof *dirs);
    if (!sc || !users || !dirs) {
        free(sc);
        free(users);
        free(dirs);
        fputs("piiscan: out of memory\n", stderr);
        return 2;
    }
    memset(sc, 0, (size_t)jobs * sizeof *sc);
    for (int i = 0; i < jobs; i++) {
        sc[i].r = &r;
        users[i] = &sc[i];
    }
    int nsc = jobs;
    size_t ndirs = 0;
    for (int i = 0; i < nroots; i++) {
        if (!strcmp(roots[i], "-")) {
            if (!sc[0].ready)
                scanner_setup(&sc[0]); /* without a scratch the job reports out of memory */
            job *j = new_job(&sc[0].spare, "-");
            if (j)
                scan_on(&sc[0], j);
        } else if (jobs == 1) {
            /* One thread: the walk's sorted order, root by root. */
            piiscan_status st = piiscan_walk(cfg->walker, roots[i], on_walk_entry, &sc[0]);
            if (st == PIISCAN_E_NOMEM || st == PIISCAN_STOPPED) {
                fputs("piiscan: out of memory while walking\n", stderr);
                r.tot.s.errors++;
            }
        } else {
            dirs[ndirs++] = roots[i];
        }
    }
    if (ndirs) {
        piiscan_status st = piiscan_walk_parallel(cfg->walker, dirs, ndirs, (unsigned)jobs,
                                                  on_walk_entry, users);
        if (st == PIISCAN_E_NOMEM || st == PIISCAN_STOPPED) {
            fputs("piiscan: out of memory while walking\n", stderr);
            r.tot.s.errors++;
        }
    }
    for (int i = 0; i < nsc; i++)
        scanner_release(&sc[i]);
    free(sc);
    free(users);
    free(dirs);
    return run_finish(&r);
}

/* ---- git --staged -------------------------------------------------------------------- */

/* Runs argv, returns its whole standard output (NUL-terminated, *len bytes)
 * or NULL; *status receives the exit status. */
static char *capture(char *const argv[], size_t *len, int *status)
{
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    ssize_t k;
    while (buf && (k = read(fds[0], buf + n, cap - n)) != 0) {
        if (k < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        n += (size_t)k;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    close(fds[0]);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128;
    if (buf)
        buf[n] = 0;
    *len = n;
    return buf;
}

int run_staged(run_config *cfg)
{
    /* Paths from git are relative to the top of the work tree; so are the
     * .piiscanignore files that apply to them. */
    char *top_cmd[] = {"git", "rev-parse", "--show-toplevel", NULL};
    size_t len = 0;
    int status = 0;
    char *top = capture(top_cmd, &len, &status);
    if (!top || status != 0 || !len) {
        fprintf(stderr, "piiscan: --staged: not in a git work tree\n");
        free(top);
        return 2;
    }
    top[strcspn(top, "\n")] = 0;
    int cd = chdir(top);
    free(top);
    if (cd != 0) {
        fprintf(stderr, "piiscan: --staged: cannot enter the top of the work tree\n");
        return 2;
    }
    char *ls[] = {"git", "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR", NULL};
    char *names = capture(ls, &len, &status);
    if (!names || status != 0) {
        fprintf(stderr, "piiscan: --staged: 'git diff --cached' failed (not in a git repository?)\n");
        free(names);
        return 2;
    }
    run r;
    char started[32];
    if (run_setup(&r, cfg, started, sizeof started) != 0) {
        free(names);
        return 2;
    }
    piiscan_scratch *scr = NULL;
    if (piiscan_scratch_alloc(cfg->engine, &scr) != PIISCAN_OK) {
        free(names);
        return 2;
    }
    for (size_t off = 0; off < len;) {
        const char *name = names + off;
        size_t nl = strlen(name);
        off += nl + 1;
        if (!nl || piiscan_walker_leaves_out(cfg->walker, ".", name))
            continue;
        /* the blob as staged: "git show :path" */
        char *spec = malloc(nl + 2);
        if (!spec)
            break;
        spec[0] = ':';
        memcpy(spec + 1, name, nl + 1);
        char *show[] = {"git", "show", spec, NULL};
        size_t blen = 0;
        int bst = 0;
        char *blob = capture(show, &blen, &bst);
        free(spec);
        job *j = new_job(NULL, name);
        if (!j) {
            free(blob);
            break;
        }
        if (!blob || bst != 0) {
            j->walk_status = PIISCAN_FILE_ERROR;
            j->walk_reason = strdup("cannot read the staged content (git show)");
        } else {
            struct scan_ctx w = {&r, j};
            piiscan_status st = piiscan_scan_blob(cfg->engine, blob, blen, name, cfg->opts, scr,
                                                  on_finding, on_file, &w);
            if (st != PIISCAN_OK && st != PIISCAN_STOPPED)
                j->api_error = st;
        }
        free(blob);
        emit_job(&r, j);
        job_free(j);
    }
    free(names);
    piiscan_scratch_free(scr);
    int rc = run_finish(&r);
    if (rc == 1)
        fputs("\npiiscan: the staged files hold personal data (listed above, masked); the commit "
              "is refused.\n"
              "  Remove or mask the values, then `git add` again.  If a value is test data:\n"
              "  - add `piiscan:allow` on its line, or\n"
              "  - list the file in .piiscanignore (gitignore syntax), or\n"
              "  - keep known findings in a baseline: piiscan --staged --fingerprint-key KEY\n"
              "    --write-baseline .piiscan-baseline, then run the hook with --baseline.\n",
              stderr);
    return rc;
}
