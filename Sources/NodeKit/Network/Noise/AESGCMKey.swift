import CBoringAEAD

/// An AES-256-GCM key ready to seal and open (BoringSSL's AEAD context, from swift-crypto),
/// set up once and used for every message of one session direction. Seals and opens in
/// place: no buffer is allocated or copied per message.
///
/// Sealing and opening only read the context, so a key may be used from any thread.
/// Opening a message piece by piece (`beginOpening`, `openPiece`, `finishOpening`) keeps
/// that message's state in a second context (BoringSSL's EVP_CIPHER AES-GCM): one such
/// message at a time, from one thread.
final class AESGCMKey: @unchecked Sendable {
    static let keyLength = 32
    static let nonceLength = 12
    static let tagLength = 16

    private let context: OpaquePointer
    private let pieces: OpaquePointer

    /// A key of exactly 32 bytes (the Noise cipher key).
    init(_ key: [UInt8]) {
        precondition(key.count == Self.keyLength, "AES-256-GCM keys are 32 bytes")
        // Creation fails only on a wrong key length or no memory.
        guard let context = CCryptoBoringSSL_EVP_AEAD_CTX_new(CCryptoBoringSSL_EVP_aead_aes_256_gcm(), key, key.count, Self.tagLength)
        else { fatalError("cannot set up an AES-256-GCM key: out of memory") }
        self.context = context
        guard let pieces = CCryptoBoringSSL_EVP_CIPHER_CTX_new(),
              CCryptoBoringSSL_EVP_DecryptInit_ex(pieces, CCryptoBoringSSL_EVP_aes_256_gcm(), nil, key, nil) == 1
        else { fatalError("cannot set up an AES-256-GCM key: out of memory") }
        self.pieces = pieces
    }

    deinit {
        CCryptoBoringSSL_EVP_AEAD_CTX_free(context)
        CCryptoBoringSSL_EVP_CIPHER_CTX_free(pieces)
    }

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

    /// Opens ciphertext ‖ tag into `output` (at least `ciphertext.count − 16` bytes);
    /// returns the plaintext length, or nil when the tag does not verify.
    func open(nonce: [UInt8], ad: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard ciphertext.count >= Self.tagLength, output.count >= ciphertext.count - Self.tagLength else { return nil }
        var written = 0
        let ok = CCryptoBoringSSL_EVP_AEAD_CTX_open(
            context, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &written, output.count, nonce, nonce.count,
            ciphertext.baseAddress?.assumingMemoryBound(to: UInt8.self), ciphertext.count,
            ad.baseAddress?.assumingMemoryBound(to: UInt8.self), ad.count)
        return ok == 1 ? written : nil
    }

    /// Begins opening a message whose ciphertext will come in pieces (any message begun
    /// before and not finished is abandoned).
    func beginOpening(nonce: [UInt8]) {
        // Only the nonce is set: the key schedule stays.
        let ok = CCryptoBoringSSL_EVP_DecryptInit_ex(pieces, nil, nil, nil, nonce)
        precondition(ok == 1, "AES-256-GCM cannot take a nonce")
    }

    /// Decrypts the next piece of the message begun into `output` (at least as long). The
    /// plaintext is not authenticated until `finishOpening` returns true.
    func openPiece(_ ciphertext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= ciphertext.count && ciphertext.count <= Int(Int32.max), "output too small for the piece")
        var written: Int32 = 0
        let ok = CCryptoBoringSSL_EVP_DecryptUpdate(
            pieces, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &written,
            ciphertext.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(ciphertext.count))
        precondition(ok == 1 && Int(written) == ciphertext.count, "AES-256-GCM piece not decrypted")
    }

    /// Whether the message's 16-byte `tag` verifies over all the pieces opened since
    /// `beginOpening`.
    func finishOpening(tag: [UInt8]) -> Bool {
        guard tag.count == Self.tagLength else { return false }
        var tag = tag
        var written: Int32 = 0
        return CCryptoBoringSSL_EVP_CIPHER_CTX_ctrl(pieces, CBORINGAEAD_EVP_CTRL_AEAD_SET_TAG, Int32(Self.tagLength), &tag) == 1
            && CCryptoBoringSSL_EVP_DecryptFinal_ex(pieces, nil, &written) == 1
    }
}
