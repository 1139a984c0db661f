package piiscan

// #include <stdlib.h>
// #include <string.h>
// #include <piiscan.h>
import "C"

import (
	"context"
	"errors"
	"runtime/cgo"
	"unsafe"
)

// state is what one scan call shares with its C callbacks. The callbacks
// find it through a cgo.Handle passed as the C `user` pointer (an integer:
// no Go pointer is ever kept by C). A scan runs its callbacks on the
// goroutine that called it, one at a time, so state needs no lock.
type state struct {
	eng       *Engine
	done      <-chan struct{} // ctx.Done(), nil if it cannot be cancelled
	ctx       context.Context
	name      string // Path of stream findings
	onFinding func(Finding) error
	onEvent   func(Event) error
	onWalk    func(WalkEntry) error
	err       error // why the callback stopped the scan
	panicked  bool
	panicVal  interface{}
	lastPath  string // the path of the previous event, reused when equal
}

func newState(e *Engine, ctx context.Context, name string, onFinding func(Finding) error, onEvent func(Event) error) *state {
	s := &state{eng: e, ctx: ctx, name: name, onFinding: onFinding, onEvent: onEvent}
	if ctx != nil {
		s.done = ctx.Done()
	}
	return s
}

// liveCtx is ctx (Background when nil), or ctx's error when it is done
// already: a call checks it before any work.
func liveCtx(ctx context.Context) (context.Context, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	return ctx, ctx.Err()
}

// run makes s reachable from C through a cgo.Handle for the duration of
// call (which passes the handle as the C `user`), and turns the call's
// status into the operation's error.
func (s *state) run(op, path string, call func(h C.uintptr_t) (C.piiscan_status, error)) error {
	h := cgo.NewHandle(s)
	defer h.Delete()
	rc, errno := call(C.uintptr_t(h))
	return s.result(op, path, rc, errno)
}

// cBytes is data's first byte for C, nil when data is empty.
func cBytes(data []byte) unsafe.Pointer {
	if len(data) == 0 {
		return nil
	}
	return unsafe.Pointer(&data[0])
}

// cName is a C copy of a blob's name, NULL for "" (the library then names
// it "-"); free releases it.
func cName(name string) (c *C.char, free func()) {
	if name == "" {
		return nil, func() {}
	}
	c = C.CString(name)
	return c, func() { C.free(unsafe.Pointer(c)) }
}

// wants is 1 when fn is set: the C side then delivers that kind of event.
func wants(fn func(Event) error) C.int {
	if fn == nil {
		return 0
	}
	return 1
}

// result turns the status of a finished C call into the scan's error, and
// re-raises a panic of the callback.
func (s *state) result(op, path string, rc C.piiscan_status, errno error) error {
	if s.panicked {
		panic(s.panicVal)
	}
	switch {
	case rc == C.PIISCAN_OK:
		return nil
	case rc == C.PIISCAN_STOPPED:
		if errors.Is(s.err, Stop) {
			return nil
		}
		return s.err
	}
	return statusError(op, path, rc, errno)
}

// path converts a C path, reusing the previous string when it is equal (a
// file's findings share it) so as not to allocate for each finding.
func (s *state) path(p *C.char) string {
	if p == nil {
		return s.name
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(p)), C.strlen(p))
	if string(b) != s.lastPath {
		s.lastPath = string(b)
	}
	return s.lastPath
}

// call runs the user's callback, turning an error, a cancelled context or a
// panic into PIISCAN_STOP (a panic must not unwind through the C frames:
// the scratch would stay marked busy).
func (s *state) call(fn func() error) (ret C.int) {
	defer func() {
		if r := recover(); r != nil {
			s.panicked, s.panicVal = true, r
			ret = C.PIISCAN_STOP
		}
	}()
	if s.done != nil {
		select {
		case <-s.done:
			s.err = s.ctx.Err()
			return C.PIISCAN_STOP
		default:
		}
	}
	if err := fn(); err != nil {
		s.err = err
		return C.PIISCAN_STOP
	}
	return C.PIISCAN_CONTINUE
}

// finding converts a C finding. With a fingerprint key it computes the
// fingerprint from the raw value, which it keeps only if ExposeRaw asked.
func (s *state) finding(f *C.piiscan_finding) (Finding, error) {
	out := Finding{
		Path:       s.path(f.path),
		Line:       int(f.line),
		Offset:     int64(f.offset),
		Length:     int(f.length),
		Masked:     f.masked != 0,
		Validation: Validation(f.validation),
		Confidence: Confidence(f.confidence),
		MaskedText: C.GoString(f.display),
	}
	if i := int(f.type_index); i < len(s.eng.types) {
		out.Type, out.TypeName = s.eng.types[i], s.eng.names[i]
	} else {
		out.Type, out.TypeName = C.GoString(f._type), C.GoString(f.type_name)
	}
	if f.raw != nil && s.eng.fpKey != nil {
		var hex [C.PIISCAN_FINGERPRINT_HEX]C.char
		rc := C.piiscan_fingerprint(s.eng.fpKey, s.eng.fpKeyLen, f._type, f.raw, f.raw_len, &hex[0])
		if rc != C.PIISCAN_OK {
			e := statusError("Fingerprint", out.Path, rc, nil).(*Error)
			e.Type = out.Type
			return out, e
		}
		out.Fingerprint = C.GoStringN(&hex[0], 64)
	}
	if f.raw != nil && (s.eng.exposeRaw || s.eng.fpKey == nil) {
		out.Raw = C.GoStringN(f.raw, C.int(f.raw_len))
	}
	return out, nil
}

//export pgoOnFinding
func pgoOnFinding(f *C.piiscan_finding, h C.uintptr_t) C.int {
	s := cgo.Handle(h).Value().(*state)
	return s.call(func() error {
		fd, err := s.finding(f)
		if err != nil {
			return err
		}
		if s.onFinding != nil {
			return s.onFinding(fd)
		}
		if s.onEvent != nil {
			return s.onEvent(&fd)
		}
		return nil
	})
}

//export pgoOnFile
func pgoOnFile(r *C.piiscan_file_report, h C.uintptr_t) C.int {
	s := cgo.Handle(h).Value().(*state)
	return s.call(func() error {
		if s.onEvent == nil {
			return nil
		}
		rep := &FileReport{
			Path:      s.path(r.path),
			Depth:     int(r.depth),
			Format:    C.GoString(r.format),
			Status:    FileStatus(r.status),
			Size:      int64(r.size),
			TextBytes: int64(r.text_bytes),
			Findings:  int64(r.findings),
		}
		if r.reason != nil {
			rep.Reason = C.GoString(r.reason)
		}
		return s.onEvent(rep)
	})
}

//export pgoOnText
func pgoOnText(path, text *C.char, n C.size_t, h C.uintptr_t) C.int {
	s := cgo.Handle(h).Value().(*state)
	return s.call(func() error {
		if s.onEvent == nil {
			return nil
		}
		p := &TextPiece{Path: s.path(path), Text: make([]byte, int(n))}
		if n > 0 {
			copy(p.Text, unsafe.Slice((*byte)(unsafe.Pointer(text)), int(n)))
		}
		return s.onEvent(p)
	})
}
