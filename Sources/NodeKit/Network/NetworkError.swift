import Foundation
import NIOCore
import NIOPosix

/// Why a network operation failed, phrased for the operator.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The connection closed (the peer went away, or the session was torn down).
    case connectionClosed(String)
    /// No answer within the allotted time.
    case timedOut(String)
    /// A peer address could not be parsed or reached.
    case unreachable(String)
    /// Dialling `address` failed before any byte was exchanged; `reason` says how
    /// (for example "connection refused").
    case cannotReach(address: String, reason: String)
    /// The peer answered with something that is not an answer to the request.
    case protocolViolation(String)
    /// An ordered stream was abandoned before its end; the text says by whom and why.
    case streamCancelled(String)

    public var description: String {
        switch self {
        case .connectionClosed(let when): return "connection closed \(when)"
        case .timedOut(let what): return "timed out \(what)"
        case .unreachable(let why): return "unreachable: \(why)"
        case .cannotReach(let address, let reason):
            return "cannot reach \(address): \(reason) — is the node running? (start it with 'filtop node run'; check the address)"
        case .protocolViolation(let why): return "protocol violation: \(why)"
        case .streamCancelled(let why): return "stream cancelled \(why)"
        }
    }

    /// The operator's phrasing of a failure to open a TCP connection to `address`.
    static func dialFailure(_ error: Error, address: String) -> NetworkError {
        .cannotReach(address: address, reason: dialReason(error))
    }

    private static func dialReason(_ error: Error) -> String {
        switch error {
        case let failure as NIOConnectionError:
            if let first = failure.connectionErrors.first { return dialReason(first.error) }
            if failure.dnsAError != nil || failure.dnsAAAAError != nil { return "the host name does not resolve" }
            return "no address to connect to"
        case let io as NIOCore.IOError:
            return String(cString: strerror(io.errnoCode)).lowercased()
        case ChannelError.connectTimeout(let after):
            return "no answer within \(after.nanoseconds / 1_000_000) ms"
        default:
            return "\(error)"
        }
    }
}
