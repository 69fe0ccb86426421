import Foundation

// The admin protocol: what `RemoteNodeControl` asks and `ControlHandlers` answers, one
// request/answer pair per `NodeControl` call (docs/PROTOCOL.md, "Control"). Only
// sessions proven by one of the node's admin keys are answered; any other peer gets
// `Refusal(notAdmin)`. Times are Unix milliseconds.

/// Asks for the node's status. Empty body.
public struct ControlStatusRequest: WireMessage, Hashable {
    public static let messageType = MessageType.controlStatusRequest
    public init() {}
    public var body: CBOR { .map([:]) }
    public init(body: CBOR) throws(WireError) { _ = try MessageFields(body, "ControlStatusRequest", keys: []) }
}

/// The node's status. Body `{node, roles, listen, data_dir, started_ms, pieces, revision,
/// payload_bytes, car_bytes, blocks, peers, live_gateways}`.
public struct ControlStatus: WireMessage, Equatable {
    public static let messageType = MessageType.controlStatus
    public let status: NodeStatus
    public init(_ status: NodeStatus) { self.status = status }

    public var body: CBOR {
        .map([
            "node": .text(status.nodeID), "roles": .array(status.roles.map { .text($0.rawValue) }), "listen": .text(status.listenAddress),
            "data_dir": .text(status.dataDirectory), "started_ms": .unsigned(status.startedAt.unixMillis),
            "pieces": .unsigned(UInt64(status.pieceCount)), "revision": .unsigned(UInt64(bitPattern: status.contentRevision)),
            "payload_bytes": .unsigned(status.payloadBytes), "car_bytes": .unsigned(status.carBytes),
            "blocks": .unsigned(UInt64(status.blockCount)), "peers": .unsigned(UInt64(status.peerCount)),
            "live_gateways": .unsigned(UInt64(status.liveGateways)),
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlStatus", keys: [
            "node", "roles", "listen", "data_dir", "started_ms", "pieces", "revision", "payload_bytes", "car_bytes", "blocks",
            "peers", "live_gateways",
        ])
        status = NodeStatus(
            nodeID: try f.text("node", maxLength: 128), roles: try f.roles("roles"), listenAddress: try f.text("listen", maxLength: 256),
            dataDirectory: try f.text("data_dir", maxLength: 4096), startedAt: Date(unixMillis: try f.unsigned("started_ms")),
            pieceCount: try f.count("pieces"), contentRevision: Int64(bitPattern: try f.unsigned("revision")),
            payloadBytes: try f.unsigned("payload_bytes"), carBytes: try f.unsigned("car_bytes"), blockCount: try f.count("blocks"),
            peerCount: try f.count("peers"), liveGateways: try f.count("live_gateways"))
    }
}

/// Asks for a page of the node's pieces, newest first. Body `{offset, limit}`; `limit`
/// is at most `ControlPieces.maxPage`.
public struct ControlPiecesRequest: WireMessage, Hashable {
    public static let messageType = MessageType.controlPiecesRequest
    public let offset: UInt64
    public let limit: UInt64
    public init(offset: UInt64, limit: UInt64 = UInt64(ControlPieces.maxPage)) {
        self.offset = offset
        self.limit = min(limit, UInt64(ControlPieces.maxPage))
    }
    public var body: CBOR { .map(["offset": .unsigned(offset), "limit": .unsigned(limit)]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlPiecesRequest", keys: ["offset", "limit"])
        self.init(offset: try f.unsigned("offset"), limit: try f.unsigned("limit"))
    }
}

/// One page of pieces and how many there are in all. Body `{total, pieces: [{root,
/// piece, payload_size, car_size, piece_size, source, imported_ms}]}`.
public struct ControlPieces: WireMessage, Equatable {
    public static let messageType = MessageType.controlPieces
    /// Pieces per page: within the envelope's collection limit and a 1 MiB frame.
    public static let maxPage = 200
    public let total: UInt64
    public let pieces: [PieceSummary]
    public init(total: UInt64, pieces: [PieceSummary]) { self.total = total; self.pieces = pieces }

    public var body: CBOR {
        .map(["total": .unsigned(total), "pieces": .array(pieces.map { p in
            .map([
                "root": .text(p.rootCID), "piece": .text(p.pieceCID), "payload_size": .unsigned(p.payloadSize),
                "car_size": .unsigned(p.carSize), "piece_size": .unsigned(p.pieceSize), "source": .text(p.source),
                "imported_ms": .unsigned(p.importedAt.unixMillis),
            ])
        })])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlPieces", keys: ["total", "pieces"])
        total = try f.unsigned("total")
        var out: [PieceSummary] = []
        for item in try f.list("pieces", max: Self.maxPage) {
            let p = try MessageFields(item, "ControlPieces.pieces[]", keys: [
                "root", "piece", "payload_size", "car_size", "piece_size", "source", "imported_ms",
            ])
            out.append(PieceSummary(
                rootCID: try p.text("root", maxLength: 256), pieceCID: try p.text("piece", maxLength: 256),
                payloadSize: try p.unsigned("payload_size"), carSize: try p.unsigned("car_size"), pieceSize: try p.unsigned("piece_size"),
                source: try p.text("source", maxLength: 4096), importedAt: Date(unixMillis: try p.unsigned("imported_ms"))))
        }
        pieces = out
    }
}

/// Asks for a page of the register's records as this node sees them. Body `{offset, limit}`.
public struct ControlPeersRequest: WireMessage, Hashable {
    public static let messageType = MessageType.controlPeersRequest
    public let offset: UInt64
    public let limit: UInt64
    public init(offset: UInt64, limit: UInt64 = UInt64(ControlPeers.maxPage)) {
        self.offset = offset
        self.limit = min(limit, UInt64(ControlPeers.maxPage))
    }
    public var body: CBOR { .map(["offset": .unsigned(offset), "limit": .unsigned(limit)]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlPeersRequest", keys: ["offset", "limit"])
        self.init(offset: try f.unsigned("offset"), limit: try f.unsigned("limit"))
    }
}

/// One page of peers. Body `{configured, total, peers: [{node, roles, address, region,
/// updated_ms, rtt_us, seen_ms, error}]}`; `rtt_us`, `seen_ms` and `error` are null when
/// unknown.
public struct ControlPeers: WireMessage, Equatable {
    public static let messageType = MessageType.controlPeers
    public static let maxPage = 200
    public let configured: Bool
    public let total: UInt64
    public let peers: [PeerRecord]
    public init(configured: Bool, total: UInt64, peers: [PeerRecord]) {
        self.configured = configured
        self.total = total
        self.peers = peers
    }

    public var body: CBOR {
        .map(["configured": .bool(configured), "total": .unsigned(total), "peers": .array(peers.map { p in
            .map([
                "node": .text(p.nodeID), "roles": .array(p.roles.map { .text($0.rawValue) }), "address": .text(p.address),
                "region": .text(p.region), "updated_ms": .unsigned(p.updatedAt.unixMillis),
                "rtt_us": p.rttMicros.map { .unsigned($0) } ?? .null, "seen_ms": p.lastSeen.map { .unsigned($0.unixMillis) } ?? .null,
                "error": p.lastError.map { .text($0.prefix(utf8Bytes: 512)) } ?? .null, "rep": p.reputation.map { .int($0) } ?? .null,
            ])
        })])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlPeers", keys: ["configured", "total", "peers"])
        guard let configured = f.value("configured").boolValue else { throw .invalidMessage("ControlPeers.configured must be a boolean") }
        self.configured = configured
        total = try f.unsigned("total")
        var out: [PeerRecord] = []
        for item in try f.list("peers", max: Self.maxPage) {
            let p = try MessageFields(item, "ControlPeers.peers[]", keys: [
                "node", "roles", "address", "region", "updated_ms", "rtt_us", "seen_ms", "error", "rep",
            ])
            let rep = p.value("rep")
            guard rep == .null || rep.intValue != nil else { throw .invalidMessage("ControlPeers.peers[].rep must be an integer or null") }
            out.append(PeerRecord(
                nodeID: try p.text("node", maxLength: 128), roles: try p.roles("roles"), address: try p.text("address", maxLength: 256),
                region: try p.text("region", maxLength: 64), updatedAt: Date(unixMillis: try p.unsigned("updated_ms")),
                rttMicros: try p.optionalUnsigned("rtt_us"), lastSeen: try p.optionalUnsigned("seen_ms").map(Date.init(unixMillis:)),
                lastError: try p.optionalText("error", maxLength: 512), reputation: rep.intValue))
        }
        peers = out
    }
}

/// Asks for journal events after a sequence number, waiting up to `wait_ms` for new ones
/// (the long poll behind the remote event stream). Body `{after, wait_ms}`.
public struct ControlEventsRequest: WireMessage, Hashable {
    public static let messageType = MessageType.controlEventsRequest
    public static let maxWaitMillis: UInt64 = 30_000
    public let after: UInt64
    public let waitMillis: UInt64
    public init(after: UInt64, waitMillis: UInt64) { self.after = after; self.waitMillis = min(waitMillis, Self.maxWaitMillis) }
    public var body: CBOR { .map(["after": .unsigned(after), "wait_ms": .unsigned(waitMillis)]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlEventsRequest", keys: ["after", "wait_ms"])
        self.init(after: try f.unsigned("after"), waitMillis: try f.unsigned("wait_ms"))
    }
}

/// Journal events, oldest first. Body `{events: [{seq, time_ms, level, kind, source, text}]}`.
public struct ControlEvents: WireMessage, Equatable {
    public static let messageType = MessageType.controlEvents
    public static let maxEvents = 200
    public static let maxTextLength = 4096
    public let events: [NodeEvent]
    public init(events: [NodeEvent]) { self.events = events }
    public var body: CBOR {
        .map(["events": .array(events.map {
            .map([
                "seq": .unsigned($0.sequence), "time_ms": .unsigned($0.time.unixMillis), "level": .text($0.level.rawValue),
                "kind": .text($0.kind.rawValue), "source": .text($0.source.prefix(utf8Bytes: 128)),
                "text": .text($0.message.prefix(utf8Bytes: Self.maxTextLength)),
            ])
        })])
    }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlEvents", keys: ["events"])
        var out: [NodeEvent] = []
        for item in try f.list("events", max: Self.maxEvents) {
            let e = try MessageFields(item, "ControlEvents.events[]", keys: ["seq", "time_ms", "level", "kind", "source", "text"])
            let levelName = try e.text("level", maxLength: 16)
            guard let level = NodeEvent.Level(rawValue: levelName) else {
                throw .invalidMessage("ControlEvents.events[].level '\(levelName)' is not a level")
            }
            out.append(NodeEvent(
                sequence: try e.unsigned("seq"), time: Date(unixMillis: try e.unsigned("time_ms")), level: level,
                kind: NodeEvent.Kind(rawValue: try e.text("kind", maxLength: 32)) ?? .log, source: try e.text("source", maxLength: 128),
                message: try e.text("text", maxLength: Self.maxTextLength)))
        }
        events = out
    }
}

/// Asks the node to import a file from its own file system. Answered with
/// `ControlImported` when the import finished. Body `{path}`.
public struct ControlImportRequest: WireMessage, Hashable {
    public static let messageType = MessageType.controlImportRequest
    public let path: String
    public init(path: String) { self.path = path }
    public var body: CBOR { .map(["path": .text(path)]) }
    public init(body: CBOR) throws(WireError) { path = try MessageFields(body, "ControlImportRequest", keys: ["path"]).text("path", maxLength: 4096) }
}

/// The piece an import produced. Body: one `ControlPieces` entry.
public struct ControlImported: WireMessage, Equatable {
    public static let messageType = MessageType.controlImported
    public let piece: PieceSummary
    public init(piece: PieceSummary) { self.piece = piece }
    public var body: CBOR { ControlPieces(total: 1, pieces: [piece]).body }
    public init(body: CBOR) throws(WireError) {
        let page = try ControlPieces(body: body)
        guard page.pieces.count == 1, let piece = page.pieces.first else { throw .invalidMessage("ControlImported must hold one piece") }
        self.piece = piece
    }
}

/// Asks how far the import of `path` has come. Body `{path}`.
public struct ControlImportProgressRequest: WireMessage, Hashable {
    public static let messageType = MessageType.controlImportProgressRequest
    public let path: String
    public init(path: String) { self.path = path }
    public var body: CBOR { .map(["path": .text(path)]) }
    public init(body: CBOR) throws(WireError) {
        path = try MessageFields(body, "ControlImportProgressRequest", keys: ["path"]).text("path", maxLength: 4096)
    }
}

/// Bytes done of the import's total; both 0 when no such import runs. Body `{done, total}`.
public struct ControlImportProgress: WireMessage, Hashable {
    public static let messageType = MessageType.controlImportProgress
    public let done: UInt64
    public let total: UInt64
    public init(done: UInt64, total: UInt64) { self.done = done; self.total = total }
    public var body: CBOR { .map(["done": .unsigned(done), "total": .unsigned(total)]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlImportProgress", keys: ["done", "total"])
        done = try f.unsigned("done")
        total = try f.unsigned("total")
    }
}

extension MessageFields {
    func count(_ key: String) throws(WireError) -> Int {
        let v = try unsigned(key)
        guard v <= UInt64(Int.max) else { throw .invalidMessage("\(key) is out of range") }
        return Int(v)
    }

    func list(_ key: String, max: Int) throws(WireError) -> [CBOR] {
        guard let list = value(key).arrayValue, list.count <= max else {
            throw .invalidMessage("\(key) must be a list of at most \(max) entries")
        }
        return list
    }

    func roles(_ key: String) throws(WireError) -> [NodeRole] {
        var out: [NodeRole] = []
        for item in try list(key, max: NodeRole.allCases.count) {
            guard let text = item.textValue, let role = NodeRole(rawValue: text) else { throw .invalidMessage("\(key) holds an unknown role") }
            out.append(role)
        }
        return out
    }

    func optionalUnsigned(_ key: String) throws(WireError) -> UInt64? {
        if value(key) == .null { return nil }
        return try unsigned(key)
    }

    func optionalText(_ key: String, maxLength: Int) throws(WireError) -> String? {
        if value(key) == .null { return nil }
        return try text(key, maxLength: maxLength)
    }
}
