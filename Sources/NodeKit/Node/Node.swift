import Foundation
import Logging
import NIOCore

/// A running node: identity, stores, the secure listener, and the roles it plays.
///
/// `start()` listens, publishes this node's record to its register (if configured) and
/// keeps a local copy of the register fresh; the copy keeps the node working when the
/// register is unreachable. Requests are answered according to roles: register messages
/// (register role), establishment challenges (gateway role), and control messages for
/// admin keys only.
public actor Node {
    public nonisolated let identity: KeyPair
    public nonisolated let config: NodeConfig
    public nonisolated let directory: DataDirectory
    public nonisolated let blockstore: Blockstore
    public nonisolated let events: EventLog
    private let logger: Logger
    private let registerService: RegisterService?
    private let localCopy: RegisterStore
    private var server: RPCServer?
    private var refreshTask: Task<Void, Never>?
    private var peers: [NodeID: UInt64] = [:]
    public let startedAt = Date()

    public init(directory: DataDirectory, identity: KeyPair, config: NodeConfig, events: EventLog = EventLog(), logger: Logger) throws {
        self.directory = directory
        self.identity = identity
        self.config = config
        self.events = events
        self.logger = logger
        blockstore = try directory.openBlockstore()
        localCopy = RegisterStore(database: blockstore.database, table: .localCopy)
        registerService = config.node.roles.contains("register")
            ? RegisterService(store: RegisterStore(database: blockstore.database, table: .authoritative)) : nil
    }

    private var roles: Set<NodeRecord.Role> { Set(config.node.roles.compactMap(NodeRecord.Role.init(rawValue:))) }

    /// The address actually listened on, once started.
    public private(set) var listenAddress: String?

    /// Starts listening and, with a register configured, publishes and refreshes.
    public func start() async throws {
        let listen = try NodeAddress(config.node.listen, allowingPortZero: true)
        let server = try await RPCServer.start(host: listen.host, port: listen.port, identity: identity) { [weak self] request, peer in
            guard let self else { return Envelope(InvalidMessage(reason: "node is shutting down"), requestID: request.requestID) }
            return await self.answer(request, from: peer)
        }
        self.server = server
        let address = NodeAddress(host: listen.host, port: server.port).description
        listenAddress = address
        note("info", "listening on \(address) as \(identity.publicKey.nodeID) (roles: \(roles.sorted().map(\.rawValue).joined(separator: ", ")))")
        if !config.register.address.isEmpty {
            let interval = config.register.refreshSeconds
            refreshTask = Task { [weak self] in
                // Refresh every interval; after a failure retry sooner (1 s, 2 s, 4 s…).
                var retry = 1
                while !Task.isCancelled, let self {
                    let synced = await self.syncWithRegister()
                    retry = synced ? 1 : min(retry * 2, interval)
                    try? await Task.sleep(for: .seconds(synced ? interval : retry))
                }
            }
        }
    }

    /// Stops the refresh loop and the listener, closing every connection.
    public func stop() async {
        refreshTask?.cancel()
        refreshTask = nil
        await server?.close()
        server = nil
        note("info", "stopped")
    }

    private func note(_ level: String, _ message: String) {
        events.append(level, message)
        switch level {
        case "error": logger.error("\(message)")
        case "warning": logger.warning("\(message)")
        default: logger.info("\(message)")
        }
    }

    /// This node's signed record, valid for the configured TTL.
    public func record() throws -> NodeRecord {
        try config.record(for: identity, addresses: listenAddress.map { [$0] } ?? [])
    }

    /// Publishes this node's record and refreshes the local copy of the register; on
    /// failure the local copy stays as it was and the node keeps working from it.
    /// Returns whether the register answered.
    @discardableResult
    public func syncWithRegister() async -> Bool {
        do {
            let client = try await connectToRegister()
            defer { Task { await client.close() } }
            let ack = try await client.call(RegisterNode(record: try record()), expecting: RegisterAck.self)
            let list = try await client.call(ListNodes(), expecting: NodeList.self)
            try localCopy.replaceAll(list.records)
            note("info", "register: published record \(ack.sequence), \(list.records.count) nodes known")
            if roles.contains(.client) { await establishWithGateways(list.records) }
            return true
        } catch {
            let known = (try? localCopy.list(now: UInt64(Date().timeIntervalSince1970)).count) ?? 0
            note("warning", "register unreachable (\(error)); working from the local copy of \(known) nodes")
            return false
        }
    }

    private func connectToRegister() async throws -> RPCClient {
        let address = try NodeAddress(config.register.address)
        return try await RPCClient.connect(
            host: address.host, port: address.port, identity: identity, expectedPeer: try NodeID(config.register.nodeID),
            timeout: .seconds(5))
    }

    /// Client establishment: a signed challenge to every gateway, recording round-trip times.
    private func establishWithGateways(_ records: [NodeRecord]) async {
        for gateway in records where gateway.roles.contains(.gateway) && gateway.nodeID != identity.publicKey.nodeID {
            guard let first = gateway.addresses.first, let address = try? NodeAddress(first) else { continue }
            do {
                let start = ContinuousClock.now
                let client = try await RPCClient.connect(
                    host: address.host, port: address.port, identity: identity, expectedPeer: gateway.nodeID, timeout: .seconds(5))
                let now = UInt64(Date().timeIntervalSince1970)
                let challenge = EstablishmentChallenge.random(client: identity.publicKey.nodeID, now: now, ttl: 60)
                let answer = try await client.call(challenge, expecting: EstablishmentAnswer.self)
                try answer.verify(answering: challenge, expectedGateway: gateway.nodeID, now: now)
                let rtt = ContinuousClock.now - start
                await client.close()
                peers[gateway.nodeID] = UInt64(rtt.seconds * 1_000_000)
                note("info", "established with gateway \(gateway.nodeID.short) at \(address)")
            } catch {
                note("warning", "could not establish with gateway \(gateway.nodeID.short): \(error)")
            }
        }
    }

    /// Answers one request from a proven peer.
    func answer(_ request: Envelope, from peer: PublicKey) async -> Envelope {
        if RegisterService.handles(request.type) {
            guard let registerService else {
                return Envelope(InvalidMessage(reason: "this node is not a register"), requestID: request.requestID)
            }
            let answer = registerService.answer(request, from: peer)
            if answer.type == .registerAck { note("info", "register: \(request.type) from \(peer.nodeID.short)") }
            return answer
        }
        switch request.type {
        case .establishmentChallenge:
            guard roles.contains(.gateway) else { return Envelope(InvalidMessage(reason: "this node is not a gateway"), requestID: request.requestID) }
            do {
                let challenge = try request.message(as: EstablishmentChallenge.self)
                guard challenge.client == peer.nodeID else { throw WireError.mismatch("challenge names another client than the session") }
                return Envelope(challenge.answer(by: identity), requestID: request.requestID)
            } catch {
                return Envelope(InvalidMessage(reason: "\(error)"), requestID: request.requestID)
            }
        case .controlStatusRequest, .controlEventsRequest:
            guard isAdmin(peer) else {
                note("warning", "refused control request from \(peer.nodeID.short): not an admin key")
                return Envelope(InvalidMessage(reason: NodeError.notAdmin(peer.nodeID.description).description), requestID: request.requestID)
            }
            if request.type == .controlStatusRequest { return Envelope(status(), requestID: request.requestID) }
            do {
                let q = try request.message(as: ControlEventsRequest.self)
                let found = await events.wait(after: q.after, upTo: .milliseconds(Int64(q.waitMillis)))
                return Envelope(ControlEvents(events: found), requestID: request.requestID)
            } catch {
                return Envelope(InvalidMessage(reason: "\(error)"), requestID: request.requestID)
            }
        default:
            return Envelope(InvalidMessage(reason: "\(request.type) is not served by this node"), requestID: request.requestID)
        }
    }

    private func isAdmin(_ peer: PublicKey) -> Bool {
        config.admin.keys.contains(peer.nodeID.description)
    }

    /// The node's status as the control API reports it.
    public func status() -> ControlStatus {
        ControlStatus(
            node: identity.publicKey.nodeID, roles: roles.sorted().map(\.rawValue), listen: listenAddress ?? "",
            dataDirectory: directory.path, started: UInt64(startedAt.timeIntervalSince1970),
            pieces: UInt64((try? blockstore.pieces().count) ?? 0),
            knownNodes: UInt64((try? localCopy.list(now: UInt64(Date().timeIntervalSince1970)).count) ?? 0),
            peers: peers.sorted { $0.key < $1.key }.map { ($0.key.description, $0.value) })
    }

    /// The local copy of the register (live records).
    public func knownNodes() throws -> [NodeRecord] {
        try localCopy.list(now: UInt64(Date().timeIntervalSince1970))
    }
}
