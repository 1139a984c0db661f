package piiscan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf16"
)

func scanOK(t testing.TB, e *Engine, data []byte) []Finding {
	t.Helper()
	fs, err := e.Scan(data)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return fs
}

func collectReader(e *Engine, r io.Reader, name string) ([]Finding, error) {
	var out []Finding
	err := e.ScanReader(context.Background(), r, name, func(f Finding) error {
		out = append(out, f)
		return nil
	})
	return out, err
}

func collectFile(e *Engine, path string) ([]Finding, []FileReport, error) {
	var fs []Finding
	var rs []FileReport
	err := e.ScanFile(context.Background(), path, func(ev Event) error {
		switch ev := ev.(type) {
		case *Finding:
			fs = append(fs, *ev)
		case *FileReport:
			rs = append(rs, *ev)
		}
		return nil
	})
	return fs, rs, err
}

func TestScanFindsEachType(t *testing.T) {
	e := newEngine(t)
	fs := scanOK(t, e, []byte(doc))
	want := []struct {
		typ, masked string
		line        int
		offset      int64
		v           Validation
		c           Confidence
		wasMasked   bool
	}{
		{"kr_rrn", "900101-1******", 1, 20, ValidationChecksum, ConfidenceHigh, false},
		{"kr_phone", "010-****-6789", 1, 46, ValidationStructural, ConfidenceHigh, false},
		{"email", "a***@example.com", 1, 66, ValidationStructural, ConfidenceHigh, false},
		{"card", "4111 11** **** 1111", 2, 89, ValidationChecksum, ConfidenceHigh, false},
		{"kr_account", "******-**-**4567", 2, 131, ValidationContext, ConfidenceMedium, false},
		{"kr_rrn", "900101-1******", 3, 165, ValidationStructural, ConfidenceMedium, true},
	}
	if len(fs) != len(want) {
		t.Fatalf("got %d findings, want %d: %v", len(fs), len(want), fs)
	}
	for i, w := range want {
		f := fs[i]
		if f.Type != w.typ || f.MaskedText != w.masked || f.Line != w.line || f.Offset != w.offset ||
			f.Validation != w.v || f.Confidence != w.c || f.Masked != w.wasMasked {
			t.Errorf("finding %d = %#v, want %+v", i, f, w)
		}
		if f.Path != "" || f.Raw != "" || f.TypeName == "" {
			t.Errorf("finding %d: Path %q, Raw set %t, TypeName %q", i, f.Path, f.Raw != "", f.TypeName)
		}
	}
	if fs[0].Length != len(rawRRN) || fs[0].TypeName != "Resident registration number" {
		t.Errorf("RRN finding %#v", fs[0])
	}
	if got := fs[0].String(); got != "kr_rrn line 1 offset 20: 900101-1****** (checksum, high)" {
		t.Errorf("String() = %q", got)
	}
}

func TestScanEmptyAndNil(t *testing.T) {
	e := newEngine(t)
	for _, in := range [][]byte{nil, {}, []byte("nothing personal here\n")} {
		fs, err := e.Scan(in)
		if err != nil || len(fs) != 0 {
			t.Errorf("Scan(%q) = %v, %v", in, fs, err)
		}
	}
}

func TestOptionsChangeFindings(t *testing.T) {
	all := scanOK(t, newEngine(t), []byte(doc))
	count := func(fs []Finding, pred func(Finding) bool) int {
		n := 0
		for _, f := range fs {
			if pred(f) {
				n++
			}
		}
		return n
	}
	onlyRRN := scanOK(t, newEngine(t, Types("kr_rrn")), []byte(doc))
	if len(onlyRRN) != 2 || count(onlyRRN, func(f Finding) bool { return f.Type == "kr_rrn" }) != 2 {
		t.Errorf("Types(kr_rrn): %v", onlyRRN)
	}
	high := scanOK(t, newEngine(t, MinConfidence(ConfidenceHigh)), []byte(doc))
	if len(high) != count(all, func(f Finding) bool { return f.Confidence == ConfidenceHigh }) || len(high) == 0 {
		t.Errorf("MinConfidence(high): %v", high)
	}
	unmasked := scanOK(t, newEngine(t, ReportMasked(false)), []byte(doc))
	if len(unmasked) != len(all)-1 || count(unmasked, func(f Finding) bool { return f.Masked }) != 0 {
		t.Errorf("ReportMasked(false): %v", unmasked)
	}
	// A structurally valid RRN whose check digit fails, written bare.
	bare := []byte("번호 9001011234567 끝\n")
	if fs := scanOK(t, newEngine(t, RRNPolicy(RRNChecksumOnly)), bare); len(fs) != 0 {
		t.Errorf("RRNChecksumOnly: %v", fs)
	}
	if fs := scanOK(t, newEngine(t, RRNPolicy(RRNStructural)), bare); len(fs) != 1 ||
		fs[0].Validation != ValidationStructural {
		t.Errorf("RRNStructural: %v", fs)
	}
	// UTF-16LE input: offsets count bytes of the input.
	var u16 bytes.Buffer
	for _, r := range utf16.Encode([]rune("RRN " + rawRRN + "\n")) {
		u16.WriteByte(byte(r))
		u16.WriteByte(byte(r >> 8))
	}
	fs := scanOK(t, newEngine(t, Encoding(EncodingUTF16LE)), u16.Bytes())
	if len(fs) != 1 || fs[0].Offset != 8 || fs[0].Length != 28 {
		t.Errorf("UTF-16LE: %#v", fs)
	}
	// A custom type from pattern-file text, alongside the defaults.
	custom := "[acme_id]\nname = ACME employee id\nregex = ACME-{{DIGIT}}{6}{{RB}}\ntrigger = digits 6 prefix 5\n"
	e := newEngine(t, PatternsText("acme.pat", custom), Types("acme_id", "kr_rrn"))
	fs = scanOK(t, e, []byte("사번 ACME-123456, "+rawRRN+"\n"))
	if len(fs) != 2 || fs[0].Type != "acme_id" || fs[0].TypeName != "ACME employee id" || fs[1].Type != "kr_rrn" {
		t.Errorf("custom pattern: %v (types %v)", fs, e.Types())
	}
	if !reflect.DeepEqual(e.Types(), []string{"kr_rrn", "acme_id"}) && !reflect.DeepEqual(e.Types(), []string{"acme_id", "kr_rrn"}) {
		t.Errorf("Types() = %v", e.Types())
	}
}

func TestRawOnlyOnRequestAndNeverPrinted(t *testing.T) {
	if fs := scanOK(t, newEngine(t), []byte(doc)); fs[0].Raw != "" {
		t.Fatal("Raw set without ExposeRaw")
	}
	fs := scanOK(t, newEngine(t, ExposeRaw(true)), []byte(doc))
	if fs[0].Raw != rawRRN || fs[3].Raw != "4111 1111 1111 1111" {
		t.Fatalf("ExposeRaw: Raw = %q, %q", fs[0].Raw, fs[3].Raw)
	}
	f := fs[0]
	holder := struct {
		F  Finding
		P  *Finding
		FS []Finding
	}{f, &f, fs}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %[1]v"} {
		outs = append(outs, fmt.Sprintf(verb, f), fmt.Sprintf(verb, &f), fmt.Sprintf(verb, fs), fmt.Sprintf(verb, holder))
	}
	outs = append(outs, fmt.Sprint(f), fmt.Sprintln(fs), f.String(), f.GoString())
	j, err := json.Marshal(holder)
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, string(j))
	for _, o := range outs {
		if strings.Contains(o, "1234568") || strings.Contains(o, "1111 1111") {
			t.Errorf("raw value printed: %s", o)
		}
	}
	if !strings.Contains(f.GoString(), "Raw:<redacted>") || !strings.Contains(f.GoString(), "Validation:piiscan.ValidationChecksum") {
		t.Errorf("GoString = %s", f.GoString())
	}
	var back Finding
	if err := json.Unmarshal(j[bytes.Index(j, []byte(`{"type"`)):bytes.Index(j, []byte(`},"P"`))+1], &back); err != nil {
		t.Fatal(err)
	}
	f.Raw = ""
	if back != f {
		t.Errorf("JSON round trip: %#v != %#v", back, f)
	}
}

// The same findings whatever the chunks a reader yields.
func TestScanReaderMatchesScan(t *testing.T) {
	e := newEngine(t)
	want := scanOK(t, e, []byte(doc))
	check := func(what string, r io.Reader) {
		t.Helper()
		got, err := collectReader(e, r, "")
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n got %v\nwant %v", what, got, want)
		}
	}
	check("one byte at a time", iotest.OneByteReader(strings.NewReader(doc)))
	check("half reads", iotest.HalfReader(strings.NewReader(doc)))
	check("EOF with the last data", iotest.DataErrReader(strings.NewReader(doc)))
	for i := 0; i <= len(doc); i++ {
		check(fmt.Sprintf("split at %d", i), io.MultiReader(strings.NewReader(doc[:i]), strings.NewReader(doc[i:])))
	}

	// Larger than a chunk, so values straddle ScanReader's own reads.
	big := []byte(strings.Repeat(doc, 1500))
	want = scanOK(t, e, big)
	if len(want) != 6*1500 {
		t.Fatalf("big: %d findings", len(want))
	}
	got, err := collectReader(e, bytes.NewReader(big), "")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("big input: %d findings, err %v", len(got), err)
	}
	small := big[:len(doc)*40]
	want = scanOK(t, e, small)
	got, err = collectReader(e, iotest.OneByteReader(bytes.NewReader(small)), "")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("one byte at a time, %d bytes: %d findings, want %d, err %v", len(small), len(got), len(want), err)
	}

	// The name given becomes the Path.
	got, err = collectReader(e, strings.NewReader(doc), "stdin")
	if err != nil || len(got) == 0 || got[0].Path != "stdin" || !strings.HasPrefix(got[0].String(), "kr_rrn stdin:1 offset 20:") {
		t.Fatalf("named stream: %v, %v", got, err)
	}
}

func TestScanReaderErrors(t *testing.T) {
	e := newEngine(t)
	// A read error is returned, wrapped.
	_, err := collectReader(e, iotest.TimeoutReader(iotest.HalfReader(strings.NewReader(doc))), "r")
	if !errors.Is(err, iotest.ErrTimeout) {
		t.Errorf("reader error: %v", err)
	}
	// A reader that never makes progress.
	_, err = collectReader(e, zeroReader{}, "r")
	if !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("no progress: %v", err)
	}
	// A cancelled context: before the start, and between reads.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.ScanReader(ctx, strings.NewReader(doc), "r", func(Finding) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	n := 0
	r := readerFunc(func(p []byte) (int, error) {
		if n++; n == 3 {
			cancel()
		}
		return copy(p, "x"), nil
	})
	if err := e.ScanReader(ctx, r, "r", func(Finding) error { return nil }); !errors.Is(err, context.Canceled) || n != 3 {
		t.Errorf("cancelled between reads: %v after %d reads", err, n)
	}
	// Cancelled in a callback: no further finding is delivered.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	var seen int
	err = e.ScanReader(ctx, strings.NewReader(doc), "r", func(Finding) error {
		seen++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || seen != 1 {
		t.Errorf("cancelled in callback: %v after %d findings", err, seen)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func TestCallbackStopErrorAndPanic(t *testing.T) {
	e := newEngine(t)
	n := 0
	if err := e.ScanFunc([]byte(doc), func(Finding) error { n++; return Stop }); err != nil || n != 1 {
		t.Errorf("Stop: %v after %d", err, n)
	}
	mine := errors.New("mine")
	n = 0
	if err := e.ScanFunc([]byte(doc), func(Finding) error { n++; return mine }); err != mine || n != 1 {
		t.Errorf("error: %v after %d", err, n)
	}
	n = 0
	err := e.ScanReader(context.Background(), strings.NewReader(doc), "r", func(Finding) error {
		if n++; n == 2 {
			return fmt.Errorf("wrapped: %w", mine)
		}
		return nil
	})
	if !errors.Is(err, mine) || n != 2 {
		t.Errorf("ScanReader error: %v after %d", err, n)
	}
	// A panic in a callback reaches the caller, and the engine (and the
	// scratch the scan used) stays usable.
	for _, scan := range []func(func(Finding) error) error{
		func(fn func(Finding) error) error { return e.ScanFunc([]byte(doc), fn) },
		func(fn func(Finding) error) error {
			return e.ScanReader(context.Background(), strings.NewReader(doc), "", fn)
		},
	} {
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Errorf("recovered %v, want boom", r)
				}
			}()
			_ = scan(func(Finding) error { panic("boom") })
			t.Error("no panic")
		}()
		if fs := scanOK(t, e, []byte(doc)); len(fs) != 6 {
			t.Errorf("after a panic: %v", fs)
		}
	}
	// A callback may scan again with the same engine (another scratch).
	var inner []Finding
	err = e.ScanFunc([]byte(doc), func(f Finding) error {
		fs, err := e.Scan([]byte(rawRRN))
		inner = append(inner, fs...)
		return err
	})
	if err != nil || len(inner) != 6 {
		t.Errorf("nested scans: %v, %d", err, len(inner))
	}
}

func TestBadOptions(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		opts []Option
		code Code
		msg  string
	}{
		{"depth", []Option{MaxDepth(1000)}, ErrInvalid, "MaxDepth(1000) out of range"},
		{"confidence", []Option{MinConfidence(Confidence(9))}, ErrInvalid, "MinConfidence(9)"},
		{"encoding", []Option{Encoding(TextEncoding(-1))}, ErrInvalid, "Encoding(-1)"},
		{"policy", []Option{RRNPolicy(RRNMode(5))}, ErrInvalid, "RRNPolicy(5)"},
		{"ratio", []Option{MaxRatio(-3)}, ErrInvalid, "MaxRatio(-3)"},
		{"unknown type", []Option{Types("kr_rrn", "nope")}, ErrUnknownType, `unknown type "nope"`},
		{"no type", []Option{Types()}, ErrInvalid, "no type given"},
		{"missing pattern file", []Option{PatternsFile(filepath.Join(dir, "missing.pat"))}, ErrIO, "missing.pat"},
		{"bad regex", []Option{PatternsText("bad.pat", "# custom\n[acme_id]\nregex = ACME-(\n")}, ErrPattern, "bad.pat:3: "},
		{"bad file", []Option{PatternsFile(writeFile(t, dir, "bad.pat", []byte("[x]\nnonsense\n")))}, ErrPattern, "bad.pat:2: "},
	}
	for _, c := range cases {
		e, err := NewEngine(c.opts...)
		if e != nil || !errors.Is(err, c.code) {
			t.Errorf("%s: %v, %v; want %v", c.name, e, err, c.code)
			continue
		}
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != c.code || pe.Op != "NewEngine" || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %#v (%q), want %q", c.name, pe, err, c.msg)
		}
		if !strings.HasPrefix(err.Error(), "piiscan: NewEngine: ") {
			t.Errorf("%s: %q", c.name, err)
		}
	}
	_, err := NewEngine(PatternsFile(filepath.Join(dir, "missing.pat")))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing pattern file is not os.ErrNotExist: %v", err)
	}
	_, err = NewEngine(PatternsText("bad.pat", "[acme_id]\nregex = ACME-(\n"))
	var pe *Error
	if !errors.As(err, &pe) || pe.Line != 2 || pe.Path != "bad.pat" || pe.Type != "acme_id" || pe.Msg == "" {
		t.Errorf("pattern error details: %#v", pe)
	}
	// Sentinels are the codes of piiscan.h and print its text.
	if ErrIO.Error() != "piiscan: input/output error" || Code(-1) != ErrInvalid {
		t.Errorf("ErrIO = %q", ErrIO.Error())
	}
	if errors.Is(err, ErrIO) || errors.Is(ErrClosed, ErrIO) || !errors.Is(ErrClosed, ErrInvalid) {
		t.Error("errors.Is matches the wrong code")
	}
}

func TestClosedEngine(t *testing.T) {
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	scanOK(t, e, []byte(doc))
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if e.c != nil || e.opts != nil || e.idle != nil {
		t.Error("Close did not free the engine and its scratches")
	}
	ctx := context.Background()
	path := writeFile(t, t.TempDir(), "a.txt", []byte(doc))
	var nilEngine *Engine
	for name, err := range map[string]error{
		"Scan":       func() error { _, err := e.Scan([]byte(doc)); return err }(),
		"ScanFunc":   e.ScanFunc([]byte(doc), func(Finding) error { return nil }),
		"ScanReader": e.ScanReader(ctx, strings.NewReader(doc), "", func(Finding) error { return nil }),
		"ScanFile":   e.ScanFile(ctx, path, nil),
		"ScanBlob":   e.ScanBlob(ctx, []byte(doc), "a.txt", nil),
		"nil Engine": func() error { _, err := nilEngine.Scan([]byte(doc)); return err }(),
	} {
		if err != ErrClosed || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	if err := nilEngine.Close(); err != nil || nilEngine.Types() != nil {
		t.Error("nil Engine")
	}
}

// Close while scans run: they finish, the memory goes with the last one.
func TestCloseDuringScans(t *testing.T) {
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	var got []Finding
	err = e.ScanFunc([]byte(doc), func(f Finding) error {
		got = append(got, f)
		if len(got) == 1 {
			e.Close() // from inside a callback: must not deadlock
			if e.c == nil {
				t.Error("engine freed under a running scan")
			}
		}
		return nil
	})
	if err != nil || len(got) != 6 || e.c != nil {
		t.Fatalf("scan across Close: %v, %d findings, engine freed %t", err, len(got), e.c == nil)
	}

	e, err = NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for {
				fs, err := e.Scan([]byte(doc))
				if err == ErrClosed {
					return
				}
				if err != nil || len(fs) != 6 {
					t.Errorf("Scan during Close: %v, %d", err, len(fs))
					return
				}
			}
		}()
	}
	close(start)
	runtime.Gosched()
	e.Close()
	wg.Wait()
	if e.c != nil || e.idle != nil || e.active != 0 {
		t.Errorf("after Close and the last scan: c %v, idle %d, active %d", e.c, len(e.idle), e.active)
	}
}

// The finalizer frees an engine that was never closed.
func TestFinalizer(t *testing.T) {
	before := enginesFinalized.Load()
	for i := 0; i < 20; i++ {
		e, err := NewEngine()
		if err != nil {
			t.Fatal(err)
		}
		scanOK(t, e, []byte(doc))
	}
	deadline := time.Now().Add(5 * time.Second)
	for enginesFinalized.Load()-before < 20 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of 20 unreachable engines finalized", enginesFinalized.Load()-before)
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
}

// One engine shared by 8 goroutines gives each the serial results.
func TestConcurrentSharedEngine(t *testing.T) {
	e := newEngine(t)
	dir := t.TempDir()
	zipPath := writeFile(t, dir, "a.zip", makeZip(
		zipEntry{name: "hr/list.txt", data: []byte(doc)},
		zipEntry{name: "notes.txt", data: []byte("no personal data\n")},
	))
	inputs := [][]byte{[]byte(doc), []byte(strings.Repeat(doc, 200)), []byte("전화 010-9876-5432\n"), nil}
	serial := make([][]Finding, len(inputs))
	for i, in := range inputs {
		serial[i] = scanOK(t, e, in)
	}
	serialFile, serialReports, err := collectFile(e, zipPath)
	if err != nil || len(serialFile) != 6 {
		t.Fatalf("ScanFile: %v, %v", serialFile, err)
	}

	const goroutines, rounds = 8, 40
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		g := g
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				i := (g + r) % len(inputs)
				var got []Finding
				var err error
				switch r % 3 {
				case 0:
					got, err = e.Scan(inputs[i])
				case 1:
					got, err = collectReader(e, iotest.HalfReader(bytes.NewReader(inputs[i])), "")
				case 2:
					var reps []FileReport
					got, reps, err = collectFile(e, zipPath)
					if err == nil && !reflect.DeepEqual(reps, serialReports) {
						t.Errorf("goroutine %d: reports %v, want %v", g, reps, serialReports)
						return
					}
					i = -1
				}
				want := serialFile
				if i >= 0 {
					want = serial[i]
				}
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("goroutine %d round %d: %d findings, want %d, err %v", g, r, len(got), len(want), err)
					return
				}
			}
		}()
	}
	wg.Wait()
	e.mu.Lock()
	idle, active := len(e.idle), e.active
	e.mu.Unlock()
	if active != 0 || idle == 0 || idle > runtime.GOMAXPROCS(0) {
		t.Errorf("pool after the run: %d idle, %d active", idle, active)
	}
}

func TestScanFileArchiveMembers(t *testing.T) {
	e := newEngine(t)
	dir := t.TempDir()
	inner := makeZip(zipEntry{name: "deep.csv", data: []byte("name,rrn\n홍길동," + rawRRN + "\n")})
	zipPath := writeFile(t, dir, "share.zip", makeZip(
		zipEntry{name: "hr/list.txt", data: []byte(doc)},
		zipEntry{name: "readme.txt", data: []byte("nothing here\n")},
		zipEntry{name: "old/inner.zip", data: inner},
	))
	fs, reps, err := collectFile(e, zipPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 7 {
		t.Fatalf("%d findings: %v", len(fs), fs)
	}
	if fs[0].Path != zipPath+"!hr/list.txt" || fs[0].Type != "kr_rrn" || fs[0].Line != 1 || fs[0].Offset != 20 {
		t.Errorf("first finding %#v", fs[0])
	}
	if last := fs[6]; last.Path != zipPath+"!old/inner.zip!deep.csv" || last.Line != 2 || last.MaskedText != "900101-1******" {
		t.Errorf("nested finding %#v", last)
	}
	byPath := map[string]FileReport{}
	for _, r := range reps {
		byPath[strings.TrimPrefix(r.Path, zipPath)] = r
	}
	if len(reps) != 5 || reps[len(reps)-1].Path != zipPath {
		t.Errorf("reports (container last): %v", reps)
	}
	if r := byPath[""]; r.Status != FileOK || r.Depth != 0 || r.Format != "zip" || r.Findings != 0 {
		t.Errorf("container report %#v", r)
	}
	if r := byPath["!hr/list.txt"]; r.Status != FileOK || r.Depth != 1 || r.Findings != 6 || r.TextBytes != int64(len(doc)) {
		t.Errorf("member report %#v", r)
	}
	if r := byPath["!old/inner.zip!deep.csv"]; r.Depth != 2 || r.Findings != 1 {
		t.Errorf("nested member report %#v", r)
	}

	// The same bytes from memory, named.
	data := makeZip(zipEntry{name: "hr/list.txt", data: []byte(doc)})
	var paths []string
	err = e.ScanBlob(context.Background(), data, "upload.zip", func(ev Event) error {
		if f, ok := ev.(*Finding); ok {
			paths = append(paths, f.Path)
		}
		return nil
	})
	if err != nil || len(paths) != 6 || paths[0] != "upload.zip!hr/list.txt" {
		t.Errorf("ScanBlob: %v, %v", paths, err)
	}

	// A limit: members nested deeper than MaxDepth are reported, not opened.
	shallow := newEngine(t, MaxDepth(1))
	fs, reps, err = collectFile(shallow, zipPath)
	if err != nil || len(fs) != 6 {
		t.Fatalf("MaxDepth(1): %v, %v", fs, err)
	}
	skipped := false
	for _, r := range reps {
		if r.Status == FileSkipped && strings.HasPrefix(r.Path, zipPath+"!old/inner.zip") && r.Reason != "" {
			skipped = true
		}
	}
	if !skipped {
		t.Errorf("MaxDepth(1): no skipped report in %v", reps)
	}

	// Stop and cancellation from the callback.
	n := 0
	if err := e.ScanFile(context.Background(), zipPath, func(ev Event) error { n++; return Stop }); err != nil || n != 1 {
		t.Errorf("Stop: %v after %d events", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = e.ScanFile(ctx, zipPath, func(ev Event) error { n++; cancel(); return nil })
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("cancel: %v after %d events", err, n)
	}
	if err := e.ScanFile(ctx, zipPath, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	// No callback at all.
	if err := e.ScanFile(context.Background(), zipPath, nil); err != nil {
		t.Errorf("nil callback: %v", err)
	}
}

func TestScanFileEncryptedZip(t *testing.T) {
	e := newEngine(t)
	zipPath := writeFile(t, t.TempDir(), "enc.zip", makeZip(
		zipEntry{name: "secret/customers.txt", data: []byte(doc), password: "secret"},
		zipEntry{name: "plain.txt", data: []byte("연락처 010-2345-6789\n")},
	))
	fs, reps, err := collectFile(e, zipPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Type != "kr_phone" || fs[0].Path != zipPath+"!plain.txt" {
		t.Errorf("findings: %v", fs)
	}
	var entry, container *FileReport
	for i := range reps {
		switch reps[i].Path {
		case zipPath + "!secret/customers.txt":
			entry = &reps[i]
		case zipPath:
			container = &reps[i]
		}
	}
	if entry == nil || entry.Status != FileEncrypted || !strings.Contains(entry.Reason, "password") {
		t.Errorf("encrypted entry: %v in %v", entry, reps)
	}
	if container == nil || container.Status != FileEncrypted || !strings.Contains(container.Reason, "1 of 2 entries encrypted") {
		t.Errorf("container: %v", container)
	}
	if entry != nil && entry.String() != zipPath+"!secret/customers.txt: encrypted ("+entry.Reason+")" {
		t.Errorf("FileReport.String() = %q", entry.String())
	}
	if b, _ := json.Marshal(entry); !bytes.Contains(b, []byte(`"status":"encrypted"`)) {
		t.Errorf("JSON: %s", b)
	}
}

func TestScanFileMissing(t *testing.T) {
	e := newEngine(t)
	path := filepath.Join(t.TempDir(), "missing.txt")
	fs, reps, err := collectFile(e, path)
	if !errors.Is(err, ErrIO) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
	var pe *Error
	if !errors.As(err, &pe) || pe.Op != "ScanFile" || pe.Path != path ||
		err.Error() != "piiscan: ScanFile: "+path+": input/output error: no such file or directory" {
		t.Errorf("error %#v: %q", pe, err)
	}
	if len(fs) != 0 || len(reps) != 1 || reps[0].Status != FileError || !strings.Contains(reps[0].Reason, "cannot open") {
		t.Errorf("reports %v", reps)
	}
	// A directory is not a file to scan (ScanFile does not walk): it is
	// reported skipped, not silently ignored.
	_, reps, err = collectFile(e, t.TempDir())
	if err != nil || len(reps) != 1 || reps[0].Status != FileSkipped || reps[0].Reason == "" {
		t.Errorf("directory: %v, %v", reps, err)
	}
}

func TestVersion(t *testing.T) {
	if v := Version(); v == "" || strings.Count(v, ".") != 2 {
		t.Errorf("Version() = %q", v)
	}
}

func BenchmarkScan(b *testing.B) {
	e := newEngine(b)
	data := []byte(strings.Repeat(doc, 6000)) // ~1 MB
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Scan(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScanParallelSmall(b *testing.B) {
	e := newEngine(b)
	data := []byte(doc)
	b.SetBytes(int64(len(data)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.Scan(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestScanFilePlainText(t *testing.T) {
	e := newEngine(t, ExposeRaw(true))
	path := writeFile(t, t.TempDir(), "customers.csv", []byte(doc))
	want := scanOK(t, e, []byte(doc))
	for i := range want {
		want[i].Path = path
	}
	fs, reps, err := collectFile(e, path)
	if err != nil || !reflect.DeepEqual(fs, want) {
		t.Fatalf("plain file: %v, %v\nwant %v", fs, err, want)
	}
	if fs[0].Raw != rawRRN {
		t.Errorf("ExposeRaw in a file scan: %q", fs[0].Raw)
	}
	if len(reps) != 1 || reps[0] != (FileReport{Path: path, Format: "text", Status: FileOK,
		Size: int64(len(doc)), TextBytes: int64(len(doc)), Findings: 6}) {
		t.Errorf("report %#v", reps)
	}
	var got []string
	err = e.ScanBlob(context.Background(), []byte(doc), "", func(ev Event) error {
		if f, ok := ev.(*Finding); ok {
			got = append(got, f.Path)
		}
		return nil
	})
	if err != nil || len(got) != 6 || got[0] != "-" {
		t.Errorf("ScanBlob without a name: %v, %v", got, err)
	}
}
