package piiscan

// #include <stdlib.h>
// #include <piiscan.h>
import "C"

import "unsafe"

// Fingerprint returns the keyed fingerprint of a value of type typ (a type
// id such as "kr_rrn"): 64 lower-case hex digits of HMAC-SHA256 under key
// of typ, ":" and the normalised value, computed by libpiiscan
// (piiscan_fingerprint). It equals Finding.Fingerprint of an engine made
// with FingerprintKey(key), and the CLI's "fingerprint" for
// --fingerprint-key key.
//
// The normalisation (docs/reports.md, "Fingerprints") makes one value
// written differently give one fingerprint: for every type but "email",
// only ASCII letters (upper-cased) and digits are kept, and full-width
// digits become ASCII digits ("900101-1234568", "9001011234568" and
// "９００１０１－１２３４５６８" are equal); an "email" value is kept whole,
// with ASCII letters lower-cased. Fingerprints never change between
// releases: baselines depend on them.
//
// An empty key is an *Error with ErrInvalid: it would make an unkeyed,
// reversible hash.
func Fingerprint(key []byte, typ string, value []byte) (string, error) {
	const op = "Fingerprint"
	if len(key) == 0 {
		return "", &Error{Code: ErrInvalid, Op: op, Msg: "empty key (an empty key is no key)"}
	}
	ctype := C.CString(typ)
	defer C.free(unsafe.Pointer(ctype))
	// C memory for the key and the value: nothing of them is left in Go
	// memory the collector may move or keep, and both are wiped after.
	ckey := C.CBytes(key)
	defer freeKey(ckey, len(key))
	cval := C.CBytes(value) // len 0: a valid pointer all the same (malloc(1))
	defer freeKey(cval, len(value))
	var hex [C.PIISCAN_FINGERPRINT_HEX]C.char
	rc := C.piiscan_fingerprint(ckey, C.size_t(len(key)), ctype, (*C.char)(cval),
		C.size_t(len(value)), &hex[0])
	if rc != C.PIISCAN_OK {
		return "", statusError(op, "", rc, nil)
	}
	return C.GoStringN(&hex[0], 64), nil
}
