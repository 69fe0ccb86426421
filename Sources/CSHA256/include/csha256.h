#ifndef FILTOP_CSHA256_H
#define FILTOP_CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// Returns 1 when the CPU has the SHA extensions and the accelerated path is in use.
int filtop_sha256_accelerated(void);

/// Hashes `count` independent 64-byte messages with SHA-256 and clears the two most
/// significant bits of byte 31 of each digest (the Filecoin "trunc254" node function).
/// `in` holds `count` × 64 bytes, `out` receives `count` × 32 bytes. `in` and `out`
/// may be the same buffer: digest i is written only after message i and all earlier
/// messages have been read.
void filtop_sha256_trunc254_pairs(const uint8_t *in, uint8_t *out, size_t count);

/// Plain SHA-256 of `count` independent 64-byte messages (Merkle tree nodes); the same
/// buffer rules as `filtop_sha256_trunc254_pairs`.
void filtop_sha256_pairs(const uint8_t *in, uint8_t *out, size_t count);

/// Fr32-expands `chunks` 127-byte chunks of `in` into `chunks` 128-byte chunks of `out`:
/// every 254 bits of input become a 256-bit little-endian word whose top two bits are zero.
void filtop_fr32_expand(const uint8_t *in, uint8_t *out, size_t chunks);

#endif
