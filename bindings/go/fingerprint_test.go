package piiscan

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// normalise is the documented normalisation (docs/reports.md,
// "Fingerprints"), written here independently of the C code.
func normalise(typ, value string) []byte {
	var b []byte
	for _, r := range value {
		if r >= '０' && r <= '９' {
			r = '0' + (r - '０')
		}
		switch {
		case typ == "email" && r >= 'A' && r <= 'Z':
			b = append(b, byte(r+32))
		case typ == "email":
			b = append(b, string(r)...)
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			b = append(b, byte(r))
		case r >= 'a' && r <= 'z':
			b = append(b, byte(r-32))
		}
	}
	return b
}

// want is the fingerprint computed with crypto/hmac over a message given in full.
func want(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func wantOf(key []byte, typ, value string) string {
	return want(key, typ+":"+string(normalise(typ, value)))
}

var fpKey = []byte("test-key")

func TestFingerprintOfFindings(t *testing.T) {
	raws := scanOK(t, newEngine(t, ExposeRaw(true)), []byte(doc))
	fs := scanOK(t, newEngine(t, FingerprintKey(fpKey)), []byte(doc))
	if len(fs) != len(raws) || len(fs) < 6 {
		t.Fatalf("%d findings with a key, %d without", len(fs), len(raws))
	}
	for i, f := range fs {
		if f.Raw != "" {
			t.Errorf("%s: Raw kept without ExposeRaw", f.Type)
		}
		if w := wantOf(fpKey, f.Type, raws[i].Raw); f.Fingerprint != w {
			t.Errorf("%s: fingerprint %s, hmac %s", f.Type, f.Fingerprint, w)
		}
	}
	// the messages spelled out
	byType := map[string]string{}
	for _, f := range fs {
		if !f.Masked {
			byType[f.Type] = f.Fingerprint
		}
	}
	for typ, msg := range map[string]string{
		"kr_rrn":   "kr_rrn:9001011234568",
		"kr_phone": "kr_phone:01023456789",
		"card":     "card:4111111111111111",
		"email":    "email:a.b@example.com",
	} {
		if byType[typ] != want(fpKey, msg) {
			t.Errorf("%s: %s, want hmac(%q) %s", typ, byType[typ], msg, want(fpKey, msg))
		}
	}
	// no key, no fingerprint
	if f := scanOK(t, newEngine(t), []byte(doc))[0]; f.Fingerprint != "" {
		t.Errorf("fingerprint without a key: %q", f.Fingerprint)
	}
}

func TestFingerprintWithExposeRawKeepsRaw(t *testing.T) {
	for _, opts := range [][]Option{
		{FingerprintKey(fpKey), ExposeRaw(true)},
		{ExposeRaw(true), FingerprintKey(fpKey)},
	} {
		f := scanOK(t, newEngine(t, opts...), []byte(doc))[0]
		if f.Raw != rawRRN || f.Fingerprint != want(fpKey, "kr_rrn:9001011234568") {
			t.Errorf("Raw set %t, fingerprint %s", f.Raw == rawRRN, f.Fingerprint)
		}
	}
	f := scanOK(t, newEngine(t, ExposeRaw(true), ExposeRaw(false), FingerprintKey(fpKey)), []byte(doc))[0]
	if f.Raw != "" {
		t.Error("ExposeRaw(false) after ExposeRaw(true): Raw kept")
	}
}

func TestFingerprintNotPrintedValueNot(t *testing.T) {
	f := scanOK(t, newEngine(t, FingerprintKey(fpKey)), []byte(doc))[0]
	j, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(j), `"fingerprint":"`+f.Fingerprint+`"`) {
		t.Errorf("JSON: %s", j)
	}
	for _, o := range []string{string(j), f.String(), f.GoString()} {
		if strings.Contains(o, "1234568") {
			t.Errorf("raw value printed: %s", o)
		}
	}
	var back Finding
	if err := json.Unmarshal(j, &back); err != nil || back != f {
		t.Errorf("JSON round trip: %#v (%v)", back, err)
	}
}

func TestFingerprintOptionErrors(t *testing.T) {
	for _, k := range [][]byte{nil, {}} {
		if _, err := NewEngine(FingerprintKey(k)); !errors.Is(err, ErrInvalid) {
			t.Errorf("FingerprintKey(%q): %v", k, err)
		}
	}
	err := ExtractTextBlob(context.Background(), []byte("x"), "x", nil, FingerprintKey(fpKey))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "FingerprintKey is not a limit option") {
		t.Errorf("ExtractTextBlob with FingerprintKey: %v", err)
	}
	// the key is copied when the option is made
	k := []byte("test-key")
	opt := FingerprintKey(k)
	k[0] = 'X'
	if f := scanOK(t, newEngine(t, opt), []byte(doc))[0]; f.Fingerprint != want(fpKey, "kr_rrn:9001011234568") {
		t.Error("FingerprintKey did not copy its key")
	}
}

func TestFingerprintFunction(t *testing.T) {
	k := []byte("k")
	for _, c := range []struct{ typ, value, msg string }{
		{"kr_rrn", "900101-1234568", "kr_rrn:9001011234568"},
		{"kr_rrn", "9001011234568", "kr_rrn:9001011234568"},
		{"kr_rrn", "900101 1234568", "kr_rrn:9001011234568"},
		{"kr_rrn", "９００１０１－１２３４５６８", "kr_rrn:9001011234568"},
		{"kr_passport", "m12345678", "kr_passport:M12345678"},
		{"email", "John.Doe@Example.COM", "email:john.doe@example.com"},
		{"email", "AB１@x.kr", "email:ab1@x.kr"},
		{"kr_rrn", "", "kr_rrn:"},
	} {
		got, err := Fingerprint(k, c.typ, []byte(c.value))
		if err != nil || got != want(k, c.msg) {
			t.Errorf("Fingerprint(%s, %q) = %s, %v; hmac(%q) = %s", c.typ, c.value, got, err, c.msg, want(k, c.msg))
		}
		if got != wantOf(k, c.typ, c.value) {
			t.Errorf("normalise(%s, %q) disagrees with the message %q", c.typ, c.value, c.msg)
		}
	}
	if got, _ := Fingerprint([]byte("k\x00ey"), "kr_rrn", []byte("9001011234568")); got != want([]byte("k\x00ey"), "kr_rrn:9001011234568") {
		t.Errorf("binary key: %s", got)
	}
	for _, k := range [][]byte{nil, {}} {
		if _, err := Fingerprint(k, "kr_rrn", []byte("1")); !errors.Is(err, ErrInvalid) {
			t.Errorf("empty key: %v", err)
		}
	}
}

// One engine with a key, many goroutines and every kind of scan (-race).
func TestFingerprintConcurrent(t *testing.T) {
	e := newEngine(t, FingerprintKey(fpKey))
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	rrn := want(fpKey, "kr_rrn:9001011234568")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	check := func(what string, f *Finding) {
		if f.Type == "kr_rrn" && !f.Masked && f.Fingerprint != rrn || f.Fingerprint == "" || f.Raw != "" {
			errs <- errors.New(what + ": " + f.Type + " " + f.Fingerprint)
		}
	}
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				fs, err := e.Scan([]byte(doc))
				if err != nil {
					errs <- err
				}
				for i := range fs {
					check("Scan", &fs[i])
				}
				onEvent := func(what string) func(Event) error {
					return func(ev Event) error {
						if f, ok := ev.(*Finding); ok {
							check(what, f)
						}
						return nil
					}
				}
				if err := e.ScanFile(context.Background(), path, onEvent("ScanFile")); err != nil {
					errs <- err
				}
				if err := e.ScanBlob(context.Background(), []byte(doc), "b.txt", onEvent("ScanBlob")); err != nil {
					errs <- err
				}
				if err := e.ScanTree(context.Background(), dir, onEvent("ScanTree")); err != nil {
					errs <- err
				}
				err = e.ScanReader(context.Background(), strings.NewReader(doc), "r", func(f Finding) error {
					check("ScanReader", &f)
					return nil
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
