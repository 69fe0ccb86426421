import CBoringAEAD

/// An AES-256-GCM key ready to seal and open (BoringSSL's AEAD context, from swift-crypto),
/// set up once and used for every message of one session direction. Seals and opens in
/// place: no buffer is allocated or copied per message.
///
/// Sealing and opening only read the context, so a key may be used from any thread.
final class AESGCMKey: @unchecked Sendable {
    static let keyLength = 32
    static let nonceLength = 12
    static let tagLength = 16

    private let context: OpaquePointer

    /// A key of exactly 32 bytes (the Noise cipher key).
    init(_ key: [UInt8]) {
        precondition(key.count == Self.keyLength, "AES-256-GCM keys are 32 bytes")
        // Creation fails only on a wrong key length or no memory.
        guard let context = CCryptoBoringSSL_EVP_AEAD_CTX_new(CCryptoBoringSSL_EVP_aead_aes_256_gcm(), key, key.count, Self.tagLength)
        else { fatalError("cannot set up an AES-256-GCM key: out of memory") }
        self.context = context
    }

    deinit { CCryptoBoringSSL_EVP_AEAD_CTX_free(context) }

    /// Seals `plaintext` into `output` as ciphertext ‖ tag (`output` holds at least
    /// `plaintext.count + 16` bytes; it may be the same memory as `plaintext`); returns
    /// the bytes written.
    func seal(nonce: [UInt8], ad: UnsafeRawBufferPointer, plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(output.count >= plaintext.count + Self.tagLength, "output too small for the tag")
        var written = 0
        let ok = CCryptoBoringSSL_EVP_AEAD_CTX_seal(
            context, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &written, output.count, nonce, nonce.count,
            plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self), plaintext.count,
            ad.baseAddress?.assumingMemoryBound(to: UInt8.self), ad.count)
        // Sealing fails only on arguments this type never passes (checked above).
        precondition(ok == 1, "AES-256-GCM seal failed")
        return written
    }

    /// Opens ciphertext ‖ tag into `output` (at least `ciphertext.count − 16` bytes; it may
    /// start at the same address as `ciphertext`, to open in place); returns the plaintext
    /// length, or nil when the tag does not verify.
    func open(nonce: [UInt8], ad: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard ciphertext.count >= Self.tagLength, output.count >= ciphertext.count - Self.tagLength else { return nil }
        var written = 0
        let ok = CCryptoBoringSSL_EVP_AEAD_CTX_open(
            context, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &written, output.count, nonce, nonce.count,
            ciphertext.baseAddress?.assumingMemoryBound(to: UInt8.self), ciphertext.count,
            ad.baseAddress?.assumingMemoryBound(to: UInt8.self), ad.count)
        return ok == 1 ? written : nil
    }
}
