import Foundation
import NodeKit

/// The fixed test node's gateway side: real offers signed with fixed keys by five
/// providers — alice allowed, bob and carol unlisted in good standing, dave blocked (his
/// offer is held back from every answer) and erin unlisted below zero, with nothing
/// cached — and three gateways that answer `:find`, one of them refusing unpaid.
enum FixedMarket {
    static let alice = FixedPayments.alice, bob = FixedPayments.bob, carol = FixedPayments.carol
    static let dave = FixedPayments.key(4), erin = FixedPayments.key(5)
    /// The gateways a find asks: two answer, the third wants paying first.
    static let gateways = [FixedPayments.key(11), FixedPayments.key(12), FixedPayments.key(13)].map(\.nodeID)

    /// The listings the operator set; every other provider is unlisted.
    static let listings: [NodeID: ProviderListing] = [alice.nodeID: .allowed, dave.nodeID: .blocked]

    /// Piece CID `i`: a real Piece CID v1 from a fixed commitment.
    static func pieceCID(_ i: Int) -> PieceCID {
        var commitment = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i &* 31 &+ 1) }
        commitment[31] &= 0x3f
        do { return try PieceCID(commitment: commitment) } catch { fatalError("fixture Piece CID \(i): \(error)") }
    }

    /// One signed offer and when the gateway received it (hours after the node started).
    struct Offer: Sendable {
        var signed: CIDOffer
        var receivedHour: Double
    }

    /// At the fixtures' clock (3725 s after the start) bob's offer has 57 minutes left,
    /// alice's nearly a day, carol's nearly a week.
    static let offers: [Offer] = [
        offer(alice, pieces: [0, 1, 2], attoFIL: 1000, latency: 100, expiresHour: 24, receivedHour: 1),
        offer(carol, pieces: [0], attoFIL: 12_345_678, latency: 1500, expiresHour: 168, receivedHour: 1.01),
        offer(bob, pieces: [1, 3], attoFIL: 2_500_000, latency: 250, expiresHour: 2, receivedHour: 0.5),
        offer(dave, pieces: [2], attoFIL: 1, latency: 50, expiresHour: 24, receivedHour: 0.25),
    ]

    private static func offer(_ provider: KeyPair, pieces: [Int], attoFIL: UInt128, latency: UInt64, expiresHour: Double,
                              receivedHour: Double) -> Offer {
        let expiry = UInt64(FixedNodeControl.started.timeIntervalSince1970 + expiresHour * 3600)
        do {
            let terms = OfferTerms(pricePerByte: try TokenAmount(attoFIL: attoFIL), expiry: expiry, latencyMillis: latency, nonce: 7)
            return Offer(signed: try CIDOffer.sign(pieceCIDs: pieces.map(pieceCID), terms: terms, by: provider), receivedHour: receivedHour)
        } catch {
            fatalError("fixture offer: \(error)")
        }
    }

    static func listing(of provider: NodeID, in listings: [NodeID: ProviderListing]) -> ProviderListing {
        listings[provider] ?? .unlisted
    }

    // MARK: the node's answers

    /// The cache's rows as the node lists them: newest first, never a blocked provider's.
    static func cachedOffers(_ query: OfferQuery, listings: [NodeID: ProviderListing] = listings) -> [CachedOffer] {
        let rows = offers.filter { listing(of: $0.signed.providerID, in: listings) != .blocked }
            .sorted { $0.receivedHour > $1.receivedHour }
            .flatMap { o in
                o.signed.pieceCIDs.map { cid in
                    CachedOffer(offerID: o.signed.id, provider: o.signed.providerID, pieceCID: cid, terms: o.signed.terms, source: "publish",
                                receivedAt: FixedNodeControl.started.addingTimeInterval(o.receivedHour * 3600))
                }
            }
            .filter { (query.provider == nil || $0.provider == query.provider) && (query.pieceCID == nil || $0.pieceCID == query.pieceCID) }
        return Array(rows.prefix(query.limit))
    }

    /// Every provider's standing, in the order of the fixture's keys.
    static func standings(listings: [NodeID: ProviderListing] = listings) -> [ProviderStanding] {
        let cached = cachedOffers(OfferQuery(limit: OfferQuery.maxLimit), listings: listings)
        func standing(_ key: KeyPair, reputation: Int64, rtt: UInt64?, publishedHour: Double?, refusal: String?) -> ProviderStanding {
            ProviderStanding(provider: key.nodeID, listing: listing(of: key.nodeID, in: listings), reputation: reputation, rttMicros: rtt,
                             cachedCIDs: cached.filter { $0.provider == key.nodeID }.count,
                             lastPublished: publishedHour.map { FixedNodeControl.started.addingTimeInterval($0 * 3600) }, lastRefusal: refusal)
        }
        return [
            standing(alice, reputation: 12, rtt: 400, publishedHour: 1, refusal: nil),
            standing(bob, reputation: 3, rtt: 1800, publishedHour: 0.5, refusal: nil),
            standing(carol, reputation: 0, rtt: 12_000, publishedHour: 1.01, refusal: "offer expired"),
            standing(dave, reputation: -4, rtt: nil, publishedHour: 0.25, refusal: MarketError.blocked(dave.nodeID).description),
            standing(erin, reputation: -2, rtt: 900, publishedHour: 0.8, refusal: MarketError.lowReputation(erin.nodeID, -2).description),
        ]
    }

    static func policy(listings: [NodeID: ProviderListing] = listings) -> GatewayPolicy {
        let rows = cachedOffers(OfferQuery(limit: OfferQuery.maxLimit), listings: listings)
        return GatewayPolicy(allowed: listings.filter { $0.value == .allowed }.keys.sorted(), blocked: listings.filter { $0.value == .blocked }.keys.sorted(),
                             maxLatencyMillis: 2000, fees: .default, cachedOffers: Set(rows.map(\.offerID)).count, cachedCIDs: rows.count)
    }

    /// What setListing answers: the provider's standing under its new listing.
    static func setListing(_ listing: ProviderListing, for provider: NodeID, in listings: inout [NodeID: ProviderListing]) throws -> ProviderStanding {
        var changed = listings
        changed[provider] = listing
        guard let standing = standings(listings: changed).first(where: { $0.provider == provider }) else {
            throw MarketError.invalidValue("\(provider.short) has no standing at this gateway; it must publish here first")
        }
        listings = changed
        return standing
    }

    /// What a find answers: the cached sub-offers for `pieceCID` (never a blocked
    /// provider's), cheapest first — all of them from the first gateway, the cheapest from
    /// the second (which rejected another) — while the third did not answer.
    static func find(_ pieceCID: PieceCID, gateway: NodeID?, listings: [NodeID: ProviderListing] = listings) throws -> FindResult {
        if let gateway, !gateways.contains(gateway) { throw MarketError.unknownGateway(gateway) }
        let asked = gateway.map { [$0] } ?? gateways
        let live = offers.filter { listing(of: $0.signed.providerID, in: listings) != .blocked && $0.signed.pieceCIDs.contains(pieceCID) }
            .sorted { $0.signed.terms.pricePerByte < $1.signed.terms.pricePerByte }
        let subOffers = try live.map { try $0.signed.subOffer(for: pieceCID) }
        var found: [FoundOffer] = []
        var answers: [GatewayAnswer] = []
        for g in asked where g != gateways[2] {
            let returned = g == gateways[0] ? subOffers : Array(subOffers.prefix(1))
            found += returned.map { FoundOffer(offer: $0, gateway: g) }
            let rejected = g == gateways[1] && !subOffers.isEmpty ? ["sub-offer of \(erin.nodeID.short): its proof does not match the offer's root"] : []
            answers.append(GatewayAnswer(gateway: g, offers: returned.count, rejected: rejected,
                                         paid: try TokenAmount(returned.isEmpty ? "0.000001 FIL" : "0.0001 FIL"), error: nil))
        }
        if asked.contains(gateways[2]) {
            answers.append(GatewayAnswer(gateway: gateways[2], offers: 0, rejected: [], paid: .zero,
                                         error: MarketError.paymentRequired(price: try TokenAmount("0.0001 FIL")).description))
        }
        return FindResult(pieceCID: pieceCID, offers: found.sorted { $0.offer.terms.pricePerByte < $1.offer.terms.pricePerByte }, answers: answers)
    }

    /// What publish answers for the fixed node: its one offer, acknowledged by the first
    /// two gateways; the third wants paying first.
    static func publish(to asked: [NodeID]) throws -> [Publication] {
        if let unknown = asked.first(where: { !gateways.contains($0) }) { throw MarketError.unknownGateway(unknown) }
        let offer = offers[0].signed
        return (asked.isEmpty ? gateways : asked).map { g in
            let refused = g == gateways[2]
            return Publication(gateway: g, offerID: offer.id, pieceCount: offer.cidCount, terms: offer.terms, sentAt: FixedNodeControl.started,
                               acknowledgedAt: refused ? nil : FixedNodeControl.started, error: refused ? "payment required: this gateway answers once paid" : nil)
        }
    }
}
