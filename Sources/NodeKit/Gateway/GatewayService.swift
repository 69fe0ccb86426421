import Foundation

/// The gateway role: verifies and caches providers' group offers under the retention
/// policy, and answers clients' paid find-offers requests with sub-offers a client can
/// check alone.
///
/// Retention, enforced at publish time, on every answer and when the policy changes:
/// - a block-listed provider's offers are refused, dropped from the cache when it is
///   blocked, and never returned;
/// - an allow-listed provider's verified offers are always kept;
/// - otherwise an offer is kept only while its provider's reputation here is not below
///   zero, its establishment round trip is within `gateway.max_provider_latency_ms`
///   (when set), and it has not expired.
/// Every refusal and drop is a journal event of kind `offer`.
public final class GatewayService: Sendable {
    private let context: NodeContext
    public let cache: OfferCache
    public let listings: ProviderListings
    public let accounts: DiscoveryAccounts
    private let reputation: ReputationBook
    private let inbox: VoucherInbox
    /// What establishment measured of the providers.
    public let providers: PeerTable
    private let register: RegisterStore
    private let fees: DiscoveryFees
    private let activity: DiscoveryActivity
    /// Per provider (registered ones only): when a client last got one of its offers,
    /// and why its last offer was refused.
    private let seen = Locked<[NodeID: ProviderActivity]>([:])

    struct ProviderActivity: Sendable {
        var lastRequested: Date?
        var lastRefusal: String?
    }

    init(context: NodeContext, reputation: ReputationBook, inbox: VoucherInbox) throws {
        self.context = context
        let database = context.blockstore.database
        cache = OfferCache(database: database)
        listings = try ProviderListings(database: database, clock: context.clock, config: context.config.gateway)
        accounts = try DiscoveryAccounts(database: database, clock: context.clock)
        self.reputation = reputation
        self.inbox = inbox
        providers = PeerTable()
        register = RegisterStore(database: database, table: .localCopy)
        fees = context.config.gateway.fees
        activity = DiscoveryActivity(context: context)
    }

    func install(into router: RequestRouter) {
        router.on(PublishGroupOffer.self) { [self] message, peer in
            try await accept(message.offer, from: peer)
        }
        router.on(FindOffers.self) { [self] request, peer in
            try await answer(request, from: peer)
        }
        // A request paid from credit is answered on the session's thread; one carrying a
        // voucher waits for the voucher's durable check, in a task.
        router.onImmediate(FindOffers.self) { [self] request, peer in
            request.voucher == nil ? try respond(to: request, from: peer) : nil
        }
    }

    /// Establishment with the providers: a provider that answers for the first time
    /// earns the notes' +1000 (their "answering the List request").
    func establishment() -> PeerEstablishment {
        PeerEstablishment(context: context, peers: providers, role: .provider) { [reputation] provider, live in
            if live, !reputation.isKnown(.providerByGateway, provider) { reputation.record(.providerAnswered, for: provider) }
        }
    }

    // MARK: Publishing

    /// Verifies `offer` from `publisher` under the retention policy, caches it and signs
    /// the acknowledgement; a refusal is a typed `MarketError` and an `offer` event.
    public func accept(_ offer: CIDOffer, from publisher: PublicKey) async throws -> OfferAcknowledgement {
        let provider = offer.providerID
        do {
            guard offer.provider == publisher else { throw MarketError.notPublisher(offerProvider: provider, session: publisher.nodeID) }
            if publisher != context.identity.publicKey {
                guard let record = try await register.record(provider), record.roles.contains(.provider) else {
                    throw MarketError.unregisteredProvider(provider)
                }
            }
            let listing = listings.listing(provider)
            guard listing != .blocked else { throw MarketError.blocked(provider) }
            do { try offer.verify(at: context.clock.unixSeconds) } catch {
                let score = reputation.record(.invalidPublication, for: provider)
                if listing != .allowed, score < 0 { await drop(provider, because: "its reputation fell to \(score)") }
                throw MarketError.badOffer(error)
            }
            if listing != .allowed { try checkStanding(provider) }
        } catch let error as MarketError {
            refused(provider, error, known: error.isAboutRegisteredProvider)
            throw error
        }
        let outcome = try await cache.store(offer, source: "publish", receivedAt: context.clock.now)
        switch outcome {
        case .stored(let linked, let unlinked):
            let replaced = unlinked > 0 ? ", replacing \(unlinked) older" : ""
            context.note(.info, .offer, "gateway: cached offer \(Hex.encode(offer.id).prefix(12)) from \(provider.short): \(linked) Piece CIDs\(replaced)")
        case .duplicate, .superseded:
            break
        }
        return OfferAcknowledgement.sign(offers: [offer], received: context.clock.unixSeconds, by: context.identity)
    }

    /// Refuses an unlisted provider whose reputation is below zero or that is too slow.
    private func checkStanding(_ provider: NodeID) throws(MarketError) {
        let score = reputation.score(.providerByGateway, provider)
        guard score >= 0 else { throw .lowReputation(provider, score) }
        let limit = UInt64(context.config.gateway.maxProviderLatencyMillis)
        if limit > 0, let rtt = providers[provider]?.rttMicros, rtt / 1000 > limit {
            throw .tooSlow(provider, rttMillis: rtt / 1000, limit: limit)
        }
    }

    private func refused(_ provider: NodeID, _ error: MarketError, known: Bool) {
        if known { seen.withLock { $0[provider, default: ProviderActivity()].lastRefusal = error.description } }
        context.note(.warning, .offer, "gateway: refused offer from \(provider.short): \(error)")
    }

    /// Whether this gateway keeps and returns `provider`'s offers now.
    public func keeps(_ provider: NodeID) -> Bool {
        switch listings.listing(provider) {
        case .allowed: return true
        case .blocked: return false
        case .unlisted: return reputation.score(.providerByGateway, provider) >= 0
        }
    }

    /// Drops every cached offer of `provider`, noting why.
    func drop(_ provider: NodeID, because why: String) async {
        do {
            let removed = try await cache.removeOffers(of: provider)
            if removed > 0 { context.note(.info, .offer, "gateway: dropped \(removed) cached Piece CIDs of \(provider.short): \(why)") }
        } catch {
            context.note(.error, .offer, "gateway: could not drop the offers of \(provider.short): \(error)")
        }
    }

    // MARK: Policy

    /// Stores the operator's listing of `provider`; blocking drops its offers at once.
    public func setListing(_ listing: ProviderListing, for provider: NodeID) async throws {
        try await listings.set(listing, for: provider)
        context.note(.info, .offer, "gateway: provider \(provider.short) is now \(listing.rawValue)")
        if !keeps(provider) { await drop(provider, because: listing == .blocked ? "blocked" : "its reputation is below 0") }
    }

    /// The housekeeping the market runs: expired offers swept, and the notes' −1 for each
    /// provider whose cached offers nobody asked for in the last `idlePeriod`.
    func sweep(idleSince: Date?) async {
        do {
            let swept = try await cache.sweepExpired(now: context.clock.unixSeconds)
            if swept > 0 { context.note(.info, .offer, "gateway: \(swept) expired offers swept from the cache") }
        } catch {
            context.note(.error, .offer, "gateway: sweeping expired offers failed: \(error)")
        }
        guard let idleSince else { return }
        do {
            let held = try await cache.cidCountsByProvider(now: context.clock.unixSeconds)
            let requested = seen.withLock { table in table.compactMapValues(\.lastRequested) }
            for provider in held.keys where (requested[provider] ?? .distantPast) < idleSince {
                let score = reputation.record(.idle, for: provider)
                if !keeps(provider) { await drop(provider, because: "its reputation fell to \(score)") }
            }
        } catch {
            context.note(.error, .offer, "gateway: reading the cache failed: \(error)")
        }
    }

    // MARK: Discovery

    /// Answers a find-offers request: credits the voucher it carries, charges the search
    /// fee (or answers `required` without looking), and returns the live sub-offers of
    /// kept providers, charging the offers fee when there are any (`answered`).
    public func answer(_ request: FindOffers, from client: PublicKey) async throws -> FindOffersAnswer {
        if let voucher = request.voucher {
            let delta = try await inbox.add(voucher, payer: client)
            accounts.pay(client.nodeID, delta)
        }
        guard let afterSearch = accounts.charge(client.nodeID, fees.search) else { return unpaid(client.nodeID) }
        let found = try await cache.subOffers(for: request.pieceCID, now: context.clock.unixSeconds, limit: FindOffersAnswer.maxOffers * 2)
        return answered(kept(found), client: client.nodeID, afterSearch: afterSearch)
    }

    /// `answer` for a request paid from credit, on the calling thread (a session's event
    /// loop): the lookup reads SQLite there — tens of microseconds, less than the thread
    /// hops of an async read. Never from a task of Swift's cooperative pool.
    func respond(to request: FindOffers, from client: PublicKey) throws -> FindOffersAnswer {
        guard let afterSearch = accounts.charge(client.nodeID, fees.search) else { return unpaid(client.nodeID) }
        let found = try cache.subOffersNow(for: request.pieceCID, now: context.clock.unixSeconds, limit: FindOffersAnswer.maxOffers * 2)
        return answered(kept(found), client: client.nodeID, afterSearch: afterSearch)
    }

    /// The `required` answer: what the client must pay before the search fee is covered.
    private func unpaid(_ client: NodeID) -> FindOffersAnswer {
        let b = accounts.balance(client)
        activity.unpaid()
        return FindOffersAnswer(offers: [], charged: .zero, credit: b.credit, owed: b.owed, required: b.shortfall(for: fees.search), fees: fees)
    }

    /// The answer once the search fee is charged: the offers fee too when there are offers.
    private func answered(_ kept: [SubOffer], client: NodeID, afterSearch: DiscoveryAccounts.Balance) -> FindOffersAnswer {
        guard !kept.isEmpty else {
            activity.answered(offers: 0)
            return FindOffersAnswer(offers: [], charged: fees.search, credit: afterSearch.credit, owed: afterSearch.owed, required: .zero, fees: fees)
        }
        let b = accounts.chargeOwing(client, fees.offers)
        let now = context.clock.now
        let providers = Set(kept.map(\.providerID))
        for provider in providers { reputation.record(.offerRequested, for: provider) }
        seen.withLock { table in for p in providers { table[p, default: ProviderActivity()].lastRequested = now } }
        activity.answered(offers: kept.count)
        return FindOffersAnswer(
            offers: kept, charged: (try? fees.search.adding(fees.offers)) ?? .max, credit: b.credit, owed: b.owed, required: .zero, fees: fees)
    }

    /// The offers of `found` whose providers this gateway keeps, at most `FindOffersAnswer.maxOffers`.
    func kept(_ found: [SubOffer]) -> [SubOffer] {
        var kept: [SubOffer] = []
        kept.reserveCapacity(min(found.count, FindOffersAnswer.maxOffers))
        for offer in found where kept.count < FindOffersAnswer.maxOffers && keeps(offer.providerID) { kept.append(offer) }
        return kept
    }

    /// What this gateway would answer for `pieceCID`, without charging anyone: its own
    /// node's client asks it this way.
    func lookup(_ pieceCID: PieceCID) async throws -> [SubOffer] {
        kept(try await cache.subOffers(for: pieceCID, now: context.clock.unixSeconds, limit: FindOffersAnswer.maxOffers * 2))
    }

    /// Notes what discovery did since the last call (the market calls it periodically).
    func noteActivity() { activity.flush() }

    // MARK: Views

    /// Every provider the gateway has a standing for: listed, reputed, seen or caching.
    public func standings() async throws -> [ProviderStanding] {
        let now = context.clock.unixSeconds
        let held = try await cache.cidCountsByProvider(now: now)
        let scores = reputation.scores(.providerByGateway)
        let activity = seen.withLock { $0 }
        let published = try await cache.lastStored()
        let registered = try await register.list(role: .provider, now: now).map(\.nodeID)
        let all = listings.named.union(scores.keys).union(held.keys).union(activity.keys).union(published.keys).union(registered)
        return all.map { p in
            ProviderStanding(
                provider: p, listing: listings.listing(p), reputation: scores[p] ?? ReputationView.providerByGateway.initial,
                rttMicros: providers[p]?.rttMicros, cachedCIDs: held[p] ?? 0, lastPublished: published[p],
                lastRefusal: activity[p]?.lastRefusal)
        }.sorted { ($0.cachedCIDs, $1.provider.description) > ($1.cachedCIDs, $0.provider.description) }
    }

    public func policy() async throws -> GatewayPolicy {
        let counts = try await cache.counts(now: context.clock.unixSeconds)
        let listed = listings.listed
        return GatewayPolicy(
            allowed: listed.filter { $0.value == .allowed }.keys.sorted { $0.description < $1.description },
            blocked: listed.filter { $0.value == .blocked }.keys.sorted { $0.description < $1.description },
            maxLatencyMillis: UInt64(context.config.gateway.maxProviderLatencyMillis), fees: fees,
            cachedOffers: counts.offers, cachedCIDs: counts.cids)
    }

    /// Cached offers as the operator lists them: never a blocked provider's.
    public func offers(_ query: OfferQuery) async throws -> [CachedOffer] {
        try await cache.list(query, now: context.clock.unixSeconds).filter { listings.listing($0.provider) != .blocked }
    }
}

extension MarketError {
    /// Whether the refusal concerns a provider the gateway tracks (so it is shown on
    /// the provider's standing), rather than an unregistered or impersonated publisher.
    var isAboutRegisteredProvider: Bool {
        switch self {
        case .unregisteredProvider, .notPublisher: return false
        default: return true
        }
    }
}
