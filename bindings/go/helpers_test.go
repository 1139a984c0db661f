package piiscan

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
)

// doc holds one value of each common type, and one masked RRN.
const doc = "주민등록번호: 900101-1234568, 연락처 010-2345-6789, mail a.b@example.com\n" +
	"카드 4111 1111 1111 1111, 계좌: 국민은행 123456-01-234567\n" +
	"마스킹된 값 900101-1******\n"

const rawRRN = "900101-1234568"

func newEngine(t testing.TB, opts ...Option) *Engine {
	t.Helper()
	e, err := NewEngine(opts...)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

type zipEntry struct {
	name     string
	data     []byte
	password string // "": stored in the clear; else traditional PKWARE encryption
}

// makeZip builds a zip in memory. Encrypted entries use the traditional
// PKWARE cipher (what `zip -P` writes), so no external tool is needed.
func makeZip(entries ...zipEntry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		if e.password == "" {
			w, err := zw.Create(e.name)
			if err != nil {
				panic(err)
			}
			if _, err := w.Write(e.data); err != nil {
				panic(err)
			}
			continue
		}
		crc := crc32.ChecksumIEEE(e.data)
		head := []byte("0123456789A?")
		head[11] = byte(crc >> 24) // the check byte
		z := newZipCrypto(e.password)
		body := append(z.encrypt(head), z.encrypt(e.data)...)
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name:               e.name,
			Method:             zip.Store,
			Flags:              0x1, // encrypted
			CRC32:              crc,
			CompressedSize64:   uint64(len(body)),
			UncompressedSize64: uint64(len(e.data)),
		})
		if err != nil {
			panic(err)
		}
		if _, err := w.Write(body); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// writeFile writes data to dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// zipCrypto is the traditional PKWARE stream cipher (APPNOTE 6.1).
type zipCrypto struct{ k0, k1, k2 uint32 }

func newZipCrypto(password string) *zipCrypto {
	z := &zipCrypto{0x12345678, 0x23456789, 0x34567890}
	for _, c := range []byte(password) {
		z.update(c)
	}
	return z
}

func crcByte(crc uint32, b byte) uint32 { return crc32.IEEETable[byte(crc)^b] ^ crc>>8 }

func (z *zipCrypto) update(c byte) {
	z.k0 = crcByte(z.k0, c)
	z.k1 = (z.k1+z.k0&0xff)*134775813 + 1
	z.k2 = crcByte(z.k2, byte(z.k1>>24))
}

func (z *zipCrypto) encrypt(p []byte) []byte {
	out := make([]byte, len(p))
	for i, c := range p {
		t := z.k2 | 2
		out[i] = c ^ byte((t*(t^1))>>8)
		z.update(c)
	}
	return out
}
