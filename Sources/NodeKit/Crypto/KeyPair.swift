import CSodium

/// An Ed25519 key pair: the node's signing identity.
///
/// The secret key lives in one locked, non-copyable allocation that is wiped when the key
/// pair is released. Nothing in this type prints, logs or serialises the secret:
/// `description`, `debugDescription` and `dump` show only the node ID. The only way the
/// seed leaves memory is `KeyFile`, which writes it with mode 0600, optionally encrypted.
public final class KeyPair: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    // Sendable: `secret` is written once in init and only read afterwards (signing reads
    // it through libsodium, which does not modify it); deinit runs when no reference
    // remains, so no thread can observe the wipe.
    static let seedByteCount = 32
    private static let secretByteCount = 64
    private let secret: UnsafeMutablePointer<UInt8>
    public let publicKey: PublicKey

    /// A fresh key pair from libsodium's CSPRNG.
    public convenience init() {
        var seed = Sodium.randomBytes(KeyPair.seedByteCount)
        defer { Sodium.wipe(&seed) }
        self.init(checkedSeed: seed)
    }

    /// The key pair derived from a 32-byte seed (RFC 8032 private key).
    public convenience init(seed: [UInt8]) throws(CryptoError) {
        guard seed.count == KeyPair.seedByteCount else {
            throw .invalidLength(what: "an Ed25519 seed", expected: KeyPair.seedByteCount, actual: seed.count)
        }
        self.init(checkedSeed: seed)
    }

    private init(checkedSeed seed: [UInt8]) {
        Sodium.ready()
        secret = .allocate(capacity: KeyPair.secretByteCount)
        _ = sodium_mlock(secret, KeyPair.secretByteCount)
        var pk = [UInt8](repeating: 0, count: PublicKey.byteCount)
        _ = crypto_sign_seed_keypair(&pk, secret, seed)
        publicKey = PublicKey(unchecked: pk)
    }

    deinit {
        sodium_munlock(secret, KeyPair.secretByteCount)
        secret.deallocate()
    }

    /// This node's ID.
    public var nodeID: NodeID { publicKey.nodeID }

    /// Signs `message` (deterministic: the same message always gives the same signature).
    public func sign(_ message: [UInt8]) -> Signature {
        var sig = [UInt8](repeating: 0, count: Signature.byteCount)
        _ = crypto_sign_detached(&sig, nil, message, UInt64(message.count), secret)
        return Signature(unchecked: sig)
    }

    /// Calls `body` with a temporary copy of the 32-byte seed, wiped afterwards.
    func withSeed<R>(_ body: ([UInt8]) throws -> R) rethrows -> R {
        var seed = [UInt8](repeating: 0, count: KeyPair.seedByteCount)
        defer { Sodium.wipe(&seed) }
        _ = crypto_sign_ed25519_sk_to_seed(&seed, secret)
        return try body(seed)
    }

    public var description: String { "KeyPair(node: \(nodeID), secret: redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["nodeID": nodeID.description, "secret": "redacted"]) }
}
