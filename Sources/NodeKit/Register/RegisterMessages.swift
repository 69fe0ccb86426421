/// Publishes (or replaces) the sender's own node record. Body `{record}`.
/// The register accepts it only over a session proven by the record's key.
public struct RegisterNode: WireMessage, Hashable {
    public static let messageType = MessageType.registerNode
    public let record: NodeRecord
    public init(record: NodeRecord) { self.record = record }
    public var body: CBOR { .map(["record": record.cbor]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "RegisterNode", keys: ["record"])
        do { record = try NodeRecord(cbor: f.value("record")) } catch { throw .invalidMessage("\(error)") }
    }
}

/// Removes the sender's own record. Body `{node}`: the node ID, which must be the
/// session's proven peer.
public struct DeregisterNode: WireMessage, Hashable {
    public static let messageType = MessageType.deregisterNode
    public let node: NodeID
    public init(node: NodeID) { self.node = node }
    public var body: CBOR { .map(["node": .bytes(node.bytes)]) }
    public init(body: CBOR) throws(WireError) {
        node = try MessageFields(body, "DeregisterNode", keys: ["node"]).nodeID("node")
    }
}

/// The register's answer to RegisterNode / DeregisterNode. Body `{node, seq}`: the node
/// and the sequence number now stored (0 after a removal).
public struct RegisterAck: WireMessage, Hashable {
    public static let messageType = MessageType.registerAck
    public let node: NodeID
    public let sequence: UInt64
    public init(node: NodeID, sequence: UInt64) { self.node = node; self.sequence = sequence }
    public var body: CBOR { .map(["node": .bytes(node.bytes), "seq": .unsigned(sequence)]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "RegisterAck", keys: ["node", "seq"])
        node = try f.nodeID("node")
        sequence = try f.unsigned("seq")
    }
}

/// Asks for live records, optionally only those with a role and/or in a region.
/// Body `{role, region}` (empty strings mean "any").
public struct ListNodes: WireMessage, Hashable {
    public static let messageType = MessageType.listNodes
    public let role: NodeRecord.Role?
    public let region: String?
    public init(role: NodeRecord.Role? = nil, region: String? = nil) { self.role = role; self.region = region }
    public var body: CBOR { .map(["role": .text(role?.rawValue ?? ""), "region": .text(region ?? "")]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ListNodes", keys: ["role", "region"])
        let r = try f.text("role", maxLength: 16)
        guard r.isEmpty || NodeRecord.Role(rawValue: r) != nil else { throw .invalidMessage("ListNodes.role '\(r)' is not a role") }
        role = r.isEmpty ? nil : NodeRecord.Role(rawValue: r)
        let g = try f.text("region", maxLength: NodeRecord.maxRegionLength)
        region = g.isEmpty ? nil : g
    }
}

/// The register's answer to ListNodes. Body `{records}`; every record is verified on decode.
public struct NodeList: WireMessage, Hashable {
    public static let messageType = MessageType.nodeList
    public static let maxRecords = 10_000
    public let records: [NodeRecord]
    public init(records: [NodeRecord]) { self.records = records }
    public var body: CBOR { .map(["records": .array(records.map(\.cbor))]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "NodeList", keys: ["records"])
        guard let list = f.value("records").arrayValue, list.count <= NodeList.maxRecords else {
            throw .invalidMessage("NodeList.records must be a list of at most \(NodeList.maxRecords)")
        }
        var out = [NodeRecord]()
        for r in list {
            do { out.append(try NodeRecord(cbor: r)) } catch { throw .invalidMessage("\(error)") }
        }
        records = out
    }
}
