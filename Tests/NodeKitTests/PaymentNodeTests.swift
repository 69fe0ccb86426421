import Foundation
import NodeKitTesting
import Testing
@testable import NodeKit

/// Payments between real nodes: a ledger node (also the register), a payer and a payee, over the in-memory
/// transport on a manual clock.
struct PaymentNodeTests {
    /// Three nodes sharing one ledger; removed afterwards.
    struct Market: Sendable {
        let ledger: Node
        let payer: Node
        let payee: Node
        let clock: ManualClock

        static func run<T: Sendable>(settleDelay: Int = 10, loopback: Bool = false, _ body: (Market) async throws -> T) async throws -> T {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("filtop-paych-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: root) }
            let clock = ManualClock()
            let nodeClock: any NodeClock = loopback ? SystemClock() : clock
            let transport: any Transport = loopback ? TCPTransport() : InMemoryTransport(clock: clock)
            func start(_ name: String, _ roles: [String], ledger: Node?) async throws -> Node {
                let dir = DataDirectory(path: root + "/" + name)
                try dir.create()
                var config = NodeConfig()
                config.node.listen = loopback ? "127.0.0.1:0" : "\(InMemoryTransport.host):0"
                config.node.roles = roles
                config.ledger.settleDelay = settleDelay
                if let ledger {  // which also keeps the register, where the payer finds the payee
                    config.ledger.address = ledger.listenAddress!.description
                    config.ledger.nodeID = ledger.identity.nodeID.description
                    config.register.address = config.ledger.address
                    config.register.nodeID = config.ledger.nodeID
                }
                let node = try Node(directory: dir, identity: KeyPair(), config: config, clock: nodeClock, transport: transport)
                try await node.start()
                return node
            }
            let ledger = try await start("ledger", ["ledger", "register"], ledger: nil)
            let payee = try await start("payee", ["provider"], ledger: ledger)
            let payer = try await start("payer", ["client"], ledger: ledger)
            // Each node synced with the register as it started, but under load a node's
            // first sync can time out (it then retries on its own a second later): sync
            // again until the payer's copy of the register lists the payee.
            let copy = RegisterStore(database: payer.context.blockstore.database, table: .localCopy)
            for _ in 0..<20 where try await copy.record(payee.identity.nodeID) == nil {
                await payee.syncWithRegister()
                await payer.syncWithRegister()
            }
            let market = Market(ledger: ledger, payer: payer, payee: payee, clock: clock)
            do {
                let result = try await body(market)
                for n in [payer, payee, ledger] { await n.stop() }
                return result
            } catch {
                for n in [payer, payee, ledger] { await n.stop() }
                throw error
            }
        }

        func fund(_ node: Node, _ amount: String) async throws {
            _ = try await ledger.payments.ledger.ledger().faucet(node.identity.nodeID, amount: try TokenAmount(amount))
        }
    }

    @Test(arguments: [false, true])
    func vouchersOnTwoLanesAreAcceptedUpToTheFundsThenRefusedWithTheOverspend(loopback: Bool) async throws {
        try await Market.run(loopback: loopback) { m in
            try await m.fund(m.payer, "10 FIL")
            let channel = try await m.payer.control.addFunds(peer: m.payee.identity.nodeID, amount: try TokenAmount("2 FIL"))
            #expect(channel.funds == (try TokenAmount("2 FIL")))
            let first = try await m.payer.control.createVoucher(channel: channel.id, amount: try TokenAmount("1 FIL"), lane: 0, send: true)
            #expect(first.receipt?.delta == (try TokenAmount("1 FIL")))
            let second = try await m.payer.control.createVoucher(channel: channel.id, amount: try TokenAmount("0.75 FIL"), lane: 1, send: true)
            #expect(second.receipt?.delta == (try TokenAmount("0.75 FIL")))
            await #expect(throws: PaymentError.overspend(channel: channel.id, by: try TokenAmount("0.25 FIL"), funds: try TokenAmount("2 FIL"))) {
                _ = try await m.payer.control.createVoucher(channel: channel.id, amount: try TokenAmount("0.5 FIL"), lane: 2, send: true)
            }
            let inbound = try await m.payee.control.channels()
            #expect(inbound.map(\.direction) == [.inbound])
            #expect(inbound.first?.spent == (try TokenAmount("1.75 FIL")))
        }
    }
}

extension PaymentNodeTests {
    /// Opens a 2 FIL channel from the payer to the payee.
    static func channel(_ m: Market) async throws -> ChannelID {
        try await m.fund(m.payer, "10 FIL")
        return try await m.payer.payments.manager.addFunds(to: m.payee.identity.nodeID, amount: try TokenAmount("2 FIL"))
    }

    @Test func thePayeeRefusesEachBadVoucherWithItsReasonAndKeepsNone() async throws {
        try await Market.run { m in
            let id = try await Self.channel(m)
            let payer = m.payer.identity, inbox = m.payee.payments.inbox
            func v(_ lane: UInt64, _ nonce: UInt64, _ amount: String, signer: KeyPair? = nil, channel: ChannelID? = nil) throws -> Voucher {
                try Voucher(channel: channel ?? id, lane: lane, nonce: nonce, amount: try TokenAmount(amount), signer: signer ?? payer)
            }
            #expect(try await inbox.add(try v(0, 1, "1 FIL")) == (try TokenAmount("1 FIL")))
            #expect(try await inbox.add(try v(0, 2, "1.25 FIL")) == (try TokenAmount("0.25 FIL")))
            await #expect(throws: PaymentError.staleVoucher(lane: 0, nonce: 2, last: 2)) { try await inbox.add(try v(0, 2, "1.25 FIL")) }
            await #expect(throws: PaymentError.staleVoucher(lane: 0, nonce: 1, last: 2)) { try await inbox.add(try v(0, 1, "1.5 FIL")) }
            await #expect(throws: PaymentError.lowerAmount(lane: 0, amount: try TokenAmount("1 FIL"), last: try TokenAmount("1.25 FIL"))) {
                try await inbox.add(try v(0, 3, "1 FIL"))
            }
            await #expect(throws: PaymentError.overspend(channel: id, by: try TokenAmount("0.25 FIL"), funds: try TokenAmount("2 FIL"))) {
                try await inbox.add(try v(1, 1, "1 FIL"))
            }
            await #expect(throws: PaymentError.badSignature("the voucher is not signed by the payer of channel \(id.short)")) {
                try await inbox.add(try v(1, 1, "0.5 FIL", signer: m.payee.identity))
            }
            let other = ChannelID(payer: payer.publicKey, payee: m.payee.identity.nodeID, nonce: 99)
            await #expect(throws: PaymentError.wrongChannel(voucher: id, expected: other)) { try await inbox.add(try v(1, 1, "0.5 FIL"), expected: other) }
            // The ledger's answer, across the wire: the same refusal it would raise locally.
            await #expect(throws: PaymentError.unknownChannel(other).refusal) { try await inbox.add(try v(1, 1, "0.5 FIL", channel: other)) }
            let held = try await m.payee.payments.vouchers(id)
            #expect(held.map(\.nonce) == [2])
            #expect(held.first?.amount == (try TokenAmount("1.25 FIL")))
        }
    }

    @Test(.timeLimit(.minutes(1))) func whenThePayerSettlesThePayeeRedeemsInTimeAndLaterVouchersAreRefused() async throws {
        try await Market.run(settleDelay: 20) { m in
            let id = try await Self.channel(m)
            for (lane, amount) in [(UInt64(0), "1 FIL"), (1, "0.5 FIL")] {
                let v = try await m.payer.payments.manager.createVoucher(channel: id, amount: .cumulative(try TokenAmount(amount)), lane: lane)
                _ = try await m.payee.payments.inbox.add(v)
            }
            _ = try await m.payer.control.settle(id)
            // The payee's watcher notices the settle within one interval and redeems both lanes.
            let deadline = m.clock.now.addingTimeInterval(Payments.watchInterval.seconds)
            await m.clock.waitForSleepers(3, until: deadline)  // the three nodes' watchers
            m.clock.advance(by: Payments.watchInterval)
            for await event in m.payee.journal.subscribe(after: 0) where event.message.contains("redeemed 2 vouchers before it closes") { break }
            let ledger = try await m.ledger.payments.ledger.ledger()
            #expect(try await ledger.channel(id).redeemed == (try TokenAmount("1.5 FIL")))
            m.clock.advance(by: .seconds(20))
            let late = try Voucher(channel: id, lane: 5, nonce: 1, amount: try TokenAmount("0.1 FIL"), signer: m.payer.identity)
            _ = try await m.payee.payments.channel(id)
            m.payee.payments.inbox.forget(id)
            await #expect(throws: PaymentError.self) { try await m.payee.payments.inbox.add(late) }
            let collected = try await m.payer.control.collect(id)
            #expect(collected.collected)
            #expect(collected.redeemed == (try TokenAmount("1.5 FIL")))
            #expect(try await ledger.account(m.payee.identity.nodeID).balance == (try TokenAmount("1.5 FIL")))
            #expect(try await ledger.account(m.payer.identity.nodeID).balance == (try TokenAmount("8.5 FIL")))
        }
    }

    @Test func twoPayersOnOneChannelNeverSignTheSameNonce() async throws {
        try await Market.run { m in
            let id = try await Self.channel(m)
            let step = try TokenAmount("1 attoFIL")
            let vouchers = try await withThrowingTaskGroup(of: [Voucher].self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        var mine: [Voucher] = []
                        for _ in 0..<25 { mine.append(try await m.payer.payments.manager.createVoucher(channel: id, amount: .increment(step), lane: 0)) }
                        return mine
                    }
                }
                return try await group.reduce(into: [Voucher]()) { $0 += $1 }
            }
            #expect(Set(vouchers.map(\.nonce)) == Set(1...50))
            #expect(Set(vouchers.map(\.amount)).count == 50)
            let best = try #require(vouchers.max { $0.nonce < $1.nonce })
            #expect(best.amount == (try TokenAmount("50 attoFIL")))
            #expect(try await m.payee.payments.inbox.add(best) == (try TokenAmount("50 attoFIL")))
        }
    }
}

/// Amounts captured by async closures: Swift 6.3's debug builds corrupted the stack when
/// an async closure captured a 16-byte-aligned value, which `TokenAmount` was while it
/// stored a `UInt128` (the voucher benchmark crashed, or hung, on its first voucher).
struct AmountCaptureTests {
    static func echo(_ amount: TokenAmount) async -> TokenAmount {
        await Task.yield()
        return amount
    }

    @Test func anAmountCapturedByConcurrentAsyncClosuresArrivesWhole() async throws {
        let amount = try TokenAmount("1.000000000000000001 FIL")
        let seen = await withTaskGroup(of: TokenAmount.self) { group in
            for _ in 0..<16 { group.addTask { await Self.echo(amount) } }
            return await group.reduce(into: [TokenAmount]()) { $0.append($1) }
        }
        #expect(seen == Array(repeating: amount, count: 16))
        #expect(MemoryLayout<TokenAmount>.alignment <= 8)
    }

    @Test func paymentsFromParallelLanesShareOneSession() async throws {
        try await PaymentNodeTests.Market.run(loopback: true) { m in
            try await m.fund(m.payer, "10 FIL")
            let channel = try await m.payer.payments.manager.addFunds(to: m.payee.identity.nodeID, amount: try TokenAmount("2 FIL"))
            let session = try await m.payer.context.transport.connect(
                to: m.payee.listenAddress!, identity: m.payer.identity, expectedPeer: m.payee.identity.nodeID, timeout: .seconds(5))
            let step = try TokenAmount("1 attoFIL")
            let total = try await withThrowingTaskGroup(of: TokenAmount.self) { group in
                for lane in UInt64(0)..<4 {
                    group.addTask {
                        var delta = TokenAmount.zero
                        for _ in 0..<5 {
                            let v = try await m.payer.payments.manager.createVoucher(channel: channel, amount: .increment(step), lane: lane)
                            delta = try delta.adding(try await session.call(PaymentVoucher(v), expecting: VoucherReceipt.self).delta)
                        }
                        return delta
                    }
                }
                return try await group.reduce(TokenAmount.zero) { try $0.adding($1) }
            }
            await session.close()
            #expect(total == (try TokenAmount("20 attoFIL")))
            let held = try await m.payee.control.channel(channel)
            #expect(held.spent == (try TokenAmount("20 attoFIL")) && held.laneCount == 4)
        }
    }
}
