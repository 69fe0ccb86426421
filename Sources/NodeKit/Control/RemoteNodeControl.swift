import Foundation

/// `NodeControl` over an admin session to a running node (`filtop attach`, `filtop node
/// status|events`): each call is one control request (pieces and peers in pages), and a
/// refusal arrives as the same typed `Refusal` the node raised — `notAdmin` when the
/// session's key is not one of the node's admin keys.
///
/// The session is opened on first use and reopened after it drops; the event stream
/// long-polls the node's journal and resumes after a reconnect from the last sequence
/// it delivered.
public final class RemoteNodeControl: NodeControl {
    public var address: NodeAddress { session.address }
    private let session: KeptSession
    private let clock: any NodeClock

    /// A control for the node at `address`, signing in as `adminKey`; the node must prove
    /// it is `expectedPeer` (any node when nil).
    public init(address: NodeAddress, adminKey: KeyPair, expectedPeer: NodeID?, transport: any Transport = TCPTransport(),
                clock: any NodeClock = SystemClock()) {
        session = KeptSession(address: address, identity: adminKey, expectedPeer: expectedPeer, transport: transport)
        self.clock = clock
    }

    /// Opens the session now (so a wrong key or an unreachable node is reported at once)
    /// and checks the key is an admin key of the node. Returns the node's status.
    @discardableResult
    public func connect() async throws -> NodeStatus { try await status() }

    public func close() async { await session.close() }

    func call<Request: WireMessage, Answer: WireMessage>(_ request: Request, expecting: Answer.Type,
                                                         timeout: Duration = .seconds(30)) async throws -> Answer {
        try await session.call(request, expecting: expecting, timeout: timeout)
    }

    public func status() async throws -> NodeStatus {
        try await call(ControlStatusRequest(), expecting: ControlStatus.self).status
    }

    public func pieces() async throws -> [PieceSummary] {
        var all: [PieceSummary] = []
        while true {
            let page = try await call(ControlPiecesRequest(offset: UInt64(all.count)), expecting: ControlPieces.self)
            all += page.pieces
            if page.pieces.isEmpty || UInt64(all.count) >= page.total { return all }
        }
    }

    public func registerPeers() async throws -> RegisterPeers {
        var all: [PeerRecord] = []
        while true {
            let page = try await call(ControlPeersRequest(offset: UInt64(all.count)), expecting: ControlPeers.self)
            guard page.configured else { return .notConfigured }
            all += page.peers
            if page.peers.isEmpty || UInt64(all.count) >= page.total { return RegisterPeers(configured: true, records: all) }
        }
    }

    public func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] {
        let millis = UInt64(max(0, min(wait.seconds * 1000, Double(ControlEventsRequest.maxWaitMillis))))
        return try await call(ControlEventsRequest(after: after, waitMillis: millis), expecting: ControlEvents.self,
                              timeout: wait + .seconds(30)).events
    }

    public func importProgress(of path: String) async throws -> ImportProgress? {
        let p = try await call(ControlImportProgressRequest(path: path), expecting: ControlImportProgress.self)
        return p.total > 0 ? ImportProgress(phase: .importing, done: p.done, total: p.total) : nil
    }

    public func events(after: UInt64) async -> AsyncStream<NodeEvent> {
        let (stream, continuation) = AsyncStream<NodeEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let task = Task { [self] in
            var last = after
            var retry = 1
            while !Task.isCancelled {
                do {
                    for event in try await eventPage(after: last, wait: .seconds(10)) {
                        continuation.yield(event)
                        last = event.sequence
                    }
                    retry = 1
                } catch is Refusal {
                    break
                } catch {
                    // The node is unreachable for now: retry (1 s, 2 s, … 8 s) and resume after `last`.
                    do { try await clock.sleep(for: .seconds(retry)) } catch { break }
                    retry = min(retry * 2, 8)
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    public func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> {
        let (stream, continuation) = AsyncThrowingStream<ImportUpdate, Error>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let task = Task { [self] in
            let progress = Task {
                while !Task.isCancelled {
                    do { try await clock.sleep(for: .milliseconds(250)) } catch { return }
                    if let p = try? await importProgress(of: path) { continuation.yield(.progress(done: p.done, total: p.total)) }
                }
            }
            defer { progress.cancel() }
            do {
                let imported = try await call(ControlImportRequest(path: path), expecting: ControlImported.self, timeout: .seconds(24 * 3600))
                continuation.yield(.finished(imported.piece))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
