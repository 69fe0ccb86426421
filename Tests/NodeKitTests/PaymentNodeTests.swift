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
