import Foundation

/// Asks a node for its status (admin sessions only). Empty body.
public struct ControlStatusRequest: WireMessage, Hashable {
    public static let messageType = MessageType.controlStatusRequest
    public init() {}
    public var body: CBOR { .map([:]) }
    public init(body: CBOR) throws(WireError) { _ = try MessageFields(body, "ControlStatusRequest", keys: []) }
}

/// A node's status. Body `{node, roles, listen, data_dir, started, pieces, known_nodes, peers}`.
public struct ControlStatus: WireMessage, Hashable {
    public static let messageType = MessageType.controlStatus
    public let node: NodeID
    public let roles: [String]
    public let listen: String
    public let dataDirectory: String
    /// Unix seconds when the node started.
    public let started: UInt64
    public let pieces: UInt64
    public let knownNodes: UInt64
    /// Established peers: node ID text and round-trip time in microseconds.
    public let peers: [(node: String, rttMicros: UInt64)]

    public init(node: NodeID, roles: [String], listen: String, dataDirectory: String, started: UInt64,
                pieces: UInt64, knownNodes: UInt64, peers: [(node: String, rttMicros: UInt64)]) {
        self.node = node
        self.roles = roles
        self.listen = listen
        self.dataDirectory = dataDirectory
        self.started = started
        self.pieces = pieces
        self.knownNodes = knownNodes
        self.peers = peers
    }

    public static func == (a: ControlStatus, b: ControlStatus) -> Bool { a.body == b.body }
    public func hash(into h: inout Hasher) { h.combine(body) }

    public var body: CBOR {
        .map([
            "node": .bytes(node.bytes), "roles": .array(roles.map { .text($0) }), "listen": .text(listen),
            "data_dir": .text(dataDirectory), "started": .unsigned(started), "pieces": .unsigned(pieces),
            "known_nodes": .unsigned(knownNodes),
            "peers": .array(peers.map { .map(["node": .text($0.node), "rtt_us": .unsigned($0.rttMicros)]) }),
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlStatus", keys: ["node", "roles", "listen", "data_dir", "started", "pieces", "known_nodes", "peers"])
        node = try f.nodeID("node")
        roles = (f.value("roles").arrayValue ?? []).compactMap(\.textValue)
        listen = try f.text("listen", maxLength: 256)
        dataDirectory = try f.text("data_dir", maxLength: 4096)
        started = try f.unsigned("started")
        pieces = try f.unsigned("pieces")
        knownNodes = try f.unsigned("known_nodes")
        var ps: [(String, UInt64)] = []
        for p in f.value("peers").arrayValue ?? [] {
            guard let m = p.mapValue, let n = m["node"]?.textValue, let r = m["rtt_us"]?.unsignedValue else {
                throw .invalidMessage("ControlStatus.peers entries are {node, rtt_us}")
            }
            ps.append((n, r))
        }
        peers = ps
    }
}

/// Asks for log entries after a sequence number, waiting up to `wait_ms` for new ones
/// (long polling: the live event stream). Body `{after, wait_ms}`.
public struct ControlEventsRequest: WireMessage, Hashable {
    public static let messageType = MessageType.controlEventsRequest
    public static let maxWaitMillis: UInt64 = 30_000
    public let after: UInt64
    public let waitMillis: UInt64
    public init(after: UInt64, waitMillis: UInt64) { self.after = after; self.waitMillis = min(waitMillis, Self.maxWaitMillis) }
    public var body: CBOR { .map(["after": .unsigned(after), "wait_ms": .unsigned(waitMillis)]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlEventsRequest", keys: ["after", "wait_ms"])
        after = try f.unsigned("after")
        waitMillis = min(try f.unsigned("wait_ms"), Self.maxWaitMillis)
    }
}

/// Log entries. Body `{events: [{seq, time_ms, level, text}]}`.
public struct ControlEvents: WireMessage, Hashable {
    public static let messageType = MessageType.controlEvents
    public let events: [EventLog.Entry]
    public init(events: [EventLog.Entry]) { self.events = events }
    public var body: CBOR {
        .map(["events": .array(events.map {
            .map(["seq": .unsigned($0.sequence), "time_ms": .unsigned(UInt64($0.time.timeIntervalSince1970 * 1000)),
                  "level": .text($0.level), "text": .text($0.message)])
        })])
    }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlEvents", keys: ["events"])
        var out = [EventLog.Entry]()
        for e in f.value("events").arrayValue ?? [] {
            guard let m = e.mapValue, let s = m["seq"]?.unsignedValue, let t = m["time_ms"]?.unsignedValue,
                  let l = m["level"]?.textValue, let x = m["text"]?.textValue else {
                throw .invalidMessage("ControlEvents entries are {seq, time_ms, level, text}")
            }
            out.append(EventLog.Entry(sequence: s, time: Date(timeIntervalSince1970: Double(t) / 1000), level: l, message: x))
        }
        events = out
    }
}
