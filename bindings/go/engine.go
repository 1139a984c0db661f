package piiscan

/*
#cgo pkg-config: piiscan
#include <stdlib.h>
#include <string.h>
#include "shim.h"
*/
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Version returns the version of the libpiiscan library in use, e.g. "0.1.0".
func Version() string { return C.GoString(C.piiscan_version()) }

// Engine is a compiled, immutable set of detectors with its scan options.
// It is safe for concurrent use by any number of goroutines: each scan
// borrows per-goroutine working memory (a C scratch) from a pool kept by
// the engine, so one scratch is never used by two scans at once.
//
// Close frees the engine and its pool. An Engine that becomes unreachable
// without Close is freed by a finalizer, but call Close: the C memory it
// holds is invisible to the Go garbage collector.
type Engine struct {
	mu     sync.Mutex
	c      *C.piiscan_engine
	opts   *C.piiscan_options
	idle   []*C.piiscan_scratch // scratches not in use
	active int                  // scans in progress (each holds c and opts alive)
	closed bool
	types  []string // type ids by type index; immutable
	names  []string // type names by type index; immutable
	// FingerprintKey: the key in C memory (nil: no fingerprints), and
	// whether Finding.Raw is wanted (opts expose raw values to the callback
	// whenever there is a key).
	fpKey     unsafe.Pointer
	fpKeyLen  C.size_t
	exposeRaw bool
}

// NewEngine compiles the default detector set, changed by opts, into an
// engine. Errors are *Error values: ErrInvalid (an option out of range),
// ErrUnknownType (Types), ErrIO or ErrPattern (PatternsFile, PatternsText;
// Path, Line and Type say where), ErrNoMem.
func NewEngine(opts ...Option) (*Engine, error) {
	const op = "NewEngine"
	s := collectSettings(opts)
	if s.fpKeySet && len(s.fpKey) == 0 {
		return nil, &Error{Code: ErrInvalid, Op: op, Msg: "FingerprintKey: empty key (an empty key is no key)"}
	}
	copts, err := s.cOptions(op)
	if err != nil {
		return nil, err
	}
	var fpKey unsafe.Pointer
	ok := false
	defer func() {
		if !ok {
			C.piiscan_options_free(copts)
			freeKey(fpKey, len(s.fpKey))
		}
	}()
	if s.fpKeySet {
		// The fingerprint needs the raw value in the callback, which drops
		// it unless the caller asked for it.
		if st := C.piiscan_options_set(copts, C.PIISCAN_OPT_EXPOSE_RAW, 1); st != C.PIISCAN_OK {
			return nil, statusError(op, "", st, nil)
		}
		fpKey = C.CBytes(s.fpKey)
	}

	var set *C.piiscan_patterns
	if st := C.piiscan_patterns_new_default(&set); st != C.PIISCAN_OK {
		return nil, statusError(op, "", st, nil)
	}
	defer C.piiscan_patterns_free(set)
	for _, p := range s.patterns {
		if err := loadPatterns(set, p); err != nil {
			return nil, err
		}
	}
	if s.typesSet {
		if err := selectTypes(set, s.types); err != nil {
			return nil, err
		}
	}
	names := map[string]string{}
	for i, n := C.size_t(0), C.piiscan_patterns_count(set); i < n; i++ {
		var id, name *C.char
		var enabled C.int
		if C.piiscan_patterns_get(set, i, &id, &name, &enabled) == C.PIISCAN_OK {
			names[C.GoString(id)] = C.GoString(name)
		}
	}

	var ceng *C.piiscan_engine
	var cerr *C.piiscan_error
	if st := C.piiscan_engine_compile(set, &ceng, &cerr); st != C.PIISCAN_OK {
		return nil, patternError(op, "", st, cerr, nil)
	}
	e := &Engine{c: ceng, opts: copts, fpKey: fpKey, fpKeyLen: C.size_t(len(s.fpKey)),
		exposeRaw: s.exposeRaw}
	for i, n := C.size_t(0), C.piiscan_engine_type_count(ceng); i < n; i++ {
		id := C.GoString(C.piiscan_engine_type_id(ceng, i))
		e.types = append(e.types, id)
		e.names = append(e.names, names[id])
	}
	ok = true
	runtime.SetFinalizer(e, finalizeEngine)
	return e, nil
}

// enginesFinalized counts the engines freed by their finalizer (for tests).
var enginesFinalized atomic.Int64

func finalizeEngine(e *Engine) {
	e.Close()
	enginesFinalized.Add(1)
}

func loadPatterns(set *C.piiscan_patterns, p patternSource) error {
	const op = "NewEngine"
	var cerr *C.piiscan_error
	if p.name == "" && p.text == "" {
		cpath := C.CString(p.path)
		defer C.free(unsafe.Pointer(cpath))
		st, errno := C.piiscan_patterns_load_file(set, cpath, &cerr)
		if st != C.PIISCAN_OK {
			return patternError(op, p.path, st, cerr, errno)
		}
		return nil
	}
	cname := C.CString(p.name)
	defer C.free(unsafe.Pointer(cname))
	ctext := C.CString(p.text)
	defer C.free(unsafe.Pointer(ctext))
	if st := C.piiscan_patterns_load_text(set, ctext, C.size_t(len(p.text)), cname, &cerr); st != C.PIISCAN_OK {
		return patternError(op, p.name, st, cerr, nil)
	}
	return nil
}

// patternError makes an *Error of a failed pattern call and frees cerr.
func patternError(op, path string, st C.piiscan_status, cerr *C.piiscan_error, errno error) error {
	e := statusError(op, path, st, errno).(*Error)
	if cerr != nil {
		if cerr.message != nil {
			e.Msg = C.GoString(cerr.message)
		}
		if cerr.source != nil {
			e.Path = C.GoString(cerr.source)
		}
		e.Line = int(cerr.line)
		if cerr._type != nil {
			e.Type = C.GoString(cerr._type)
		}
		C.piiscan_error_free(cerr)
	}
	return e
}

func selectTypes(set *C.piiscan_patterns, ids []string) error {
	if len(ids) == 0 {
		return &Error{Code: ErrInvalid, Op: "NewEngine", Msg: "Types: no type given"}
	}
	known := map[string]bool{}
	for i, n := C.size_t(0), C.piiscan_patterns_count(set); i < n; i++ {
		var id, name *C.char
		var enabled C.int
		if C.piiscan_patterns_get(set, i, &id, &name, &enabled) == C.PIISCAN_OK {
			known[C.GoString(id)] = true
		}
	}
	for _, id := range ids {
		if !known[id] {
			return &Error{Code: ErrUnknownType, Op: "NewEngine", Msg: fmt.Sprintf("Types: unknown type %q", id)}
		}
	}
	clist := C.CString(strings.Join(ids, ","))
	defer C.free(unsafe.Pointer(clist))
	if st := C.piiscan_patterns_select(set, clist); st != C.PIISCAN_OK {
		e := statusError("NewEngine", "", st, nil).(*Error)
		e.Msg = "Types(" + strings.Join(ids, ", ") + ")"
		return e
	}
	return nil
}

// Types returns the ids of the types the engine detects, in the library's
// order ("kr_rrn", "kr_frn", ...).
func (e *Engine) Types() []string {
	if e == nil {
		return nil
	}
	return append([]string(nil), e.types...)
}

// Close frees the engine. Scans in progress (in other goroutines, or the
// one whose callback calls Close) finish normally and the memory is freed
// when the last one returns; later calls return ErrClosed. Close is
// idempotent and always returns nil.
func (e *Engine) Close() error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	runtime.SetFinalizer(e, nil)
	if e.active == 0 {
		e.freeLocked()
	}
	return nil
}

func (e *Engine) freeLocked() {
	for _, s := range e.idle {
		C.piiscan_scratch_free(s)
	}
	e.idle = nil
	C.piiscan_options_free(e.opts)
	e.opts = nil
	C.piiscan_engine_free(e.c)
	e.c = nil
	freeKey(e.fpKey, int(e.fpKeyLen))
	e.fpKey = nil
}

// freeKey wipes and frees a key copied by C.CBytes (nil: nothing).
func freeKey(p unsafe.Pointer, n int) {
	if p == nil {
		return
	}
	C.memset(p, 0, C.size_t(n))
	C.free(p)
}

// hold marks a scan in progress: the C engine stays allocated until unhold.
func (e *Engine) hold() error {
	if e == nil {
		return ErrClosed
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	e.active++
	return nil
}

func (e *Engine) unhold() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.active--
	if e.closed && e.active == 0 {
		e.freeLocked()
	}
}

// getScratch takes a scratch from the pool or allocates one. Only between
// hold and unhold.
func (e *Engine) getScratch() (*C.piiscan_scratch, error) {
	e.mu.Lock()
	if n := len(e.idle); n > 0 {
		s := e.idle[n-1]
		e.idle[n-1] = nil
		e.idle = e.idle[:n-1]
		e.mu.Unlock()
		return s, nil
	}
	e.mu.Unlock()
	var s *C.piiscan_scratch
	if st := C.piiscan_scratch_alloc(e.c, &s); st != C.PIISCAN_OK {
		return nil, statusError("scratch", "", st, nil)
	}
	return s, nil
}

// putScratch returns a scratch to the pool, keeping at most GOMAXPROCS idle
// ones (a scratch of a file scan holds a libmagic database of several MB).
func (e *Engine) putScratch(s *C.piiscan_scratch) {
	e.mu.Lock()
	keep := !e.closed && len(e.idle) < runtime.GOMAXPROCS(0)
	if keep {
		e.idle = append(e.idle, s)
	}
	e.mu.Unlock()
	if !keep {
		C.piiscan_scratch_free(s) // the engine outlives it: the caller holds it
	}
}

// Scan scans data and returns its findings in offset order. Their Path is
// "". The encoding is detected (or set by Encoding).
func (e *Engine) Scan(data []byte) ([]Finding, error) {
	var out []Finding
	err := e.scan("Scan", data, func(f Finding) error {
		out = append(out, f)
		return nil
	})
	return out, err
}

// ScanFunc scans data like Scan, calling fn for each finding instead of
// collecting them. If fn returns an error the scan stops and ScanFunc
// returns it (nil for Stop). A panic in fn is re-raised by ScanFunc.
func (e *Engine) ScanFunc(data []byte, fn func(Finding) error) error {
	return e.scan("ScanFunc", data, fn)
}

func (e *Engine) scan(op string, data []byte, fn func(Finding) error) error {
	return e.withScratch(func(scr *C.piiscan_scratch) error {
		return newState(e, nil, "", fn, nil).run(op, "", func(h C.uintptr_t) (C.piiscan_status, error) {
			return C.pgo_scan(e.c, cBytes(data), C.size_t(len(data)), e.opts, scr, h), nil
		})
	})
}

// withScratch runs f with one of e's scratches, e held open meanwhile.
func (e *Engine) withScratch(f func(scr *C.piiscan_scratch) error) error {
	if err := e.hold(); err != nil {
		return err
	}
	defer e.unhold()
	scr, err := e.getScratch()
	if err != nil {
		return err
	}
	defer e.putScratch(scr)
	return f(scr)
}

// ScanFile scans the file at path: its text, or the text of the document
// or the members of the archive it is (zip, tar.gz, 7z...; nested ones
// too). fn receives each finding as a *Finding, whose Path names the file
// or member ("a.zip!hr/list.txt"), and the end of each file and member as a
// *FileReport, a member's before its container's. Nothing is skipped
// silently: a file or member that could not be read completely has a
// report whose Status (FileEncrypted, FileError, FileSkipped...) and
// Reason say why. fn may be nil.
//
// ScanFile returns nil when the file was handled, whatever its status (see
// the reports). It returns an *Error with ErrIO when the file cannot be
// opened or read (fn has received a FileError report, and errors.Is(err,
// fs.ErrNotExist) tells a missing file); the error fn returned (nil for
// Stop); ctx.Err() if ctx is cancelled (checked before each event: a long
// stretch without findings cannot be interrupted).
func (e *Engine) ScanFile(ctx context.Context, path string, fn func(Event) error) error {
	ctx, err := liveCtx(ctx)
	if err != nil {
		return err
	}
	return e.withScratch(func(scr *C.piiscan_scratch) error {
		cpath := C.CString(path)
		defer C.free(unsafe.Pointer(cpath))
		return newState(e, ctx, "", nil, fn).run("ScanFile", path, func(h C.uintptr_t) (C.piiscan_status, error) {
			rc, errno := C.pgo_scan_file(e.c, cpath, e.opts, scr, wants(fn), wants(fn), h)
			return rc, errno
		})
	})
}

// ScanBlob is ScanFile for the bytes of a file held in memory (an e-mail
// attachment, an upload); name is the path used in findings and reports
// ("-" if empty), and the hint that breaks type ties (".eml").
func (e *Engine) ScanBlob(ctx context.Context, data []byte, name string, fn func(Event) error) error {
	ctx, err := liveCtx(ctx)
	if err != nil {
		return err
	}
	return e.withScratch(func(scr *C.piiscan_scratch) error {
		cname, free := cName(name)
		defer free()
		return newState(e, ctx, "", nil, fn).run("ScanBlob", name, func(h C.uintptr_t) (C.piiscan_status, error) {
			return C.pgo_scan_blob(e.c, cBytes(data), C.size_t(len(data)), cname, e.opts, scr, wants(fn), wants(fn), h), nil
		})
	})
}
