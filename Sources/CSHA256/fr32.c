// Fr32 expansion: 127 bytes (1016 bits) become four 254-bit little-endian words, each
// stored in 32 bytes with its two top bits clear.

#include "csha256.h"

#include <string.h>

static inline uint64_t load64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void store64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/// Extracts bits [bit, bit + 254) of the little-endian integer in `src` (127 bytes of
/// data followed by zero bytes up to 136) into `out`.
static inline void extract_word(const uint8_t src[136], unsigned bit, uint8_t out[32]) {
    unsigned byte = bit / 8, shift = bit % 8;
    for (int i = 0; i < 4; i++) {
        uint64_t lo = load64(src + byte + 8 * i);
        uint64_t hi = (byte + 8 * i + 8 < 136) ? src[byte + 8 * i + 8] : 0;
        uint64_t v = shift ? ((lo >> shift) | (hi << (64 - shift))) : lo;
        store64(out + 8 * i, v);
    }
    out[31] &= 0x3f;
}

void filtop_fr32_expand(const uint8_t *in, uint8_t *out, size_t chunks) {
    for (size_t c = 0; c < chunks; c++) {
        uint8_t src[136];
        memcpy(src, in + 127 * c, 127);
        memset(src + 127, 0, sizeof src - 127);
        uint8_t *o = out + 128 * c;
        for (int k = 0; k < 4; k++) extract_word(src, 254u * (unsigned)k, o + 32 * k);
    }
}
