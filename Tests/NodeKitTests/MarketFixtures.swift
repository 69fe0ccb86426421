import Foundation
@testable import NodeKit

/// One filled-in example of each market control value, request and answer, for codec
/// round trips, fuzz seeds and the fake market node.
enum MarketFixtures {
    static let time = ControlFixtures.time
    static let provider = TrustFixtures.keyPair.nodeID
    static let gateway = try! KeyPair(seed: Array(repeating: 0x47, count: 32)).nodeID
    static let otherGateway = try! KeyPair(seed: Array(repeating: 0x48, count: 32)).nodeID
    static let offer = TrustFixtures.offer(5)

    static let ask = ProviderAsk(pricePerByte: TokenAmount(unchecked: 2_500), latencyMillis: 80, ttlSeconds: 3_600)

    static let publications = [
        Publication(gateway: gateway, offerID: offer.id, pieceCount: 5, terms: TrustFixtures.terms, sentAt: time,
                    acknowledgedAt: time.addingTimeInterval(0.25), error: nil),
        Publication(gateway: otherGateway, offerID: offer.id, pieceCount: 5, terms: TrustFixtures.terms, sentAt: time,
                    acknowledgedAt: nil, error: "connection refused"),
    ]

    static let offers = [
        CachedOffer(offerID: offer.id, provider: provider, pieceCID: TrustFixtures.pieceCID(0), terms: TrustFixtures.terms,
                    source: "publish", receivedAt: time),
        CachedOffer(offerID: offer.id, provider: provider, pieceCID: TrustFixtures.pieceCID(4), terms: TrustFixtures.terms,
                    source: "publish", receivedAt: time),
    ]

    static let standings = [
        ProviderStanding(provider: provider, listing: .allowed, reputation: 12, rttMicros: 420, cachedCIDs: 5, lastPublished: time,
                         lastRefusal: nil),
        ProviderStanding(provider: otherGateway, listing: .blocked, reputation: -3, rttMicros: nil, cachedCIDs: 0, lastPublished: nil,
                         lastRefusal: "provider fidabc is on this gateway's block list; its offers are refused"),
    ]

    static let policy = GatewayPolicy(allowed: [provider], blocked: [otherGateway, gateway], maxLatencyMillis: 500, fees: .default,
                                      cachedOffers: 3, cachedCIDs: 9)

    static let found = FindResult(
        pieceCID: TrustFixtures.pieceCID(2),
        offers: [FoundOffer(offer: try! offer.subOffer(for: TrustFixtures.pieceCID(2)), gateway: gateway)],
        answers: [
            GatewayAnswer(gateway: gateway, offers: 2, rejected: ["offer 1a2b3c: expired at 1767225600"], paid: TokenAmount(unchecked: 100_000),
                          error: nil),
            GatewayAnswer(gateway: otherGateway, offers: 0, rejected: [], paid: .zero, error: "no session: connection refused"),
        ])

    /// One request per action, each with the fields its action uses.
    static let requests: [ControlMarketRequest] = [
        ControlMarketRequest(.ask), ControlMarketRequest(.setAsk, ask: ask), ControlMarketRequest(.publish, gateways: [gateway, otherGateway]),
        ControlMarketRequest(.publish), ControlMarketRequest(.publications),
        ControlMarketRequest(offers: OfferQuery(provider: provider, pieceCID: TrustFixtures.pieceCID(0), limit: 50)),
        ControlMarketRequest(offers: OfferQuery()), ControlMarketRequest(.providers),
        ControlMarketRequest(.setListing, provider: provider, listing: .blocked), ControlMarketRequest(.policy),
        ControlMarketRequest(.find, pieceCID: TrustFixtures.pieceCID(2)),
        ControlMarketRequest(.find, gateway: gateway, pieceCID: TrustFixtures.pieceCID(2)),
    ]

    /// One answer per kind of content.
    static let answers: [ControlMarketAnswer] = [
        ControlMarketAnswer(), ControlMarketAnswer(ask: ask), ControlMarketAnswer(publications: publications), ControlMarketAnswer(offers: offers),
        ControlMarketAnswer(standings: standings), ControlMarketAnswer(policy: policy), ControlMarketAnswer(found: found),
    ]
}
