import Foundation
import Logging

/// `NodeControl` for a node embedded in this process: the data directory, its key and
/// blockstore. Opening it sets up a fresh node without asking anything: it creates the
/// data directory, an unencrypted node key (mode 0600) if there is none, and the database.
///
/// Blocking work (SQLite, imports) runs off the caller's thread, on a private queue.
public final class InProcessNodeControl: NodeControl {
    /// Why the node could not be opened, said so the operator can act on it.
    public struct OpenError: Error, CustomStringConvertible {
        public let description: String
    }

    public let directory: DataDirectory
    public let nodeID: String
    public let startedAt: Date
    public let hub: NodeEventHub
    private let blockstore: Blockstore
    private let logger = Logger(label: "filtop.node")
    private let work = DispatchQueue(label: "filtop.node-control", qos: .userInitiated, attributes: .concurrent)

    /// Opens (creating if needed) the node in `directory`. An encrypted key is opened with
    /// `passphrase`; without one, the error says how to give it.
    public init(directory: DataDirectory, hub: NodeEventHub, passphrase: [UInt8]? = nil, now: Date = Date()) throws {
        self.directory = directory
        self.hub = hub
        startedAt = now
        try directory.create()
        let keyPath = directory.path + "/node.key"
        let created = !FileManager.default.fileExists(atPath: keyPath)
        if created { try KeyFile.write(KeyPair(), to: keyPath) }
        if try KeyFile.isEncrypted(at: keyPath), passphrase == nil {
            throw OpenError(description: "\(keyPath) is encrypted: set FILTOP_PASSPHRASE to open it")
        }
        nodeID = try KeyFile.load(from: keyPath, passphrase: passphrase).nodeID.description
        blockstore = try directory.openBlockstore()
        if created { logger.notice("created node key \(keyPath)") }
        logger.info("node \(nodeID) opened in \(directory.path)")
    }

    /// The node's configuration: `config.toml` when `filtop node init` wrote one, else the defaults.
    private func loadConfig() throws -> NodeConfig {
        FileManager.default.fileExists(atPath: directory.configPath) ? try directory.loadConfig() : NodeConfig()
    }

    public func status() async throws -> NodeStatus {
        let totals = try await run { try self.blockstore.totals() }
        let config = try loadConfig()
        let peers = try await registerPeers()
        return NodeStatus(
            nodeID: nodeID, roles: config.node.roles.compactMap(NodeRole.init(rawValue:)), dataDirectory: directory.path,
            startedAt: startedAt, pieceCount: totals.pieceCount, contentRevision: totals.revision,
            payloadBytes: totals.payloadBytes, carBytes: totals.carBytes, blockCount: totals.blockCount, peerCount: peers.records.count)
    }

    public func pieces() async throws -> [PieceSummary] {
        try await run {
            var pieces: [PieceSummary] = []
            pieces.reserveCapacity(try self.blockstore.totals().pieceCount)
            try self.blockstore.forEachPiece { p in
                pieces.append(PieceSummary(rootCID: p.rootCID, pieceCID: p.pieceCID, payloadSize: p.payloadSize, carSize: p.carSize,
                                           pieceSize: p.pieceSize, source: p.source, importedAt: p.importedAt))
            }
            ProcessMemory.returnFreePages()
            return pieces
        }
    }

    /// The node's local copy of its register (kept fresh by `filtop node run`), or
    /// "not configured" when config.toml names no register.
    public func registerPeers() async throws -> RegisterPeers {
        let config = try loadConfig()
        guard !config.register.address.isEmpty else { return .notConfigured }
        let store = RegisterStore(database: blockstore.database, table: .localCopy)
        let records = try await run { try store.list(now: UInt64(Date().timeIntervalSince1970)) }
        return RegisterPeers(configured: true, records: records.map { r in
            PeerRecord(nodeID: r.nodeID.description, roles: r.roles.sorted().compactMap { NodeRole(rawValue: $0.rawValue) },
                       address: r.addresses.first ?? "", region: r.region,
                       updatedAt: Date(timeIntervalSince1970: Double(r.expiry) - Double(config.node.recordTTL)))
        })
    }

    public func events() async -> AsyncStream<NodeEvent> { hub.subscribe() }

    public func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> {
        let (stream, continuation) = AsyncThrowingStream<ImportUpdate, Error>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let store = blockstore, logger = logger
        work.async {
            do {
                logger.info("importing \(path)")
                let summary = try store.importFile(path) { p in continuation.yield(.progress(done: p.done, total: p.total)) }
                let p = summary.piece
                logger.info("imported \(path): root \(p.rootCID), piece \(p.pieceCID)")
                continuation.yield(.finished(PieceSummary(
                    rootCID: p.rootCID, pieceCID: p.pieceCID, payloadSize: p.payloadSize, carSize: p.carSize,
                    pieceSize: p.pieceSize, source: p.source, importedAt: p.importedAt)))
                continuation.finish()
            } catch {
                logger.error("import of \(path) failed: \(error)")
                continuation.finish(throwing: error)
            }
        }
        return stream
    }

    /// Runs blocking work on the node's queue and awaits it.
    private func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            work.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
