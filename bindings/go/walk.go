package piiscan

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"context"
	"errors"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// WalkEntry is one entry of a Walk: a regular file to scan (Status FileOK),
// or an entry that is not handed over and why (FileSkipped: a symbolic link
// not followed, a FIFO or device, a file over MaxFileSize, a loop...;
// FileError: an unreadable directory or file). Paths left out by Exclude,
// Include or .piiscanignore files are not reported.
type WalkEntry struct {
	Path       string     // the root joined with the path below it
	Status     FileStatus // FileOK, FileSkipped or FileError
	Reason     string     // why, when Status is not FileOK
	Size       int64      // bytes (regular files)
	ModTime    time.Time  // last modification, for retention audits
	AccessTime time.Time
	ChangeTime time.Time // last status change
}

// WalkOption configures Walk and ScanTree.
type WalkOption func(*walkSettings)

type walkSettings struct {
	ints             []intOption // keys are piiscan_walk_option values
	include, exclude []string
}

func (s *walkSettings) setInt(name string, key C.piiscan_walk_option, value int64) {
	s.ints = append(s.ints, intOption{name: name, key: C.piiscan_option(key), value: value})
}

// FollowSymlinks(true) follows symbolic links (loops are detected and
// reported). By default a link is reported FileSkipped.
func FollowSymlinks(on bool) WalkOption {
	return func(s *walkSettings) { s.setInt("FollowSymlinks", C.PIISCAN_WALK_FOLLOW_SYMLINKS, b2i(on)) }
}

// OneFileSystem(true) does not descend into directories on other file systems.
func OneFileSystem(on bool) WalkOption {
	return func(s *walkSettings) { s.setInt("OneFileSystem", C.PIISCAN_WALK_ONE_FILE_SYSTEM, b2i(on)) }
}

// MaxFileSize reports files larger than bytes FileSkipped instead of
// handing them over (default 0: no limit).
func MaxFileSize(bytes int64) WalkOption {
	return func(s *walkSettings) { s.setInt("MaxFileSize", C.PIISCAN_WALK_MAX_FILE_SIZE, bytes) }
}

// IgnoreFiles(false) does not read .piiscanignore files (gitignore syntax),
// which are honoured in every directory by default.
func IgnoreFiles(on bool) WalkOption {
	return func(s *walkSettings) { s.setInt("IgnoreFiles", C.PIISCAN_WALK_IGNORE_FILES, b2i(on)) }
}

// Include hands over only files matching one of the globs (gitignore
// syntax: "*.xlsx", "hr/**", "/top-only", "dir/"). It may be repeated.
func Include(globs ...string) WalkOption {
	return func(s *walkSettings) { s.include = append(s.include, globs...) }
}

// Exclude leaves out files and whole directories matching one of the globs
// (gitignore syntax). It may be repeated.
func Exclude(globs ...string) WalkOption {
	return func(s *walkSettings) { s.exclude = append(s.exclude, globs...) }
}

// newWalker makes a C walker; free it with C.piiscan_walker_free.
func newWalker(op string, opts []WalkOption) (*C.piiscan_walker, error) {
	var s walkSettings
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	var w *C.piiscan_walker
	if st := C.piiscan_walker_new(&w); st != C.PIISCAN_OK {
		return nil, statusError(op, "", st, nil)
	}
	for _, o := range s.ints {
		if st := C.piiscan_walker_set(w, C.piiscan_walk_option(o.key), C.int64_t(o.value)); st != C.PIISCAN_OK {
			C.piiscan_walker_free(w)
			e := statusError(op, "", st, nil).(*Error)
			e.Msg = o.name + " out of range"
			return nil, e
		}
	}
	for _, g := range [2]struct {
		globs   []string
		include bool
	}{{s.include, true}, {s.exclude, false}} {
		for _, glob := range g.globs {
			cg := C.CString(glob)
			var st C.piiscan_status
			if g.include {
				st = C.piiscan_walker_include(w, cg)
			} else {
				st = C.piiscan_walker_exclude(w, cg)
			}
			C.free(unsafe.Pointer(cg))
			if st != C.PIISCAN_OK {
				C.piiscan_walker_free(w)
				e := statusError(op, "", st, nil).(*Error)
				e.Msg = "bad glob " + glob
				return nil, e
			}
		}
	}
	return w, nil
}

// Walk walks root (a file or a directory) in sorted, deterministic order,
// calling fn for every regular file to scan and for every entry that is not
// handed over, with the reason: nothing is skipped silently. It scans
// nothing itself: pass the FileOK entries to Engine.ScanFile (from as many
// goroutines as you like), or use Engine.ScanTree.
//
// If fn returns an error the walk stops and Walk returns it (nil for
// Stop). ctx is checked before each entry. Walk returns an *Error with
// ErrIO when root cannot be read (fn has received it as a FileError
// entry), and ErrInvalid for a bad option.
func Walk(ctx context.Context, root string, fn func(WalkEntry) error, opts ...WalkOption) error {
	return walk(ctx, "Walk", root, fn, opts)
}

func walk(ctx context.Context, op, root string, fn func(WalkEntry) error, opts []WalkOption) error {
	ctx, err := liveCtx(ctx)
	if err != nil {
		return err
	}
	w, err := newWalker(op, opts)
	if err != nil {
		return err
	}
	defer C.piiscan_walker_free(w)
	st := newState(nil, ctx, "", nil, nil)
	st.onWalk = fn
	croot := C.CString(root)
	defer C.free(unsafe.Pointer(croot))
	return st.run(op, root, func(h C.uintptr_t) (C.piiscan_status, error) {
		rc, errno := C.pgo_walk(w, croot, h)
		return rc, errno
	})
}

// WalkParallel walks roots (files or directories) as Walk does, on jobs
// threads (1 to 256) that share the work by directory, so that fn can scan
// each file where it is found (Engine.ScanFile is safe from any goroutine).
// fn is called from up to jobs goroutines at once: it must be safe for
// concurrent use. Every entry Walk would give comes exactly once, in no
// fixed order (with FollowSymlinks, which of two ways into one directory is
// walked may differ from run to run; the other is reported as walked
// already).
//
// If fn returns an error (or panics), every thread stops soon after and
// WalkParallel returns the first such error (nil for Stop), or re-raises
// the panic. A cancelled ctx stops it with ctx.Err(). It returns an *Error
// with ErrIO when some root cannot be read (fn has received it as a
// FileError entry), and ErrInvalid for a bad option or jobs out of range.
func WalkParallel(ctx context.Context, roots []string, jobs int, fn func(WalkEntry) error, opts ...WalkOption) error {
	const op = "WalkParallel"
	ctx, err := liveCtx(ctx)
	if err != nil {
		return err
	}
	if jobs < 1 || jobs > 256 || len(roots) == 0 || fn == nil {
		return &Error{Op: op, Code: ErrInvalid, Msg: "jobs must be 1..256, with roots and fn"}
	}
	w, err := newWalker(op, opts)
	if err != nil {
		return err
	}
	defer C.piiscan_walker_free(w)
	// What the threads report, under mu: the first error or panic.
	var (
		mu       sync.Mutex
		first    error
		panicked bool
		panicVal interface{}
	)
	wrapped := func(e WalkEntry) (err error) {
		defer func() {
			if r := recover(); r != nil {
				mu.Lock()
				if !panicked && first == nil {
					panicked, panicVal = true, r
				}
				mu.Unlock()
				err = Stop
			}
		}()
		if err = fn(e); err != nil {
			mu.Lock()
			if first == nil && !panicked {
				first = err
			}
			mu.Unlock()
		}
		return err
	}
	// One state (and handle) per thread: the callbacks of one thread run
	// one after another, and no state is shared between threads.
	handles := (*[256]C.uintptr_t)(C.malloc(C.size_t(256 * unsafe.Sizeof(C.uintptr_t(0)))))
	defer C.free(unsafe.Pointer(handles))
	for i := 0; i < jobs; i++ {
		st := newState(nil, ctx, "", nil, nil)
		st.onWalk = wrapped
		h := cgo.NewHandle(st)
		defer h.Delete()
		handles[i] = C.uintptr_t(h)
	}
	croots := (*[1 << 20]*C.char)(C.malloc(C.size_t(len(roots)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	defer C.free(unsafe.Pointer(croots))
	for i, r := range roots {
		croots[i] = C.CString(r)
		defer C.free(unsafe.Pointer(croots[i]))
	}
	rc, errno := C.pgo_walk_parallel(w, &croots[0], C.size_t(len(roots)), C.uint(jobs), &handles[0])
	mu.Lock()
	defer mu.Unlock()
	if panicked {
		panic(panicVal)
	}
	switch {
	case rc == C.PIISCAN_OK:
		return nil
	case rc == C.PIISCAN_STOPPED && first != nil:
		if errors.Is(first, Stop) {
			return nil
		}
		return first
	case rc == C.PIISCAN_STOPPED:
		return ctx.Err() // a thread saw the context done
	}
	return statusError(op, "", rc, errno)
}

//export pgoOnWalk
func pgoOnWalk(e *C.piiscan_walk_entry, h C.uintptr_t) C.int {
	s := cgo.Handle(h).Value().(*state)
	return s.call(func() error {
		if s.onWalk == nil {
			return nil
		}
		ent := WalkEntry{
			Path:       C.GoString(e.path),
			Status:     FileStatus(e.status),
			Size:       int64(e.size),
			ModTime:    time.Unix(int64(e.mtime), 0),
			AccessTime: time.Unix(int64(e.atime), 0),
			ChangeTime: time.Unix(int64(e.ctime), 0),
		}
		if e.reason != nil {
			ent.Reason = C.GoString(e.reason)
		}
		return s.onWalk(ent)
	})
}

// ScanTree walks root as Walk does and scans every file it hands over as
// ScanFile does, in order, one at a time. fn receives the findings and
// file reports of every file, and a *FileReport (Depth 0, Format "") for
// every entry the walk did not hand over, so the reports account for the
// whole tree. A file that cannot be read is reported FileError and the walk
// goes on; ScanTree returns an ErrIO only when root itself cannot be read.
//
// If fn returns an error, ScanTree stops and returns it (nil for Stop).
// For parallel scans, use Walk and ScanFile from several goroutines.
func (e *Engine) ScanTree(ctx context.Context, root string, fn func(Event) error, opts ...WalkOption) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := e.hold(); err != nil {
		return err
	}
	defer e.unhold()
	stopped := false
	err := walk(ctx, "ScanTree", root, func(ent WalkEntry) error {
		if ent.Status != FileOK {
			if fn == nil {
				return nil
			}
			return fn(&FileReport{Path: ent.Path, Status: ent.Status, Reason: ent.Reason, Size: ent.Size})
		}
		var cbErr error
		err := e.ScanFile(ctx, ent.Path, func(ev Event) error {
			if fn == nil {
				return nil
			}
			cbErr = fn(ev)
			if errors.Is(cbErr, Stop) {
				stopped = true
			}
			return cbErr
		})
		switch {
		case err == nil && stopped:
			return Stop
		case errors.Is(err, ErrIO) && cbErr == nil:
			return nil // reported to fn as FileError; go on with the walk
		}
		return err
	}, opts)
	return err
}
