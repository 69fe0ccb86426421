import Foundation

/// The one way a console (or any other front end) talks to a node.
///
/// Transport-agnostic: `InProcessNodeControl` drives an embedded node; a remote
/// implementation will speak the same calls over an admin session. Every call is async
/// and may be slow, so a caller must never wait on it from a UI thread; snapshots are
/// plain values that can cross any boundary.
public protocol NodeControl: Sendable {
    /// Identity, roles, data directory, start time and counts.
    func status() async throws -> NodeStatus
    /// Imported pieces, newest first. Fetch them again only when `NodeStatus.contentRevision` changed.
    func pieces() async throws -> [PieceSummary]
    /// What the node's register knows about other nodes.
    func registerPeers() async throws -> RegisterPeers
    /// The node's log and events from now on (plus the recent backlog), until the
    /// consumer stops iterating.
    func events() async -> AsyncStream<NodeEvent>
    /// Imports a file as a piece, reporting progress; the last element is `.finished`.
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error>
}

/// A point-in-time view of a node for an overview screen.
public struct NodeStatus: Sendable, Equatable {
    public var nodeID: String
    public var roles: [NodeRole]
    public var dataDirectory: String
    public var startedAt: Date
    public var pieceCount: Int
    /// Changes whenever a piece is added or removed; the same value means the same pieces.
    public var contentRevision: Int64
    public var payloadBytes: UInt64
    public var carBytes: UInt64
    public var blockCount: Int
    public var peerCount: Int

    public init(
        nodeID: String, roles: [NodeRole], dataDirectory: String, startedAt: Date, pieceCount: Int, contentRevision: Int64,
        payloadBytes: UInt64, carBytes: UInt64, blockCount: Int, peerCount: Int
    ) {
        self.nodeID = nodeID
        self.roles = roles
        self.dataDirectory = dataDirectory
        self.startedAt = startedAt
        self.pieceCount = pieceCount
        self.contentRevision = contentRevision
        self.payloadBytes = payloadBytes
        self.carBytes = carBytes
        self.blockCount = blockCount
        self.peerCount = peerCount
    }
}

/// A part a node plays in the market.
public enum NodeRole: String, Sendable, CaseIterable {
    case client, gateway, provider, register, ledger
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
    public var updatedAt: Date

    public init(nodeID: String, roles: [NodeRole], address: String, region: String, updatedAt: Date) {
        self.nodeID = nodeID
        self.roles = roles
        self.address = address
        self.region = region
        self.updatedAt = updatedAt
    }
}

/// Where an import stands.
public enum ImportUpdate: Sendable, Equatable {
    case progress(done: UInt64, total: UInt64)
    case finished(PieceSummary)
}
