/// Why a frame or message was rejected, or what a peer reported back.
///
/// Decoders throw these instead of trapping; a node answers a peer's bad input with the
/// matching error message (`InvalidMessage`, `ProtocolMismatch`, …) and drops it.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A frame declares a body larger than the receiver accepts.
    case frameTooLarge(length: Int, limit: Int)
    /// A frame declares an empty body.
    case emptyFrame
    /// The message is malformed; the string says which part.
    case invalidMessage(String)
    /// The peer speaks a protocol version this node does not.
    case protocolMismatch(received: UInt64, supported: ClosedRange<UInt64>)
    /// The envelope's message type is not in the catalogue.
    case unknownMessageType(UInt64)
    /// A message of another type arrived where this one was expected.
    case unexpectedMessageType(expected: MessageType, actual: MessageType)
    /// The peer needs more funds before it will answer.
    case insufficientFunds(required: TokenAmount)
    /// A signed message's signature does not verify; the string names the object.
    case badSignature(String)
    /// A signed answer does not match the request (wrong challenge, client or gateway).
    case mismatch(String)
    /// A signed message has expired.
    case expired(expiry: UInt64, now: UInt64)

    public var description: String {
        switch self {
        case .frameTooLarge(let length, let limit): return "frame of \(length) bytes exceeds the \(limit)-byte limit"
        case .emptyFrame: return "empty frame"
        case .invalidMessage(let why): return "invalid message: \(why)"
        case .protocolMismatch(let received, let supported):
            return "protocol version \(received) is not supported (this node speaks \(supported.lowerBound)…\(supported.upperBound)); upgrade the older node"
        case .unknownMessageType(let t): return "unknown message type \(t)"
        case .unexpectedMessageType(let expected, let actual): return "expected a \(expected) message, got \(actual)"
        case .insufficientFunds(let required): return "insufficient funds: the peer requires \(required); add funds to the channel"
        case .badSignature(let what): return "bad signature on \(what)"
        case .mismatch(let why): return "answer does not match the request: \(why)"
        case .expired(let expiry, let now): return "message expired at \(expiry) (Unix seconds); it is now \(now)"
        }
    }
}
