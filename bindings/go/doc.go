// Package piiscan finds Korean personal data — resident and foreign
// registration numbers, passport and driver's licence numbers, card,
// bank-account and phone numbers, e-mail addresses — in text, files,
// documents and archives. It binds libpiiscan, a C library, with cgo.
//
// Compile the detectors once with NewEngine and share the Engine between
// goroutines; each scan borrows its own working memory from the engine's
// pool:
//
//	eng, err := piiscan.NewEngine(piiscan.MinConfidence(piiscan.ConfidenceMedium))
//	if err != nil { ... }
//	defer eng.Close()
//
//	findings, err := eng.Scan(data)                              // a buffer
//	err = eng.ScanReader(ctx, r, "upload.csv", onFinding)        // any io.Reader, in chunks
//	err = eng.ScanFile(ctx, "share/hr.zip", onEvent)             // files, documents, archives
//	err = eng.ScanTree(ctx, "share", onEvent)                    // directory trees (see also Walk)
//
// A Finding carries a masked rendition of the value (MaskedText,
// "900101-1******"), and the raw value only when the engine was made with
// ExposeRaw(true). Printing or JSON-encoding a Finding never shows the raw
// value.
// With FingerprintKey(key) each Finding also carries a keyed Fingerprint of
// its value (HMAC-SHA256, as the CLI's --fingerprint-key), so findings can
// be compared across runs without keeping values; Fingerprint computes one
// for a value you hold.
//
// File scans (ScanFile, ScanBlob) follow archive members and attachments
// (paths such as "hr.zip!2024/list.xlsx") and end every file and member
// with a FileReport, so what could not be read — an encrypted entry, a
// corrupt file, a limit passed — is reported, never skipped silently.
//
// ExtractTextFile, ExtractTextBlob and ExtractText (package functions: no
// engine needed) give the text a file scan sees, by file, member and
// document part ("hr.zip!report.docx#word/document.xml"), with the same
// FileReports.
//
// Errors from the library are *Error values wrapping a Code; the codes are
// sentinels for errors.Is (ErrInvalid, ErrIO, ErrPattern, ...).
//
// The package needs libpiiscan installed where pkg-config finds it
// (piiscan.pc); see README.md.
package piiscan
