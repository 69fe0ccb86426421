import Foundation

/// The node's market roles, built from its config: the gateway (`GatewayService`), the
/// provider's publishing (`OfferPublisher`) and the client's discovery (`OfferFinder`),
/// each present only with its role, and the reputation book they share.
///
/// While the node runs, the market's housekeeping runs every second: reputation and
/// discovery accounts reach SQLite, discovery activity reaches the journal; every minute
/// expired offers are swept, and every five minutes idle providers lose a point.
public final class Market: NodeService {
    static let tick: Duration = .seconds(1)
    static let sweepTicks = 60
    static let idleTicks = 300

    public let reputation: ReputationBook
    public let gateway: GatewayService?
    public let publisher: OfferPublisher?
    public let finder: OfferFinder?
    private let context: NodeContext
    private let housekeeping = Locked<Task<Void, Never>?>(nil)

    init(context: NodeContext, payments: Payments) throws {
        self.context = context
        reputation = try ReputationBook(database: context.blockstore.database, clock: context.clock)
        let roles = context.roles
        gateway = roles.contains(.gateway) ? try GatewayService(context: context, reputation: reputation, inbox: payments.inbox) : nil
        publisher = roles.contains(.provider) ? OfferPublisher(context: context, localGateway: gateway) : nil
        finder = roles.contains(.client) ? OfferFinder(context: context, payments: payments, reputation: reputation, localGateway: gateway) : nil
    }

    /// The establishments the register sync runs for this node's roles.
    func establishments(gatewayPeers: PeerTable) -> [PeerEstablishment] {
        [finder?.establishment(peers: gatewayPeers), gateway?.establishment()].compactMap { $0 }
    }

    public func install(into router: RequestRouter) {
        gateway?.install(into: router)
    }

    public func start() async {
        publisher?.start()
        let task = Task { [self] in
            var ticks = 0
            var idleSince = context.clock.now
            while !Task.isCancelled {
                do { try await context.clock.sleep(for: Self.tick) } catch { break }
                ticks += 1
                await flush()
                gateway?.noteActivity()
                if ticks % Self.sweepTicks == 0 {
                    let idle = ticks % Self.idleTicks == 0 ? idleSince : nil
                    await gateway?.sweep(idleSince: idle)
                    if idle != nil { idleSince = context.clock.now }
                }
            }
        }
        housekeeping.withLock { $0 = task }
    }

    public func stop() async {
        await publisher?.stop()
        let task = housekeeping.withLock { t -> Task<Void, Never>? in defer { t = nil }; return t }
        task?.cancel()
        await task?.value
        await flush()
    }

    private func flush() async {
        do {
            try await reputation.flush()
            try await gateway?.accounts.flush()
        } catch {
            context.note(.error, .log, "market: could not store reputation or discovery accounts: \(error)")
        }
    }

    /// The role's part, or `roleMissing` naming what needed it.
    func require<T>(_ part: T?, _ role: NodeRole, _ what: String) throws(MarketError) -> T {
        guard let part else { throw .roleMissing(role, what) }
        return part
    }
}
