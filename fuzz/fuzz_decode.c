/* fuzz_decode.c -- sniffing and every decoder on arbitrary bytes with random
 * chunking: no crash, output and offset map identical to a one-call decode,
 * offsets monotonic and inside the input. */
#include <stdint.h>
#include <string.h>

#include "decode/decode.h"
#include "fuzz_common.h"

static size_t decode_all(int mode, const uint8_t *p, size_t n, uint32_t seed, uint8_t *out,
                         uint64_t *map)
{
    pii_decoder d;
    pii_decoder_init(&d, mode, 0);
    size_t len = 0, pos = 0;
    for (;;) {
        size_t k = n - pos;
        if (seed) {
            seed = seed * 1103515245u + 12345u;
            size_t c = 1 + (seed >> 16) % 9;
            if (c < k)
                k = c;
        }
        size_t ol = 0, il = 0;
        int eof = pos + k == n;
        size_t used = pii_decoder_feed(&d, p + pos, k, eof, out + len, map + len, 3 * k + 16, &ol, &il);
        FUZZ_ASSERT(used == k);
        for (size_t i = 0; i < il; i++)
            map[len + i] = UINT64_MAX; /* identity bytes: mark, compared separately */
        len += ol;
        pos += k;
        if (eof)
            break;
    }
    return len;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    size_t bom = 0;
    int sniffed = pii_sniff(data, size, &bom);
    FUZZ_ASSERT(sniffed >= PII_DEC_UTF8 && sniffed <= PII_DEC_CP949 && bom <= 3);
    int mode = 1 + data[0] % 5;
    data++;
    size--;
    size_t cap = 3 * size + 64;
    uint8_t *a = malloc(cap), *b = malloc(cap);
    uint64_t *ma = malloc(cap * sizeof *ma), *mb = malloc(cap * sizeof *mb);
    size_t na = decode_all(mode, data, size, 0, a, ma);
    size_t nb = decode_all(mode, data, size, 0x1234u + (uint32_t)size, b, mb);
    FUZZ_ASSERT(na == nb && memcmp(a, b, na) == 0);
    uint64_t prev = 0;
    for (size_t i = 0; i < na; i++) {
        if (ma[i] == UINT64_MAX || mb[i] == UINT64_MAX)
            continue;
        FUZZ_ASSERT(ma[i] == mb[i]);
        FUZZ_ASSERT(ma[i] < size && ma[i] >= prev);
        prev = ma[i];
    }
    free(a);
    free(b);
    free(ma);
    free(mb);
    return 0;
}
