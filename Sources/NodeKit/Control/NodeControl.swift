import Foundation

/// The one way a console (or any other front end) talks to a node.
///
/// Two implementations, one behaviour: `ControlService` answers in-process on an
/// embedded, running node, and `RemoteNodeControl` sends the same requests over an admin
/// session to a daemon, whose `ControlService` answers them. Refusals arrive as the same
/// typed errors either way. Every call is async and may be slow, so a caller must never
/// wait on it from a UI thread; snapshots are plain values that can cross any boundary.
public protocol NodeControl: PaymentControl, MarketControl, RetrievalControl {
    /// Identity, roles, data directory, start time and counts.
    func status() async throws -> NodeStatus
    /// Imported pieces, newest first. Fetch them again only when `NodeStatus.contentRevision` changed.
    func pieces() async throws -> [PieceSummary]
    /// What the node's register knows about other nodes.
    func registerPeers() async throws -> RegisterPeers
    /// The node's journal: every retained event with a sequence above `after`, then each
    /// new one, until the consumer stops iterating. Resume after a reconnect by passing
    /// the last sequence seen.
    func events(after: UInt64) async -> AsyncStream<NodeEvent>
    /// Retained events after `after` (at most `ControlEvents.maxEvents`); when there are
    /// none yet, waits up to `wait` for one — a long poll.
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent]
    /// Imports a file as a piece, reporting progress; the last element is `.finished`.
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error>
    /// How far a running import of `path` has come (bytes done of total), nil when none runs.
    func importProgress(of path: String) async throws -> ImportProgress?
}

/// A point-in-time view of a node for an overview screen.
public struct NodeStatus: Sendable, Equatable {
    public var nodeID: String
    public var roles: [NodeRole]
    /// The address the node listens on; empty while it does not.
    public var listenAddress: String
    public var dataDirectory: String
    public var startedAt: Date
    public var pieceCount: Int
    /// Changes whenever a piece is added or removed; the same value means the same pieces.
    public var contentRevision: Int64
    public var payloadBytes: UInt64
    public var carBytes: UInt64
    public var blockCount: Int
    /// Nodes in the register's list (this node excluded).
    public var peerCount: Int
    /// Gateways this node established a session with and has not lost since.
    public var liveGateways: Int

    public init(
        nodeID: String, roles: [NodeRole], listenAddress: String = "", dataDirectory: String, startedAt: Date, pieceCount: Int,
        contentRevision: Int64, payloadBytes: UInt64, carBytes: UInt64, blockCount: Int, peerCount: Int, liveGateways: Int = 0
    ) {
        self.nodeID = nodeID
        self.roles = roles
        self.listenAddress = listenAddress
        self.dataDirectory = dataDirectory
        self.startedAt = startedAt
        self.pieceCount = pieceCount
        self.contentRevision = contentRevision
        self.payloadBytes = payloadBytes
        self.carBytes = carBytes
        self.blockCount = blockCount
        self.peerCount = peerCount
        self.liveGateways = liveGateways
    }
}

/// One imported piece as a front end shows it.
public struct PieceSummary: Sendable, Equatable {
    public var rootCID: String
    public var pieceCID: String
    public var payloadSize: UInt64
    public var carSize: UInt64
    public var pieceSize: UInt64
    public var source: String
    public var importedAt: Date

    public init(rootCID: String, pieceCID: String, payloadSize: UInt64, carSize: UInt64, pieceSize: UInt64, source: String, importedAt: Date) {
        self.rootCID = rootCID
        self.pieceCID = pieceCID
        self.payloadSize = payloadSize
        self.carSize = carSize
        self.pieceSize = pieceSize
        self.source = source
        self.importedAt = importedAt
    }
}

/// The register's view of other nodes; `configured` is false until the node uses one.
public struct RegisterPeers: Sendable, Equatable {
    public var configured: Bool
    public var records: [PeerRecord]

    public init(configured: Bool, records: [PeerRecord]) {
        self.configured = configured
        self.records = records
    }

    public static let notConfigured = RegisterPeers(configured: false, records: [])
}

/// One node as a register records it.
public struct PeerRecord: Sendable, Equatable {
    public var nodeID: String
    public var roles: [NodeRole]
    public var address: String
    public var region: String
    /// When the node last published its record.
    public var updatedAt: Date
    /// Round-trip time of this node's last establishment with it (a client's with a
    /// gateway, a gateway's with a provider).
    public var rttMicros: UInt64?
    /// When this node last established with it; nil if never.
    public var lastSeen: Date?
    /// Why the last establishment failed, if it did.
    public var lastError: String?
    /// This node's reputation score of it, when it keeps one (a client's of a gateway, a
    /// gateway's of a provider).
    public var reputation: Int64?

    public init(nodeID: String, roles: [NodeRole], address: String, region: String, updatedAt: Date,
                rttMicros: UInt64? = nil, lastSeen: Date? = nil, lastError: String? = nil, reputation: Int64? = nil) {
        self.nodeID = nodeID
        self.roles = roles
        self.address = address
        self.region = region
        self.updatedAt = updatedAt
        self.rttMicros = rttMicros
        self.lastSeen = lastSeen
        self.lastError = lastError
        self.reputation = reputation
    }
}

/// Where an import stands.
public enum ImportUpdate: Sendable, Equatable {
    case progress(done: UInt64, total: UInt64)
    case finished(PieceSummary)
}
