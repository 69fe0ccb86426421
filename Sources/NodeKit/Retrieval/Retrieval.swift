import Foundation

/// The node's retrieval deals: the provider's side (`ProviderDeals`, with the provider
/// role), the client's (`ClientDeals`, with the client role), and the gateway's payment
/// brokering (`PaymentBroker`, with the gateway role), over one `DealStore`.
///
/// While the node runs, every 10 s the provider fails deals whose client has been silent
/// for the deal timeout. On start the client resumes its unfinished deals; on stop they
/// pause where they are.
public final class Retrieval: NodeService {
    static let sweepInterval: Duration = .seconds(10)

    public let provider: ProviderDeals?
    public let client: ClientDeals?
    public let broker: PaymentBroker?
    private let store: DealStore
    private let context: NodeContext
    /// Called after each stored status change of a client or provider deal (for tests).
    let afterStatusChange = StatusChangeHook()
    private let housekeeping = Locked<Task<Void, Never>?>(nil)

    init(context: NodeContext, payments: Payments, market: Market) {
        self.context = context
        store = DealStore(database: context.blockstore.database)
        let roles = context.roles
        provider = roles.contains(.provider)
            ? ProviderDeals(context: context, store: store, inbox: payments.inbox, afterStatusChange: afterStatusChange) { [publisher = market.publisher] in
                try await publisher?.ask().pricePerByte ?? ProviderAsk.default.pricePerByte
            }
            : nil
        client = roles.contains(.client) ? ClientDeals(
            context: context, store: store, manager: payments.manager, finder: market.finder, afterStatusChange: afterStatusChange) : nil
        broker = roles.contains(.gateway) ? PaymentBroker(context: context, store: store, inbox: payments.inbox, manager: payments.manager) : nil
    }

    public func install(into router: RequestRouter) {
        provider?.install(into: router)
        broker?.install(into: router)
    }

    public func start() async {
        await client?.start()
        guard let provider else { return }
        let clock = context.clock
        housekeeping.withLock {
            $0 = Task {
                while !Task.isCancelled {
                    do { try await clock.sleep(for: Self.sweepInterval) } catch { return }
                    await provider.sweep()
                }
            }
        }
    }

    public func stop() async {
        let task = housekeeping.withLock { t -> Task<Void, Never>? in defer { t = nil }; return t }
        task?.cancel()
        await task?.value
        await client?.stop()
    }

    // MARK: RetrievalControl

    public func query(_ target: String, provider: NodeID?) async throws -> [QueryAnswer] {
        try await requireClient("querying providers").query(target, provider: provider)
    }

    public func retrieve(_ order: RetrievalOrder) async throws -> RetrievalSummary {
        try await requireClient("retrieving").retrieve(order)
    }

    public func retrieval(_ id: UInt64) async throws -> RetrievalSummary {
        let client = try requireClient("retrieval requests")
        guard let request = try await store.request(id) else {
            throw RetrievalError.invalidValue("no retrieval \(id) on this node; list them with 'filtop deals list'")
        }
        return try await client.summary(request)
    }

    public func retrievals() async throws -> [RetrievalSummary] {
        let client = try requireClient("retrieval requests")
        var summaries: [RetrievalSummary] = []
        for request in try await store.requests() { summaries.append(try await client.summary(request)) }
        return summaries
    }

    public func deals() async throws -> [DealRecord] {
        let running = client?.liveRecords() ?? [:]
        return try await store.deals().map { running[$0.key] ?? $0 }
    }

    public func deal(_ key: DealKey) async throws -> DealDetail {
        guard let stored = try await store.deal(key) else { throw RetrievalError.unknownDeal(key) }
        return DealDetail(deal: client?.liveRecords()[key] ?? stored, history: try await store.history(key))
    }

    public func cancelDeal(_ key: DealKey) async throws -> DealRecord {
        switch key.side {
        case .client: return try await requireClient("cancelling a deal").cancel(key)
        case .provider:
            guard let provider else { throw RetrievalError.roleMissing(.provider, "cancelling a provider deal") }
            return try await provider.cancelAsProvider(key)
        case .broker:
            throw RetrievalError.invalidValue("deal \(key) is one this gateway brokers; only its client or provider can cancel it")
        }
    }

    public func retrievalTerms() async throws -> RetrievalTerms {
        guard let provider else { throw RetrievalError.roleMissing(.provider, "retrieval terms") }
        return try await provider.terms()
    }

    public func setRetrievalTerms(_ terms: RetrievalTerms) async throws -> RetrievalTerms {
        guard let provider else { throw RetrievalError.roleMissing(.provider, "retrieval terms") }
        return try await provider.setTerms(terms)
    }

    private func requireClient(_ what: String) throws -> ClientDeals {
        guard let client else { throw RetrievalError.roleMissing(.client, what) }
        return client
    }
}
