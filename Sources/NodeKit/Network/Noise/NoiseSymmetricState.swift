/// A Noise SymmetricState (spec §5.2): the chaining key, the handshake hash, and the
/// cipher state the handshake encrypts with.
struct NoiseSymmetricState {
    private(set) var chainingKey: [UInt8]
    private(set) var handshakeHash: [UInt8]
    private var cipher = NoiseCipherState()

    init(protocolName: String) {
        let name = Array(protocolName.utf8)
        if name.count <= NoisePrimitives.hashLength {
            handshakeHash = name + [UInt8](repeating: 0, count: NoisePrimitives.hashLength - name.count)
        } else {
            handshakeHash = NoisePrimitives.hash(name)
        }
        chainingKey = handshakeHash
    }

    mutating func mixKey(_ input: [UInt8]) {
        let out = NoisePrimitives.hkdf(chainingKey: chainingKey, input: input, outputs: 2)
        chainingKey = out[0]
        cipher.initializeKey(out[1])
    }

    mutating func mixHash(_ data: [UInt8]) {
        handshakeHash = NoisePrimitives.hash(handshakeHash, data)
    }

    mutating func encryptAndHash(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let ciphertext = try cipher.encrypt(ad: handshakeHash, plaintext)
        mixHash(ciphertext)
        return ciphertext
    }

    mutating func decryptAndHash(_ ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let plaintext = try cipher.decrypt(ad: handshakeHash, ciphertext)
        mixHash(ciphertext)
        return plaintext
    }

    /// Whether encryptAndHash adds a tag yet (a key has been mixed in).
    var hasKey: Bool { cipher.hasKey }

    func split() -> (NoiseCipherState, NoiseCipherState) {
        let out = NoisePrimitives.hkdf(chainingKey: chainingKey, input: [], outputs: 2)
        return (NoiseCipherState(key: out[0]), NoiseCipherState(key: out[1]))
    }
}
