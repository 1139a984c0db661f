package piiscan

// #include <piiscan.h>
import "C"

// The constants of this package are written as numbers, for readers of the
// documentation; these lines make sure they equal those of piiscan.h (a
// negative constant converted to uint does not compile).
const (
	_ = uint(ErrInvalid-C.PIISCAN_E_INVALID) + uint(C.PIISCAN_E_INVALID-ErrInvalid)
	_ = uint(ErrNoMem-C.PIISCAN_E_NOMEM) + uint(C.PIISCAN_E_NOMEM-ErrNoMem)
	_ = uint(ErrPattern-C.PIISCAN_E_PATTERN) + uint(C.PIISCAN_E_PATTERN-ErrPattern)
	_ = uint(ErrScratchInUse-C.PIISCAN_E_SCRATCH_IN_USE) + uint(C.PIISCAN_E_SCRATCH_IN_USE-ErrScratchInUse)
	_ = uint(ErrMismatch-C.PIISCAN_E_MISMATCH) + uint(C.PIISCAN_E_MISMATCH-ErrMismatch)
	_ = uint(ErrIO-C.PIISCAN_E_IO) + uint(C.PIISCAN_E_IO-ErrIO)
	_ = uint(ErrUnknownType-C.PIISCAN_E_UNKNOWN_TYPE) + uint(C.PIISCAN_E_UNKNOWN_TYPE-ErrUnknownType)
	_ = uint(ErrLimit-C.PIISCAN_E_LIMIT) + uint(C.PIISCAN_E_LIMIT-ErrLimit)
	_ = uint(ErrInternal-C.PIISCAN_E_INTERNAL) + uint(C.PIISCAN_E_INTERNAL-ErrInternal)
	_ = uint(ValidationContext-C.PIISCAN_VALID_CONTEXT) + uint(C.PIISCAN_VALID_CONTEXT-ValidationContext)
	_ = uint(ValidationStructural-C.PIISCAN_VALID_STRUCTURAL) + uint(C.PIISCAN_VALID_STRUCTURAL-ValidationStructural)
	_ = uint(ValidationChecksum-C.PIISCAN_VALID_CHECKSUM) + uint(C.PIISCAN_VALID_CHECKSUM-ValidationChecksum)
	_ = uint(ConfidenceLow-C.PIISCAN_CONF_LOW) + uint(C.PIISCAN_CONF_LOW-ConfidenceLow)
	_ = uint(ConfidenceMedium-C.PIISCAN_CONF_MEDIUM) + uint(C.PIISCAN_CONF_MEDIUM-ConfidenceMedium)
	_ = uint(ConfidenceHigh-C.PIISCAN_CONF_HIGH) + uint(C.PIISCAN_CONF_HIGH-ConfidenceHigh)
	_ = uint(FileOK-C.PIISCAN_FILE_OK) + uint(C.PIISCAN_FILE_OK-FileOK)
	_ = uint(FileEncrypted-C.PIISCAN_FILE_ENCRYPTED) + uint(C.PIISCAN_FILE_ENCRYPTED-FileEncrypted)
	_ = uint(FileProtected-C.PIISCAN_FILE_PROTECTED) + uint(C.PIISCAN_FILE_PROTECTED-FileProtected)
	_ = uint(FileError-C.PIISCAN_FILE_ERROR) + uint(C.PIISCAN_FILE_ERROR-FileError)
	_ = uint(FileSkipped-C.PIISCAN_FILE_SKIPPED) + uint(C.PIISCAN_FILE_SKIPPED-FileSkipped)
	_ = uint(FileUnsupported-C.PIISCAN_FILE_UNSUPPORTED) + uint(C.PIISCAN_FILE_UNSUPPORTED-FileUnsupported)
	_ = uint(RRNChecksumOnly-C.PIISCAN_RRN_CHECKSUM_ONLY) + uint(C.PIISCAN_RRN_CHECKSUM_ONLY-RRNChecksumOnly)
	_ = uint(RRNContext-C.PIISCAN_RRN_CONTEXT) + uint(C.PIISCAN_RRN_CONTEXT-RRNContext)
	_ = uint(RRNStructural-C.PIISCAN_RRN_STRUCTURAL) + uint(C.PIISCAN_RRN_STRUCTURAL-RRNStructural)
	_ = uint(EncodingAuto-C.PIISCAN_ENC_AUTO) + uint(C.PIISCAN_ENC_AUTO-EncodingAuto)
	_ = uint(EncodingUTF8-C.PIISCAN_ENC_UTF8) + uint(C.PIISCAN_ENC_UTF8-EncodingUTF8)
	_ = uint(EncodingUTF16LE-C.PIISCAN_ENC_UTF16LE) + uint(C.PIISCAN_ENC_UTF16LE-EncodingUTF16LE)
	_ = uint(EncodingUTF16BE-C.PIISCAN_ENC_UTF16BE) + uint(C.PIISCAN_ENC_UTF16BE-EncodingUTF16BE)
	_ = uint(EncodingCP949-C.PIISCAN_ENC_CP949) + uint(C.PIISCAN_ENC_CP949-EncodingCP949)
)
