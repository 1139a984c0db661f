/* shim.h -- C side of the Go binding: wrappers that pass the binding's own
 * callbacks and a cgo.Handle (as an integer, never a Go pointer) to the
 * library.  The callbacks are the //export functions in callbacks.go. */
#ifndef PIISCAN_GO_SHIM_H
#define PIISCAN_GO_SHIM_H

#include <piiscan.h>
#include <stdint.h>

piiscan_status pgo_scan(const piiscan_engine *engine, const void *data, size_t len,
                        const piiscan_options *opts, piiscan_scratch *scratch, uintptr_t handle);
piiscan_status pgo_stream_feed(piiscan_stream *stream, const void *data, size_t len,
                               piiscan_scratch *scratch, uintptr_t handle);
piiscan_status pgo_stream_finish(piiscan_stream *stream, piiscan_scratch *scratch,
                                 uintptr_t handle);
piiscan_status pgo_scan_file(const piiscan_engine *engine, const char *path,
                             const piiscan_options *opts, piiscan_scratch *scratch,
                             int want_findings, int want_files, uintptr_t handle);
piiscan_status pgo_scan_blob(const piiscan_engine *engine, const void *data, size_t len,
                             const char *name, const piiscan_options *opts,
                             piiscan_scratch *scratch, int want_findings, int want_files,
                             uintptr_t handle);
piiscan_status pgo_extract_text_file(const char *path, const piiscan_options *opts,
                                     uintptr_t handle);
piiscan_status pgo_extract_text_blob(const void *data, size_t len, const char *name,
                                     const piiscan_options *opts, uintptr_t handle);
piiscan_status pgo_walk(const piiscan_walker *walker, const char *root, uintptr_t handle);
/* handles[i]: the cgo.Handle given to the callbacks made on thread i. */
piiscan_status pgo_walk_parallel(const piiscan_walker *walker, const char *const *roots,
                                 size_t nroots, unsigned nthreads, const uintptr_t *handles);

#endif
