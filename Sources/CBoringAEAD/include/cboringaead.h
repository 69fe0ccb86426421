#ifndef CBORINGAEAD_H
#define CBORINGAEAD_H

// BoringSSL's AEAD interface as swift-crypto builds it (its C module prefixes every
// symbol with CCryptoBoringSSL_ and is linked into every target that depends on
// swift-crypto's Crypto product). swift-crypto's own AES.GCM calls exactly these
// functions; its Swift API allocates a new buffer and copies every message, which the
// secure session's bulk path cannot afford, so the session calls them directly to seal
// and open frames in place with a key context set up once per session direction.
// The declarations match BoringSSL's include/openssl/aead.h.

#include <stddef.h>
#include <stdint.h>

typedef struct evp_aead_st EVP_AEAD;
typedef struct evp_aead_ctx_st EVP_AEAD_CTX;

const EVP_AEAD *CCryptoBoringSSL_EVP_aead_aes_256_gcm(void);

EVP_AEAD_CTX *CCryptoBoringSSL_EVP_AEAD_CTX_new(const EVP_AEAD *aead, const uint8_t *key, size_t key_len,
                                                size_t tag_len);
void CCryptoBoringSSL_EVP_AEAD_CTX_free(EVP_AEAD_CTX *ctx);

int CCryptoBoringSSL_EVP_AEAD_CTX_seal(const EVP_AEAD_CTX *ctx, uint8_t *out, size_t *out_len, size_t max_out_len,
                                       const uint8_t *nonce, size_t nonce_len, const uint8_t *in, size_t in_len,
                                       const uint8_t *ad, size_t ad_len);
int CCryptoBoringSSL_EVP_AEAD_CTX_open(const EVP_AEAD_CTX *ctx, uint8_t *out, size_t *out_len, size_t max_out_len,
                                       const uint8_t *nonce, size_t nonce_len, const uint8_t *in, size_t in_len,
                                       const uint8_t *ad, size_t ad_len);

#endif
