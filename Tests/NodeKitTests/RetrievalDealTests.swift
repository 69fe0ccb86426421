import Foundation
import NodeKitTesting
import Testing
@testable import NodeKit

/// Retrieval deals between real nodes of a devnet (in-memory transport, manual clock):
/// a paid retrieval writes the imported file byte for byte and pays exactly size × price;
/// brokered through a gateway, the provider receives that less the brokerage; a proposal
/// below the ask is rejected with the reason; a free deal uses no channel.
struct RetrievalDealTests {
    static let builder: DevnetBuilder = {
        var b = DevnetBuilder(gateways: 1, providers: 1, clients: 1)
        b.samplesPerProvider = 6  // 64 KiB … 2 MiB: one raw block up to a two-level DAG
        return b
    }()

    /// The pieces `member` holds, smallest first.
    static func pieces(_ member: Devnet.Member) throws -> [PieceRecord] {
        try member.node.context.blockstore.pieces().sorted { $0.payloadSize < $1.payloadSize }
    }

    /// The imported file of `piece` (the devnet keeps its samples).
    static func original(_ piece: PieceRecord, of member: Devnet.Member) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: member.directory.path + "/samples/" + piece.source))
    }

    /// Waits (on the journal, not a timer) until retrieval `id` on `node` has ended.
    static func finished(_ id: UInt64, on node: Node) async throws -> RetrievalSummary {
        var after: UInt64 = 0
        while true {
            let summary = try await node.retrieval.retrieval(id)
            if summary.status != .running { return summary }
            let events = await node.journal.wait(after: after, timeout: .seconds(60), clock: SystemClock(), limit: 1_000)
            after = events.last?.sequence ?? after
        }
    }

    /// The statuses deal `key` went through on `node`.
    static func path(_ key: DealKey, on node: Node) async throws -> [DealStatus] {
        try await node.retrieval.deal(key).history.map(\.status)
    }

    @Test func paidDirectRetrievalIsByteIdenticalAndPaysExactly() async throws {
        try await Self.builder.run { market in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            let piece = try #require(Self.pieces(provider).last)  // 2 MiB: thresholds at 1 MiB and 3 MiB
            let output = market.scratch + "/out.bin"
            let started = try await client.node.retrieval.retrieve(RetrievalOrder(target: piece.rootCID, output: output))
            let done = try await Self.finished(started.id, on: client.node)
            #expect(done.status == .completed, "\(done.message)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Self.original(piece, of: provider))
            #expect(!FileManager.default.fileExists(atPath: output + ".filtop-partial"))

            let deal = try #require(done.deals.first)
            let price = ProviderAsk.default.pricePerByte
            #expect(deal.bytes == deal.totalBytes && deal.totalBytes > 2 << 20)
            #expect(deal.paid == (try price.multiplied(by: deal.totalBytes)))
            #expect(deal.broker == nil)
            #expect(try await Self.path(deal.key, on: client.node) == [
                .new, .waitForAcceptance, .accepted, .paymentChannelCreating, .paymentChannelAllocatingLane, .ongoing,
                .fundsNeeded, .sendFunds, .ongoing, .blocksComplete, .sendFundsLastPayment, .finalizing, .finalizingBlockstore, .completed,
            ])
            // The provider was credited the same, and its deal went through its states.
            let providerKey = DealKey(side: .provider, peer: client.node.context.nodeID, id: deal.id)
            let served = try await provider.node.retrieval.deal(providerKey)
            #expect(served.deal.status == .completed && served.deal.paid == deal.paid)
            #expect(served.history.map(\.status) == [
                .new, .unsealing, .unsealed, .ongoing, .fundsNeeded, .ongoing, .fundsNeededLastPayment, .finalizing, .completing, .completed,
            ])
            // On the ledger: the provider redeems its voucher and the lane holds exactly that.
            let channel = try #require(deal.channel)
            _ = try await provider.node.payments.submit(channel)
            let onLedger = try await provider.node.payments.ledger.ledger().channel(channel)
            #expect(onLedger.lanes.reduce(TokenAmount.zero) { (try? $0.adding($1.amount)) ?? $0 } == deal.paid)
        }
    }

    @Test func brokeredRetrievalSplitsThePaymentByTheBrokerage() async throws {
        try await Self.builder.run { market in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            let gateway = try #require(market.member("gateway-01"))
            let piece = try #require(Self.pieces(provider).last)
            let output = market.scratch + "/brokered.bin"
            let started = try await client.node.retrieval.retrieve(RetrievalOrder(target: piece.pieceCID, output: output))
            let done = try await Self.finished(started.id, on: client.node)
            #expect(done.status == .completed, "\(done.message)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Self.original(piece, of: provider))
            let deal = try #require(done.deals.first)
            #expect(deal.broker == gateway.node.context.nodeID)
            let total = try ProviderAsk.default.pricePerByte.multiplied(by: deal.totalBytes)
            #expect(deal.paid == total)
            // The provider credits the gross; the gateway's channel to it carries the net.
            let served = try await provider.node.retrieval.deal(DealKey(side: .provider, peer: client.node.context.nodeID, id: deal.id))
            #expect(served.deal.paid == total)
            let toProvider = try #require(try await gateway.node.payments.manager.openChannel(to: provider.node.context.nodeID))
            let bps = UInt64(gateway.node.context.config.retrieval.brokerageBasisPoints)
            let net = try Brokerage.net(of: total, basisPoints: bps)
            #expect(toProvider.spent <= total && toProvider.spent >= net)
            #expect(toProvider.spent < total || bps == 0)
            // The gateway's own record of the deal it brokered ends Completed, paid in full.
            let brokered = try await gateway.node.retrieval.deal(DealKey(side: .broker, peer: client.node.context.nodeID, id: deal.id))
            #expect(brokered.deal.status == .completed && brokered.deal.paid == total && brokered.deal.broker == provider.node.context.nodeID)
            #expect(brokered.history.first?.status == .new && brokered.history.last?.status == .completed)
        }
    }

    @Test func proposalBelowTheAskIsRejectedWithTheReason() async throws {
        try await Self.builder.run { market in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            let piece = try #require(Self.pieces(provider).first)
            let session = try await market.transport.connect(
                to: try #require(provider.node.listenAddress), identity: client.node.identity, expectedPeer: provider.node.context.nodeID,
                timeout: .seconds(5))
            defer { Task { await session.close() } }
            let cheap = DealParams(pricePerByte: TokenAmount(unchecked: 1), paymentInterval: 1 << 20, paymentIntervalIncrease: 1 << 20)
            let answer = try await session.call(
                DealProposal(deal: 7, payload: try CID(piece.rootCID), pieceCID: nil, params: cheap, broker: nil), expecting: DealResponse.self)
            #expect(answer.status == .rejected)
            #expect(answer.message.contains("price per byte too low"))
        }
    }

    @Test func freeDealUsesNoChannel() async throws {
        try await Self.builder.run { market in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            _ = try await provider.node.control.setAsk(ProviderAsk(pricePerByte: .zero, latencyMillis: 100, ttlSeconds: 86_400))
            let piece = try #require(Self.pieces(provider).last)
            let output = market.scratch + "/free.bin"
            let started = try await client.node.retrieval.retrieve(RetrievalOrder(target: piece.rootCID, output: output))
            let done = try await Self.finished(started.id, on: client.node)
            #expect(done.status == .completed, "\(done.message)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Self.original(piece, of: provider))
            let deal = try #require(done.deals.first)
            #expect(deal.paid == .zero && deal.channel == nil)
            #expect(try await Self.path(deal.key, on: client.node).contains(.paymentChannelCreating) == false)
            #expect(try await client.node.payments.channels().isEmpty)
        }
    }
}

extension RetrievalDealTests {
    @Test func carOutputHoldsEveryBlockOfTheDAG() async throws {
        try await Self.builder.run { market in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            _ = try await provider.node.retrieval.setRetrievalTerms(RetrievalTerms(unsealPrice: .zero, paymentInterval: 1 << 18, paymentIntervalIncrease: 1 << 18))
            let piece = try #require(Self.pieces(provider).last)
            let output = market.scratch + "/out.car"
            let started = try await client.node.retrieval.retrieve(RetrievalOrder(target: piece.rootCID, output: output, car: true))
            let done = try await Self.finished(started.id, on: client.node)
            #expect(done.status == .completed, "\(done.message)")
            let deal = try #require(done.deals.first)
            // The CAR holds the header and every block's section: the provider's own CAR
            // of the piece has the same blocks (in another order), so the same size.
            let size = try #require(try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int)
            #expect(UInt64(size) > deal.totalBytes)
            #expect(UInt64(size) == piece.carSize, "CAR of \(size) bytes, the piece's CAR has \(piece.carSize)")
        }
    }
}

/// Seed 004: one retrieval split over several providers, verified as one whole.
struct RetrievalSplitTests {
    /// A 2 MiB file of distinct chunks (8 leaves, so 8 parts), imported by every provider.
    static func shared(_ providers: [Devnet.Member], scratch: String) throws -> (root: String, content: Data) {
        var state: UInt64 = 7
        let content = Data((0..<(2 << 20)).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        })
        let path = scratch + "/shared.bin"
        try content.write(to: URL(fileURLWithPath: path))
        var root = ""
        for p in providers { root = try p.node.context.blockstore.importFile(path).piece.rootCID }
        return (root, content)
    }

    @Test func fourProvidersShareTheRetrievalAndAKilledOneHasItsPartsReassigned() async throws {
        try await DevnetBuilder(gateways: 0, providers: 4, clients: 1).run { market in
            let clock = try #require(market.manualClock)
            let providers = (1...4).compactMap { market.member(String(format: "provider-%02d", $0)) }
            let client = try #require(market.member("client-01"))
            for p in providers {
                _ = try await p.node.retrieval.setRetrievalTerms(RetrievalTerms(unsealPrice: .zero, paymentInterval: 1 << 16, paymentIntervalIncrease: 0))
            }
            let (root, content) = try Self.shared(providers, scratch: market.scratch)
            let output = market.scratch + "/split.bin"
            let started = try await client.node.retrieval.retrieve(RetrievalOrder(target: root, output: output, providerCount: 4))
            #expect(started.deals.count == 8)
            #expect(Set(started.deals.map(\.peer)).count == 4)
            #expect(started.deals.allSatisfy { $0.output?.region == true })
            // Provider 2 goes away while its first part waits for a payment.
            let victim = providers[1]
            let victimID = victim.node.context.nodeID
            var after: UInt64 = 0
            while true {
                let events = await client.node.journal.wait(after: after, timeout: .seconds(60), clock: SystemClock(), limit: 1_000)
                after = events.last?.sequence ?? after
                if events.contains(where: { $0.message.contains(victimID.short) && $0.message.contains(": SendFunds") }) { break }
            }
            await victim.node.stop()
            // Its deals fail once they make no progress for the deal timeout; their parts go
            // to the other three.
            var summary = try await client.node.retrieval.retrieval(started.id)
            var rounds = 0
            // Steps shorter than a request's timeout, each given time to settle, so no
            // answer in flight times out on the manual clock.
            while summary.status == .running, rounds < 400 {
                clock.advance(by: .seconds(5))
                _ = await client.node.journal.wait(after: client.node.journal.lastSequence, timeout: .milliseconds(30), clock: SystemClock(), limit: 1)
                summary = try await client.node.retrieval.retrieval(started.id)
                rounds += 1
            }
            #expect(summary.status == .completed, "\(summary.message) \(summary.deals.map { "\($0.key) \($0.status) \($0.message)" })")
            #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == content)
            let completed = summary.deals.filter { $0.status == .completed }
            #expect(completed.count == 8)
            #expect(!completed.contains { $0.peer == victimID })
            #expect(summary.deals.contains { $0.peer == victimID && $0.status == .errored })
            // Each completed part paid exactly its bytes.
            for deal in completed { #expect(deal.paid == (try ProviderAsk.default.pricePerByte.multiplied(by: deal.totalBytes))) }
        }
    }
}
