import Foundation

/// The one implementation of what a console can ask of and do to a node, on the running
/// node itself. The console of an embedded node calls it directly; a remote console's
/// requests reach it through the admin-only handlers it installs (`ControlHandlers`).
///
/// Blocking work (SQLite reads, imports) runs on a private concurrent queue, never on the
/// caller's thread or Swift's cooperative pool.
public final class ControlService: NodeControl, NodeService {
    let context: NodeContext
    private let peers: PeerTable
    let payments: Payments
    let market: Market
    let retrieval: Retrieval
    private let startedAt: Date
    private let imports = ImportProgressTable()
    private let work = DispatchQueue(label: "filtop.control", qos: .userInitiated, attributes: .concurrent)

    public init(context: NodeContext, peers: PeerTable, payments: Payments, market: Market, retrieval: Retrieval) {
        self.context = context
        self.peers = peers
        self.payments = payments
        self.market = market
        self.retrieval = retrieval
        startedAt = context.clock.now.toMillis
    }

    public func install(into router: RequestRouter) {
        let context = self.context
        ControlHandlers(control: self, isAdmin: { context.isAdmin($0) }, refused: { peer in
            context.note(.warning, .peer, "refused control request from \(peer.nodeID.short): not an admin key")
        }).install(into: router)
    }

    public func status() async throws -> NodeStatus {
        let totals = try await run { try self.context.blockstore.totals() }
        let known = try await knownRecords()
        return NodeStatus(
            nodeID: context.nodeID.description, roles: context.roles.sorted(),
            listenAddress: context.listenAddress.withLock { $0 }?.description ?? "", dataDirectory: context.directory.path,
            startedAt: startedAt, pieceCount: totals.pieceCount, contentRevision: totals.revision,
            payloadBytes: totals.payloadBytes, carBytes: totals.carBytes, blockCount: totals.blockCount,
            peerCount: known.count, liveGateways: peers.liveCount)
    }

    public func pieces() async throws -> [PieceSummary] {
        try await run {
            var pieces: [PieceSummary] = []
            pieces.reserveCapacity(try self.context.blockstore.totals().pieceCount)
            try self.context.blockstore.forEachPiece { pieces.append(PieceSummary($0)) }
            ProcessMemory.returnFreePages()
            return pieces
        }
    }

    /// The local copy of the register (this node left out), with what establishment
    /// measured of each gateway; "not configured" without a register.
    public func registerPeers() async throws -> RegisterPeers {
        guard !context.config.register.address.isEmpty || context.roles.contains(.register) else { return .notConfigured }
        let ttl = Double(context.config.node.recordTTL)
        // A client measures gateways, a gateway providers: a node with both roles, both.
        let measured = peers.all.merging(market.gateway?.providers.all ?? [:]) { gateway, _ in gateway }
        let gateways = context.roles.contains(.client) ? market.reputation.scores(.gatewayByClient) : [:]
        let providers = context.roles.contains(.gateway) ? market.reputation.scores(.providerByGateway) : [:]
        return RegisterPeers(configured: true, records: try await knownRecords().map { r in
            let m = measured[r.nodeID]
            let reputation = r.roles.contains(.gateway) && context.roles.contains(.client)
                ? gateways[r.nodeID] ?? ReputationView.gatewayByClient.initial
                : r.roles.contains(.provider) && context.roles.contains(.gateway) ? providers[r.nodeID] ?? ReputationView.providerByGateway.initial : nil
            return PeerRecord(
                nodeID: r.nodeID.description, roles: r.roles.sorted(), address: r.addresses.first ?? "", region: r.region,
                updatedAt: Date(timeIntervalSince1970: Double(r.expiry) - ttl).toMillis,
                rttMicros: m?.rttMicros, lastSeen: m?.lastSeen?.toMillis, lastError: m?.lastError?.prefix(utf8Bytes: 512),
                reputation: reputation)
        })
    }

    /// Live records other than this node: from the authoritative store on a register,
    /// else from the local copy.
    private func knownRecords() async throws -> [NodeRecord] {
        let table: RegisterStore.Table = context.roles.contains(.register) ? .authoritative : .localCopy
        let store = RegisterStore(database: context.blockstore.database, table: table)
        let now = context.clock.unixSeconds, me = context.nodeID
        return try await run { try store.list(now: now).filter { $0.nodeID != me } }
    }

    public func events(after: UInt64) async -> AsyncStream<NodeEvent> { context.journal.subscribe(after: after) }

    public func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] {
        await context.journal.wait(after: after, timeout: wait, clock: context.clock, limit: ControlEvents.maxEvents)
    }

    public func importProgress(of path: String) async throws -> ImportProgress? { imports.progress(path) }

    public func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> {
        let (stream, continuation) = AsyncThrowingStream<ImportUpdate, Error>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let context = self.context, imports = self.imports
        work.async {
            do {
                context.note(.info, .content, "importing \(path)")
                let summary = try context.blockstore.importFile(path) { p in
                    imports.set(path, done: p.done, total: p.total)
                    continuation.yield(.progress(done: p.done, total: p.total))
                }
                imports.remove(path)
                let p = summary.piece
                context.note(.info, .content, "imported \(path): root \(p.rootCID), piece \(p.pieceCID)")
                continuation.yield(.finished(PieceSummary(p)))
                continuation.finish()
            } catch {
                imports.remove(path)
                context.note(.error, .content, "import of \(path) failed: \(error)")
                continuation.finish(throwing: error)
            }
        }
        return stream
    }

    /// Runs blocking work on the control queue and awaits it.
    private func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            work.async { continuation.resume(with: Result { try body() }) }
        }
    }
}

extension PieceSummary {
    init(_ p: PieceRecord) {
        self.init(rootCID: p.rootCID, pieceCID: p.pieceCID, payloadSize: p.payloadSize, carSize: p.carSize,
                  pieceSize: p.pieceSize, source: p.source, importedAt: p.importedAt.toMillis)
    }
}

/// Imports running on a node, by path, so a remote console can show their progress.
final class ImportProgressTable: Sendable {
    private let table = Locked<[String: ImportProgress]>([:])
    func set(_ path: String, done: UInt64, total: UInt64) { table.withLock { $0[path] = ImportProgress(phase: .importing, done: done, total: total) } }
    func remove(_ path: String) { _ = table.withLock { $0.removeValue(forKey: path) } }
    func progress(_ path: String) -> ImportProgress? { table.withLock { $0[path] } }
}
