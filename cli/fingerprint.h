/* fingerprint.h -- keyed fingerprints of values: HMAC-SHA256(key, type ":"
 * normalised value), hex.  Two reports made with the same key can be
 * compared and findings de-duplicated without storing any value; without
 * the key a fingerprint cannot be tested against candidate numbers (an RRN
 * has few enough possible values that an unkeyed hash would be reversible). */
#ifndef PII_CLI_FINGERPRINT_H
#define PII_CLI_FINGERPRINT_H

#include <stddef.h>

/* 64 hex digits + NUL */
#define FINGERPRINT_HEX 65

/* The same value written differently gets the same fingerprint:
 * 900101-1234568, 9001011234568 and full-width digits; e-mail case. */
int fingerprint(const char *key, size_t keylen, const char *type, const char *raw, size_t rawlen,
                char out[FINGERPRINT_HEX]);

#endif
