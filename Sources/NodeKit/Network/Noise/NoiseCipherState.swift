/// A Noise CipherState (spec §5.1): a key and a nonce counter that never repeats.
///
/// Before a key is set, encryption is the identity (as the spec requires during the first
/// handshake messages). After 2^64−1 messages the state refuses to go on.
public struct NoiseCipherState: Sendable {
    private var key: AESGCMKey?
    public private(set) var nonce: UInt64 = 0

    init(key: [UInt8]? = nil) { self.key = key.map(AESGCMKey.init) }

    var hasKey: Bool { key != nil }

    mutating func initializeKey(_ k: [UInt8]) {
        key = AESGCMKey(k)
        nonce = 0
    }

    /// Encrypts `plaintext` with associated data `ad` and advances the nonce.
    public mutating func encrypt(ad: [UInt8] = [], _ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard let key else { return plaintext }
        guard nonce < UInt64.max else { throw .nonceExhausted }
        defer { nonce += 1 }
        return NoisePrimitives.encrypt(key: key, nonce: nonce, ad: ad, plaintext: plaintext)
    }

    /// Encrypts `plaintext` into `output` (which must hold `plaintext.count + 16` bytes)
    /// without intermediate copies; returns the bytes written. Needs a key.
    public mutating func seal(_ plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(NoiseError) -> Int {
        guard let key else { throw .outOfOrder("transport cipher has no key") }
        guard nonce < UInt64.max else { throw .nonceExhausted }
        precondition(output.count >= plaintext.count + NoisePrimitives.tagLength, "output too small for the tag")
        defer { nonce += 1 }
        return NoisePrimitives.seal(key: key, nonce: nonce, plaintext: plaintext, into: output)
    }

    /// Decrypts `ciphertext` into `output` (at least `ciphertext.count − 16` bytes);
    /// returns the plaintext length. The nonce advances only on success.
    public mutating func open(_ ciphertext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(NoiseError) -> Int {
        guard let key else { throw .outOfOrder("transport cipher has no key") }
        guard nonce < UInt64.max else { throw .nonceExhausted }
        let n = try NoisePrimitives.open(key: key, nonce: nonce, ciphertext: ciphertext, into: output)
        nonce += 1
        return n
    }

    /// Begins decrypting a transport message that arrives in pieces, at the current nonce.
    /// Needs a key; one such message at a time.
    func beginOpening() throws(NoiseError) {
        guard let key else { throw .outOfOrder("transport cipher has no key") }
        guard nonce < UInt64.max else { throw .nonceExhausted }
        key.beginOpening(nonce: NoisePrimitives.nonce(nonce))
    }

    /// Decrypts the next piece of the message begun into `output` (at least as long); the
    /// plaintext may be used only once `finishOpening` succeeds.
    func openPiece(_ ciphertext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        key?.openPiece(ciphertext, into: output)
    }

    /// Checks the message's tag; the nonce advances only when it verifies.
    mutating func finishOpening(tag: [UInt8]) throws(NoiseError) {
        guard let key, key.finishOpening(tag: tag) else { throw .decryptionFailed }
        nonce += 1
    }

    /// Decrypts and authenticates `ciphertext`; the nonce advances only on success, so an
    /// altered, replayed or reordered frame fails and leaves the state where it was.
    public mutating func decrypt(ad: [UInt8] = [], _ ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard let key else { return ciphertext }
        guard nonce < UInt64.max else { throw .nonceExhausted }
        let plaintext = try NoisePrimitives.decrypt(key: key, nonce: nonce, ad: ad, ciphertext: ciphertext)
        nonce += 1
        return plaintext
    }
}
