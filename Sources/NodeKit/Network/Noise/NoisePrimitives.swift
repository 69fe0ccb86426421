import CSodium

/// The functions of the suite `Noise_XX_25519_ChaChaPoly_SHA256`, from libsodium:
/// X25519, ChaCha20-Poly1305 (IETF, 96-bit nonce), SHA-256, HMAC-SHA256 and the Noise HKDF.
enum NoisePrimitives {
    static let dhLength = 32
    static let hashLength = 32
    static let tagLength = 16
    static let maxMessageLength = 65535

    /// A Curve25519 key pair for Diffie-Hellman.
    struct KeyPair: Sendable {
        let privateKey: [UInt8]
        let publicKey: [UInt8]

        /// The key pair of a 32-byte private scalar (clamped by X25519 itself).
        init(privateKey: [UInt8]) {
            Sodium.ready()
            self.privateKey = privateKey
            var pk = [UInt8](repeating: 0, count: dhLength)
            _ = crypto_scalarmult_curve25519_base(&pk, privateKey)
            publicKey = pk
        }

        static func generate() -> KeyPair { KeyPair(privateKey: Sodium.randomBytes(dhLength)) }
    }

    static func dh(_ keyPair: KeyPair, _ publicKey: [UInt8]) throws(NoiseError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: dhLength)
        guard publicKey.count == dhLength, crypto_scalarmult_curve25519(&out, keyPair.privateKey, publicKey) == 0 else {
            throw .invalidPublicKey
        }
        return out
    }

    static func hash(_ parts: [UInt8]...) -> [UInt8] {
        Sodium.ready()
        var state = crypto_hash_sha256_state()
        crypto_hash_sha256_init(&state)
        for p in parts { crypto_hash_sha256_update(&state, p, UInt64(p.count)) }
        var out = [UInt8](repeating: 0, count: hashLength)
        crypto_hash_sha256_final(&state, &out)
        return out
    }

    static func hmac(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        Sodium.ready()
        var state = crypto_auth_hmacsha256_state()
        crypto_auth_hmacsha256_init(&state, key, key.count)
        for p in parts { crypto_auth_hmacsha256_update(&state, p, UInt64(p.count)) }
        var out = [UInt8](repeating: 0, count: hashLength)
        crypto_auth_hmacsha256_final(&state, &out)
        return out
    }

    /// Noise's HKDF (spec §4.3) with two or three outputs.
    static func hkdf(chainingKey: [UInt8], input: [UInt8], outputs: Int) -> [[UInt8]] {
        let temp = hmac(key: chainingKey, input)
        let o1 = hmac(key: temp, [0x01])
        let o2 = hmac(key: temp, o1, [0x02])
        if outputs == 2 { return [o1, o2] }
        return [o1, o2, hmac(key: temp, o2, [0x03])]
    }

    /// The 96-bit ChaChaPoly nonce: 32 zero bits then the 64-bit counter, little-endian.
    static func nonce(_ n: UInt64) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { out[4 + i] = UInt8(truncatingIfNeeded: n >> (8 * UInt64(i))) }
        return out
    }

    static func encrypt(key: [UInt8], nonce n: UInt64, ad: [UInt8], plaintext: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var outLength: UInt64 = 0
        _ = crypto_aead_chacha20poly1305_ietf_encrypt(
            &out, &outLength, plaintext, UInt64(plaintext.count), ad, UInt64(ad.count), nil, nonce(n), key)
        return out
    }

    static func seal(key: [UInt8], nonce n: UInt64, plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        var outLength: UInt64 = 0
        _ = crypto_aead_chacha20poly1305_ietf_encrypt(
            output.baseAddress!.assumingMemoryBound(to: UInt8.self), &outLength,
            plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(plaintext.count), nil, 0, nil, nonce(n), key)
        return Int(outLength)
    }

    static func open(key: [UInt8], nonce n: UInt64, ciphertext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(NoiseError) -> Int {
        guard ciphertext.count >= tagLength, output.count >= ciphertext.count - tagLength else { throw .decryptionFailed }
        var outLength: UInt64 = 0
        let rc = crypto_aead_chacha20poly1305_ietf_decrypt(
            output.baseAddress?.assumingMemoryBound(to: UInt8.self), &outLength, nil,
            ciphertext.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(ciphertext.count), nil, 0, nonce(n), key)
        guard rc == 0 else { throw .decryptionFailed }
        return Int(outLength)
    }

    static func decrypt(key: [UInt8], nonce n: UInt64, ad: [UInt8], ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard ciphertext.count >= tagLength else { throw .decryptionFailed }
        var out = [UInt8](repeating: 0, count: ciphertext.count - tagLength)
        var outLength: UInt64 = 0
        let rc = crypto_aead_chacha20poly1305_ietf_decrypt(
            &out, &outLength, nil, ciphertext, UInt64(ciphertext.count), ad, UInt64(ad.count), nonce(n), key)
        guard rc == 0 else { throw .decryptionFailed }
        return out
    }
}
