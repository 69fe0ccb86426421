import Foundation
import NIOCore
import NodeKitTesting
import Testing
@testable import NodeKit

/// Retrieval deals that go wrong (devnet, in-memory transport, manual clock), each ending
/// as described with its reason on the deal (`deals show`), and nobody paying for what
/// was not delivered and verified nor being paid twice:
/// - a provider that sends a wrong block, a block after the last, or stops (ending the
///   stream or falling silent) — a `FakeRetrievalProvider` serving a real provider's DAG;
/// - a client that stops paying, or pays with a voucher over its channel's funds — wire
///   messages sent by the test in the client's name to a real provider;
/// - a payment whose receipt is lost to a dropped connection.
@Suite(.timeLimit(.minutes(1)))
struct RetrievalFaultTests {
    static let builder: DevnetBuilder = {
        var b = DevnetBuilder(providers: 1, clients: 1)
        b.samplesPerProvider = 6  // the largest, 2 MiB, is a root and eight 256 KiB leaves
        return b
    }()

    static let price = ProviderAsk.default.pricePerByte
    static var timeout: Int { NodeConfig().retrieval.dealTimeoutSeconds }

    /// Runs `body` with a fake provider of `fault` serving `provider`'s DAGs, which the
    /// client has found in the register; stops it afterwards.
    static func withFake<T: Sendable>(
        _ fault: FakeRetrievalProvider.Fault, in market: DevnetBuilder.Market, serving provider: Devnet.Member, client: Devnet.Member,
        _ body: (FakeRetrievalProvider) async throws -> T
    ) async throws -> T {
        let fake = try await FakeRetrievalProvider.start(
            in: market, serving: provider.node.context.blockstore, terms: RetrievalResumeTests.terms, fault: fault)
        do {
            #expect(await client.node.syncWithRegister())
            let result = try await body(fake)
            await fake.stop()
            return result
        } catch {
            await fake.stop()
            throw error
        }
    }

    /// Retrieves `piece` from `fake` into the scratch space.
    static func retrieve(_ piece: PieceRecord, from fake: FakeRetrievalProvider, by client: Devnet.Member, in market: DevnetBuilder.Market) async throws -> RetrievalSummary {
        try await client.node.retrieval.retrieve(RetrievalOrder(target: piece.rootCID, output: market.scratch + "/out.bin", providers: [fake.nodeID]))
    }

    // MARK: A provider that misbehaves

    @Test func aWrongBlockFailsTheDealAtThatBlockUnpaid() async throws {
        try await Self.builder.run { market in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            let piece = try #require(RetrievalDealTests.pieces(provider).last)
            try await Self.withFake(.wrongBlock(index: 4), in: market, serving: provider, client: client) { fake in
                let started = try await Self.retrieve(piece, from: fake, by: client, in: market)
                let done = try await DealWatch.ended(started.id, on: client.node)
                let deal = try #require(done.deals.first)
                #expect(done.status == .failed)
                #expect(deal.status == .errored)
                let altered = try #require(fake.alteredBlock)
                #expect(deal.failedBlock == altered.description)
                #expect(deal.message == "block \(altered) does not hash to its CID: the provider sent corrupt data; try another provider")
                // The four blocks before it were verified and paid for (their last threshold
                // fell on the fourth); nothing after.
                #expect(deal.blocks == 4)
                #expect(deal.paid == (try Self.price.multiplied(by: deal.bytes)))
                #expect(fake.vouchers.last?.amount == deal.paid)
                #expect(try await RetrievalDealTests.path(deal.key, on: client.node).suffix(2) == [.failing, .errored])
            }
        }
    }

    @Test func aBlockAfterTheLastFailsTheDeal() async throws {
        try await Self.builder.run { market in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            let piece = try #require(RetrievalDealTests.pieces(provider).last)
            try await Self.withFake(.extraBlock, in: market, serving: provider, client: client) { fake in
                let started = try await Self.retrieve(piece, from: fake, by: client, in: market)
                let done = try await DealWatch.ended(started.id, on: client.node)
                let deal = try #require(done.deals.first)
                #expect(done.status == .failed && deal.status == .errored)
                #expect(deal.failedBlock == piece.rootCID)
                #expect(deal.message == "the provider sent block \(piece.rootCID) after the last block of the DAG: it does not follow the transfer order; try another provider")
                // Every block was verified and paid for once; the extra one was not.
                #expect(deal.bytes == deal.totalBytes)
                #expect(deal.paid == (try Self.price.multiplied(by: deal.totalBytes)))
                #expect(fake.vouchers.last?.amount == deal.paid)
                // The output is left partial: a failed deal does not finish it.
                #expect(RetrievalOutput.isPartial(path: done.output, format: .file))
            }
        }
    }

    @Test func aProviderThatEndsTheTransferEarlyFailsTheDealAfterTheTimeout() async throws {
        try await Self.builder.run { market in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            let clock = try #require(market.manualClock)
            let piece = try #require(RetrievalDealTests.pieces(provider).last)
            try await Self.withFake(.endsAfter(blocks: 5), in: market, serving: provider, client: client) { fake in
                let started = try await Self.retrieve(piece, from: fake, by: client, in: market)
                // The client retries an early end (a provider restarting ends its streams so)
                // until the deal has made no progress for the deal timeout.
                await DealWatch.clientBacksOff(clock)
                clock.advance(by: .seconds(Self.timeout))
                let done = try await DealWatch.ended(started.id, on: client.node)
                let deal = try #require(done.deals.first)
                #expect(deal.status == .errored)
                #expect(deal.message == "no progress for \(Self.timeout) s (retrieval.deal_timeout_seconds): the provider ended the transfer after 5 of 9 blocks")
                #expect(deal.blocks == 5)
                #expect(deal.paid <= (try Self.price.multiplied(by: deal.bytes)) && deal.paid > .zero)
                #expect(fake.vouchers.last?.amount == deal.paid)
            }
        }
    }

    @Test func aProviderThatFallsSilentFailsTheDealAfterTheTimeout() async throws {
        try await Self.builder.run { market in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            let clock = try #require(market.manualClock)
            let piece = try #require(RetrievalDealTests.pieces(provider).last)
            try await Self.withFake(.fallsSilentAfter(blocks: 4), in: market, serving: provider, client: client) { fake in
                let started = try await Self.retrieve(piece, from: fake, by: client, in: market)
                let key = try #require(started.deals.first).key
                // Four blocks arrived in the watchdog's first period (the client paid for them
                // as the fourth crossed the second threshold); none in its second.
                try await DealWatch.reached(.ongoing, key, on: client.node, times: 3)
                for _ in 0..<2 {
                    await clock.waitForSleepers(1, until: clock.now.addingTimeInterval(Double(Self.timeout)))
                    clock.advance(by: .seconds(Self.timeout))
                }
                let done = try await DealWatch.ended(started.id, on: client.node)
                let deal = try #require(done.deals.first)
                #expect(deal.status == .errored)
                #expect(deal.message == "the provider sent nothing for \(Self.timeout) s (retrieval.deal_timeout_seconds)")
                #expect(deal.blocks == 4)
                #expect(deal.paid == (try Self.price.multiplied(by: deal.bytes)))
                #expect(fake.vouchers.last?.amount == deal.paid)
            }
        }
    }

    // MARK: A client that misbehaves

    /// A client's own session to the provider, with a deal for `piece` accepted at the
    /// provider's terms and its transfer open; `reading` counts the block bytes that arrive
    /// until the stream ends.
    struct OpenDeal {
        let session: any PeerSession
        let key: DealKey
        let reading: Task<UInt64, Never>

        static func open(_ piece: PieceRecord, at provider: Devnet.Member, as client: Devnet.Member, in market: DevnetBuilder.Market) async throws -> OpenDeal {
            let session = try await market.transport.connect(
                to: try #require(provider.node.listenAddress), identity: client.node.identity, expectedPeer: provider.node.context.nodeID,
                timeout: .seconds(5))
            let root = try CID(piece.rootCID)
            let offer = try await session.call(RetrievalQuery(payload: root), expecting: RetrievalQueryResponse.self)
            let answer = try await session.call(DealProposal(deal: 1, payload: root, pieceCID: nil, params: offer.params, broker: nil), expecting: DealResponse.self)
            #expect(answer.status == .unsealed)
            let stream = try await session.stream(DealTransfer(deal: 1, from: 0), window: 8 << 20)
            let reading = Task {
                var reader = BlockSectionReader()
                var bytes: UInt64 = 0
                do {
                    for try await chunk in stream { bytes += try reader.feed(chunk).reduce(0) { $0 + UInt64($1.data.count) } }
                } catch {}
                return bytes
            }
            return OpenDeal(session: session, key: DealKey(side: .provider, peer: client.node.context.nodeID, id: 1), reading: reading)
        }
    }

    @Test func aClientThatStopsPayingIsHeldAtTheThresholdAndFailedAtTheTimeout() async throws {
        try await Self.builder.run { market in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            let clock = try #require(market.manualClock)
            _ = try await provider.node.retrieval.setRetrievalTerms(RetrievalResumeTests.terms)
            let piece = try #require(RetrievalDealTests.pieces(provider).last)
            let deal = try await OpenDeal.open(piece, at: provider, as: client, in: market)
            defer { Task { await deal.session.close() } }
            let paused = try await DealWatch.reached(.fundsNeeded, deal.key, on: provider.node)
            let threshold = RetrievalResumeTests.terms.paymentInterval
            #expect(paused.bytes >= threshold && paused.bytes <= threshold + UInt64(UnixFSImporter.chunkSize))

            await clock.waitForSleepers(1, until: clock.now.addingTimeInterval(Double(Self.timeout)))
            clock.advance(by: .seconds(Self.timeout))
            let failed = try await DealWatch.reached(.errored, deal.key, on: provider.node)
            #expect(failed.message == "the client sent no payment for \(paused.bytes) bytes sent within \(Self.timeout) s")
            #expect(failed.paid == .zero && failed.bytes == paused.bytes)
            // Nothing was sent past the threshold's block, then or later.
            #expect(await deal.reading.value == paused.bytes)
        }
    }

    @Test func aVoucherOverTheChannelsFundsIsRefusedAndTheDealStaysPaused() async throws {
        try await Self.builder.run { market in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            let clock = try #require(market.manualClock)
            _ = try await provider.node.retrieval.setRetrievalTerms(RetrievalResumeTests.terms)
            let piece = try #require(RetrievalDealTests.pieces(provider).last)
            let funds = try Self.price.multiplied(by: 1_000)
            let channel = try await client.node.payments.manager.addFunds(to: provider.node.context.nodeID, amount: funds)
            let deal = try await OpenDeal.open(piece, at: provider, as: client, in: market)
            defer { Task { await deal.session.close() } }
            let paused = try await DealWatch.reached(.fundsNeeded, deal.key, on: provider.node)

            let owed = try Self.price.multiplied(by: paused.bytes)
            let voucher = try Voucher(channel: channel, lane: 0, nonce: 1, amount: owed, signer: client.node.identity)
            let refusal = await #expect(throws: Refusal.self) {
                try await deal.session.call(DealPayment(deal: 1, client: nil, voucher: voucher, gross: owed, feeBasisPoints: 0), expecting: DealPaymentAnswer.self)
            }
            let excess = try owed.subtracting(funds)
            #expect(refusal?.code == .insufficientFunds)
            #expect(refusal?.message.contains("overspend channel \(channel.short) by \(excess) (it holds \(funds))") == true, "\(String(describing: refusal))")
            let stored = try #require(try await DealWatch.stored(deal.key, on: provider.node))
            #expect(stored.status == .fundsNeeded && stored.paid == .zero)

            // Still paused: it sends nothing more before it fails the deal at the timeout.
            await clock.waitForSleepers(1, until: clock.now.addingTimeInterval(Double(Self.timeout)))
            clock.advance(by: .seconds(Self.timeout))
            try await DealWatch.reached(.errored, deal.key, on: provider.node)
            #expect(await deal.reading.value == paused.bytes)
        }
    }

    // MARK: A connection that drops

    @Test func aPaymentWhoseReceiptIsLostIsCreditedOnce() async throws {
        try await Self.builder.runRestarting { market, nodes in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            let (piece, _) = try await RetrievalResumeTests.prepare(provider)
            await client.node.stop()
            let held = HoldingTransport(market.transport)
            let receipt = held.hold(DealPayment.self, at: .answer)
            let clientNode = try await nodes.restart(client, over: held)
            let output = market.scratch + "/out.bin"
            let started = try await clientNode.retrieval.retrieve(RetrievalOrder(target: piece.rootCID, output: output))
            try await receipt.reached()
            receipt.fail()
            await RetrievalResumeTests.letTheClientRetry(market)
            let done = try await DealWatch.ended(started.id, on: clientNode)
            try await RetrievalResumeTests.expectCompletedExactly(done, output: output, piece: piece, from: provider.node, provider: provider, client: clientNode)
        }
    }
}
