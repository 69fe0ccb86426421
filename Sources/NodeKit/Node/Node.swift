import Foundation
import Logging

/// A running node: builds its services from the config, lets each install its request
/// handlers into the router, listens, and starts and stops them. It does nothing else —
/// every message, table and event belongs to a service.
///
/// Services by role: `ControlService` (always; admin-only over the wire), `Payments`
/// (always; with the ledger's service under the `ledger` role), `Market` (always; its
/// gateway, provider and client parts by role), `Retrieval` (always; its provider, client
/// and broker parts by role), `RegisterService` (register),
/// `EstablishmentService` (gateway and provider: they answer challenges), `RegisterSync`
/// (any node with a register configured; it also runs the establishments of the node's
/// roles: a client with gateways, a gateway with providers).
public final class Node: Sendable {
    public let context: NodeContext
    /// The node's control API, for an in-process console.
    public let control: ControlService
    /// What establishment measured of the gateways.
    public let peers: PeerTable
    public let router: RequestRouter
    /// Channels, vouchers and the ledger.
    public let payments: Payments
    /// The market roles: gateway, provider publishing, client discovery, reputation.
    public let market: Market
    /// Retrieval deals: the provider's, the client's, and the gateway's brokering.
    public let retrieval: Retrieval
    private let services: [any NodeService]
    private let registerSync: RegisterSync
    private let listener = Locked<(any Listener)?>(nil)

    public var identity: KeyPair { context.identity }
    public var journal: EventJournal { context.journal }

    /// Builds the node in `directory`. `logHandler` adds a destination for the node's log
    /// besides its journal (stderr for a headless node).
    public init(
        directory: DataDirectory, identity: KeyPair, config: NodeConfig, clock: any NodeClock = SystemClock(),
        transport: any Transport = TCPTransport(), journal: EventJournal = EventJournal(),
        logHandler: (@Sendable (String) -> any LogHandler)? = nil
    ) throws {
        let logger = Logger(label: "filtop.node") { label in
            let toJournal = JournalLogHandler(label: label, journal: journal)
            guard let extra = logHandler?(label) else { return toJournal }
            return MultiplexLogHandler([toJournal, extra])
        }
        context = NodeContext(
            identity: identity, config: config, directory: directory, blockstore: try directory.openBlockstore(), clock: clock,
            transport: transport, journal: journal, logger: logger, listenAddress: Locked(nil))
        peers = PeerTable()
        router = RequestRouter(logger: logger)
        let localLedger = context.roles.contains(.ledger)
            ? try DevnetLedger(database: context.blockstore.database, clock: clock, epochMillis: UInt64(config.ledger.epochMillis),
                               settleDelay: UInt64(config.ledger.settleDelay))
            : nil
        payments = Payments(context: context, localLedger: localLedger)
        market = try Market(context: context, payments: payments)
        retrieval = Retrieval(context: context, payments: payments, market: market)
        control = ControlService(context: context, peers: peers, payments: payments, market: market, retrieval: retrieval)
        var services: [any NodeService] = [control, payments, market, retrieval]
        if context.roles.contains(.register) { services.append(RegisterService(context: context)) }
        if !context.roles.isDisjoint(with: [.gateway, .provider]) { services.append(EstablishmentService(context: context)) }
        registerSync = RegisterSync(context: context, establishments: market.establishments(gatewayPeers: peers))
        services.append(registerSync)
        self.services = services
        for service in services { service.install(into: router) }
    }

    /// The address the node listens on, once started.
    public var listenAddress: NodeAddress? { context.listenAddress.withLock { $0 } }

    /// Listens on the configured address and starts every service.
    public func start() async throws {
        let requested = try NodeAddress(context.config.node.listen, allowingPortZero: true)
        let router = self.router
        let listener = try await context.transport.listen(
            on: requested, identity: context.identity, immediate: { request, peer in router.answerImmediately(request, from: peer) },
            streams: { request, peer, sender in try await router.answerStream(request, from: peer, to: sender) }
        ) { request, peer in
            await router.answer(request, from: peer)
        }
        self.listener.withLock { $0 = listener }
        context.listenAddress.withLock { $0 = listener.address }
        context.note(.info, .log, "listening on \(listener.address) as \(context.nodeID) (roles: \(context.roles.sorted().map(\.rawValue).joined(separator: ", ")))")
        for service in services { await service.start() }
    }

    /// Stops every service (in reverse order) and the listener, closing every session.
    public func stop() async {
        for service in services.reversed() { await service.stop() }
        let open = listener.withLock { l -> (any Listener)? in defer { l = nil }; return l }
        await open?.close()
        context.note(.info, .log, "stopped")
    }

    /// This node's signed record as published now.
    public func record() throws -> NodeRecord {
        try context.config.record(for: identity, addresses: listenAddress.map { [$0.description] } ?? [], now: context.clock.now)
    }

    /// Publishes to the register and refreshes the local copy once (tests and `node run`
    /// use the background loop instead). Returns whether the register answered.
    @discardableResult
    public func syncWithRegister() async -> Bool {
        guard !context.config.register.address.isEmpty else { return false }
        return await registerSync.sync()
    }
}
