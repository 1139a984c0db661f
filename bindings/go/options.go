package piiscan

// #include <piiscan.h>
import "C"

import "strconv"

// Option configures an Engine; pass them to NewEngine. Options are checked
// by NewEngine, which returns an *Error (ErrInvalid for a value out of
// range) naming the option. The limits (MaxDepth, MaxExtracted, MaxRatio,
// MaxMembers, MaxBuffer) are also the options of ExtractTextFile,
// ExtractTextBlob and ExtractText.
type Option func(*settings)

type patternSource struct {
	path string // a file, or
	name string // the name of text
	text string
}

type intOption struct {
	name  string // for errors: "MaxDepth(99)"
	key   C.piiscan_option
	value int64
}

type settings struct {
	patterns  []patternSource
	types     []string
	typesSet  bool
	ints      []intOption
	exposeRaw bool   // the caller asked for Finding.Raw (the last ExposeRaw)
	fpKey     []byte // FingerprintKey's key (a copy)
	fpKeySet  bool
}

func collectSettings(opts []Option) settings {
	var s settings
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	return s
}

// cOptions makes the C options of s; free them with C.piiscan_options_free.
// A value out of range is an ErrInvalid naming the option.
func (s *settings) cOptions(op string) (*C.piiscan_options, error) {
	var copts *C.piiscan_options
	if st := C.piiscan_options_new(&copts); st != C.PIISCAN_OK {
		return nil, statusError(op, "", st, nil)
	}
	for _, o := range s.ints {
		if st := C.piiscan_options_set(copts, o.key, C.int64_t(o.value)); st != C.PIISCAN_OK {
			C.piiscan_options_free(copts)
			e := statusError(op, "", st, nil).(*Error)
			e.Msg = o.name + " out of range"
			return nil, e
		}
	}
	return copts, nil
}

func (s *settings) setInt(name string, key C.piiscan_option, value int64) {
	s.ints = append(s.ints, intOption{name + "(" + strconv.FormatInt(value, 10) + ")", key, value})
}

// Types limits the engine to the given type ids ("kr_rrn", "card",
// "kr_phone", ...; see docs/detectors.md). Without it, every type enabled
// in the pattern set is used (the defaults leave kr_brn off; Types
// ("kr_brn", ...) turns it on). An unknown id makes NewEngine fail with
// ErrUnknownType.
func Types(ids ...string) Option {
	ids = append([]string(nil), ids...)
	return func(s *settings) {
		s.types = ids
		s.typesSet = true
	}
}

// PatternsFile merges a pattern file (docs/patterns.md) into the default
// pattern set: it can add custom types, or change or turn off built-in
// ones. It may be given several times; files are merged in order.
func PatternsFile(path string) Option {
	return func(s *settings) { s.patterns = append(s.patterns, patternSource{path: path}) }
}

// PatternsText is PatternsFile for pattern-file text held in memory; name
// names it in errors.
func PatternsText(name, text string) Option {
	return func(s *settings) {
		s.patterns = append(s.patterns, patternSource{name: name, text: text})
	}
}

// MinConfidence drops findings below c (default ConfidenceLow: keep all).
func MinConfidence(c Confidence) Option {
	return func(s *settings) { s.setInt("MinConfidence", C.PIISCAN_OPT_MIN_CONFIDENCE, int64(c)) }
}

// RRNMode is the policy for registration numbers (RRN, FRN) whose date and
// gender digit are valid but whose check digit fails: numbers issued from
// 2020-10-05, and numbers re-issued after a leak, have none.
type RRNMode int

// Values of RRNMode.
const (
	// RRNChecksumOnly reports only checksum-valid numbers.
	RRNChecksumOnly RRNMode = 0
	// RRNContext (the default) reports them as structural/medium when
	// written with the usual hyphen or when a context keyword is near; a
	// bare 13-digit run is dropped.
	RRNContext RRNMode = 1
	// RRNStructural reports every valid date + gender digit (bare runs low).
	RRNStructural RRNMode = 2
)

// RRNPolicy sets the policy for registration numbers whose check digit
// fails (default RRNContext).
func RRNPolicy(m RRNMode) Option {
	return func(s *settings) { s.setInt("RRNPolicy", C.PIISCAN_OPT_RRN_POLICY, int64(m)) }
}

// ReportMasked(false) drops values that were already masked in the source
// (900101-1******); by default they are reported with Masked set, so an
// audit can tell compliant storage from non-compliant.
func ReportMasked(on bool) Option {
	return func(s *settings) { s.setInt("ReportMasked", C.PIISCAN_OPT_REPORT_MASKED, b2i(on)) }
}

// TextEncoding is the encoding of scanned text.
type TextEncoding int

// Values of TextEncoding.
const (
	// EncodingAuto (the default): a BOM, then the UTF-16 NUL pattern, else
	// UTF-8 falling back to CP949.
	EncodingAuto    TextEncoding = 0
	EncodingUTF8    TextEncoding = 1
	EncodingUTF16LE TextEncoding = 2
	EncodingUTF16BE TextEncoding = 3
	EncodingCP949   TextEncoding = 4 // CP949 (Unified Hangul Code), a superset of EUC-KR
)

// Encoding forces the encoding of scanned text (default EncodingAuto).
// File scans decide the encoding of each plain-text file and member
// themselves; documents are extracted as UTF-8.
func Encoding(enc TextEncoding) Option {
	return func(s *settings) { s.setInt("Encoding", C.PIISCAN_OPT_ENCODING, int64(enc)) }
}

// ExposeRaw(true) fills Finding.Raw with the value as found. Off by
// default: a finding carries only its masked rendition. Ask for raw values
// only when the caller really needs them (to redact a document, say), and
// never log them.
func ExposeRaw(on bool) Option {
	return func(s *settings) {
		s.setInt("ExposeRaw", C.PIISCAN_OPT_EXPOSE_RAW, b2i(on))
		s.exposeRaw = on
	}
}

// FingerprintKey fills Finding.Fingerprint of every finding with the keyed
// fingerprint of its value: 64 lower-case hex digits of HMAC-SHA256 under
// key of the type id, ":" and the normalised value (see Fingerprint), the
// same as the CLI's --fingerprint-key writes. Reports and baselines made
// with one key can then be compared and de-duplicated without holding any
// value, while nobody without the key can test a fingerprint against
// candidate numbers. Keep the key secret and constant.
//
// The fingerprint is computed in C while the raw value is at hand; Raw
// stays "" unless ExposeRaw(true) is given too. The key is copied (into C
// memory, wiped when the engine is freed). An empty key makes NewEngine
// fail with ErrInvalid.
func FingerprintKey(key []byte) Option {
	key = append([]byte(nil), key...)
	return func(s *settings) {
		s.fpKey = key
		s.fpKeySet = true
	}
}

// AllowMarker(false) ignores the "piiscan:allow" marker. By default a
// value on a line that contains "piiscan:allow" within 256 bytes of it is
// not reported (a test fixture, a documented example).
func AllowMarker(on bool) Option {
	return func(s *settings) { s.setInt("AllowMarker", C.PIISCAN_OPT_ALLOW_MARKER, b2i(on)) }
}

// MaxDepth limits the nesting of archives, documents and attachments that
// file scans follow (default 8, range 0..64); a member nested deeper is
// reported FileSkipped.
func MaxDepth(n int) Option {
	return func(s *settings) { s.setInt("MaxDepth", C.PIISCAN_OPT_MAX_DEPTH, int64(n)) }
}

// MaxExtracted limits the bytes decompressed or decoded from one top-level
// file, all members together (default 16 GiB).
func MaxExtracted(bytes int64) Option {
	return func(s *settings) { s.setInt("MaxExtracted", C.PIISCAN_OPT_MAX_EXTRACTED, bytes) }
}

// MaxRatio limits the compression ratio accepted once a member has produced
// 16 MiB, or a top-level file 64 MiB (default 250; zip bombs are ~1000).
func MaxRatio(ratio int) Option {
	return func(s *settings) { s.setInt("MaxRatio", C.PIISCAN_OPT_MAX_RATIO, int64(ratio)) }
}

// MaxMembers limits the members (archive entries, attachments, parts) per
// top-level file (default 100000).
func MaxMembers(n int) Option {
	return func(s *settings) { s.setInt("MaxMembers", C.PIISCAN_OPT_MAX_MEMBERS, int64(n)) }
}

// MaxBuffer limits the memory for files held whole because their format
// needs random access (documents, PDFs, 7z inside archives), all nesting
// levels together (default 256 MiB); a member that needs more is
// FileSkipped.
func MaxBuffer(bytes int64) Option {
	return func(s *settings) { s.setInt("MaxBuffer", C.PIISCAN_OPT_MAX_BUFFER, bytes) }
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
