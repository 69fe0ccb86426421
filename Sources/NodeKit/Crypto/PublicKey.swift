import CSodium

/// An Ed25519 public key: 32 bytes that verify signatures made by its key pair.
///
/// Verification is libsodium's `crypto_sign_verify_detached` (`docs/PROTOCOL.md` §1
/// "Signature verification rules"): it refuses a non-canonical or small-order key, a
/// non-canonical or small-order R, and S ≥ L, then checks [S]B − [k]A = R byte for byte
/// without the cofactor. So the identity-key forgery that OpenSSL accepts for every message
/// is refused, and no signature can be rewritten into a second valid one (S + L).
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 32
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == PublicKey.byteCount else {
            throw .invalidLength(what: "an Ed25519 public key", expected: PublicKey.byteCount, actual: bytes.count)
        }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// Whether `signature` is this key's signature over `message`.
    public func verify(_ signature: Signature, over message: [UInt8]) -> Bool {
        Sodium.ready()
        return crypto_sign_verify_detached(signature.bytes, message, UInt64(message.count), bytes) == 0
    }

    /// The node ID this key stands for.
    public var nodeID: NodeID { NodeID(publicKey: self) }

    /// Lower-case hex, the form PROTOCOL.md and `--json` output use.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }
}
