package piiscan

// #include "shim.h"
import "C"

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/cgo"
	"sync"
	"unsafe"
)

// Stream scans a byte stream written to it in pieces of any size. It is an
// io.WriteCloser, for pipelines: io.Copy into it, or put it in an
// io.MultiWriter beside the real destination of the data. A value split
// across two writes is found once, exactly as Scan finds it in the
// concatenation; offsets count from the start of the stream and findings
// carry the stream's name as Path. Findings near the end of a write are
// reported by a later write or by Close, so always Close a Stream.
//
// A Stream is for one goroutine at a time (its Engine may be shared).
type Stream struct {
	e      *Engine
	c      *C.piiscan_stream
	st     *state
	h      cgo.Handle
	op     string
	err    error // sticky: the error that ended the stream
	done   bool  // stopped by Stop: later writes are accepted and ignored
	closed bool
}

// errStreamClosed is returned by Write after Close.
var errStreamClosed error = &Error{Code: ErrInvalid, Op: "Stream", Msg: "stream is closed"}

// NewStream opens a stream whose findings go to fn. If fn returns an
// error, the Write (or Close) that delivered the finding returns it, and so
// do later ones. If fn returns Stop, scanning ends: later writes are
// accepted and ignored, and Close returns nil. A panic in fn is re-raised
// by Write or Close.
func (e *Engine) NewStream(name string, fn func(Finding) error) (*Stream, error) {
	return e.newStream(nil, "Stream", name, fn)
}

func (e *Engine) newStream(ctx context.Context, op, name string, fn func(Finding) error) (*Stream, error) {
	if err := e.hold(); err != nil {
		return nil, err
	}
	var c *C.piiscan_stream
	if rc := C.piiscan_stream_open(e.c, e.opts, &c); rc != C.PIISCAN_OK {
		e.unhold()
		return nil, statusError(op, name, rc, nil)
	}
	st := newState(e, ctx, name, fn, nil)
	s := &Stream{e: e, c: c, st: st, h: cgo.NewHandle(st), op: op}
	runtime.SetFinalizer(s, (*Stream).release)
	return s, nil
}

// feed passes p (len(p) > 0) to the C stream, or finishes it (p == nil).
func (s *Stream) feed(p []byte) (C.piiscan_status, error) {
	scr, err := s.e.getScratch()
	if err != nil {
		return C.PIISCAN_E_NOMEM, err
	}
	var rc C.piiscan_status
	if p == nil {
		rc = C.pgo_stream_finish(s.c, scr, C.uintptr_t(s.h))
	} else {
		rc = C.pgo_stream_feed(s.c, unsafe.Pointer(&p[0]), C.size_t(len(p)), scr, C.uintptr_t(s.h))
	}
	s.e.putScratch(scr)
	if s.st.panicked {
		s.err = fmt.Errorf("piiscan: %s %s: a callback panicked", s.op, s.st.name)
	}
	return rc, s.st.result(s.op, s.st.name, rc, nil)
}

// Write scans p. It returns len(p), or 0 and the error that ended the
// stream: an error of the callback (as it returned it), a cancelled
// context, or an *Error of the library.
func (s *Stream) Write(p []byte) (int, error) {
	switch {
	case s.closed:
		return 0, errStreamClosed
	case s.err != nil:
		return 0, s.err
	case s.done || len(p) == 0:
		return len(p), nil
	}
	rc, err := s.feed(p)
	if err != nil {
		s.err = err
		return 0, err
	}
	if rc == C.PIISCAN_STOPPED {
		s.done = true
	}
	return len(p), nil
}

// Close scans what the stream held back, reports the last findings and
// frees the stream. It returns the error that ended the stream, if any.
// Closing twice returns nil.
func (s *Stream) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	defer s.release()
	if s.err != nil || s.done {
		return s.err
	}
	if _, err := s.feed(nil); err != nil {
		s.err = err
	}
	return s.err
}

// release frees the C stream and lets the engine go (Close, or the
// finalizer of a Stream never closed).
func (s *Stream) release() {
	if s.c == nil {
		return
	}
	runtime.SetFinalizer(s, nil)
	s.closed = true
	C.piiscan_stream_free(s.c)
	s.c = nil
	s.h.Delete()
	s.e.unhold()
}

// ChunkSize is the size of the reads ScanReader makes.
const ChunkSize = 64 << 10

var chunkPool = sync.Pool{New: func() interface{} { b := make([]byte, ChunkSize); return &b }}

// ScanReader scans what r yields until io.EOF, in chunks of up to ChunkSize
// bytes, calling fn for each finding in offset order. A value split across
// two reads is found once, exactly as Scan finds it in the concatenation;
// offsets count from the start of the stream. Findings carry name as Path.
//
// If fn returns an error the scan stops and ScanReader returns it (nil for
// Stop, and r is not read further). ctx is checked between reads and before
// each finding; on cancellation ScanReader returns ctx.Err(). It cannot
// interrupt a Read that blocks: give it a reader that honours ctx itself if
// that matters. An error from r other than io.EOF is returned wrapped
// (errors.Is works). A panic in fn is re-raised.
func (e *Engine) ScanReader(ctx context.Context, r io.Reader, name string, fn func(Finding) error) error {
	const op = "ScanReader"
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s, err := e.newStream(ctx, op, name, fn)
	if err != nil {
		return err
	}
	defer s.release()
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	buf := *bp
	for empty := 0; ; {
		n, rerr := r.Read(buf)
		if n > 0 {
			empty = 0
			if _, err := s.Write(buf[:n]); err != nil {
				return err
			}
			if s.done {
				return nil
			}
		} else if rerr == nil {
			if empty++; empty >= 100 {
				return fmt.Errorf("piiscan: %s %s: %w", op, name, io.ErrNoProgress)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("piiscan: %s %s: %w", op, name, rerr)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return s.Close()
}
