/// Why a Noise handshake or transport frame was refused. Any of these ends the session.
public enum NoiseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A handshake message is shorter than its pattern requires.
    case truncatedMessage(expected: Int, actual: Int)
    /// A message is longer than Noise's 65535-byte limit.
    case messageTooLong(Int)
    /// AEAD authentication failed: the bytes were altered, replayed, reordered or keyed wrongly.
    case decryptionFailed
    /// A Diffie-Hellman result was all zeros (a low-order public key).
    case invalidPublicKey
    /// The 2^64−1 nonce space of a cipher state is used up; the session must be re-established.
    case nonceExhausted
    /// A message arrived in the wrong handshake state (out of turn, or after completion).
    case outOfOrder(String)
    /// The peer's identity payload is missing, malformed or not signed by the key it names.
    case invalidIdentity(String)
    /// The peer proved an identity other than the one this node expected.
    case unexpectedPeer(expected: String, actual: String)

    public var description: String {
        switch self {
        case .truncatedMessage(let e, let a): return "Noise message truncated: \(a) bytes, at least \(e) needed"
        case .messageTooLong(let n): return "Noise message of \(n) bytes exceeds 65535"
        case .decryptionFailed: return "Noise decryption failed (altered, replayed or reordered data)"
        case .invalidPublicKey: return "peer sent an invalid Curve25519 public key"
        case .nonceExhausted: return "Noise nonce space exhausted; re-establish the session"
        case .outOfOrder(let what): return "Noise message out of order: \(what)"
        case .invalidIdentity(let why): return "peer identity not proven: \(why)"
        case .unexpectedPeer(let e, let a): return "peer is \(a), expected \(e)"
        }
    }
}
