/// Why a node refused a request, as it crosses the wire: a stable code a program can act
/// on and the operator message the refusing node would have shown locally.
///
/// Body `{code, message}`: `code` is one of `RefusalCode`'s raw values (text), `message`
/// at most 512 bytes of UTF-8. A caller receives the refusal as this same typed error, so
/// a remote console shows exactly what a local one shows. An unknown code (from a newer
/// peer) decodes as `.unknown` and keeps the message.
public struct Refusal: WireMessage, Error, Hashable, CustomStringConvertible {
    public static let messageType = MessageType.refusal
    public static let maxMessageLength = 512

    public let code: RefusalCode
    public let message: String

    public init(_ code: RefusalCode, _ message: String) {
        self.code = code
        self.message = message.prefix(utf8Bytes: Refusal.maxMessageLength)
    }

    public var description: String { message }

    public var body: CBOR { .map(["code": .text(code.rawValue), "message": .text(message)]) }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "Refusal", keys: ["code", "message"])
        let code = try f.text("code", maxLength: 64)
        self.init(RefusalCode(rawValue: code) ?? .unknown, try f.text("message", maxLength: Refusal.maxMessageLength))
    }
}

/// The reasons a node refuses a request (`docs/PROTOCOL.md`, "Refusals"). Codes are
/// never reused; later roles add cases.
public enum RefusalCode: String, Sendable, CaseIterable {
    /// The session's key is not one of the node's admin keys.
    case notAdmin
    /// No service of this node answers that message type (a role's request sent to a
    /// node without that role, say).
    case notServed
    /// The request did not decode or broke the protocol.
    case invalidMessage
    /// A record or request may only be made by the node it concerns.
    case notOwner
    /// A signed object or request has expired.
    case expired
    /// Something named in the request does not exist here.
    case notFound
    /// A signature or an answer did not match what it claims.
    case badSignature
    /// The request needs more funds.
    case insufficientFunds
    /// The node is at a limit (in-flight requests, sessions) and refuses for now.
    case busy
    /// The node failed while answering; the message says what to check.
    case failed
    /// A signed ledger message reused or skipped its account nonce.
    case replayed
    /// A voucher's nonce is not above its lane's last, or its amount below the lane's.
    case staleVoucher
    /// The payment channel is settling past its end or collected.
    case settling
    /// A time lock or settle period has not yet passed.
    case tooEarly
    /// The request must be paid for first; the message names the price.
    case paymentRequired
    /// The node's retention policy refuses it (a blocked, distrusted or too slow provider).
    case refusedByPolicy
    /// A code this node does not know (sent by a newer peer).
    case unknown
}

/// An error a service can send back to a peer as a `Refusal`.
public protocol RefusalConvertible: Error {
    var refusal: Refusal { get }
}

extension Refusal: RefusalConvertible {
    public var refusal: Refusal { self }
}

extension WireError: RefusalConvertible {
    public var refusal: Refusal {
        switch self {
        case .expired: return Refusal(.expired, description)
        case .badSignature, .mismatch: return Refusal(.badSignature, description)
        case .insufficientFunds: return Refusal(.insufficientFunds, description)
        default: return Refusal(.invalidMessage, description)
        }
    }
}
