package piiscan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const wordNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// makeDocx builds a minimal docx: one paragraph per element of paras, each
// paragraph's runs in separate <w:t> elements (so a value is split across
// runs, as Word does after an edit).
func makeDocx(paras ...[]string) []byte {
	var body strings.Builder
	for _, runs := range paras {
		body.WriteString("<w:p>")
		for _, r := range runs {
			fmt.Fprintf(&body, `<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>`, r)
		}
		body.WriteString("</w:p>")
	}
	return makeZip(
		zipEntry{name: "[Content_Types].xml", data: []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`)},
		zipEntry{name: "word/document.xml", data: []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<w:document xmlns:w="` + wordNS + `"><w:body>` + body.String() + `</w:body></w:document>`)},
	)
}

// extractFixture is a zip holding a text file, a docx whose RRN is split
// across three runs, and an entry encrypted with a password.
func extractFixture() []byte {
	docx := makeDocx([]string{"주민번호 9001", "01-12", "34568 입니다"}, []string{"둘째 ", "문단"})
	return makeZip(
		zipEntry{name: "b.txt", data: []byte("연락처 010-2345-6789\n")},
		zipEntry{name: "x.docx", data: docx},
		zipEntry{name: "secret.txt", data: []byte(doc), password: "pw"},
	)
}

// extractEvent is one event of an extraction, text pieces of one path
// joined.
type extractEvent struct {
	kind, path, text string // kind "text" or "report"; text: the report's status
}

func collectExtract(t testing.TB, run func(fn func(Event) error) error) ([]extractEvent, []FileReport) {
	t.Helper()
	var evs []extractEvent
	var reps []FileReport
	err := run(func(ev Event) error {
		switch ev := ev.(type) {
		case *TextPiece:
			if n := len(evs); n > 0 && evs[n-1].kind == "text" && evs[n-1].path == ev.Path {
				evs[n-1].text += string(ev.Text)
			} else {
				evs = append(evs, extractEvent{"text", ev.Path, string(ev.Text)})
			}
		case *FileReport:
			evs = append(evs, extractEvent{"report", ev.Path, ev.Status.String()})
			reps = append(reps, *ev)
		default:
			t.Errorf("unexpected event %T", ev)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("extraction: %v", err)
	}
	return evs, reps
}

func TestExtractTextArchiveAndDocx(t *testing.T) {
	z := writeFile(t, t.TempDir(), "a.zip", extractFixture())
	evs, reps := collectExtract(t, func(fn func(Event) error) error {
		return ExtractTextFile(context.Background(), z, fn)
	})
	want := []extractEvent{
		{"text", z + "!b.txt", "연락처 010-2345-6789\n"},
		{"report", z + "!b.txt", "ok"},
		// The runs of a paragraph are joined, paragraphs end with a line
		// break; a document's parts are named with '#'.
		{"text", z + "!x.docx#word/document.xml", "주민번호 900101-1234568 입니다\n둘째 문단"},
		{"report", z + "!x.docx", "ok"},
		{"report", z + "!secret.txt", "encrypted"},
		{"report", z, "encrypted"},
	}
	if !reflect.DeepEqual(evs, want) {
		t.Fatalf("events:\n got %q\nwant %q", evs, want)
	}
	for i, w := range []struct {
		depth  int
		format string
	}{{1, "text"}, {1, "docx"}, {1, ""}, {0, "zip"}} {
		r := reps[i]
		if r.Depth != w.depth || (w.format != "" && r.Format != w.format) || r.Findings != 0 {
			t.Errorf("report %d = %+v, want depth %d format %q", i, r, w.depth, w.format)
		}
	}
	if reps[0].TextBytes != int64(len("연락처 010-2345-6789\n")) {
		t.Errorf("TextBytes = %d", reps[0].TextBytes)
	}
	if reps[2].Reason == "" || reps[3].Reason == "" || strings.Contains(reps[3].Reason, "1234568") {
		t.Errorf("reasons %q, %q", reps[2].Reason, reps[3].Reason)
	}

	// ExtractText joins the pieces by path and keeps the reports in order.
	texts, reports, err := ExtractText(context.Background(), z)
	if err != nil {
		t.Fatal(err)
	}
	wantTexts := map[string][]byte{
		z + "!b.txt":                    []byte("연락처 010-2345-6789\n"),
		z + "!x.docx#word/document.xml": []byte("주민번호 900101-1234568 입니다\n둘째 문단"),
	}
	if !reflect.DeepEqual(texts, wantTexts) {
		t.Errorf("ExtractText texts = %q", texts)
	}
	if !reflect.DeepEqual(reports, reps) {
		t.Errorf("ExtractText reports = %v, want %v", reports, reps)
	}

	// The same bytes in memory give the same text under the given name.
	data := extractFixture()
	evs, _ = collectExtract(t, func(fn func(Event) error) error {
		return ExtractTextBlob(context.Background(), data, "mem.zip", fn)
	})
	if len(evs) != len(want) {
		t.Fatalf("blob events %q", evs)
	}
	for i := range want {
		w := want[i]
		w.path = "mem.zip" + strings.TrimPrefix(w.path, z)
		if evs[i] != w {
			t.Errorf("blob event %d = %q, want %q", i, evs[i], w)
		}
	}
	evs, _ = collectExtract(t, func(fn func(Event) error) error {
		return ExtractTextBlob(context.Background(), data, "", fn)
	})
	if evs[0].path != "-!b.txt" || evs[len(evs)-1].path != "-" {
		t.Errorf("unnamed blob: %q", evs)
	}
}

func TestExtractTextPlainFiles(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "list.txt", []byte(doc))
	texts, reps, err := ExtractText(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(texts, map[string][]byte{p: []byte(doc)}) {
		t.Errorf("texts = %q", texts)
	}
	if len(reps) != 1 || reps[0].Path != p || reps[0].Status != FileOK || reps[0].Format != "text" ||
		reps[0].Depth != 0 || reps[0].TextBytes != int64(len(doc)) || reps[0].Size != int64(len(doc)) {
		t.Errorf("reports = %+v", reps)
	}

	// A large file arrives in several pieces, joined in order.
	var big bytes.Buffer
	for i := 0; big.Len() < 300<<10; i++ {
		fmt.Fprintf(&big, "줄 %d %s\n", i, rawRRN)
	}
	p = writeFile(t, dir, "big.txt", big.Bytes())
	pieces := 0
	var got []byte
	err = ExtractTextFile(context.Background(), p, func(ev Event) error {
		if tp, ok := ev.(*TextPiece); ok {
			pieces++
			got = append(got, tp.Text...)
		}
		return nil
	})
	if err != nil || pieces < 2 || !bytes.Equal(got, big.Bytes()) {
		t.Errorf("big file: %v, %d pieces, %d of %d bytes", err, pieces, len(got), big.Len())
	}

	// An empty file has no text, and a report.
	p = writeFile(t, dir, "empty.txt", nil)
	texts, reps, err = ExtractText(context.Background(), p)
	if err != nil || len(texts) != 0 || len(reps) != 1 || reps[0].Status != FileOK {
		t.Errorf("empty file: %q, %v, %v", texts, reps, err)
	}
	// So has an empty blob.
	evs, _ := collectExtract(t, func(fn func(Event) error) error {
		return ExtractTextBlob(context.Background(), nil, "empty", fn)
	})
	if len(evs) != 1 || evs[0] != (extractEvent{"report", "empty", "ok"}) {
		t.Errorf("empty blob: %q", evs)
	}
}

func TestExtractTextCorruptAndMissing(t *testing.T) {
	dir := t.TempDir()
	// A zip cut in half: handled (no error), the damage is in the reports.
	z := extractFixture()
	cut := writeFile(t, dir, "cut.zip", z[:len(z)/2])
	texts, reps, err := ExtractText(context.Background(), cut)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) == 0 || reps[len(reps)-1].Path != cut || reps[len(reps)-1].Status != FileError ||
		reps[len(reps)-1].Reason == "" {
		t.Errorf("cut zip reports %v", reps)
	}
	if string(texts[cut+"!b.txt"]) != "연락처 010-2345-6789\n" {
		t.Errorf("text before the damage is kept: %q", texts)
	}

	// A file that cannot be opened is an ErrIO, and a FileError report.
	missing := filepath.Join(dir, "missing.zip")
	texts, reps, err = ExtractText(context.Background(), missing)
	if !errors.Is(err, ErrIO) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
	var pe *Error
	if !errors.As(err, &pe) || pe.Op != "ExtractTextFile" || pe.Path != missing ||
		err.Error() != "piiscan: ExtractTextFile: "+missing+": input/output error: no such file or directory" {
		t.Errorf("error %#v: %q", pe, err)
	}
	if len(texts) != 0 || len(reps) != 1 || reps[0].Status != FileError || !strings.Contains(reps[0].Reason, "cannot open") {
		t.Errorf("missing: %q, %v", texts, reps)
	}
}

func TestExtractTextLimits(t *testing.T) {
	z := writeFile(t, t.TempDir(), "a.zip", extractFixture())
	// MaxDepth(1) still reads the members (depth 1) and the docx's parts.
	texts, _, err := ExtractText(context.Background(), z, MaxDepth(1))
	if err != nil || len(texts) != 2 {
		t.Errorf("MaxDepth(1): %q, %v", texts, err)
	}
	// MaxDepth(0): no member is opened; each is reported skipped.
	texts, reps, err := ExtractText(context.Background(), z, MaxDepth(0))
	if err != nil || len(texts) != 0 {
		t.Fatalf("MaxDepth(0): %q, %v", texts, err)
	}
	for _, r := range reps[:2] {
		if r.Status != FileSkipped || r.Reason != "nested deeper than 0 levels (limit)" {
			t.Errorf("MaxDepth(0): %v", r)
		}
	}
	// A limit out of range, and options that are not limits, are rejected
	// before anything is read.
	for _, c := range []struct {
		opt Option
		msg string
	}{
		{MaxDepth(65), "piiscan: ExtractTextFile: MaxDepth(65) out of range: invalid argument or call order"},
		{MinConfidence(ConfidenceHigh), "piiscan: ExtractTextFile: MinConfidence(3) is not a limit option"},
		{ExposeRaw(true), "piiscan: ExtractTextFile: ExposeRaw(1) is not a limit option"},
		{Types("kr_rrn"), "piiscan: ExtractTextFile: Types is not a limit option"},
		{PatternsText("x.pat", "[x]\nregex = x\n"), "piiscan: ExtractTextFile: PatternsFile/PatternsText is not a limit option"},
	} {
		called := false
		err := ExtractTextFile(context.Background(), z, func(Event) error { called = true; return nil },
			MaxMembers(10), c.opt)
		if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), c.msg) || called {
			t.Errorf("%s: %v (called %t)", c.msg, err, called)
		}
		err = ExtractTextBlob(context.Background(), []byte("x"), "x", nil, c.opt)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "ExtractTextBlob") {
			t.Errorf("blob %s: %v", c.msg, err)
		}
	}
	// nil options are ignored, as by NewEngine.
	if err := ExtractTextFile(context.Background(), z, nil, nil, MaxRatio(100), MaxExtracted(1<<30), MaxBuffer(1<<20)); err != nil {
		t.Errorf("limits: %v", err)
	}
}

func TestExtractTextCallbackStopErrorPanicCancel(t *testing.T) {
	z := writeFile(t, t.TempDir(), "a.zip", extractFixture())
	ctx := context.Background()
	n := 0
	if err := ExtractTextFile(ctx, z, func(Event) error { n++; return Stop }); err != nil || n != 1 {
		t.Errorf("Stop: %v after %d events", err, n)
	}
	mine := errors.New("mine")
	n = 0
	err := ExtractTextFile(ctx, z, func(ev Event) error {
		if n++; n == 2 {
			return fmt.Errorf("wrapped: %w", mine)
		}
		return nil
	})
	if !errors.Is(err, mine) || n != 2 {
		t.Errorf("error: %v after %d events", err, n)
	}
	n = 0
	err = ExtractTextBlob(ctx, extractFixture(), "a.zip", func(Event) error { n++; return mine })
	if err != mine || n != 1 {
		t.Errorf("blob error: %v after %d events", err, n)
	}
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want boom", r)
			}
		}()
		_ = ExtractTextFile(ctx, z, func(Event) error { panic("boom") })
		t.Error("no panic")
	}()

	// Cancelled during the extraction: no event after the cancellation.
	cctx, cancel := context.WithCancel(ctx)
	n = 0
	err = ExtractTextFile(cctx, z, func(Event) error {
		n++
		cancel()
		return nil
	})
	if err != context.Canceled || n != 1 {
		t.Errorf("cancel: %v after %d events", err, n)
	}
	// Cancelled before: nothing is read.
	n = 0
	if err := ExtractTextFile(cctx, z, func(Event) error { n++; return nil }); err != context.Canceled || n != 0 {
		t.Errorf("cancelled ctx: %v, %d events", err, n)
	}
	texts, reps, err := ExtractText(cctx, z)
	if err != context.Canceled || len(texts) != 0 || len(reps) != 0 {
		t.Errorf("ExtractText cancelled: %v", err)
	}
	dctx, dcancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer dcancel()
	if err := ExtractTextBlob(dctx, extractFixture(), "a.zip", nil); err != context.DeadlineExceeded {
		t.Errorf("deadline: %v", err)
	}
	// A nil context is Background, as for ScanFile.
	if err := ExtractTextFile(nil, z, nil); err != nil {
		t.Errorf("nil ctx: %v", err)
	}
}

func TestTextPieceNeverPrinted(t *testing.T) {
	p := TextPiece{Path: "a.zip!b.txt", Text: []byte("주민번호 " + rawRRN)}
	holder := struct {
		P  TextPiece
		PP *TextPiece
		PS []TextPiece
		E  Event
	}{p, &p, []TextPiece{p}, &p}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %[1]v"} {
		outs = append(outs, fmt.Sprintf(verb, p), fmt.Sprintf(verb, &p), fmt.Sprintf(verb, holder))
	}
	j, err := json.Marshal(holder)
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, fmt.Sprint(p), p.String(), p.GoString(), string(j))
	for _, o := range outs {
		if strings.Contains(o, "1234568") || strings.Contains(o, "주민") || strings.Contains(o, "393030313031") {
			t.Errorf("text printed: %s", o)
		}
	}
	if s := p.String(); s != "a.zip!b.txt: 27 bytes of text" {
		t.Errorf("String = %q", s)
	}
	if s := fmt.Sprintf("%#v", p); s != `piiscan.TextPiece{Path:"a.zip!b.txt", Text:<27 bytes>}` {
		t.Errorf("GoString = %q", s)
	}
}

// Extractions need no engine and run in parallel (go test -race).
func TestExtractTextConcurrent(t *testing.T) {
	z := writeFile(t, t.TempDir(), "a.zip", extractFixture())
	want, wantReps, err := ExtractText(context.Background(), z)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				got, reps, err := ExtractText(context.Background(), z)
				if err != nil || !reflect.DeepEqual(got, want) || !reflect.DeepEqual(reps, wantReps) {
					t.Errorf("concurrent extraction: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
