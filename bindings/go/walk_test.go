package piiscan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// makeTree builds:
//
//	a.txt            an RRN
//	sub/b.zip        hr/list.txt with the whole doc
//	sub/ignored.txt  left out by .piiscanignore
//	link.txt         a symbolic link to a.txt
//	.piiscanignore
func makeTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "a.txt", []byte("주민번호 "+rawRRN+"\n"))
	writeFile(t, root, "sub/b.zip", makeZip(zipEntry{name: "hr/list.txt", data: []byte(doc)}))
	writeFile(t, root, "sub/ignored.txt", []byte(rawRRN+"\n"))
	writeFile(t, root, ".piiscanignore", []byte("ignored.txt\n"))
	if err := os.Symlink("a.txt", filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestWalk(t *testing.T) {
	root := makeTree(t)
	var got []string
	err := Walk(context.Background(), root, func(e WalkEntry) error {
		rel := strings.TrimPrefix(e.Path, root+"/")
		got = append(got, rel+" "+e.Status.String())
		if e.Status == FileOK && (e.ModTime.IsZero() || time.Since(e.ModTime) > time.Hour || e.Size == 0) {
			t.Errorf("entry %+v", e)
		}
		if e.Status == FileSkipped && !strings.Contains(e.Reason, "symbolic link") {
			t.Errorf("skipped entry %+v", e)
		}
		return nil
	})
	want := []string{".piiscanignore ok", "a.txt ok", "link.txt skipped", "sub/b.zip ok"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Walk: %v, %v; want %v", got, err, want)
	}

	got = nil
	err = Walk(context.Background(), root, func(e WalkEntry) error {
		got = append(got, strings.TrimPrefix(e.Path, root+"/")+" "+e.Status.String())
		return nil
	}, FollowSymlinks(true), Include("*.txt", "*.zip"), Exclude("sub/"), IgnoreFiles(false))
	want = []string{"a.txt ok", "link.txt ok"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Walk with options: %v, %v; want %v", got, err, want)
	}

	// Stop, an error, a missing root, a bad option.
	n := 0
	if err := Walk(context.Background(), root, func(WalkEntry) error { n++; return Stop }); err != nil || n != 1 {
		t.Errorf("Stop: %v after %d", err, n)
	}
	mine := errors.New("mine")
	if err := Walk(context.Background(), root, func(WalkEntry) error { return mine }); err != mine {
		t.Errorf("error: %v", err)
	}
	var ents []WalkEntry
	missing := filepath.Join(root, "missing")
	err = Walk(context.Background(), missing, func(e WalkEntry) error { ents = append(ents, e); return nil })
	if !errors.Is(err, ErrIO) || len(ents) != 1 || ents[0].Status != FileError {
		t.Errorf("missing root: %v, %v", err, ents)
	}
	if err := Walk(context.Background(), root, nil, MaxFileSize(-1)); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "MaxFileSize") {
		t.Errorf("bad option: %v", err)
	}
}

func TestScanTree(t *testing.T) {
	root := makeTree(t)
	e := newEngine(t)
	var findings, reports []string
	err := e.ScanTree(context.Background(), root, func(ev Event) error {
		switch ev := ev.(type) {
		case *Finding:
			findings = append(findings, strings.TrimPrefix(ev.Path, root+"/")+" "+ev.Type)
		case *FileReport:
			reports = append(reports, strings.TrimPrefix(ev.Path, root+"/")+" "+ev.Status.String())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantF := []string{"a.txt kr_rrn", "sub/b.zip!hr/list.txt kr_rrn", "sub/b.zip!hr/list.txt kr_phone",
		"sub/b.zip!hr/list.txt email", "sub/b.zip!hr/list.txt card", "sub/b.zip!hr/list.txt kr_account",
		"sub/b.zip!hr/list.txt kr_rrn"}
	wantR := []string{".piiscanignore ok", "a.txt ok", "link.txt skipped", "sub/b.zip!hr/list.txt ok", "sub/b.zip ok"}
	if !reflect.DeepEqual(findings, wantF) || !reflect.DeepEqual(reports, wantR) {
		t.Errorf("ScanTree:\n%q\n%q", findings, reports)
	}
	n := 0
	if err := e.ScanTree(context.Background(), root, func(Event) error { n++; return Stop }); err != nil || n != 1 {
		t.Errorf("Stop: %v after %d", err, n)
	}
	// An unreadable file is reported and the walk goes on.
	if os.Geteuid() != 0 {
		if err := os.Chmod(filepath.Join(root, "a.txt"), 0); err != nil {
			t.Fatal(err)
		}
		reports = nil
		err := e.ScanTree(context.Background(), root, func(ev Event) error {
			if r, ok := ev.(*FileReport); ok {
				reports = append(reports, strings.TrimPrefix(r.Path, root+"/")+" "+r.Status.String())
			}
			return nil
		})
		if err != nil || len(reports) != 5 || reports[1] != "a.txt error" {
			t.Errorf("unreadable file: %v, %v", reports, err)
		}
	}
	e.Close()
	if err := e.ScanTree(context.Background(), root, nil); err != ErrClosed {
		t.Errorf("after Close: %v", err)
	}
}

func TestAllowMarker(t *testing.T) {
	in := []byte("테스트용 " + rawRRN + " piiscan:allow\n")
	if fs := scanOK(t, newEngine(t), in); len(fs) != 0 {
		t.Errorf("allowed value reported: %v", fs)
	}
	if fs := scanOK(t, newEngine(t, AllowMarker(false)), in); len(fs) != 1 {
		t.Errorf("AllowMarker(false): %v", fs)
	}
}

func TestWalkParallel(t *testing.T) {
	root := makeTree(t)
	if err := os.Mkdir(filepath.Join(root, "many"), 0o700); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 150; i++ {
		writeFile(t, root, fmt.Sprintf("many/f%03d.txt", i), []byte("x\n"))
	}
	list := func(par bool, jobs int, opts ...WalkOption) []string {
		var mu sync.Mutex
		var got []string
		fn := func(e WalkEntry) error {
			mu.Lock()
			got = append(got, strings.TrimPrefix(e.Path, root+"/")+" "+e.Status.String()+" "+e.Reason)
			mu.Unlock()
			return nil
		}
		var err error
		if par {
			err = WalkParallel(context.Background(), []string{root}, jobs, fn, opts...)
		} else {
			err = Walk(context.Background(), root, fn, opts...)
		}
		if err != nil {
			t.Fatalf("walk (parallel %v, %d): %v", par, jobs, err)
		}
		sort.Strings(got)
		return got
	}
	seq := list(false, 1)
	if len(seq) != 154 {
		t.Fatalf("sequential walk: %d entries", len(seq))
	}
	for _, jobs := range []int{1, 2, 4} {
		if got := list(true, jobs); !reflect.DeepEqual(got, seq) {
			t.Errorf("WalkParallel with %d jobs differs from Walk:\n%v\n%v", jobs, got, seq)
		}
	}
	if got, want := list(true, 3, Exclude("many/"), FollowSymlinks(true)), list(false, 1, Exclude("many/"), FollowSymlinks(true)); !reflect.DeepEqual(got, want) {
		t.Errorf("with options: %v, want %v", got, want)
	}

	// fn runs on several goroutines at once: slow entries overlap
	var inFlight, most int32
	err := WalkParallel(context.Background(), []string{filepath.Join(root, "many")}, 3, func(e WalkEntry) error {
		n := atomic.AddInt32(&inFlight, 1)
		for {
			m := atomic.LoadInt32(&most)
			if n <= m || atomic.CompareAndSwapInt32(&most, m, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		atomic.AddInt32(&inFlight, -1)
		return nil
	})
	if err != nil || atomic.LoadInt32(&most) < 2 {
		t.Errorf("concurrent calls: most %d at once, err %v", most, err)
	}

	// an error stops every thread and comes back; Stop is no error
	boom := errors.New("boom")
	var calls int32
	err = WalkParallel(context.Background(), []string{root}, 4, func(WalkEntry) error {
		if atomic.AddInt32(&calls, 1) == 5 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || atomic.LoadInt32(&calls) >= 150 {
		t.Errorf("error: %v after %d calls", err, calls)
	}
	if err := WalkParallel(context.Background(), []string{root}, 2, func(WalkEntry) error { return Stop }); err != nil {
		t.Errorf("Stop: %v", err)
	}
	// a cancelled context
	ctx, cancel := context.WithCancel(context.Background())
	err = WalkParallel(ctx, []string{root}, 2, func(WalkEntry) error { cancel(); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// a panic is raised again in the caller
	func() {
		defer func() {
			if r := recover(); r != "walk panic" {
				t.Errorf("recovered %v", r)
			}
		}()
		_ = WalkParallel(context.Background(), []string{root}, 2, func(WalkEntry) error { panic("walk panic") })
		t.Error("no panic")
	}()
	// bad arguments; a missing root
	if err := WalkParallel(context.Background(), []string{root}, 0, func(WalkEntry) error { return nil }); !errors.Is(err, ErrInvalid) {
		t.Errorf("jobs 0: %v", err)
	}
	err = WalkParallel(context.Background(), []string{root, filepath.Join(root, "nothing")}, 2, func(WalkEntry) error { return nil })
	if !errors.Is(err, ErrIO) {
		t.Errorf("missing root: %v", err)
	}
}
