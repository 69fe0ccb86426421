import Foundation

/// The provider role's publishing: signs group offers (up to 128 Piece CIDs each) for
/// every piece the node holds at its ask, sends them to gateways, and keeps each
/// gateway's signed acknowledgement as proof of publication.
///
/// While the node runs it checks every `checkInterval`: it signs a new set when the
/// pieces or the ask changed or the current offers are within a quarter of their life of
/// expiring, and sends the current set to every gateway of the register that has not
/// acknowledged all of it. A gateway that failed or refused is retried after `retryAfter`,
/// then twice as long after each further failure, up to `maxRetryAfter` (a gateway that
/// blocked this provider is not asked every minute forever).
public final class OfferPublisher: Sendable {
    public static let checkInterval: Duration = .seconds(10)
    static let retryAfter: TimeInterval = 60
    static let maxRetryAfter: TimeInterval = 3600

    private let context: NodeContext
    private let store: PublicationStore
    private let register: RegisterStore
    /// This node's own gateway, when it has that role: offers reach it without a session.
    private let localGateway: GatewayService?
    private let serial = SerialWork()
    /// Per gateway of the register that last failed: when, and how many times in a row.
    private let failures = Locked<[NodeID: (at: Date, count: Int)]>([:])
    private let loop = Locked<Task<Void, Never>?>(nil)

    init(context: NodeContext, localGateway: GatewayService?) {
        self.context = context
        store = PublicationStore(database: context.blockstore.database)
        register = RegisterStore(database: context.blockstore.database, table: .localCopy)
        self.localGateway = localGateway
    }

    func start() {
        let task = Task { [self] in
            while !Task.isCancelled {
                do { try await context.clock.sleep(for: Self.checkInterval) } catch { return }
                _ = try? await publishPending()
            }
        }
        loop.withLock { $0 = task }
    }

    func stop() async {
        let task = loop.withLock { t -> Task<Void, Never>? in defer { t = nil }; return t }
        task?.cancel()
        await task?.value
    }

    public func ask() async throws -> ProviderAsk { try await store.ask().ask }

    /// Stores `ask`; the next publication signs offers with it.
    public func setAsk(_ ask: ProviderAsk) async throws -> ProviderAsk {
        guard ProviderAsk.ttlRange.contains(ask.ttlSeconds) else {
            throw MarketError.invalidValue("the offer lifetime must be \(ProviderAsk.ttlRange.lowerBound)…\(ProviderAsk.ttlRange.upperBound) seconds (got \(ask.ttlSeconds))")
        }
        guard ProviderAsk.latencyRange.contains(ask.latencyMillis) else {
            throw MarketError.invalidValue("the QoS must be \(ProviderAsk.latencyRange.lowerBound)…\(ProviderAsk.latencyRange.upperBound) ms to first byte (got \(ask.latencyMillis))")
        }
        try await store.setAsk(ask)
        context.note(.info, .offer, "provider: ask set to \(ask.pricePerByte) per byte, QoS \(ask.latencyMillis) ms, offers valid \(ask.ttlSeconds) s")
        return ask
    }

    public func publications() async throws -> [Publication] { try await store.publications() }

    /// Publishes the current offers (signing a new set first when due) to `gateways`, or
    /// to every gateway of the register (and this node's own) when empty.
    public func publish(to gateways: [NodeID]) async throws -> [Publication] {
        try await serially {
            let offers = try await self.currentOffers()
            let targets = try await self.gatewayRecords(gateways)
            return try await self.send(offers, to: targets, force: true)
        }
    }

    /// The background check: a new set when due, sent where it is missing.
    @discardableResult
    public func publishPending() async throws -> [Publication] {
        try await serially {
            guard try await !self.context.blockstore.pieceCIDs().isEmpty else { return [] }
            let offers = try await self.currentOffers()
            let acknowledged = try await self.store.acknowledging(offers)
            let now = self.context.clock.now
            let failed = self.failures.withLock { $0 }
            let targets = try await self.gatewayRecords([]).filter { target in
                !acknowledged.contains(target.id) && (failed[target.id].map { now.timeIntervalSince($0.at) >= Self.backoff(after: $0.count) } ?? true)
            }
            return try await self.send(offers, to: targets, force: false)
        }
    }

    /// How long to wait before asking again a gateway that failed `count` times in a row.
    static func backoff(after count: Int) -> TimeInterval {
        min(maxRetryAfter, retryAfter * pow(2, Double(max(0, min(count, 16) - 1))))
    }

    /// Runs `body` after every publication before it (they share the nonce and the tables).
    private func serially<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await serial.run { () async -> Result<T, any Error> in
            do { return .success(try await body()) } catch { return .failure(error) }
        }.get()
    }

    /// A gateway to publish to: this node's own, or one of the register's at an address.
    private struct Target: Sendable {
        let id: NodeID
        let address: NodeAddress?
    }

    private func gatewayRecords(_ chosen: [NodeID]) async throws -> [Target] {
        let now = context.clock.unixSeconds
        let records = try await register.list(role: .gateway, now: now)
        var targets: [Target] = []
        if localGateway != nil, chosen.isEmpty || chosen.contains(context.nodeID) { targets.append(Target(id: context.nodeID, address: nil)) }
        for id in chosen where id != context.nodeID {
            guard let record = records.first(where: { $0.nodeID == id }) else { throw MarketError.unknownGateway(id) }
            targets.append(Target(id: id, address: record.addresses.first.flatMap { try? NodeAddress($0) }))
        }
        if chosen.isEmpty {
            for record in records where record.nodeID != context.nodeID {
                targets.append(Target(id: record.nodeID, address: record.addresses.first.flatMap { try? NodeAddress($0) }))
            }
        }
        return targets
    }

    /// The offers to publish now: the stored set, or a new one when the pieces or the
    /// ask changed or the set nears its expiry.
    private func currentOffers() async throws -> [CIDOffer] {
        let pieces = try await context.blockstore.pieceCIDs().compactMap { try? PieceCID($0) }
        guard !pieces.isEmpty else { throw MarketError.nothingToOffer }
        let (ask, lastNonce) = try await store.ask()
        let stored = try await store.currentOffers()
        let now = context.clock.unixSeconds
        let wanted = Set(pieces.map(\.commitment))
        let covered = Set(stored.flatMap { o in (0..<o.cidCount).map { o.commitment(at: $0) } })
        let fresh = stored.allSatisfy { o in
            o.terms.pricePerByte == ask.pricePerByte && o.terms.latencyMillis == ask.latencyMillis
                && o.terms.expiry > now + ask.ttlSeconds / 4
        }
        if !stored.isEmpty, covered == wanted, fresh { return stored }
        return try await sign(pieces, ask: ask, after: lastNonce)
    }

    private func sign(_ pieces: [PieceCID], ask: ProviderAsk, after lastNonce: UInt64) async throws -> [CIDOffer] {
        let sorted = pieces.sorted { $0.commitment.lexicographicallyPrecedes($1.commitment) }
        var nonce = max(lastNonce + 1, UInt64(max(0, context.clock.now.timeIntervalSince1970 * 1000)))
        let expiry = context.clock.unixSeconds + ask.ttlSeconds
        var offers: [CIDOffer] = []
        for start in stride(from: 0, to: sorted.count, by: OfferLimits.maxCIDsPerOffer) {
            let group = Array(sorted[start..<min(start + OfferLimits.maxCIDsPerOffer, sorted.count)])
            let terms = OfferTerms(pricePerByte: ask.pricePerByte, expiry: expiry, latencyMillis: ask.latencyMillis, nonce: nonce)
            offers.append(try CIDOffer.sign(pieceCIDs: group, terms: terms, by: context.identity))
            nonce += 1
        }
        try await store.replaceOffers(offers, lastNonce: nonce - 1, at: context.clock.now)
        context.note(.info, .offer, "provider: signed \(offers.count) offers for \(pieces.count) pieces at \(ask.pricePerByte) per byte, valid \(ask.ttlSeconds) s")
        return offers
    }

    /// Sends each offer to each target (up to 8 gateways at once), recording every answer.
    private func send(_ offers: [CIDOffer], to targets: [Target], force: Bool) async throws -> [Publication] {
        guard !targets.isEmpty else { return [] }
        let results = await withTaskGroup(of: [Publication].self) { group in
            var running = 0
            var all: [Publication] = []
            for target in targets {
                if running == 8, let done = await group.next() { all += done; running -= 1 }
                group.addTask { await self.send(offers, to: target) }
                running += 1
            }
            for await done in group { all += done }
            return all
        }
        let acknowledged = Set(results.filter { $0.acknowledgedAt != nil }.map(\.gateway))
        let failed = Set(results.filter { $0.error != nil }.map(\.gateway))
        let level: NodeEvent.Level = failed.isEmpty ? .info : .warning
        context.note(level, .offer, "provider: published \(offers.count) offers to \(targets.count) gateways: \(acknowledged.count) acknowledged every offer"
            + (failed.isEmpty ? "" : ", \(failed.count) did not"))
        return results
    }

    private func send(_ offers: [CIDOffer], to target: Target) async -> [Publication] {
        let sentAt = context.clock.now
        var results: [Publication] = []
        var session: (any PeerSession)?
        defer { if let session { Task { await session.close() } } }
        for offer in offers {
            var ack: OfferAcknowledgement?
            var failure: String?
            do {
                if let gateway = localGateway, target.id == context.nodeID {
                    ack = try await gateway.accept(offer, from: context.identity.publicKey)
                } else {
                    guard let address = target.address else { throw MarketError.unknownGateway(target.id) }
                    if session == nil {
                        session = try await context.transport.connect(to: address, identity: context.identity, expectedPeer: target.id, timeout: .seconds(5))
                    }
                    ack = try await session!.call(PublishGroupOffer(offer: offer), expecting: OfferAcknowledgement.self)
                }
                try ack!.verify(covers: offer, expectedGateway: target.id)
            } catch {
                ack = nil
                failure = "\(error)"
            }
            try? await store.record(offer, gateway: target.id, sentAt: sentAt, acknowledgement: ack, error: failure)
            results.append(Publication(gateway: target.id, offerID: offer.id, pieceCount: offer.cidCount, terms: offer.terms, sentAt: sentAt,
                                       acknowledgedAt: ack.map { Date(timeIntervalSince1970: TimeInterval($0.received)) }, error: failure))
            if failure != nil, session == nil, target.address != nil { break }  // unreachable: the other offers would fail alike
        }
        let failed = results.contains { $0.error != nil }
        failures.withLock { table in table[target.id] = failed ? (sentAt, (table[target.id]?.count ?? 0) + 1) : nil }
        return results
    }
}
