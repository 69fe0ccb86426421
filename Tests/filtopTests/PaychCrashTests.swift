import Foundation
import NodeKit
import Testing

/// kill -9 of the nodes that keep payments (the durability test): a payee killed
/// while vouchers stream in, and a ledger killed while messages are applied. Each node
/// under test is a real `filtop node run` process killed with SIGKILL at random moments
/// and restarted on its data directory; the nodes driving it run inside the test, so the
/// test knows exactly which operations were acknowledged.
@Suite(.serialized) struct PaychCrashTests {
    /// Lanes paid in parallel on the one channel.
    static let lanes: UInt64 = 8
    /// How often the payee is killed.
    static let payeeKills = 3
    /// How often the ledger is killed (its operations are fewer and quicker to replay).
    static let ledgerKills = 6

    /// The best voucher of each lane that the payee acknowledged with a receipt, and of
    /// each lane that it refused on a resend as already held (stored, then killed before
    /// it answered).
    actor VoucherBook {
        private(set) var acknowledged: [UInt64: Voucher] = [:]
        private(set) var heldUnacknowledged: [UInt64: Voucher] = [:]

        func acknowledge(_ v: Voucher) { acknowledged[v.lane] = v }
        func heldWithoutAcknowledging(_ v: Voucher) { heldUnacknowledged[v.lane] = v }
    }

    /// Signs vouchers on `lane` one after another and sends each until the payee answers:
    /// a receipt (acknowledged), or a stale-voucher refusal (the payee already stored it and
    /// was killed before answering). A send that fails without an answer waits until the
    /// payee is back and sends the same voucher again.
    static func pay(lane: UInt64, channel: ChannelID, payer: Node, run: CrashRun, book: VoucherBook) async throws {
        while !(await run.stopped) {
            let step = try TokenAmount(attoFIL: UInt128.random(in: 1...1_000_000_000))
            let voucher = try await payer.payments.manager.createVoucher(channel: channel, amount: .increment(step), lane: lane)
            var unanswered = 0
            while true {
                do {
                    _ = try await payer.payments.manager.send(voucher)
                    await book.acknowledge(voucher)
                    await run.acknowledge()
                    break
                } catch let refusal as Refusal {
                    guard refusal.code == .staleVoucher else { throw refusal }
                    await book.heldWithoutAcknowledging(voucher)
                    break
                } catch {
                    unanswered += 1
                    guard unanswered < 20 else { throw DevnetProcessError(message: "lane \(lane): 20 sends unanswered while the payee was up: \(error)") }
                    guard await run.waitUntilUp() else { return }
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aPayeeKilledWhileVouchersArriveLosesNoAcknowledgedVoucher() async throws {
        try await CrashMarket.run(inProcess: ["payer"], payeeProcess: true) { m in
            let payer = m.nodes[0], payeeID = try #require(m.payeeID)
            _ = try await m.remoteLedger.faucet(payer.identity.nodeID, amount: try TokenAmount(fil: 100))
            let funds = try TokenAmount(fil: 10)
            let channel = try await payer.payments.manager.addFunds(to: payeeID, amount: funds)
            let run = CrashRun(), book = VoucherBook()
            let payee = try #require(m.payee)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<Self.lanes {
                    group.addTask {
                        do { try await Self.pay(lane: lane, channel: channel, payer: payer, run: run, book: book) } catch {
                            await run.stop()
                            throw error
                        }
                    }
                }
                group.addTask {
                    do {
                        // Each kill after a random number of receipts: with eight lanes in
                        // flight, some vouchers are then between arriving and being answered.
                        for _ in 0..<Self.payeeKills {
                            guard await run.waitForAcknowledged(await run.acknowledged + Int.random(in: 20...200)) else { return }
                            await run.markDown()
                            try await m.restartPayee()
                            await run.markUp()
                        }
                        _ = await run.waitForAcknowledged(await run.acknowledged + 50)
                        await run.stop()
                    } catch {
                        await run.stop()
                        throw error
                    }
                }
                try await group.waitForAll()
            }

            // What the restarted payee holds, read from it by the CLI.
            let listed = try CLI.run(["paych", "voucher", "list", channel.description, "--json", "--data-dir", payee.dataDir], timeout: 60)
            #expect(listed.status == 0, "\(listed.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
            let rows = try #require(object?["vouchers"] as? [[String: Any]], "no vouchers in \(listed.stdout)")
            let held = try rows.map { try Voucher(text: try #require($0["voucher"] as? String)) }
            let byLane = Dictionary(held.map { ($0.lane, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byLane.count == held.count, "the payee lists a lane twice")
            for v in held {
                #expect(v.channel == channel && v.isSigned(by: payer.identity.publicKey), "lane \(v.lane): a voucher the payer did not sign for \(channel)")
            }
            let acknowledged = await book.acknowledged, unacknowledged = await book.heldUnacknowledged
            #expect(acknowledged.count == Int(Self.lanes), "every lane had a voucher acknowledged")
            for (lane, promised) in acknowledged.merging(unacknowledged, uniquingKeysWith: { $0.nonce >= $1.nonce ? $0 : $1 }) {
                let best = try #require(byLane[lane], "lane \(lane): the payee lost every voucher, up to nonce \(promised.nonce)")
                #expect(best.nonce >= promised.nonce && best.amount >= promised.amount,
                        "lane \(lane): the payee holds nonce \(best.nonce) (\(best.amount)) but acknowledged nonce \(promised.nonce) (\(promised.amount))")
            }
            let total = held.reduce(UInt128(0)) { $0 + $1.amount.attoFIL }
            #expect(total <= funds.attoFIL, "the payee holds \(total) attoFIL of vouchers on a channel of \(funds)")
            #expect(try await m.remoteLedger.channel(channel).funds == funds)
            #expect(await run.acknowledged > 0)
            #expect(payee.runs == Self.payeeKills + 1, "the payee was killed \(payee.runs - 1) times, not \(Self.payeeKills)")
        }
    }

    /// Runs a `LedgerOperationStream` until `run` stops; stops `run` if it fails.
    static func stream(_ market: CrashMarket, _ run: CrashRun) async throws -> LedgerOperationStream {
        var stream = LedgerOperationStream(market: market, run: run)
        do { try await stream.drive() } catch {
            await run.stop()
            throw error
        }
        return stream
    }

    /// The other half: the ledger killed while messages stream in. Every
    /// acknowledged operation is on the ledger after the restarts, every unanswered one
    /// applied whole or not at all, and no attoFIL appeared or vanished.
    @Test(.timeLimit(.minutes(3)))
    func aLedgerKilledWhileApplyingMessagesLosesNoAcknowledgedOneAndConservesEveryAttoFIL() async throws {
        try await CrashMarket.run(inProcess: ["a", "b", "c"], payeeProcess: false, configureLedger: {
            $0.ledger.epochMillis = 100
            $0.ledger.settleDelay = 0  // settled channels can be collected at once (LedgerModel's rules)
        }) { m in
            let run = CrashRun()
            async let streamed = Self.stream(m, run)
            do {
                for _ in 0..<Self.ledgerKills {
                    guard await run.waitForAcknowledged(await run.acknowledged + Int.random(in: 3...12)) else { break }
                    // A random moment inside the operation that follows (nothing is waited for).
                    try await Task.sleep(for: .milliseconds(Int.random(in: 0...40)))
                    await run.markDown()
                    try await m.restartLedger()
                    await run.markUp()
                }
                _ = await run.waitForAcknowledged(await run.acknowledged + 10)
            } catch {
                await run.stop()
                _ = try? await streamed
                throw error
            }
            await run.stop()
            let stream = try await streamed

            let model = stream.model
            let held = try await stream.readLedger(channels: Set(model.state.channels.keys))
            #expect(held == model.state, "the ledger differs from every acknowledged operation: \(held.differences(from: model.state))")
            #expect(held.unknownChannels == 0 && held.total == model.faucetTotal,
                    "balances and uncollected channels hold \(held.total) attoFIL; the faucet gave \(model.faucetTotal)")
            #expect(m.ledger.runs == Self.ledgerKills + 1, "the ledger was killed \(m.ledger.runs - 1) times, not \(Self.ledgerKills)")
            #expect(stream.acknowledged > Self.ledgerKills * 3, "only \(stream.acknowledged) operations were acknowledged")
        }
    }
}
