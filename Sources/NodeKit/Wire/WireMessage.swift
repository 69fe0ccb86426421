/// A message the wire codec can carry: it knows its catalogue type and converts to and
/// from an envelope body.
public protocol WireMessage: Sendable {
    static var messageType: MessageType { get }
    /// The body as a DAG-CBOR value (a map).
    var body: CBOR { get }
    /// Reads the body, throwing `WireError.invalidMessage` on any shape error.
    init(body: CBOR) throws(WireError)
}

/// Strict access to a message body map: exact key set, typed fields.
struct MessageFields {
    private let map: [String: CBOR]
    let what: String

    init(_ body: CBOR, _ what: String, keys: Set<String>) throws(WireError) {
        guard let map = body.mapValue else { throw .invalidMessage("\(what) body must be a CBOR map") }
        guard Set(map.keys) == keys else {
            throw .invalidMessage("\(what) must have exactly the fields \(keys.sorted(by: CBOR.canonicalKeyOrder).joined(separator: ", "))")
        }
        self.map = map
        self.what = what
    }

    func value(_ key: String) -> CBOR { map[key] ?? .null }

    func unsigned(_ key: String) throws(WireError) -> UInt64 {
        guard let v = map[key]?.unsignedValue else { throw .invalidMessage("\(what).\(key) must be an unsigned integer") }
        return v
    }

    func text(_ key: String, maxLength: Int) throws(WireError) -> String {
        guard let v = map[key]?.textValue, v.utf8.count <= maxLength else {
            throw .invalidMessage("\(what).\(key) must be text of at most \(maxLength) bytes")
        }
        return v
    }

    func bytes(_ key: String, count: Int? = nil) throws(WireError) -> [UInt8] {
        guard let v = map[key]?.bytesValue else { throw .invalidMessage("\(what).\(key) must be a byte string") }
        if let count, v.count != count { throw .invalidMessage("\(what).\(key) must be \(count) bytes, got \(v.count)") }
        return v
    }

    func publicKey(_ key: String) throws(WireError) -> PublicKey { PublicKey(unchecked: try bytes(key, count: PublicKey.byteCount)) }
    func signature(_ key: String) throws(WireError) -> Signature { Signature(unchecked: try bytes(key, count: Signature.byteCount)) }

    func nodeID(_ key: String) throws(WireError) -> NodeID {
        do { return try NodeID(bytes: try bytes(key)) } catch { throw .invalidMessage("\(what).\(key): \(error)") }
    }

    func channelID(_ key: String) throws(WireError) -> ChannelID {
        do { return try ChannelID(bytes: try bytes(key)) } catch { throw .invalidMessage("\(what).\(key): \(error)") }
    }

    func cid(_ key: String) throws(WireError) -> CID {
        do { return try CID(bytes: try bytes(key)) } catch let e as WireError { throw e } catch { throw .invalidMessage("\(what).\(key): \(error)") }
    }

    func amount(_ key: String) throws(WireError) -> TokenAmount {
        do { return try TokenAmount(encoded: try bytes(key)) } catch { throw .invalidMessage("\(what).\(key): \(error)") }
    }
}
