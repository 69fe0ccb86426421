// SHA-256 of 64-byte messages for Piece CID and offer Merkle trees: a portable implementation (FIPS 180-4)
// and an x86-64 SHA-extensions implementation that runs two messages interleaved, since a
// single message is bound by the latency of the round instruction, not its throughput.

#include "csha256.h"

#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t IV[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/// The message schedule of the padding block of a 64-byte message, with K added:
/// the block is constant (0x80, zeros, bit length 512), so its schedule is too.
static uint32_t PAD_WK[64];

static inline uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_be(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void store_be(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void schedule(uint32_t w[64]) {
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
}

/// Runs the 64 rounds on `state` with a schedule that already has K added.
static void rounds_portable(uint32_t state[8], const uint32_t wk[64]) {
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + wk[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

static void pair_portable(const uint8_t *in, uint8_t *out, uint8_t mask) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) w[i] = load_be(in + 4 * i);
    schedule(w);
    for (int i = 0; i < 64; i++) w[i] += K[i];
    uint32_t state[8];
    memcpy(state, IV, sizeof state);
    rounds_portable(state, w);
    rounds_portable(state, PAD_WK);
    for (int i = 0; i < 8; i++) store_be(out + 4 * i, state[i]);
    out[31] &= mask;
}

static void init_pad_schedule(void) {
    uint32_t w[64] = {0};
    w[0] = 0x80000000u;
    w[15] = 512;
    schedule(w);
    for (int i = 0; i < 64; i++) PAD_WK[i] = w[i] + K[i];
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

static int cpu_has_sha(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    if (!(ebx & (1u << 29))) return 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & (1u << 19)) && (ecx & (1u << 9)); /* SSE4.1 and SSSE3 */
}

/// Two independent streams: `a` and `b` suffixes. ABEF/CDGH is the register layout the
/// SHA extensions use for the eight working variables.
#define ROUND4(s0, s1, m)                                        \
    do {                                                         \
        s1 = _mm_sha256rnds2_epu32(s1, s0, m);                   \
        s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E)); \
    } while (0)

SHA_TARGET static inline __m128i next_words(__m128i w0, __m128i w1, __m128i w2, __m128i w3) {
    __m128i t = _mm_sha256msg1_epu32(w0, w1);
    t = _mm_add_epi32(t, _mm_alignr_epi8(w3, w2, 4));
    return _mm_sha256msg2_epu32(t, w3);
}

SHA_TARGET static inline void to_bytes(__m128i s0, __m128i s1, uint8_t *out, uint8_t mask) {
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i t = _mm_shuffle_epi32(s0, 0x1B);            /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);                   /* DCHG */
    __m128i abcd = _mm_blend_epi16(t, s1, 0xF0);        /* DCBA */
    __m128i efgh = _mm_alignr_epi8(s1, t, 8);           /* HGFE */
    _mm_storeu_si128((__m128i *)out, _mm_shuffle_epi8(abcd, bswap));
    _mm_storeu_si128((__m128i *)(out + 16), _mm_shuffle_epi8(efgh, bswap));
    out[31] &= mask;
}

SHA_TARGET static void pairs_x2_shani(const uint8_t *ina, const uint8_t *inb, uint8_t *outa, uint8_t *outb, uint8_t mask) {
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    const __m128i *kv = (const __m128i *)K;
    const __m128i *pv = (const __m128i *)PAD_WK;

    /* Initial state in ABEF / CDGH order. */
    __m128i iv0 = _mm_loadu_si128((const __m128i *)IV);
    __m128i iv1 = _mm_loadu_si128((const __m128i *)(IV + 4));
    iv0 = _mm_shuffle_epi32(iv0, 0xB1);                 /* CDAB */
    iv1 = _mm_shuffle_epi32(iv1, 0x1B);                 /* HGFE */
    const __m128i abef0 = _mm_alignr_epi8(iv0, iv1, 8); /* ABEF */
    const __m128i cdgh0 = _mm_blend_epi16(iv1, iv0, 0xF0); /* CDGH */

    __m128i a0 = abef0, a1 = cdgh0, b0 = abef0, b1 = cdgh0;
    __m128i wa[4], wb[4];
    for (int i = 0; i < 4; i++) {
        wa[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(ina + 16 * i)), bswap);
        wb[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(inb + 16 * i)), bswap);
    }
    for (int g = 0; g < 16; g++) {
        __m128i k = _mm_loadu_si128(kv + g);
        __m128i ma = _mm_add_epi32(wa[g & 3], k);
        __m128i mb = _mm_add_epi32(wb[g & 3], k);
        ROUND4(a0, a1, ma);
        ROUND4(b0, b1, mb);
        if (g < 12) {
            wa[g & 3] = next_words(wa[g & 3], wa[(g + 1) & 3], wa[(g + 2) & 3], wa[(g + 3) & 3]);
            wb[g & 3] = next_words(wb[g & 3], wb[(g + 1) & 3], wb[(g + 2) & 3], wb[(g + 3) & 3]);
        }
    }
    a0 = _mm_add_epi32(a0, abef0); a1 = _mm_add_epi32(a1, cdgh0);
    b0 = _mm_add_epi32(b0, abef0); b1 = _mm_add_epi32(b1, cdgh0);

    const __m128i sa0 = a0, sa1 = a1, sb0 = b0, sb1 = b1;
    for (int g = 0; g < 16; g++) {
        __m128i m = _mm_loadu_si128(pv + g);
        ROUND4(a0, a1, m);
        ROUND4(b0, b1, m);
    }
    a0 = _mm_add_epi32(a0, sa0); a1 = _mm_add_epi32(a1, sa1);
    b0 = _mm_add_epi32(b0, sb0); b1 = _mm_add_epi32(b1, sb1);
    to_bytes(a0, a1, outa, mask);
    to_bytes(b0, b1, outb, mask);
}
#endif

static int accelerated = -1;

static void setup(void) {
    if (accelerated >= 0) return;
    init_pad_schedule();
#if defined(__x86_64__)
    accelerated = cpu_has_sha();
#else
    accelerated = 0;
#endif
}

int filtop_sha256_accelerated(void) {
    setup();
    return accelerated;
}

/// Hashes `count` 64-byte messages, applying `mask` to byte 31 of each digest.
static void hash_pairs(const uint8_t *in, uint8_t *out, size_t count, uint8_t mask) {
    setup();
    size_t i = 0;
#if defined(__x86_64__)
    if (accelerated) {
        uint8_t da[32], db[32];
        for (; i + 2 <= count; i += 2) {
            pairs_x2_shani(in + 64 * i, in + 64 * (i + 1), da, db, mask);
            memcpy(out + 32 * i, da, 32);
            memcpy(out + 32 * (i + 1), db, 32);
        }
    }
#endif
    for (; i < count; i++) {
        uint8_t d[32];
        pair_portable(in + 64 * i, d, mask);
        memcpy(out + 32 * i, d, 32);
    }
}

void filtop_sha256_trunc254_pairs(const uint8_t *in, uint8_t *out, size_t count) {
    hash_pairs(in, out, count, 0x3f);
}

void filtop_sha256_pairs(const uint8_t *in, uint8_t *out, size_t count) {
    hash_pairs(in, out, count, 0xff);
}
