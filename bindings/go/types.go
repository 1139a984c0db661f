package piiscan

// #include <piiscan.h>
import "C"

import (
	"fmt"
	"strconv"
	"strings"
)

// Validation says how a finding was validated, weakest first.
type Validation int

// Values of Validation (piiscan_validation).
const (
	ValidationContext    Validation = 1 // shape plus a context keyword (no checksum exists)
	ValidationStructural Validation = 2 // shape plus structure (date, prefix, numbering plan)
	ValidationChecksum   Validation = 3 // a check digit or Luhn passed
)

// String returns "checksum", "structural" or "context".
func (v Validation) String() string {
	switch v {
	case ValidationContext:
		return "context"
	case ValidationStructural:
		return "structural"
	case ValidationChecksum:
		return "checksum"
	}
	return "Validation(" + strconv.Itoa(int(v)) + ")"
}

// MarshalText encodes v as its name, as in the CLI's JSON output.
func (v Validation) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText decodes a name written by MarshalText.
func (v *Validation) UnmarshalText(b []byte) error {
	for _, c := range []Validation{ValidationContext, ValidationStructural, ValidationChecksum} {
		if c.String() == string(b) {
			*v = c
			return nil
		}
	}
	return fmt.Errorf("piiscan: unknown validation %q", b)
}

// Confidence is how sure the library is that a finding is real personal data.
type Confidence int

// Values of Confidence (piiscan_confidence).
const (
	ConfidenceLow    Confidence = 1
	ConfidenceMedium Confidence = 2
	ConfidenceHigh   Confidence = 3
)

// String returns "low", "medium" or "high".
func (c Confidence) String() string {
	switch c {
	case ConfidenceLow:
		return "low"
	case ConfidenceMedium:
		return "medium"
	case ConfidenceHigh:
		return "high"
	}
	return "Confidence(" + strconv.Itoa(int(c)) + ")"
}

// MarshalText encodes c as its name, as in the CLI's JSON output.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes a name written by MarshalText.
func (c *Confidence) UnmarshalText(b []byte) error {
	for _, v := range []Confidence{ConfidenceLow, ConfidenceMedium, ConfidenceHigh} {
		if v.String() == string(b) {
			*c = v
			return nil
		}
	}
	return fmt.Errorf("piiscan: unknown confidence %q", b)
}

// Event is what a file scan delivers to its callback: a *Finding or a
// *FileReport. Use a type switch:
//
//	switch ev := ev.(type) {
//	case *piiscan.Finding:
//	case *piiscan.FileReport:
//	}
//
// Text extraction (ExtractTextFile, ExtractTextBlob) delivers a *TextPiece
// or a *FileReport instead.
//
// Each event is a new value that the callback may keep.
type Event interface {
	isEvent()
}

// Finding is one value found. Its String and Format methods, and its JSON
// encoding, show only the masked rendition, never the raw value.
type Finding struct {
	Type     string `json:"type"`                // type id: "kr_rrn", "card", "email", ...
	TypeName string `json:"type_name,omitempty"` // human-readable name of the type
	// Path names where the value was found: for file scans the file or
	// archive member ("share/a.zip!hr/list.txt"), for ScanReader the name
	// given to it, for Scan "".
	Path string `json:"path,omitempty"`
	Line int    `json:"line"` // 1-based line number
	// Offset and Length count bytes of the input in its own encoding (for
	// documents and archive members: of the extracted UTF-8 text).
	Offset     int64      `json:"offset"`
	Length     int        `json:"length"`
	Masked     bool       `json:"masked"` // the value was already masked in the source (compliant storage)
	Validation Validation `json:"validation"`
	Confidence Confidence `json:"confidence"`
	MaskedText string     `json:"match"` // masked rendition, always safe to print or log
	// Raw is the value as UTF-8, set only when the engine was made with
	// ExposeRaw(true); otherwise "". It is never printed by String, Format or
	// encoding/json: read it explicitly.
	Raw string `json:"-"`
	// Fingerprint is the keyed fingerprint of the value (64 lower-case hex
	// digits; see Fingerprint) when the engine was made with FingerprintKey;
	// otherwise "". Safe to print and store: it is what the CLI writes as
	// "fingerprint" with --fingerprint-key.
	Fingerprint string `json:"fingerprint,omitempty"`
}

func (*Finding) isEvent() {}

// String describes f with its masked rendition only, e.g.
// `kr_rrn a.zip!x.txt:3 offset 20: 900101-1****** (checksum, high)`.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(f.Type)
	b.WriteByte(' ')
	if f.Path != "" {
		b.WriteString(f.Path)
		b.WriteByte(':')
	} else {
		b.WriteString("line ")
	}
	b.WriteString(strconv.Itoa(f.Line))
	b.WriteString(" offset ")
	b.WriteString(strconv.FormatInt(f.Offset, 10))
	b.WriteString(": ")
	b.WriteString(f.MaskedText)
	b.WriteString(" (")
	b.WriteString(f.Validation.String())
	b.WriteString(", ")
	b.WriteString(f.Confidence.String())
	if f.Masked {
		b.WriteString(", masked")
	}
	b.WriteByte(')')
	return b.String()
}

// GoString is like %#v of the struct, with Raw shown only as whether it is set.
func (f Finding) GoString() string {
	raw := `""`
	if f.Raw != "" {
		raw = "<redacted>"
	}
	return fmt.Sprintf("piiscan.Finding{Type:%q, TypeName:%q, Path:%q, Line:%d, Offset:%d, "+
		"Length:%d, Masked:%t, Validation:%s, Confidence:%s, MaskedText:%q, Raw:%s, Fingerprint:%q}",
		f.Type, f.TypeName, f.Path, f.Line, f.Offset, f.Length, f.Masked,
		goName("Validation", f.Validation.String()), goName("Confidence", f.Confidence.String()),
		f.MaskedText, raw, f.Fingerprint)
}

// goName gives the Go name of a constant: goName("Confidence", "high") is
// "piiscan.ConfidenceHigh".
func goName(typ, name string) string {
	if strings.HasPrefix(name, typ+"(") {
		return name
	}
	return "piiscan." + typ + strings.ToUpper(name[:1]) + name[1:]
}

// Format makes every fmt verb print String (%#v prints GoString), so no
// verb (%d, %x, %+v...) can print the raw value.
func (f Finding) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('#') {
		fmt.Fprint(s, f.GoString())
		return
	}
	fmt.Fprint(s, f.String())
}

// FileStatus says what happened to one file or archive member.
type FileStatus int

// Values of FileStatus (piiscan_file_status).
const (
	FileOK          FileStatus = 0 // read completely
	FileEncrypted   FileStatus = 1 // password-protected; Reason names the protection
	FileProtected   FileStatus = 2 // DRM or HWP distribution document whose text could not be read
	FileError       FileStatus = 3 // unreadable, corrupt or truncated; findings before the error are kept
	FileSkipped     FileStatus = 4 // a limit was passed (Reason names it); findings before it are kept
	FileUnsupported FileStatus = 5 // no text to scan (image, audio, video)
)

// String returns "ok", "encrypted", "protected", "error", "skipped" or
// "unsupported", as in the CLI's reports.
func (s FileStatus) String() string {
	switch s {
	case FileOK, FileEncrypted, FileProtected, FileError, FileSkipped, FileUnsupported:
		return C.GoString(C.piiscan_file_status_name(C.piiscan_file_status(s)))
	}
	return "FileStatus(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText encodes s as its name.
func (s FileStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a name written by MarshalText.
func (s *FileStatus) UnmarshalText(b []byte) error {
	for v := FileOK; v <= FileUnsupported; v++ {
		if v.String() == string(b) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("piiscan: unknown file status %q", b)
}

// FileReport is the end of one file or archive member in a file scan. A
// member's report comes before its container's, so every file and member
// that was not read completely is accounted for.
type FileReport struct {
	Path      string     `json:"path"`             // as in Finding.Path ("a.zip!hr/list.txt")
	Depth     int        `json:"depth"`            // 0 for the file named by the caller
	Format    string     `json:"format"`           // "text", "zip", "docx", "hwp", "pdf", "eml", ...
	Status    FileStatus `json:"status"`           // what happened to it
	Reason    string     `json:"reason,omitempty"` // why, when Status is not FileOK; never contains scanned data
	Size      int64      `json:"size"`             // bytes as stored (in its container, uncompressed)
	TextBytes int64      `json:"text_bytes"`       // bytes of text scanned in this file itself
	Findings  int64      `json:"findings"`         // findings in this file itself, members not included
}

func (*FileReport) isEvent() {}

// String describes r, e.g. `a.zip!x.txt: encrypted (encrypted archive entry ...)`.
func (r FileReport) String() string {
	s := r.Path + ": " + r.Status.String()
	if r.Reason != "" {
		s += " (" + r.Reason + ")"
	}
	return s
}

// TextPiece is a piece of the text of one file, document part or archive
// member, delivered by ExtractTextFile and ExtractTextBlob. The pieces of
// one Path arrive in order and consecutively, but a member may interrupt
// its container's text (a zip's members, a document's embedded files), so
// join them by Path as ExtractText does.
//
// Text is personal data as much as the file is: its String and Format
// methods show only Path and the length of Text, its JSON encoding only
// Path. Read Text explicitly.
type TextPiece struct {
	// Path names the file or member as in Finding.Path ("a.zip!b.txt");
	// a document's parts are joined with '#' ("a.docx#word/document.xml",
	// "a.zip!b.docx#word/document.xml").
	Path string `json:"path"`
	// Text is UTF-8 for documents and archive members' documents; a plain
	// text file or member is passed as stored, in its own encoding. A new
	// slice for each piece: the callback may keep it.
	Text []byte `json:"-"`
}

func (*TextPiece) isEvent() {}

// String describes p without its text, e.g. `a.zip!b.txt: 12 bytes of text`.
func (p TextPiece) String() string {
	return p.Path + ": " + strconv.Itoa(len(p.Text)) + " bytes of text"
}

// GoString is like %#v of the struct, with Text shown only as its length.
func (p TextPiece) GoString() string {
	return fmt.Sprintf("piiscan.TextPiece{Path:%q, Text:<%d bytes>}", p.Path, len(p.Text))
}

// Format makes every fmt verb print String (%#v prints GoString), so no
// verb (%s, %x, %+v...) can print the text.
func (p TextPiece) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('#') {
		fmt.Fprint(s, p.GoString())
		return
	}
	fmt.Fprint(s, p.String())
}
