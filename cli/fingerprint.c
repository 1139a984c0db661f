/* fingerprint.c -- see fingerprint.h. */
#include "fingerprint.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Letters and digits only (upper case), full-width digits as ASCII; an
 * e-mail address is lower-cased whole instead. */
static size_t normalise(const char *type, const unsigned char *p, size_t n, char *out)
{
    size_t o = 0;
    int email = strcmp(type, "email") == 0;
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

int fingerprint(const char *key, size_t keylen, const char *type, const char *raw, size_t rawlen,
                char out[FINGERPRINT_HEX])
{
    size_t tl = strlen(type);
    char *msg = malloc(tl + 1 + rawlen + 1);
    if (!msg)
        return -1;
    memcpy(msg, type, tl);
    msg[tl] = ':';
    size_t n = tl + 1 + normalise(type, (const unsigned char *)raw, rawlen, msg + tl + 1);
    unsigned char mac[32];
    size_t maclen = 0;
    unsigned char *r = EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, keylen,
                                 (const unsigned char *)msg, n, mac, sizeof mac, &maclen);
    free(msg);
    if (!r || maclen != 32)
        return -1;
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[64] = 0;
    return 0;
}
