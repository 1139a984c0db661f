package piiscan_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	piiscan "github.com/libpiiscan/libpiiscan/bindings/go"
)

func ExampleEngine_Scan() {
	eng, err := piiscan.NewEngine()
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	findings, err := eng.Scan([]byte("주민등록번호: 900101-1234568, 연락처 010-2345-6789\n"))
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Println(f) // masked: a Finding never prints its raw value
	}
	// Output:
	// kr_rrn line 1 offset 20: 900101-1****** (checksum, high)
	// kr_phone line 1 offset 46: 010-****-6789 (structural, high)
}

func ExampleEngine_ScanReader() {
	eng, err := piiscan.NewEngine(piiscan.Types("kr_rrn", "card"))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	// Any io.Reader: a file, a request body, a pipe. Memory stays bounded
	// however long the stream is.
	r := strings.NewReader("카드 4111 1111 1111 1111\n고객 900101-1******\n")
	err = eng.ScanReader(context.Background(), r, "export.csv", func(f piiscan.Finding) error {
		fmt.Printf("%s:%d %s %s masked=%t\n", f.Path, f.Line, f.Type, f.MaskedText, f.Masked)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// export.csv:1 card 4111 11** **** 1111 masked=false
	// export.csv:2 kr_rrn 900101-1****** masked=true
}

func ExampleEngine_ScanFile() {
	dir, err := os.MkdirTemp("", "piiscan-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "share.zip")
	writeExampleZip(path, map[string]string{
		"hr/list.txt": "홍길동 900101-1234568\n",
		"photo.png":   "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00",
	})

	eng, err := piiscan.NewEngine()
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	err = eng.ScanFile(context.Background(), path, func(ev piiscan.Event) error {
		switch ev := ev.(type) {
		case *piiscan.Finding:
			rel := strings.TrimPrefix(ev.Path, dir+string(filepath.Separator))
			fmt.Printf("finding %s in %s line %d\n", ev.Type, rel, ev.Line)
		case *piiscan.FileReport:
			// Every file and member ends with a report, a member's before its
			// container's; ev.Reason says why one was not read completely.
			rel := strings.TrimPrefix(ev.Path, dir+string(filepath.Separator))
			fmt.Printf("%s: %s\n", rel, ev.Status)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// finding kr_rrn in share.zip!hr/list.txt line 1
	// share.zip!hr/list.txt: ok
	// share.zip!photo.png: unsupported
	// share.zip: ok
}

func ExampleNewEngine() {
	eng, err := piiscan.NewEngine(
		piiscan.Types("kr_rrn", "kr_frn", "card"),
		piiscan.MinConfidence(piiscan.ConfidenceMedium),
		piiscan.RRNPolicy(piiscan.RRNChecksumOnly),
		piiscan.MaxDepth(4),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	fmt.Println(eng.Types())

	// Bad options are reported by NewEngine; errors.Is tells the cause.
	_, err = piiscan.NewEngine(piiscan.MaxDepth(100))
	fmt.Println(errors.Is(err, piiscan.ErrInvalid), err)
	_, err = piiscan.NewEngine(piiscan.PatternsFile("/no/such/file.pat"))
	fmt.Println(errors.Is(err, piiscan.ErrIO), errors.Is(err, os.ErrNotExist))
	// Output:
	// [kr_rrn kr_frn card]
	// true piiscan: NewEngine: MaxDepth(100) out of range: invalid argument or call order
	// true true
}

func ExamplePatternsText() {
	// A custom type (docs/patterns.md), added to the default set.
	const patterns = `
[acme_employee_id]
name = ACME employee id
regex = ACME-{{DIGIT}}{6}{{RB}}
trigger = digits 6 prefix 5
confidence = high
`
	eng, err := piiscan.NewEngine(piiscan.PatternsText("acme.pat", patterns))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	findings, err := eng.Scan([]byte("사번 ACME-123456\n"))
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Println(f.Type, f.TypeName, f.Confidence)
	}
	// Output:
	// acme_employee_id ACME employee id high
}

func ExampleExposeRaw() {
	eng, err := piiscan.NewEngine(piiscan.ExposeRaw(true))
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	findings, err := eng.Scan([]byte("RRN 900101-1234568\n"))
	if err != nil {
		log.Fatal(err)
	}
	f := findings[0]
	// Raw must be read explicitly, e.g. to redact the input; printing the
	// Finding still shows only the masked rendition.
	fmt.Println(len(f.Raw), f.Offset, f.Length)
	fmt.Printf("%v\n", f)
	// Output:
	// 14 4 14
	// kr_rrn line 1 offset 4: 900101-1****** (checksum, high)
}

func writeExampleZip(path string, members map[string]string) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, name := range []string{"hr/list.txt", "photo.png"} {
		w, err := zw.Create(name)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := w.Write([]byte(members[name])); err != nil {
			log.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func ExampleEngine_NewStream() {
	eng, err := piiscan.NewEngine()
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	// Scan data on its way somewhere else, without holding it.
	stream, err := eng.NewStream("outgoing mail", func(f piiscan.Finding) error {
		fmt.Println(f)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	var sent strings.Builder
	body := strings.NewReader("To: hr@example.org\n\n주민번호 900101-1234568\n")
	if _, err := io.Copy(io.MultiWriter(&sent, stream), body); err != nil {
		log.Fatal(err)
	}
	if err := stream.Close(); err != nil { // reports what the stream held back
		log.Fatal(err)
	}
	fmt.Println(sent.Len(), "bytes sent")
	// Output:
	// email outgoing mail:1 offset 4: h***@example.org (structural, high)
	// kr_rrn outgoing mail:3 offset 33: 900101-1****** (checksum, high)
	// 48 bytes sent
}

func ExampleEngine_ScanTree() {
	root, err := os.MkdirTemp("", "piiscan-tree")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(root)
	os.WriteFile(filepath.Join(root, "customers.csv"), []byte("홍길동,900101-1234568\n"), 0o600)
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("nothing here\n"), 0o600)
	os.Symlink("customers.csv", filepath.Join(root, "latest.csv"))

	eng, err := piiscan.NewEngine()
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	err = eng.ScanTree(context.Background(), root, func(ev piiscan.Event) error {
		switch ev := ev.(type) {
		case *piiscan.Finding:
			fmt.Println("finding:", filepath.Base(ev.Path), ev.Type, ev.MaskedText)
		case *piiscan.FileReport:
			fmt.Println("file:", filepath.Base(ev.Path), ev.Status, ev.Findings)
		}
		return nil
	}, piiscan.Exclude("*.tmp"))
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// finding: customers.csv kr_rrn 900101-1******
	// file: customers.csv ok 1
	// file: latest.csv skipped 0
	// file: notes.txt ok 0
}

func ExampleWalk() {
	root, err := os.MkdirTemp("", "piiscan-walk")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(root)
	for i, text := range []string{"010-2345-6789", "nothing", "900101-1234568", "a.b@example.com"} {
		os.WriteFile(filepath.Join(root, fmt.Sprintf("f%d.txt", i)), []byte(text+"\n"), 0o600)
	}

	eng, err := piiscan.NewEngine()
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	// Walk hands out the files; four goroutines scan them with one engine.
	paths := make(chan string)
	var mu sync.Mutex
	counts := map[string]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range paths {
				err := eng.ScanFile(context.Background(), p, func(ev piiscan.Event) error {
					if f, ok := ev.(*piiscan.Finding); ok {
						mu.Lock()
						counts[filepath.Base(f.Path)+" "+f.Type]++
						mu.Unlock()
					}
					return nil
				})
				if err != nil {
					log.Print(err)
				}
			}
		}()
	}
	err = piiscan.Walk(context.Background(), root, func(e piiscan.WalkEntry) error {
		if e.Status == piiscan.FileOK {
			paths <- e.Path
		} else {
			log.Printf("%s: %s (%s)", e.Path, e.Status, e.Reason) // never skipped silently
		}
		return nil
	})
	close(paths)
	wg.Wait()
	if err != nil {
		log.Fatal(err)
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(strings.Join(keys, "\n"))
	// Output:
	// f0.txt kr_phone
	// f2.txt kr_rrn
	// f3.txt email
}

func ExampleExtractText() {
	dir, err := os.MkdirTemp("", "piiscan-extract")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A zip holding a text file and a Word document whose value is split
	// across two runs (<w:t> elements), as Word writes it after an edit.
	var docx bytes.Buffer
	writeZip(&docx, [][2]string{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"word/document.xml", `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			`<w:p><w:r><w:t>고객 9001</w:t></w:r><w:r><w:t>01-1234568</w:t></w:r></w:p>` +
			`<w:p><w:r><w:t>끝</w:t></w:r></w:p></w:body></w:document>`},
	})
	var share bytes.Buffer
	writeZip(&share, [][2]string{
		{"notes.txt", "연락처 010-2345-6789\n"},
		{"report.docx", docx.String()},
	})
	path := filepath.Join(dir, "share.zip")
	if err := os.WriteFile(path, share.Bytes(), 0o600); err != nil {
		log.Fatal(err)
	}

	// The text a scan of share.zip sees, by file, member and document part.
	texts, reports, err := piiscan.ExtractText(context.Background(), path)
	if err != nil {
		log.Fatal(err)
	}
	paths := make([]string, 0, len(texts))
	for p := range texts {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Printf("%s: %q\n", strings.TrimPrefix(p, dir+string(filepath.Separator)), texts[p])
	}
	for _, r := range reports {
		fmt.Println(strings.TrimPrefix(r.Path, dir+string(filepath.Separator)), r.Format, r.Status)
	}
	// Output:
	// share.zip!notes.txt: "연락처 010-2345-6789\n"
	// share.zip!report.docx#word/document.xml: "고객 900101-1234568\n끝"
	// share.zip!notes.txt text ok
	// share.zip!report.docx docx ok
	// share.zip zip ok
}

// writeZip writes a zip of the (name, content) pairs to w.
func writeZip(w io.Writer, members [][2]string) {
	zw := zip.NewWriter(w)
	for _, m := range members {
		f, err := zw.Create(m[0])
		if err != nil {
			log.Fatal(err)
		}
		if _, err := io.WriteString(f, m[1]); err != nil {
			log.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
}

func ExampleFingerprint() {
	// The same value written two ways has one fingerprint under one key.
	a, _ := piiscan.Fingerprint([]byte("k"), "kr_rrn", []byte("900101-1234568"))
	b, _ := piiscan.Fingerprint([]byte("k"), "kr_rrn", []byte("9001011234568"))
	fmt.Println(a == b, a)
	// Output: true 373fc1dbccf6328a13a23c8135f5773224ea478ea9f345eaa27d5c05d39e67cf
}

func ExampleFingerprintKey() {
	eng, err := piiscan.NewEngine(piiscan.FingerprintKey([]byte("k")))
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	fs, _ := eng.Scan([]byte("주민등록번호: 900101-1234568"))
	// Fingerprints can be stored and compared; the raw value was dropped.
	fmt.Println(fs[0].MaskedText, fs[0].Fingerprint, fs[0].Raw == "")
	// Output: 900101-1****** 373fc1dbccf6328a13a23c8135f5773224ea478ea9f345eaa27d5c05d39e67cf true
}
