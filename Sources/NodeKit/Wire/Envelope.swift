/// The versioned wrapper around every message: type, protocol version, request ID, body.
///
/// Encoded as a DAG-CBOR map `{body, type, request, version}` (canonical key order) inside
/// one frame. The request ID pairs an answer with its request: an answer carries the ID
/// of the request it answers. Decoding is bounded (size, depth, collection counts) and
/// strict (canonical DAG-CBOR only, no unknown keys).
public struct Envelope: Hashable, Sendable {
    public let type: MessageType
    public let version: UInt64
    public let requestID: UInt64
    public let body: CBOR

    public init(type: MessageType, requestID: UInt64, body: CBOR, version: UInt64 = ProtocolVersion.current) {
        self.type = type
        self.requestID = requestID
        self.body = body
        self.version = version
    }

    /// Wraps a message.
    public init<M: WireMessage>(_ message: M, requestID: UInt64) {
        self.init(type: M.messageType, requestID: requestID, body: message.body)
    }

    static let decodeLimits = CBORDecoder.Limits(maxDepth: 8, maxCollectionCount: 256, maxStringLength: Frame.defaultMaxBodySize)

    public var encoded: [UInt8] {
        var e = CBOREncoder(capacity: 256)
        e.writeHead(.map, 4)
        e.writeText("body")
        e.encode(body)
        e.writeText("type")
        e.writeUnsigned(type.rawValue)
        e.writeText("request")
        e.writeUnsigned(requestID)
        e.writeText("version")
        e.writeUnsigned(version)
        return e.bytes
    }

    /// The envelope framed for the wire.
    public var framed: [UInt8] { Frame.encode(encoded) }

    /// Decodes a frame body. A version outside `ProtocolVersion.supported` throws
    /// `protocolMismatch` (after the envelope itself parsed, so the caller can answer
    /// with the request ID).
    public init(decoding bytes: [UInt8]) throws(WireError) {
        let value: CBOR
        do { value = try CBORDecoder.decode(bytes, limits: Envelope.decodeLimits) } catch {
            throw .invalidMessage("envelope: \(error)")
        }
        guard let map = value.mapValue else { throw .invalidMessage("envelope must be a CBOR map") }
        guard map.count == 4, let body = map["body"], let type = map["type"]?.unsignedValue,
              let request = map["request"]?.unsignedValue, let version = map["version"]?.unsignedValue else {
            throw .invalidMessage("envelope must have exactly body, type, request (unsigned) and version (unsigned)")
        }
        guard ProtocolVersion.supported.contains(version) else {
            throw .protocolMismatch(received: version, supported: ProtocolVersion.supported)
        }
        guard let messageType = MessageType(rawValue: type) else { throw .unknownMessageType(type) }
        self.init(type: messageType, requestID: request, body: body, version: version)
    }

    /// The body as message `M`, checking the type.
    public func message<M: WireMessage>(as _: M.Type = M.self) throws(WireError) -> M {
        guard type == M.messageType else { throw .unexpectedMessageType(expected: M.messageType, actual: type) }
        return try M(body: body)
    }
}
