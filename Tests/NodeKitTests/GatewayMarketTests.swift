import Foundation
import GRDB
import NodeKitTesting
import Testing
@testable import NodeKit

/// The gateway issue's flows between real nodes of a devnet (in-memory transport, manual
/// clock): publish → cache → find → client-side verification; bad offers refused with
/// typed errors and reputation moved; blocking drops at once and survives a restart;
/// allow beats low reputation; unpaid requests answered with the price.
struct GatewayMarketTests {
    static let builder: DevnetBuilder = {
        var b = DevnetBuilder(gateways: 2, providers: 2, clients: 1)
        b.samplesPerProvider = 2
        return b
    }()

    /// The Piece CIDs a provider member holds.
    static func pieces(_ member: Devnet.Member) throws -> [PieceCID] {
        var out: [PieceCID] = []
        try member.node.context.blockstore.forEachPiece { out.append(try PieceCID($0.pieceCID)) }
        return out.sorted { $0.description < $1.description }
    }

    static func gateway(_ member: Devnet.Member) throws -> GatewayService { try #require(member.node.market.gateway) }

    /// Sends `offer` to `gateway` as `publisher` and returns the refusal (nil if accepted).
    static func publish(_ offer: CIDOffer, as publisher: KeyPair, to gateway: Devnet.Member, over transport: any Transport) async throws -> Refusal? {
        let session = try await transport.connect(
            to: try #require(gateway.node.listenAddress), identity: publisher, expectedPeer: gateway.node.context.nodeID, timeout: .seconds(5))
        defer { Task { await session.close() } }
        do {
            let ack = try await session.call(PublishGroupOffer(offer: offer), expecting: OfferAcknowledgement.self)
            try ack.verify(covers: offer, expectedGateway: gateway.node.context.nodeID)
            return nil
        } catch let refusal as Refusal {
            return refusal
        }
    }

    @Test func publishCacheFindAndVerify() async throws {
        try await Self.builder.run { market in
            let g1 = try #require(market.member("gateway-01")), g2 = try #require(market.member("gateway-02"))
            let p1 = try #require(market.member("provider-01")), p2 = try #require(market.member("provider-02"))
            let client = try #require(market.member("client-01"))
            // Devnet.start had both providers publish to both gateways: 2 × 2 Piece CIDs each.
            for g in [g1, g2] {
                let rows = try await Self.gateway(g).offers(OfferQuery())
                #expect(rows.count == 4)
                #expect(Set(rows.map(\.provider)) == [p1.node.context.nodeID, p2.node.context.nodeID])
                #expect(rows.allSatisfy { $0.source == "publish" })
            }
            // Each publication is acknowledged and stored as proof.
            let publications = try await p1.node.control.publications()
            #expect(Set(publications.filter { $0.acknowledgedAt != nil }.map(\.gateway)) == [g1.node.context.nodeID, g2.node.context.nodeID])

            let piece = try Self.pieces(p1)[0]
            let found = try await client.node.control.findOffers(piece, gateway: nil)
            #expect(found.answers.count == 2)
            #expect(found.answers.allSatisfy { $0.error == nil && $0.offers == 1 && $0.rejected.isEmpty && $0.paid > .zero })
            // Both gateways hold the same signed offer: the client lists it once.
            let offer = try #require(found.offers.first)
            #expect(found.offers.count == 1)
            #expect(offer.offer.providerID == p1.node.context.nodeID)
            #expect(offer.offer.pieceCID == piece)
            try offer.offer.verify(covering: piece, at: market.clock.unixSeconds)
            #expect(offer.offer.terms.pricePerByte == ProviderAsk.default.pricePerByte)

            // The client paid each gateway the search and offers fees (ahead): its credit
            // there is what the voucher paid less those fees, nothing is owed.
            let fees = DiscoveryFees.default
            for g in [g1, g2] {
                let balance = try Self.gateway(g).accounts.balance(client.node.context.nodeID)
                #expect(balance.charged == (try fees.search.adding(fees.offers)))
                #expect(balance.owed == .zero)
            }
            // A second find is paid from a voucher of exactly the fees (the credit is spent first).
            let again = try await client.node.control.findOffers(piece, gateway: g1.node.context.nodeID)
            #expect(again.offers.count == 1 && again.answers.count == 1)
            #expect(again.answers[0].paid == (try fees.search.adding(fees.offers)))
            // A CID nobody offers: no offers, the search fee only, credit left for later.
            let nobody = try PieceCID(commitment: [UInt8](repeating: 7, count: 31) + [0])
            let none = try await client.node.control.findOffers(nobody, gateway: g1.node.context.nodeID)
            #expect(none.offers.isEmpty && none.answers[0].error == nil)
            let balance = try Self.gateway(g1).accounts.balance(client.node.context.nodeID)
            #expect(balance.credit == fees.offers)
            // Reputation: establishment (+1000), then offers (+50) twice and none (−10) at g1.
            #expect(client.node.market.reputation.score(.gatewayByClient, g1.node.context.nodeID) == 1000 + 50 + 50 - 10)
            // The gateways' reputation of the provider moved by +3 per request answered with its offer.
            #expect(g1.node.market.reputation.score(.providerByGateway, p1.node.context.nodeID) == 1000 + 3 + 3)
            // Both are shown with the register's peers: the client's score of each gateway,
            // the gateway's of each provider (with the round trip it measured).
            let seenByClient = try await client.node.control.registerPeers().records
            #expect(seenByClient.first { $0.nodeID == g1.node.context.nodeID.description }?.reputation == 1090)
            #expect(seenByClient.first { $0.nodeID == p1.node.context.nodeID.description }?.reputation == nil)
            let seenByGateway = try await g1.node.control.registerPeers().records
            let provider = try #require(seenByGateway.first { $0.nodeID == p1.node.context.nodeID.description })
            #expect(provider.reputation == 1006 && provider.rttMicros != nil)
        }
    }

    @Test func unpaidRequestIsAnsweredWithThePrice() async throws {
        try await Self.builder.run { market in
            let g1 = try #require(market.member("gateway-01")), p1 = try #require(market.member("provider-01"))
            let client = try #require(market.member("client-01"))
            let session = try await market.transport.connect(
                to: try #require(g1.node.listenAddress), identity: client.node.identity, expectedPeer: g1.node.context.nodeID, timeout: .seconds(5))
            defer { Task { await session.close() } }
            let answer = try await session.call(FindOffers(pieceCID: try Self.pieces(p1)[0], voucher: nil), expecting: FindOffersAnswer.self)
            #expect(answer.required == DiscoveryFees.default.search)
            #expect(answer.offers.isEmpty && answer.charged == .zero)
            #expect(answer.fees == DiscoveryFees.default)
            // The client's library turns it into the typed error when it cannot pay.
            #expect(MarketError.paymentRequired(price: answer.required).refusal.code == .paymentRequired)
        }
    }

    @Test func badOffersAreRefusedTypedAndCostReputation() async throws {
        try await Self.builder.run { market in
            let g1 = try #require(market.member("gateway-01")), p1 = try #require(market.member("provider-01"))
            let provider = p1.node.identity
            let gateway = try Self.gateway(g1)
            let before = try await gateway.offers(OfferQuery())
            let score = g1.node.market.reputation.score(.providerByGateway, provider.publicKey.nodeID)
            let now = market.clock.unixSeconds
            let cids = try Self.pieces(p1)
            let terms = OfferTerms(pricePerByte: TokenAmount(unchecked: 1), expiry: now + 3600, latencyMillis: 10, nonce: 1)
            let good = try CIDOffer.sign(pieceCIDs: cids, terms: terms, by: provider)

            // Forged: another key's signature under the provider's name.
            let forged = CIDOffer(provider: provider.publicKey, flatCommitments: good.flatCommitments, terms: terms, root: good.root,
                                  signature: KeyPair().sign(good.signedBytes))
            // Wrong root: signed by the provider, but over a root the CIDs do not hash to.
            let badRoot = [UInt8](repeating: 9, count: 32)
            let wrongRoot = CIDOffer(provider: provider.publicKey, flatCommitments: good.flatCommitments, terms: terms, root: badRoot,
                                     signature: provider.sign(OfferSigning.signedBytes(provider: provider.publicKey, root: badRoot, leafCount: cids.count, terms: terms)))
            // Expired: well signed, but its expiry has passed.
            var old = terms
            old.expiry = now - 1
            let expired = try CIDOffer.sign(pieceCIDs: cids, terms: old, by: provider)

            let forgedRefusal = try await Self.publish(forged, as: provider, to: g1, over: market.transport)
            #expect(forgedRefusal?.code == .badSignature && forgedRefusal?.message.contains("signature check failed") == true)
            let rootRefusal = try await Self.publish(wrongRoot, as: provider, to: g1, over: market.transport)
            #expect(rootRefusal?.code == .badSignature && rootRefusal?.message.contains("Merkle root mismatch") == true)
            let expiredRefusal = try await Self.publish(expired, as: provider, to: g1, over: market.transport)
            #expect(expiredRefusal?.code == .expired)
            // −100 each (the notes' "invalid message"); nothing cached was lost.
            #expect(g1.node.market.reputation.score(.providerByGateway, provider.publicKey.nodeID) == score - 300)
            #expect(try await gateway.offers(OfferQuery()) == before)
            // Every refusal is an offer event saying why.
            let refusals = g1.node.journal.events(after: 0).filter { $0.kind == .offer && $0.message.contains("refused offer from") }
            #expect(refusals.count == 3)
            // Someone else publishing the provider's (valid) offer is refused without
            // touching the provider's reputation.
            let impostor = try await Self.publish(good, as: KeyPair(), to: g1, over: market.transport)
            #expect(impostor?.code == .notOwner)
            #expect(g1.node.market.reputation.score(.providerByGateway, provider.publicKey.nodeID) == score - 300)
        }
    }

    @Test func aNewerCheaperOfferReplacesTheOldOne() async throws {
        try await Self.builder.run { market in
            let g1 = try #require(market.member("gateway-01")), p1 = try #require(market.member("provider-01"))
            let gateway = try Self.gateway(g1)
            let old = try await gateway.offers(OfferQuery(provider: p1.node.context.nodeID))
            #expect(old.count == 2)
            // A cheaper ask: the provider signs a new set (higher nonce, same or later expiry).
            let publisher = try #require(p1.node.market.publisher)
            var ask = try await publisher.ask()
            ask.pricePerByte = TokenAmount(unchecked: 10)
            _ = try await publisher.setAsk(ask)
            market.manualClock?.advance(by: .seconds(1))
            let published = try await publisher.publish(to: [g1.node.context.nodeID])
            #expect(published.count == 1 && published[0].acknowledgedAt != nil)
            let now = try await gateway.offers(OfferQuery(provider: p1.node.context.nodeID))
            #expect(now.count == 2)
            #expect(now.allSatisfy { $0.terms.pricePerByte == TokenAmount(unchecked: 10) })
            #expect(Set(now.map(\.pieceCID)) == Set(old.map(\.pieceCID)))
            // A dearer ask does not erase the cheaper promise: both are kept.
            ask.pricePerByte = TokenAmount(unchecked: 20)
            _ = try await publisher.setAsk(ask)
            market.manualClock?.advance(by: .seconds(1))
            _ = try await publisher.publish(to: [g1.node.context.nodeID])
            let both = try await gateway.offers(OfferQuery(provider: p1.node.context.nodeID))
            #expect(both.count == 4)
            #expect(Set(both.map(\.terms.pricePerByte)) == [TokenAmount(unchecked: 10), TokenAmount(unchecked: 20)])
        }
    }

    @Test func blockingDropsAtOnceAndSurvivesARestart() async throws {
        try await Self.builder.run { market in
            let g1 = try #require(market.member("gateway-01")), p1 = try #require(market.member("provider-01"))
            let client = try #require(market.member("client-01"))
            let provider = p1.node.context.nodeID
            let piece = try Self.pieces(p1)[0]
            _ = try await g1.node.control.setListing(.blocked, for: provider)
            #expect(try await Self.gateway(g1).offers(OfferQuery(provider: provider)).isEmpty)
            #expect(try await Self.gateway(g1).cache.cidCountsByProvider(now: market.clock.unixSeconds)[provider] == nil)
            let found = try await client.node.control.findOffers(piece, gateway: g1.node.context.nodeID)
            #expect(found.offers.isEmpty)
            // Its offers are refused at publish time, with the reason.
            let refused = try await p1.node.control.publish(to: [g1.node.context.nodeID])
            #expect(refused.allSatisfy { $0.acknowledgedAt == nil && $0.error?.contains("block list") == true })
            #expect(g1.node.journal.events(after: 0).contains { $0.message.contains("refused offer from \(provider.short)") && $0.message.contains("block list") })
            // The other gateway still has them.
            #expect(try await client.node.control.findOffers(piece, gateway: try #require(market.member("gateway-02")).node.context.nodeID).offers.count == 1)

            // Restart the gateway: the block list is in its database.
            await g1.node.stop()
            let restarted = try Node(directory: g1.directory, identity: g1.node.identity, config: try g1.directory.loadConfig(), clock: market.clock,
                                     transport: market.transport)
            try await restarted.start()
            #expect(try await restarted.control.providerStandings().first { $0.provider == provider }?.listing == .blocked)
            #expect(try await restarted.control.cachedOffers(OfferQuery(provider: provider)).isEmpty)
            let refusedAgain = try await p1.node.control.publish(to: [g1.node.context.nodeID])
            #expect(refusedAgain.allSatisfy { $0.acknowledgedAt == nil })
            // Unlisting lets it publish again.
            _ = try await restarted.control.setListing(.unlisted, for: provider)
            let accepted = try await p1.node.control.publish(to: [g1.node.context.nodeID])
            #expect(accepted.allSatisfy { $0.acknowledgedAt != nil })
            #expect(try await restarted.control.cachedOffers(OfferQuery(provider: provider)).count == 2)
            await restarted.stop()
        }
    }

    @Test func anOperatorsBlockListAppliesToWhatItFindsEverywhere() async throws {
        try await Self.builder.run { market in
            let p1 = try #require(market.member("provider-01"))
            // The default run's operator: a node that is client and gateway at once.
            let dir = DataDirectory(path: market.scratch + "/operator")
            try dir.create()
            var config = NodeConfig()
            config.node.listen = "\(InMemoryTransport.host):0"
            config.node.roles = ["client", "gateway"]
            config.register.address = try #require(market.devnet.registerAddress).description
            config.register.nodeID = market.devnet.registerID.description
            let node = try Node(directory: dir, identity: KeyPair(), config: config, clock: market.clock, transport: market.transport)
            try await node.start()
            _ = try await market.devnet.fund([node.context.nodeID])
            await market.devnet.welcome(node)
            let me = node.context.nodeID
            let piece = try Self.pieces(p1)[0]
            let before = try await node.control.findOffers(piece, gateway: nil)
            #expect(before.offers.count == 1)
            // Its own gateway is asked too, in process and for free.
            #expect(before.answers.contains { $0.gateway == me && $0.offers == 1 && $0.paid == .zero })
            #expect(before.answers.count == 3)
            _ = try await node.control.setListing(.blocked, for: p1.node.context.nodeID)
            let after = try await node.control.findOffers(piece, gateway: nil)
            #expect(after.offers.isEmpty)
            // The other gateways still returned it: the operator's block list left it out.
            #expect(after.answers.filter { $0.gateway != me }.allSatisfy { $0.offers == 0 && $0.rejected.count == 1 && $0.rejected[0].contains("block list") })
            #expect(try await node.control.findOffers(piece, gateway: me).offers.isEmpty)
            await node.stop()
        }
    }

    @Test func allowBeatsLowReputation() async throws {
        try await Self.builder.run { market in
            let g1 = try #require(market.member("gateway-01")), p1 = try #require(market.member("provider-01"))
            let provider = p1.node.context.nodeID
            let reputation = g1.node.market.reputation
            // Bring the provider below zero (as a run of invalid offers would).
            while reputation.score(.providerByGateway, provider) >= 0 { reputation.record(.invalidPublication, for: provider) }
            let low = reputation.score(.providerByGateway, provider)
            try await Self.gateway(g1).setListing(.unlisted, for: provider)  // the policy applies: its offers go
            #expect(try await Self.gateway(g1).offers(OfferQuery(provider: provider)).isEmpty)
            let refused = try await p1.node.control.publish(to: [g1.node.context.nodeID])
            #expect(refused.allSatisfy { $0.error?.contains("reputation \(low)") == true })
            // Allow-listed, it is kept whatever its reputation.
            let standing = try await g1.node.control.setListing(.allowed, for: provider)
            #expect(standing.listing == .allowed && standing.reputation == low && standing.isKept)
            let accepted = try await p1.node.control.publish(to: [g1.node.context.nodeID])
            #expect(accepted.allSatisfy { $0.acknowledgedAt != nil })
            #expect(try await Self.gateway(g1).offers(OfferQuery(provider: provider)).count == 2)
            let client = try #require(market.member("client-01"))
            #expect(try await client.node.control.findOffers(try Self.pieces(p1)[0], gateway: g1.node.context.nodeID).offers.count == 1)
        }
    }
}

/// The client's side of trust: a gateway that alters offers is caught offer by offer,
/// and pays for it in reputation until the client stops asking it.
struct ClientVerificationTests {
    /// A gateway that answers establishment honestly and find-offers with `offers`.
    struct FakeGateway {
        let key: KeyPair
        let listener: any Listener

        static func start(in market: DevnetBuilder.Market, offers: @escaping @Sendable () -> [SubOffer]) async throws -> FakeGateway {
            let key = KeyPair()
            let router = RequestRouter()
            router.on(EstablishmentChallenge.self) { challenge, _ in challenge.answer(by: key) }
            router.on(FindOffers.self) { _, _ in
                FindOffersAnswer(offers: offers(), charged: .zero, credit: .zero, owed: .zero, required: .zero, fees: .default)
            }
            let listener = try await market.transport.listen(on: try NodeAddress("\(InMemoryTransport.host):0", allowingPortZero: true), identity: key) {
                await router.answer($0, from: $1)
            }
            var config = NodeConfig()
            config.node.roles = ["gateway"]
            let record = try config.record(for: key, addresses: [listener.address.description], now: market.clock.now)
            let register = market.devnet.register.node
            let session = try await market.transport.connect(
                to: try #require(register.listenAddress), identity: key, expectedPeer: register.context.nodeID, timeout: .seconds(5))
            _ = try await session.call(RegisterNode(record: record), expecting: RegisterAck.self)
            await session.close()
            return FakeGateway(key: key, listener: listener)
        }
    }

    @Test func alteredOffersAreDroppedAndCostTheGatewayReputation() async throws {
        try await GatewayMarketTests.builder.run { market in
            let p1 = try #require(market.member("provider-01")), g1 = try #require(market.member("gateway-01"))
            let client = try #require(market.member("client-01"))
            let piece = try GatewayMarketTests.pieces(p1)[0]
            let genuine = try #require(try await client.node.control.findOffers(piece, gateway: g1.node.context.nodeID).offers.first).offer
            let other = try GatewayMarketTests.pieces(p1)[1]
            let provider = p1.node.identity
            let now = market.clock.unixSeconds
            var stale = genuine.terms
            stale.expiry = now - 10
            let expiredOffer = try CIDOffer.sign(pieceCIDs: [piece, other], terms: stale, by: provider).subOffer(for: piece)
            let tampered: [SubOffer] = [
                // Proof of another leaf: does not lead to the signed root.
                SubOffer(provider: genuine.provider, pieceCID: piece, proof: MerkleProof(index: genuine.proof.index ^ 1, leafCount: genuine.proof.leafCount, flatSiblings: genuine.proof.flatSiblings),
                         root: genuine.root, terms: genuine.terms, signature: genuine.signature),
                // A cheaper price than the provider signed.
                SubOffer(provider: genuine.provider, pieceCID: piece, proof: genuine.proof, root: genuine.root,
                         terms: OfferTerms(pricePerByte: .zero, expiry: genuine.terms.expiry, latencyMillis: genuine.terms.latencyMillis, nonce: genuine.terms.nonce),
                         signature: genuine.signature),
                // Well signed, but expired.
                expiredOffer,
                // Genuine, but for another CID than asked.
                try CIDOffer.sign(pieceCIDs: [piece, other], terms: genuine.terms, by: provider).subOffer(for: other),
            ]
            let fake = try await FakeGateway.start(in: market) { tampered + [genuine] }
            #expect(await client.node.syncWithRegister())
            let fakeID = fake.key.publicKey.nodeID
            #expect(client.node.market.reputation.score(.gatewayByClient, fakeID) == 1000)

            let found = try await client.node.control.findOffers(piece, gateway: fakeID)
            #expect(found.offers.map(\.offer) == [genuine])
            let answer = try #require(found.answers.first)
            #expect(answer.offers == 1 && answer.rejected.count == 4)
            #expect(answer.rejected.contains { $0.contains("inclusion proof failed") })
            #expect(answer.rejected.contains { $0.contains("signature check failed") })
            #expect(answer.rejected.contains { $0.contains("expired") })
            #expect(answer.rejected.contains { $0.contains("not the expected") })
            // −100 per bad offer, +50 for the good one.
            #expect(client.node.market.reputation.score(.gatewayByClient, fakeID) == 1000 - 400 + 50)
            // Three more such answers and the client stops asking it on its own.
            for _ in 0..<3 { _ = try await client.node.control.findOffers(piece, gateway: fakeID) }
            #expect(client.node.market.reputation.score(.gatewayByClient, fakeID) <= 0)
            let all = try await client.node.control.findOffers(piece, gateway: nil)
            #expect(!all.answers.contains { $0.gateway == fakeID })
            #expect(all.offers.count == 1)
            await fake.listener.close()
        }
    }
}

struct PublisherBackoffTests {
    @Test func aGatewayThatRefusesIsAskedAgainAfterABackoffThatDoubles() async throws {
        try await GatewayMarketTests.builder.run { market in
            let g1 = try #require(market.member("gateway-01")), p1 = try #require(market.member("provider-01"))
            let clock = try #require(market.manualClock)
            let publisher = try #require(p1.node.market.publisher)
            _ = try await g1.node.control.setListing(.blocked, for: p1.node.context.nodeID)
            // A new ask: every gateway needs the new offers; g1 refuses them.
            var ask = try await publisher.ask()
            ask.pricePerByte = TokenAmount(unchecked: 500)
            _ = try await publisher.setAsk(ask)
            // The provider's own loop may make an attempt when the clock moves: count the
            // attempts g1 saw (one refusal each), after this test's own call.
            let refusal = "refused offer from \(p1.node.context.nodeID.short)"
            func attempts() async throws -> Int {
                _ = try await publisher.publishPending()
                return g1.node.journal.events(after: 0).filter { $0.message.contains(refusal) }.count
            }
            #expect(try await attempts() == 1)
            #expect(try await attempts() == 1)    // not again before a minute
            clock.advance(by: .seconds(61))
            #expect(try await attempts() == 2)
            clock.advance(by: .seconds(61))
            #expect(try await attempts() == 2)    // now it waits two minutes
            clock.advance(by: .seconds(60))
            #expect(try await attempts() == 3)
            // Unblocked, it acknowledges at the next try and is not asked again.
            _ = try await g1.node.control.setListing(.unlisted, for: p1.node.context.nodeID)
            clock.advance(by: .seconds(241))
            #expect(try await attempts() == 3)
            #expect(try await publisher.publications().contains { $0.gateway == g1.node.context.nodeID && $0.terms.pricePerByte == ask.pricePerByte && $0.acknowledgedAt != nil })
            clock.advance(by: .seconds(3600))
            #expect(try await attempts() == 3)
        }
    }

    @Test func aGatewayThatKeepsRefusingIsAskedLessAndLessOften() {
        #expect(OfferPublisher.backoff(after: 1) == 60)
        #expect(OfferPublisher.backoff(after: 2) == 120)
        #expect(OfferPublisher.backoff(after: 3) == 240)
        #expect(OfferPublisher.backoff(after: 7) == 3600)
        #expect(OfferPublisher.backoff(after: 1000) == 3600)
    }
}

struct DiscoveryAccountsTests {
    @Test func chargesComeFromCreditAndFreeRequestsOpenNoAccount() async throws {
        let database = try NodeDatabase()
        let accounts = try DiscoveryAccounts(database: database, clock: ManualClock())
        let client = KeyPair().publicKey.nodeID
        let one = TokenAmount(unchecked: 1), ninety = TokenAmount(unchecked: 90)
        #expect(accounts.charge(client, one) == nil)                     // nothing paid: refused
        #expect(accounts.charge(KeyPair().publicKey.nodeID, .zero) == .empty)
        accounts.chargeOwing(KeyPair().publicKey.nodeID, .zero)
        accounts.pay(client, TokenAmount(unchecked: 50))
        #expect(accounts.charge(client, one)?.credit == TokenAmount(unchecked: 49))
        let owing = accounts.chargeOwing(client, ninety)                  // offers found: owed past the credit
        #expect(owing.owed == TokenAmount(unchecked: 41) && owing.credit == .zero)
        #expect(accounts.charge(client, one) == nil)                     // owes: the next search waits for payment
        #expect(accounts.charge(client, .zero) == nil)                   // even a free one
        #expect(accounts.balance(client).shortfall(for: one) == TokenAmount(unchecked: 42))
        accounts.pay(client, TokenAmount(unchecked: 42))
        #expect(accounts.charge(client, one)?.credit == .zero)
        // Only the paying client was stored, and comes back as it was.
        try await accounts.flush()
        #expect(try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM gateway_discovery_account") } == 1)
        let reopened = try DiscoveryAccounts(database: database, clock: ManualClock())
        #expect(reopened.balance(client) == accounts.balance(client))
    }
}
