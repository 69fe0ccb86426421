import Foundation
import NodeKitTesting
import Testing
@testable import NodeKit

/// The market messages of the admin protocol: every action and answer survives the
/// codec, every malformed field is refused naming it, every list is capped, the largest
/// answers fit one frame, and each `MarketControl` call crosses an admin session to the
/// node's control unchanged — its refusal too.
@Suite struct ControlMarketCodecTests {
    private func roundTrip<M: WireMessage & Equatable>(_ message: M) throws -> M {
        try Envelope(decoding: Envelope(message, requestID: 1).encoded).message(as: M.self)
    }

    /// `map` with `key` set to `value`, or removed when `value` is nil.
    private func with(_ map: CBOR, _ key: String, _ value: CBOR?) -> CBOR {
        var fields = map.mapValue ?? [:]
        fields[key] = value
        return .map(fields)
    }

    /// The message the decoder refuses `body` with, or nil when it accepts it.
    private func refusal<M: WireMessage>(_ type: M.Type, _ body: CBOR) -> String? {
        do {
            _ = try M(body: body)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func everyActionRoundTrips() throws {
        #expect(Set(MarketFixtures.requests.map(\.action)) == Set(ControlMarketRequest.Action.allCases))
        for request in MarketFixtures.requests { #expect(try roundTrip(request) == request, "\(request.action)") }
    }

    @Test func everyAnswerRoundTrips() throws {
        for answer in MarketFixtures.answers { #expect(try roundTrip(answer) == answer) }
        let found = try #require(try roundTrip(ControlMarketAnswer(found: MarketFixtures.found)).found)
        // The sub-offer still verifies on the far side: the codec kept its signed bytes.
        try found.offers[0].offer.verify(covering: TrustFixtures.pieceCID(2), at: TrustFixtures.before)
    }

    @Test func malformedRequestFieldsAreRefusedNamingThem() {
        let full = ControlMarketRequest(.find, ask: MarketFixtures.ask, gateways: [MarketFixtures.gateway], provider: MarketFixtures.provider,
                                        gateway: MarketFixtures.gateway, pieceCID: TrustFixtures.pieceCID(1), listing: .allowed, limit: 5).body
        #expect(refusal(ControlMarketRequest.self, full) == nil)
        var topBitsSet = TrustFixtures.pieceCID(1).commitment
        topBitsSet[31] |= 0xc0
        let cases: [(CBOR, String)] = [
            (.array([]), "ControlMarketRequest body must be a CBOR map"),
            (with(full, "action", .text("buy")), "'buy' is not a market action"),
            (with(full, "action", .unsigned(1)), "ControlMarketRequest.action must be text"),
            (with(full, "extra", .null), "must have exactly the fields"),
            (with(full, "limit", nil), "must have exactly the fields"),
            (with(full, "ask", with(MarketFixtures.ask.cbor, "ttl", nil)), "ControlMarketRequest.ask must have exactly the fields qos, ttl, price"),
            (with(full, "ask", with(MarketFixtures.ask.cbor, "price", .bytes([1, 2]))), "ControlMarketRequest.ask.price"),
            (with(full, "ask", with(MarketFixtures.ask.cbor, "qos", .negative(0))), "ControlMarketRequest.ask.qos must be an unsigned integer"),
            (with(full, "gateways", .bytes([UInt8](repeating: 1, count: 33))), "gateways must be at most 1000 node IDs of 32 bytes"),
            (with(full, "gateways", .array([])), "ControlMarketRequest.gateways must be a byte string"),
            (with(full, "provider", .bytes([1])), "ControlMarketRequest.provider"),
            (with(full, "gateway", .text("fid")), "ControlMarketRequest.gateway must be a byte string"),
            (with(full, "piece", .bytes(Array(topBitsSet))), "piece: "),
            (with(full, "piece", .bytes([UInt8](repeating: 1, count: 31))), "ControlMarketRequest.piece must be 32 bytes, got 31"),
            (with(full, "listing", .text("maybe")), "'maybe' is not allowed, blocked or unlisted"),
            (with(full, "limit", .unsigned(201)), "ControlMarketRequest.limit must be at most 200, got 201"),
            (with(full, "limit", .negative(4)), "ControlMarketRequest.limit must be an unsigned integer"),
        ]
        for (body, expected) in cases {
            let message = refusal(ControlMarketRequest.self, body)
            #expect(message?.contains(expected) == true, "expected '\(expected)', got \(message ?? "acceptance")")
        }
    }

    @Test func malformedAnswerRowsAreRefusedNamingThem() {
        let empty = ControlMarketAnswer().body
        let offer = MarketFixtures.offers[0].cbor, standing = MarketFixtures.standings[0].cbor
        let publication = MarketFixtures.publications[0].cbor, policy = MarketFixtures.policy.cbor, found = MarketFixtures.found.cbor
        let answer = found.mapValue?["answers"]?.arrayValue?[0] ?? .null
        let cases: [(CBOR, String)] = [
            (with(empty, "offers", .array([with(offer, "offer", .bytes([UInt8](repeating: 0, count: 31)))])), "ControlMarketAnswer.offers[].offer must be 32 bytes"),
            (with(empty, "offers", .array([with(offer, "source", .text(String(repeating: "s", count: 65)))])), "offers[].source must be text of at most 64 bytes"),
            (with(empty, "offers", .array([with(offer, "price", nil)])), "ControlMarketAnswer.offers[] must have exactly the fields"),
            (with(empty, "publications", .array([with(publication, "acked_ms", .text("soon"))])), "acked_ms must be an unsigned integer"),
            (with(empty, "publications", .array([with(publication, "pieces", .negative(0))])), "publications[].pieces must be an unsigned integer"),
            (with(empty, "standings", .array([with(standing, "reputation", .text("-3"))])), "reputation must be an integer"),
            (with(empty, "standings", .array([with(standing, "listing", .text("maybe"))])), "'maybe' is not allowed, blocked or unlisted"),
            (with(empty, "policy", with(policy, "blocked", .bytes([UInt8](repeating: 2, count: 40)))), "blocked must be at most 10000 node IDs"),
            (with(empty, "policy", with(policy, "search_fee", .bytes([0, 0]))), "ControlMarketAnswer.policy.search_fee"),
            (with(empty, "found", with(found, "offers", .array([.map(["offer": .bytes([0xa0]), "gateway": .bytes(MarketFixtures.gateway.bytes)])]))),
             "ControlMarketAnswer.found.offers[].offer: "),
            (with(empty, "found", with(found, "answers", .array([with(answer, "rejected", .array([.text(String(repeating: "r", count: 201))]))]))),
             "rejected must hold text of at most 200 bytes"),
            (with(empty, "found", with(found, "answers", .array([with(answer, "rejected", .array([.unsigned(1)]))]))), "rejected must hold text"),
            (with(empty, "ask", .text("cheap")), "ControlMarketAnswer.ask body must be a CBOR map"),
        ]
        for (body, expected) in cases {
            let message = refusal(ControlMarketAnswer.self, body)
            #expect(message?.contains(expected) == true, "expected '\(expected)', got \(message ?? "acceptance")")
        }
    }

    @Test func listsAreCapped() throws {
        let many = ControlMarketAnswer.maxItems + 1
        let answer = ControlMarketAnswer(
            publications: Array(repeating: MarketFixtures.publications[0], count: many), offers: Array(repeating: MarketFixtures.offers[0], count: many),
            standings: Array(repeating: MarketFixtures.standings[0], count: many))
        #expect(answer.publications.count == ControlMarketAnswer.maxItems && answer.offers.count == ControlMarketAnswer.maxItems)
        #expect(answer.standings.count == ControlMarketAnswer.maxItems)
        let tooMany = with(ControlMarketAnswer().body, "offers", .array(Array(repeating: MarketFixtures.offers[0].cbor, count: many)))
        #expect(refusal(ControlMarketAnswer.self, tooMany)?.contains("offers must be a list of at most 200 entries") == true)

        #expect(ControlMarketRequest(offers: OfferQuery(limit: OfferQuery.maxLimit)).limit == UInt64(ControlMarketAnswer.maxItems))
        let gateways = [UInt8](repeating: 9, count: NodeID.byteCount * (ControlMarketRequest.maxGateways + 1))
        #expect(refusal(ControlMarketRequest.self, with(ControlMarketRequest(.publish).body, "gateways", .bytes(gateways))) != nil)

        var policy = MarketFixtures.policy
        policy.allowed = Array(repeating: MarketFixtures.provider, count: GatewayPolicy.maxListed + 1)
        #expect(ControlMarketAnswer(policy: policy).policy?.allowed.count == GatewayPolicy.maxListed)

        var found = MarketFixtures.found
        found.offers = Array(repeating: found.offers[0], count: many)
        found.answers[0].rejected = (0..<20).map { "offer \($0): expired" }
        found.answers[1].error = String(repeating: "e", count: 600)
        let bounded = try #require(ControlMarketAnswer(found: found).found)
        #expect(bounded.offers.count == ControlMarketAnswer.maxItems)
        #expect(bounded.answers[0].rejected == (0..<7).map { "offer \($0): expired" } + ["and 13 more offers rejected"])
        #expect(bounded.answers[1].error?.utf8.count == 512)
        #expect(try roundTrip(ControlMarketAnswer(found: found)).found == bounded)
    }

    /// Every list at its cap, every field at its widest: each answer still fits one frame
    /// (1 MiB) and decodes.
    @Test func theLargestAnswersFitOneFrame() throws {
        let wide = OfferTerms(pricePerByte: TokenAmount.max, expiry: .max, latencyMillis: .max, nonce: .max)
        let big = TrustFixtures.offer(OfferLimits.maxCIDsPerOffer, terms: wide)
        let n = ControlMarketAnswer.maxItems
        let long = String(repeating: "é", count: 600)
        let offers = (0..<n).map { i in
            CachedOffer(offerID: big.id, provider: MarketFixtures.provider, pieceCID: TrustFixtures.pieceCID(i), terms: wide,
                        source: long, receivedAt: MarketFixtures.time)
        }
        let publications = (0..<n).map { _ in
            Publication(gateway: MarketFixtures.gateway, offerID: big.id, pieceCount: OfferLimits.maxCIDsPerOffer, terms: wide,
                        sentAt: MarketFixtures.time, acknowledgedAt: MarketFixtures.time, error: long)
        }
        let standings = (0..<n).map { _ in
            ProviderStanding(provider: MarketFixtures.provider, listing: .unlisted, reputation: .min, rttMicros: .max, cachedCIDs: .max,
                             lastPublished: MarketFixtures.time, lastRefusal: long)
        }
        let policy = GatewayPolicy(
            allowed: Array(repeating: MarketFixtures.provider, count: GatewayPolicy.maxListed),
            blocked: Array(repeating: MarketFixtures.gateway, count: GatewayPolicy.maxListed), maxLatencyMillis: .max,
            fees: DiscoveryFees(search: .max, offers: .max), cachedOffers: .max, cachedCIDs: .max)
        let sub = try big.subOffer(for: TrustFixtures.pieceCID(OfferLimits.maxCIDsPerOffer - 1))
        let found = FindResult(
            pieceCID: sub.pieceCID, offers: Array(repeating: FoundOffer(offer: sub, gateway: MarketFixtures.gateway), count: n),
            answers: Array(repeating: GatewayAnswer(gateway: MarketFixtures.gateway, offers: .max, rejected: Array(repeating: long, count: 20),
                                                    paid: .max, error: long), count: n))
        let answers = [
            ControlMarketAnswer(publications: publications), ControlMarketAnswer(offers: offers), ControlMarketAnswer(standings: standings),
            ControlMarketAnswer(policy: policy), ControlMarketAnswer(found: found),
        ]
        for answer in answers {
            let framed = Envelope(answer, requestID: 1).framed
            #expect(framed.count < Frame.defaultMaxBodySize, "\(framed.count) bytes")
            let body = try Frame.decodeOne(framed)
            #expect(try Envelope(decoding: body).message(as: ControlMarketAnswer.self) == answer)
        }
    }

    // MARK: - Over an admin session

    /// `fake` served by `ControlHandlers` over the in-memory transport, and a remote
    /// control for it signed in with `key` (an admin key unless `admin` is false).
    private func serve(_ fake: MarketNodeFake, admin: Bool = true) async throws -> RemoteNodeControl {
        let adminKey = KeyPair(), server = KeyPair()
        let router = RequestRouter()
        ControlHandlers(control: fake, isAdmin: { $0 == adminKey.publicKey }).install(into: router)
        let transport = InMemoryTransport()
        let listener = try await transport.listen(on: NodeAddress(host: InMemoryTransport.host, port: 0), identity: server) {
            await router.answer($0, from: $1)
        }
        return RemoteNodeControl(address: listener.address, adminKey: admin ? adminKey : KeyPair(), expectedPeer: server.publicKey.nodeID,
                                 transport: transport)
    }

    @Test func everyCallCrossesTheAdminSessionUnchanged() async throws {
        let fake = MarketNodeFake()
        let remote = try await serve(fake)
        let piece = TrustFixtures.pieceCID(2), provider = MarketFixtures.provider, gateway = MarketFixtures.gateway
        let newAsk = ProviderAsk(pricePerByte: TokenAmount(unchecked: 7), latencyMillis: 9, ttlSeconds: 600)
        #expect(try await remote.ask() == MarketFixtures.ask)
        #expect(try await remote.setAsk(newAsk) == newAsk)
        #expect(try await remote.publish(to: [gateway]) == MarketFixtures.publications)
        #expect(try await remote.publications() == MarketFixtures.publications)
        #expect(try await remote.cachedOffers(OfferQuery(provider: provider, pieceCID: piece, limit: 5_000)) == MarketFixtures.offers)
        #expect(try await remote.providerStandings() == MarketFixtures.standings)
        #expect(try await remote.setListing(.blocked, for: provider) == MarketFixtures.standings[0])
        #expect(try await remote.gatewayPolicy() == MarketFixtures.policy)
        #expect(try await remote.findOffers(piece, gateway: nil) == MarketFixtures.found)
        #expect(try await remote.findOffers(piece, gateway: gateway) == MarketFixtures.found)
        #expect(fake.calls.withLock { $0 } == [
            .ask, .setAsk(newAsk), .publish([gateway]), .publications,
            .offers(OfferQuery(provider: provider, pieceCID: piece, limit: ControlMarketAnswer.maxItems)), .providers,
            .setListing(.blocked, provider), .policy, .find(piece, nil), .find(piece, gateway),
        ])
        await remote.close()
    }

    @Test func aRefusalArrivesAsTheSameTypedRefusal() async throws {
        let fake = MarketNodeFake()
        let remote = try await serve(fake)
        let errors: [MarketError] = [
            .blocked(MarketFixtures.provider), .roleMissing(.gateway, "the offer cache"), .paymentRequired(price: TokenAmount(unchecked: 5)),
            .unknownGateway(MarketFixtures.gateway), .invalidValue("ttl must be 60…31536000 seconds"),
        ]
        for error in errors {
            fake.refusal.withLock { $0 = error }
            do {
                _ = try await remote.cachedOffers(OfferQuery())
                Issue.record("\(error) was not refused")
            } catch let refused as Refusal {
                #expect(refused == error.refusal)
            }
        }
        // A field the action needs, missing: refused by the handler, naming it.
        do {
            _ = try await remote.call(ControlMarketRequest(.find), expecting: ControlMarketAnswer.self)
            Issue.record("a find without a piece was answered")
        } catch let refused as Refusal {
            #expect(refused.code == .invalidMessage && refused.message.contains("find needs a piece"), "\(refused)")
        }
        await remote.close()

        let stranger = try await serve(fake, admin: false)
        let before = fake.calls.withLock { $0.count }
        await #expect(throws: Refusal.self) { _ = try await stranger.ask() }
        do { _ = try await stranger.gatewayPolicy() } catch let refused as Refusal { #expect(refused.code == .notAdmin) }
        #expect(fake.calls.withLock { $0.count } == before, "a stranger's market request reached the node")
        await stranger.close()
    }

    @Test func aPublishToTooManyGatewaysIsRefusedBeforeSending() async throws {
        let fake = MarketNodeFake()
        let remote = try await serve(fake)
        let gateways = Array(repeating: MarketFixtures.gateway, count: ControlMarketRequest.maxGateways + 1)
        await #expect(throws: MarketError.self) { _ = try await remote.publish(to: gateways) }
        #expect(fake.calls.withLock { $0 }.isEmpty)
        await remote.close()
    }
}
