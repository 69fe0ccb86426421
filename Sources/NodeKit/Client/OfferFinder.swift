import Foundation

/// The client role's standard discovery: asks gateways for the offers of a Piece CID,
/// pays each its fees by voucher on the client's channel to it, and verifies every
/// sub-offer alone (proof, signature, expiry, CID) before trusting it.
///
/// Gateways used: the one named, or every gateway of the register whose reputation here
/// is above zero (establishment gives +1000; the notes' client stops using a gateway at 0
/// or below) — and this node's own gateway when it has that role, asked in process and
/// free. A forged or mis-proved offer is dropped and costs the gateway reputation. When
/// the node is a gateway, its block list applies to what it finds too: an operator who
/// blocked a provider never sees its offers, whichever gateway returns them.
///
/// Payment: the client pays ahead on lane `discoveryLane` — the search fee plus the
/// offers fee, less the credit the gateway reported last — so one voucher pays a request
/// whatever it finds; a gateway that still asks for more (`required`) is paid that once.
public final class OfferFinder: Sendable {
    /// The lane of the client→gateway channel that discovery fees are paid on.
    public static let discoveryLane: UInt64 = 0
    /// How many requests' worth of fees a channel to a gateway is topped up by at once.
    static let prepaidRequests: UInt128 = 100

    private let context: NodeContext
    private let payments: Payments
    private let reputation: ReputationBook
    private let register: RegisterStore
    private let localGateway: GatewayService?
    /// Per gateway: its fee schedule and the client's credit there, from its last answer
    /// (bounded by the register's gateways).
    private let known = Locked<[NodeID: (fees: DiscoveryFees, credit: TokenAmount)]>([:])

    init(context: NodeContext, payments: Payments, reputation: ReputationBook, localGateway: GatewayService?) {
        self.context = context
        self.payments = payments
        self.reputation = reputation
        self.localGateway = localGateway
        register = RegisterStore(database: context.blockstore.database, table: .localCopy)
    }

    /// Client → gateway establishment: reputation moves when a gateway becomes reachable
    /// or is lost.
    func establishment(peers: PeerTable) -> PeerEstablishment {
        PeerEstablishment(context: context, peers: peers, role: .gateway) { [reputation] gateway, live in
            reputation.record(live ? .gatewayEstablished : .gatewayEstablishmentFailed, for: gateway)
        }
    }

    /// Finds the verified offers for `pieceCID` at `gateway`, or at every usable gateway.
    public func find(_ pieceCID: PieceCID, gateway: NodeID?) async throws -> FindResult {
        let now = context.clock.unixSeconds
        let gateways = try await register.list(role: .gateway, now: now).filter { $0.nodeID != context.nodeID }
        let chosen: [NodeRecord]
        let askSelf = localGateway != nil && (gateway == nil || gateway == context.nodeID)
        if let gateway, gateway != context.nodeID {
            guard let record = gateways.first(where: { $0.nodeID == gateway }) else { throw MarketError.unknownGateway(gateway) }
            chosen = [record]
        } else if gateway != nil {
            guard askSelf else { throw MarketError.unknownGateway(context.nodeID) }
            chosen = []
        } else {
            chosen = gateways.filter { reputation.score(.gatewayByClient, $0.nodeID) > 0 }
            guard !chosen.isEmpty || askSelf else {
                throw MarketError.noGateway(gateways.isEmpty
                    ? "the register lists no gateway; check 'filtop node peers'"
                    : "none of the \(gateways.count) gateways has a reputation above 0 here (not yet established, or distrusted); wait for establishment or name one with --gateway")
            }
        }
        let answers = await withTaskGroup(of: (GatewayAnswer, [FoundOffer]).self) { group in
            var running = 0
            var all: [(GatewayAnswer, [FoundOffer])] = []
            if askSelf { group.addTask { await self.askSelf(for: pieceCID) } }
            for record in chosen {
                if running == 8, let done = await group.next() { all.append(done); running -= 1 }
                group.addTask { await self.ask(record, for: pieceCID) }
                running += 1
            }
            for await done in group { all.append(done) }
            return all
        }
        var seen = Set<[UInt8]>()
        let offers = answers.flatMap(\.1)
            .sorted { ($0.offer.terms.pricePerByte, $0.offer.terms.latencyMillis) < ($1.offer.terms.pricePerByte, $1.offer.terms.latencyMillis) }
            .filter { seen.insert($0.offer.signature.bytes).inserted }
        let paid = answers.reduce(TokenAmount.zero) { (try? $0.adding($1.0.paid)) ?? .max }
        context.note(.info, .offer, "client: found \(offers.count) verified offers for \(pieceCID) at \(answers.count) gateways (paid \(paid))")
        return FindResult(pieceCID: pieceCID, offers: offers, answers: answers.map(\.0).sorted { $0.gateway.description < $1.gateway.description })
    }

    /// This node's own gateway's part: its cache, in process, unpaid — and still verified.
    private func askSelf(for pieceCID: PieceCID) async -> (GatewayAnswer, [FoundOffer]) {
        guard let gateway = localGateway else { return (GatewayAnswer(gateway: context.nodeID, offers: 0, rejected: [], paid: .zero, error: nil), []) }
        do {
            let (good, rejected, blocked) = verified(try await gateway.lookup(pieceCID), for: pieceCID, from: context.nodeID)
            return (GatewayAnswer(gateway: context.nodeID, offers: good.count, rejected: rejected + blocked, paid: .zero, error: nil), good)
        } catch {
            return (GatewayAnswer(gateway: context.nodeID, offers: 0, rejected: [], paid: .zero, error: "\(error)"), [])
        }
    }

    /// The offers of `offers` that verify for `pieceCID` now, and a line per one that does
    /// not; then the good ones of providers this node blocked (as a gateway) are left out,
    /// with a line each too.
    private func verified(_ offers: [SubOffer], for pieceCID: PieceCID, from gateway: NodeID) -> (good: [FoundOffer], rejected: [String], blocked: [String]) {
        var good: [FoundOffer] = []
        var rejected: [String] = []
        var blocked: [String] = []
        let now = context.clock.unixSeconds
        for offer in offers {
            do {
                try offer.verify(covering: pieceCID, at: now)
                if localGateway?.listings.listing(offer.providerID) == .blocked {
                    blocked.append("offer of \(offer.providerID.short): left out, the provider is on this node's block list")
                } else {
                    good.append(FoundOffer(offer: offer, gateway: gateway))
                }
            } catch {
                rejected.append("offer of \(offer.providerID.short): \(error)")
            }
        }
        return (good, rejected, blocked)
    }

    /// One gateway's part: pay, ask, verify; reputation moves on the outcome.
    private func ask(_ record: NodeRecord, for pieceCID: PieceCID) async -> (GatewayAnswer, [FoundOffer]) {
        let gateway = record.nodeID
        var paid = TokenAmount.zero
        let session: any PeerSession
        do {
            guard let first = record.addresses.first else { throw NetworkError.unreachable("its record lists no address") }
            session = try await context.transport.connect(to: try NodeAddress(first), identity: context.identity, expectedPeer: gateway, timeout: .seconds(5))
        } catch {
            reputation.record(.connectionFailed, for: gateway)
            return (GatewayAnswer(gateway: gateway, offers: 0, rejected: [], paid: .zero, error: "could not connect: \(error)"), [])
        }
        defer { Task { await session.close() } }
        do {
            var voucher: Voucher?
            if let due = prepayment(at: gateway), due > .zero {
                voucher = try await pay(due, to: gateway)
                paid = due
            }
            var answer = try await session.call(FindOffers(pieceCID: pieceCID, voucher: voucher), expecting: FindOffersAnswer.self, timeout: .seconds(10))
            if answer.required > .zero {
                // First contact (fees unknown) or credit lost: pay what it asks, plus the
                // offers fee ahead, once.
                let due = (try? answer.required.adding(answer.fees.offers)) ?? answer.required
                let retry = try await pay(due, to: gateway)
                paid = (try? paid.adding(due)) ?? .max
                answer = try await session.call(FindOffers(pieceCID: pieceCID, voucher: retry), expecting: FindOffersAnswer.self, timeout: .seconds(10))
                guard answer.required == .zero else { throw MarketError.paymentRequired(price: answer.required) }
            }
            known.withLock { $0[gateway] = (answer.fees, answer.credit) }
            let (good, rejected, blocked) = verified(answer.offers, for: pieceCID, from: gateway)
            if !rejected.isEmpty {
                reputation.record(.invalidOffer, for: gateway, times: Int64(rejected.count))
                context.note(.warning, .offer, "client: dropped \(rejected.count) offers from gateway \(gateway.short) that failed verification")
            }
            // The gateway returned good offers even when this node's block list leaves them out.
            reputation.record(good.isEmpty && blocked.isEmpty ? .noOffers : .offersReturned, for: gateway)
            return (GatewayAnswer(gateway: gateway, offers: good.count, rejected: rejected + blocked, paid: paid, error: nil), good)
        } catch {
            if let e = error as? NetworkError, case .timedOut = e { reputation.record(.noResponse, for: gateway) }
            return (GatewayAnswer(gateway: gateway, offers: 0, rejected: [], paid: paid, error: "\(error)"), [])
        }
    }

    /// What to pay ahead before asking `gateway`: its search and offers fees less the
    /// credit it last reported; nil when its fees are not known yet.
    private func prepayment(at gateway: NodeID) -> TokenAmount? {
        guard let (fees, credit) = known.withLock({ $0[gateway] }) else { return nil }
        let due = (try? fees.search.adding(fees.offers)) ?? .max
        return due > credit ? (try? due.subtracting(credit)) ?? due : .zero
    }

    /// A voucher adding `amount` to the discovery lane of the channel to `gateway`,
    /// topping the channel up by many requests' worth when it runs short.
    private func pay(_ amount: TokenAmount, to gateway: NodeID) async throws -> Voucher {
        let topUp = (try? TokenAmount(attoFIL: amount.attoFIL * Self.prepaidRequests)) ?? amount
        let channel = try await payments.manager.ensureFunds(to: gateway, available: amount, topUp: topUp)
        return try await payments.manager.createVoucher(channel: channel, amount: .increment(amount), lane: Self.discoveryLane)
    }
}
