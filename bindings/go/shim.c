/* shim.c -- see shim.h. */
#include "shim.h"

#include "_cgo_export.h"

static int on_finding(const piiscan_finding *f, void *user)
{
    return pgoOnFinding((piiscan_finding *)f, (uintptr_t)user);
}

static int on_file(const piiscan_file_report *r, void *user)
{
    return pgoOnFile((piiscan_file_report *)r, (uintptr_t)user);
}

static int on_text(const char *path, const char *text, size_t len, void *user)
{
    return pgoOnText((char *)path, (char *)text, len, (uintptr_t)user);
}

static int on_walk_entry(const piiscan_walk_entry *e, void *user)
{
    return pgoOnWalk((piiscan_walk_entry *)e, (uintptr_t)user);
}

piiscan_status pgo_scan(const piiscan_engine *engine, const void *data, size_t len,
                        const piiscan_options *opts, piiscan_scratch *scratch, uintptr_t handle)
{
    return piiscan_scan(engine, data, len, opts, scratch, on_finding, (void *)handle);
}

piiscan_status pgo_stream_feed(piiscan_stream *stream, const void *data, size_t len,
                               piiscan_scratch *scratch, uintptr_t handle)
{
    return piiscan_stream_feed(stream, data, len, scratch, on_finding, (void *)handle);
}

piiscan_status pgo_stream_finish(piiscan_stream *stream, piiscan_scratch *scratch,
                                 uintptr_t handle)
{
    return piiscan_stream_finish(stream, scratch, on_finding, (void *)handle);
}

piiscan_status pgo_scan_file(const piiscan_engine *engine, const char *path,
                             const piiscan_options *opts, piiscan_scratch *scratch,
                             int want_findings, int want_files, uintptr_t handle)
{
    return piiscan_scan_file(engine, path, opts, scratch, want_findings ? on_finding : NULL,
                             want_files ? on_file : NULL, (void *)handle);
}

piiscan_status pgo_scan_blob(const piiscan_engine *engine, const void *data, size_t len,
                             const char *name, const piiscan_options *opts,
                             piiscan_scratch *scratch, int want_findings, int want_files,
                             uintptr_t handle)
{
    return piiscan_scan_blob(engine, data, len, name, opts, scratch,
                             want_findings ? on_finding : NULL, want_files ? on_file : NULL,
                             (void *)handle);
}

piiscan_status pgo_walk(const piiscan_walker *walker, const char *root, uintptr_t handle)
{
    return piiscan_walk(walker, root, on_walk_entry, (void *)handle);
}

piiscan_status pgo_walk_parallel(const piiscan_walker *walker, const char *const *roots,
                                 size_t nroots, unsigned nthreads, const uintptr_t *handles)
{
    void *users[256];
    for (unsigned i = 0; i < nthreads && i < 256; i++)
        users[i] = (void *)handles[i];
    return piiscan_walk_parallel(walker, roots, nroots, nthreads, on_walk_entry, users);
}

piiscan_status pgo_extract_text_file(const char *path, const piiscan_options *opts,
                                     uintptr_t handle)
{
    return piiscan_extract_text_file(path, opts, on_text, on_file, (void *)handle);
}

piiscan_status pgo_extract_text_blob(const void *data, size_t len, const char *name,
                                     const piiscan_options *opts, uintptr_t handle)
{
    return piiscan_extract_text_blob(data, len, name, opts, on_text, on_file, (void *)handle);
}
