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

// The EVP_CIPHER interface to AES-256-GCM (include/openssl/cipher.h), which opens a
// message fed in pieces: the session opens a transport message that spans reads straight
// out of the read buffers, with no copy to gather it first.
typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct engine_st ENGINE;

#define CBORINGAEAD_EVP_CTRL_AEAD_SET_TAG 0x11

const EVP_CIPHER *CCryptoBoringSSL_EVP_aes_256_gcm(void);
EVP_CIPHER_CTX *CCryptoBoringSSL_EVP_CIPHER_CTX_new(void);
void CCryptoBoringSSL_EVP_CIPHER_CTX_free(EVP_CIPHER_CTX *ctx);
int CCryptoBoringSSL_EVP_DecryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, ENGINE *engine,
                                        const uint8_t *key, const uint8_t *iv);
int CCryptoBoringSSL_EVP_DecryptUpdate(EVP_CIPHER_CTX *ctx, uint8_t *out, int *out_len, const uint8_t *in,
                                       int in_len);
int CCryptoBoringSSL_EVP_DecryptFinal_ex(EVP_CIPHER_CTX *ctx, uint8_t *out, int *out_len);
int CCryptoBoringSSL_EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX *ctx, int command, int arg, void *ptr);

#endif
