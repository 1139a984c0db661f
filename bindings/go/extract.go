package piiscan

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"context"
	"unsafe"
)

// limitKeys are the options that text extraction uses.
var limitKeys = map[C.piiscan_option]bool{
	C.PIISCAN_OPT_MAX_DEPTH:     true,
	C.PIISCAN_OPT_MAX_EXTRACTED: true,
	C.PIISCAN_OPT_MAX_RATIO:     true,
	C.PIISCAN_OPT_MAX_MEMBERS:   true,
	C.PIISCAN_OPT_MAX_BUFFER:    true,
}

// extractOptions makes the C options of an extraction: limits only, any
// other Option is an ErrInvalid (it would have no effect).
func extractOptions(op string, opts []Option) (*C.piiscan_options, error) {
	s := collectSettings(opts)
	bad := ""
	switch {
	case len(s.patterns) > 0:
		bad = "PatternsFile/PatternsText"
	case s.typesSet:
		bad = "Types"
	case s.fpKeySet:
		bad = "FingerprintKey"
	default:
		for _, o := range s.ints {
			if !limitKeys[o.key] {
				bad = o.name
				break
			}
		}
	}
	if bad != "" {
		return nil, &Error{Code: ErrInvalid, Op: op, Msg: bad + " is not a limit option " +
			"(text extraction takes MaxDepth, MaxExtracted, MaxRatio, MaxMembers, MaxBuffer)"}
	}
	return s.cOptions(op)
}

// ExtractTextFile extracts the text of the file at path as ScanFile would
// scan it — of the file, of each document part and of each archive member,
// nested ones too — without scanning it: to see what a scan sees, to debug
// a finding that is missing, or to feed the text elsewhere. No Engine is
// needed.
//
// fn receives the text as *TextPiece events, in order (see TextPiece for
// how pieces of members interleave), and the end of every file and member
// as a *FileReport, a member's before its container's, whose Status and
// Reason say what could not be read (an encrypted entry, a corrupt file, a
// limit passed); nothing is scanned, so their Findings are 0. Documents and their members are extracted as UTF-8; plain
// text files are passed as stored, in their own encoding. fn may be nil.
//
// Only the limit options apply: MaxDepth, MaxExtracted, MaxRatio,
// MaxMembers and MaxBuffer. Any other Option makes ExtractTextFile return
// an ErrInvalid *Error without reading the file.
//
// Errors are as ScanFile's: nil when the file was handled, whatever its
// status; an *Error with ErrIO when it cannot be opened or read (fn has
// received a FileError report, and errors.Is(err, fs.ErrNotExist) tells a
// missing file); the error fn returned (nil for Stop); ctx.Err() if ctx is
// cancelled (checked before each event). A panic in fn is re-raised.
func ExtractTextFile(ctx context.Context, path string, fn func(Event) error, opts ...Option) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return runExtract(ctx, "ExtractTextFile", path, fn, opts,
		func(copts *C.piiscan_options, h C.uintptr_t) (C.piiscan_status, error) {
			rc, errno := C.pgo_extract_text_file(cpath, copts, h)
			return rc, errno
		})
}

// ExtractTextBlob is ExtractTextFile for the bytes of a file held in
// memory; name is the path used in text pieces and reports ("-" if empty),
// and the hint that breaks type ties (".eml").
func ExtractTextBlob(ctx context.Context, data []byte, name string, fn func(Event) error, opts ...Option) error {
	cname, free := cName(name)
	defer free()
	return runExtract(ctx, "ExtractTextBlob", name, fn, opts,
		func(copts *C.piiscan_options, h C.uintptr_t) (C.piiscan_status, error) {
			return C.pgo_extract_text_blob(cBytes(data), C.size_t(len(data)), cname, copts, h), nil
		})
}

// runExtract is what the extraction functions share: the context check, the
// limit options (freed after the call) and the callback handle around call.
func runExtract(ctx context.Context, op, path string, fn func(Event) error, opts []Option,
	call func(copts *C.piiscan_options, h C.uintptr_t) (C.piiscan_status, error)) error {
	ctx, err := liveCtx(ctx)
	if err != nil {
		return err
	}
	copts, err := extractOptions(op, opts)
	if err != nil {
		return err
	}
	defer C.piiscan_options_free(copts)
	return newState(nil, ctx, "", nil, fn).run(op, path, func(h C.uintptr_t) (C.piiscan_status, error) {
		return call(copts, h)
	})
}

// ExtractText extracts the text of the file at path as ExtractTextFile
// does and returns it joined by path: texts maps the path of the file and
// of each part and member that has text ("a.zip!b.txt",
// "a.zip!c.docx#word/document.xml") to its whole text, and reports are the
// FileReports in the order they came (a member's before its container's;
// the last is the file's own). Like Python's piiscan.extract_text(path,
// as_bytes=True, with_status=True).
//
// Options and errors are as ExtractTextFile's; on an error, texts and
// reports hold what was extracted before it (for ErrIO, the FileError
// report).
func ExtractText(ctx context.Context, path string, opts ...Option) (texts map[string][]byte, reports []FileReport, err error) {
	texts = map[string][]byte{}
	err = ExtractTextFile(ctx, path, func(ev Event) error {
		switch ev := ev.(type) {
		case *TextPiece:
			texts[ev.Path] = append(texts[ev.Path], ev.Text...)
		case *FileReport:
			reports = append(reports, *ev)
		}
		return nil
	}, opts...)
	return texts, reports, err
}
