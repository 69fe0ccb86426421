import CSodium

/// The functions of the suite `Noise_XX_25519_AESGCM_SHA256`: X25519, SHA-256, HMAC-SHA256
/// and the Noise HKDF from libsodium; AES-256-GCM from swift-crypto's BoringSSL (`AESGCMKey`).
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

    /// The 96-bit AESGCM nonce (Noise spec §12.4): 32 zero bits then the 64-bit counter, big-endian.
    static func nonce(_ n: UInt64) -> [UInt8] {
        [0, 0, 0, 0] + (0..<8).map { UInt8(truncatingIfNeeded: n >> (56 - 8 * UInt64($0))) }
    }

    static func encrypt(key: AESGCMKey, nonce n: UInt64, ad: [UInt8], plaintext: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        let written = ad.withUnsafeBytes { a in
            plaintext.withUnsafeBytes { p in out.withUnsafeMutableBytes { key.seal(nonce: nonce(n), ad: a, plaintext: p, into: $0) } }
        }
        return Array(out.prefix(written))
    }

    /// Seals `plaintext` into `output` as ciphertext ‖ tag; returns the bytes written.
    static func seal(key: AESGCMKey, nonce n: UInt64, plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        key.seal(nonce: nonce(n), ad: UnsafeRawBufferPointer(start: nil, count: 0), plaintext: plaintext, into: output)
    }

    /// Opens ciphertext ‖ tag into `output`; returns the plaintext length.
    static func open(key: AESGCMKey, nonce n: UInt64, ciphertext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(NoiseError) -> Int {
        guard let length = key.open(nonce: nonce(n), ad: UnsafeRawBufferPointer(start: nil, count: 0), ciphertext: ciphertext, into: output)
        else { throw .decryptionFailed }
        return length
    }

    static func decrypt(key: AESGCMKey, nonce n: UInt64, ad: [UInt8], ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard ciphertext.count >= tagLength else { throw .decryptionFailed }
        var out = [UInt8](repeating: 0, count: ciphertext.count - tagLength)
        let length = ad.withUnsafeBytes { a in
            ciphertext.withUnsafeBytes { c in out.withUnsafeMutableBytes { key.open(nonce: nonce(n), ad: a, ciphertext: c, into: $0) } }
        }
        guard let length else { throw .decryptionFailed }
        return Array(out.prefix(length))
    }
}
