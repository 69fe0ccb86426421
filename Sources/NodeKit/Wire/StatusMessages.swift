/// The answer to an envelope whose protocol version this node does not speak: the range
/// it does. Body `{max, min}`.
public struct ProtocolMismatch: WireMessage, Hashable {
    public static let messageType = MessageType.protocolMismatch
    public let supported: ClosedRange<UInt64>

    public init(supported: ClosedRange<UInt64> = ProtocolVersion.supported) { self.supported = supported }

    public var body: CBOR { .map(["min": .unsigned(supported.lowerBound), "max": .unsigned(supported.upperBound)]) }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ProtocolMismatch", keys: ["min", "max"])
        let min = try f.unsigned("min"), max = try f.unsigned("max")
        guard min <= max else { throw .invalidMessage("ProtocolMismatch.min is above max") }
        supported = min...max
    }
}

/// The answer to a message that could not be decoded or broke the protocol: a short
/// human-readable reason (at most 256 bytes). Body `{reason}`.
public struct InvalidMessage: WireMessage, Hashable {
    public static let messageType = MessageType.invalidMessage
    public static let maxReasonLength = 256
    public let reason: String

    public init(reason: String) {
        self.reason = reason.prefix(utf8Bytes: InvalidMessage.maxReasonLength)
    }

    /// The answer for a decode failure.
    public init(_ error: WireError) { self.init(reason: error.description) }

    public var body: CBOR { .map(["reason": .text(reason)]) }

    public init(body: CBOR) throws(WireError) {
        reason = try MessageFields(body, "InvalidMessage", keys: ["reason"]).text("reason", maxLength: InvalidMessage.maxReasonLength)
    }
}

/// The answer to a paid request whose payment was short: the amount required. Body
/// `{required}` (a token amount in Filecoin big-integer bytes).
public struct InsufficientFunds: WireMessage, Hashable {
    public static let messageType = MessageType.insufficientFunds
    public let required: TokenAmount

    public init(required: TokenAmount) { self.required = required }

    public var body: CBOR { .map(["required": .bytes(required.encoded)]) }

    public init(body: CBOR) throws(WireError) {
        required = try MessageFields(body, "InsufficientFunds", keys: ["required"]).amount("required")
    }

    /// The error a caller surfaces.
    public var error: WireError { .insufficientFunds(required: required) }
}
