package piiscan

// #include <piiscan.h>
import "C"

import (
	"errors"
	"strconv"
	"strings"
	"syscall"
)

// Code is a libpiiscan status code (piiscan_status in piiscan.h). The
// negative codes are errors; each is an error value itself, so it can be
// used as a sentinel:
//
//	if errors.Is(err, piiscan.ErrIO) { ... }
//
// Errors returned by this package for a failed library call are *Error
// values carrying the Code and what was being done.
type Code int

// The error codes of piiscan.h. Values are never renumbered.
const (
	ErrInvalid      Code = -1  // bad argument or call order: a caller bug
	ErrNoMem        Code = -2  // out of memory
	ErrPattern      Code = -3  // a pattern file or regex is invalid
	ErrScratchInUse Code = -4  // scratch used by two calls at once (a bug in the binding)
	ErrMismatch     Code = -5  // scratch or stream of another engine (a bug in the binding)
	ErrIO           Code = -6  // a file could not be opened or read
	ErrUnknownType  Code = -7  // no pattern with that type id
	ErrLimit        Code = -8  // a configured or built-in limit was reached
	ErrInternal     Code = -99 // a bug in libpiiscan
)

// Error returns the library's text for the code (piiscan_strerror), which
// never contains scanned data.
func (c Code) Error() string {
	return "piiscan: " + c.text()
}

func (c Code) text() string {
	return C.GoString(C.piiscan_strerror(C.piiscan_status(c)))
}

// Error is the error returned when a library call fails. errors.Is(err, c)
// reports whether its Code is c; errors.Unwrap gives the underlying cause,
// if any (the syscall.Errno of an ErrIO, so errors.Is(err, fs.ErrNotExist)
// works for a missing file).
type Error struct {
	Code Code   // the library's status
	Op   string // the operation: "NewEngine", "Scan", "ScanReader", "ScanFile", ...
	Path string // the file concerned (a pattern file, a scanned file), if any
	Line int    // 1-based line in a pattern file, 0 if not line-specific
	Type string // type id of the offending pattern, if any
	Msg  string // the library's detail (or the binding's), if any
	Err  error  // the underlying cause, if any
}

// Error formats as "piiscan: Op: Path:Line: Msg (type T): code text: cause".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("piiscan: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		if e.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Msg != "" {
		b.WriteString(e.Msg)
		if e.Type != "" {
			b.WriteString(" (type ")
			b.WriteString(e.Type)
			b.WriteString(")")
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Code.text())
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Is reports whether target is e's Code, so errors.Is(err, piiscan.ErrIO)
// works.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// Unwrap returns the underlying cause, or nil.
func (e *Error) Unwrap() error { return e.Err }

// ErrClosed is returned by the methods of an Engine after Close. It is an
// ErrInvalid: errors.Is(err, piiscan.ErrInvalid) is true as well.
var ErrClosed error = &Error{Code: ErrInvalid, Msg: "engine is closed"}

// Stop can be returned by a callback to end a scan early without an error:
// the scan method then returns nil.
var Stop = errors.New("piiscan: stop scanning")

// statusError turns a failed status into an *Error. errno is the C errno
// captured by cgo, used for ErrIO only.
func statusError(op, path string, st C.piiscan_status, errno error) error {
	e := &Error{Code: Code(st), Op: op, Path: path}
	if e.Code == ErrIO {
		var en syscall.Errno
		if errors.As(errno, &en) && en != 0 {
			e.Err = en
		}
	}
	return e
}
