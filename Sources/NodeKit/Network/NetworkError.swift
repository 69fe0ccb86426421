/// Why a network operation failed, phrased for the operator.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The connection closed (the peer went away, or the session was torn down).
    case connectionClosed(String)
    /// No answer within the allotted time.
    case timedOut(String)
    /// A peer address could not be parsed or reached.
    case unreachable(String)
    /// The peer answered with something that is not an answer to the request.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .connectionClosed(let when): return "connection closed \(when)"
        case .timedOut(let what): return "timed out \(what)"
        case .unreachable(let why): return "unreachable: \(why)"
        case .protocolViolation(let why): return "protocol violation: \(why)"
        }
    }
}
