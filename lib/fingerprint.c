/* fingerprint.c -- keyed fingerprints of values (piiscan_fingerprint()).
 *
 * HMAC-SHA256(key, type ":" normalised value), as lower-case hex.  Two
 * reports made with the same key can be compared and findings
 * de-duplicated without storing any value; without the key a fingerprint
 * cannot be tested against candidate numbers (an RRN has few enough
 * possible values that an unkeyed hash would be reversible).
 *
 * The message is a stable contract: baselines written by earlier releases
 * hold these values, so the normalisation below (docs/reports.md,
 * "Fingerprints") must never change. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "piiscan.h"

/* Writes the normalised value to out (at most n bytes) and returns its
 * length: ASCII letters (upper-cased) and digits, full-width digits
 * (U+FF10..U+FF19, EF BC 90..99) as ASCII digits, everything else dropped;
 * for type "email" every byte is kept and ASCII letters are lower-cased
 * instead, so that an address keeps its punctuation. */
static size_t normalise(int email, const unsigned char *p, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == 0xEF && i + 2 < n && p[i + 1] == 0xBC && p[i + 2] >= 0x90 && p[i + 2] <= 0x99) {
            out[o++] = (char)('0' + (p[i + 2] - 0x90));
            i += 2;
        } else if (email) {
            out[o++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
        } else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
            out[o++] = (char)c;
        } else if (c >= 'a' && c <= 'z') {
            out[o++] = (char)(c - 32);
        }
    }
    return o;
}

PIISCAN_API piiscan_status piiscan_fingerprint(const void *key, size_t keylen, const char *type,
                                               const char *value, size_t len,
                                               char out[PIISCAN_FINGERPRINT_HEX])
{
    if (!out)
        return PIISCAN_E_INVALID;
    /* A caller that ignores the status must not print stale bytes. */
    out[0] = 0;
    /* An empty key is no key: the fingerprint would be an unkeyed hash. */
    if (!key || keylen == 0 || !type || !value)
        return PIISCAN_E_INVALID;
    size_t tl = strlen(type);
    if (len > SIZE_MAX - tl - 2)
        return PIISCAN_E_NOMEM;
    /* Findings are short: the stack holds almost every message. */
    char small[256];
    size_t need = tl + 1 + len;
    char *msg = need <= sizeof small ? small : malloc(need);
    if (!msg)
        return PIISCAN_E_NOMEM;
    memcpy(msg, type, tl);
    msg[tl] = ':';
    size_t n = tl + 1 + normalise(strcmp(type, "email") == 0, (const unsigned char *)value, len,
                                  msg + tl + 1);
    unsigned char mac[32];
    size_t maclen = 0;
    unsigned char *r = EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, keylen,
                                 (const unsigned char *)msg, n, mac, sizeof mac, &maclen);
    /* The message holds the value: leave no copy in freed memory. */
    OPENSSL_cleanse(msg, need);
    if (msg != small)
        free(msg);
    if (!r || maclen != sizeof mac)
        return PIISCAN_E_INTERNAL;
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof mac; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[64] = 0;
    return PIISCAN_OK;
}
