package piiscan

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestStreamWriter(t *testing.T) {
	e := newEngine(t)
	want := scanOK(t, e, []byte(doc))
	for i := range want {
		want[i].Path = "mail"
	}

	// io.Copy through a MultiWriter: the data reaches its destination and
	// is scanned on the way.
	var got []Finding
	s, err := e.NewStream("mail", func(f Finding) error { got = append(got, f); return nil })
	if err != nil {
		t.Fatal(err)
	}
	var dst bytes.Buffer
	if _, err := io.Copy(io.MultiWriter(&dst, s), strings.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if dst.String() != doc || !reflect.DeepEqual(got, want) {
		t.Fatalf("MultiWriter: %v, want %v", got, want)
	}
	if err := s.Close(); err != nil {
		t.Error("second Close:", err)
	}
	if n, err := s.Write([]byte("x")); n != 0 || !errors.Is(err, ErrInvalid) {
		t.Errorf("Write after Close: %d, %v", n, err)
	}

	// One byte per Write.
	got = nil
	s, _ = e.NewStream("mail", func(f Finding) error { got = append(got, f); return nil })
	for i := 0; i < len(doc); i++ {
		if n, err := s.Write([]byte{doc[i]}); n != 1 || err != nil {
			t.Fatal(n, err)
		}
	}
	if n, err := s.Write(nil); n != 0 || err != nil {
		t.Fatal("empty write:", n, err)
	}
	if err := s.Close(); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("one byte per write: %v, %v", got, err)
	}

	// Stop: later writes are accepted and ignored.
	n := 0
	s, _ = e.NewStream("", func(Finding) error { n++; return Stop })
	for i := 0; i < 3; i++ {
		if w, err := s.Write([]byte(doc)); w != len(doc) || err != nil {
			t.Fatalf("write after Stop: %d, %v", w, err)
		}
	}
	if err := s.Close(); err != nil || n != 1 {
		t.Errorf("Stop: %v after %d findings", err, n)
	}

	// An error of the callback ends the stream and sticks. (Findings near
	// the end of a write wait for the next one: write enough.)
	big := []byte(strings.Repeat(doc, 600))
	mine := errors.New("mine")
	s, _ = e.NewStream("", func(Finding) error { return mine })
	if w, err := s.Write(big); w != 0 || err != mine {
		t.Errorf("error: %d, %v", w, err)
	}
	if _, err := s.Write([]byte(doc)); err != mine {
		t.Errorf("second write: %v", err)
	}
	if err := s.Close(); err != mine {
		t.Errorf("Close: %v", err)
	}

	// A panic is re-raised by the Write; the stream is then dead, the
	// engine fine.
	s, _ = e.NewStream("", func(Finding) error { panic("boom") })
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v", r)
			}
		}()
		s.Write(big)
	}()
	if _, err := s.Write([]byte(doc)); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("write after a panic: %v", err)
	}
	if err := s.Close(); err == nil {
		t.Error("Close after a panic: nil")
	}
	if fs := scanOK(t, e, []byte(doc)); len(fs) != 6 {
		t.Errorf("engine after a panic: %v", fs)
	}
}

// A Stream keeps its engine alive; one never closed is freed by its
// finalizer, and then the closed engine is freed too.
func TestStreamFinalizer(t *testing.T) {
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	func() {
		s, err := e.NewStream("leaked", func(Finding) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		s.Write([]byte(doc))
	}()
	e.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		e.mu.Lock()
		freed := e.c == nil
		e.mu.Unlock()
		if freed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the leaked stream was not finalized")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := e.NewStream("", nil); err != ErrClosed {
		t.Errorf("NewStream after Close: %v", err)
	}
}
