import Foundation

/// `filtop bench paych`: vouchers created by a payer, sent over one secure session,
/// checked and durably stored by the payee, acknowledged — per second, between two real
/// nodes on loopback, with a third node as the devnet's ledger and register. Everything lives in a
/// temporary directory that is removed afterwards.
public enum PaychBenchmark {
    public struct Result: Sendable {
        public var vouchers: Int
        public var seconds: Double
        public var perSecond: Double { Double(vouchers) / seconds }
    }

    /// Runs `lanes` payers in parallel (one lane each, each waiting for its receipt
    /// before the next voucher) for `seconds`.
    public static func run(seconds: Double, lanes: Int) async throws -> Result {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("filtop-bench-paych-\(getpid())").path
        try? FileManager.default.removeItem(atPath: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ledger = try await BenchmarkNode.start(DataDirectory(path: root + "/ledger"), roles: ["ledger", "register"], support: nil)
        let payee = try await BenchmarkNode.start(DataDirectory(path: root + "/payee"), roles: ["provider"], support: ledger)
        let payer = try await BenchmarkNode.start(DataDirectory(path: root + "/payer"), roles: ["client"], support: ledger)
        do {
            _ = try await ledger.payments.ledger.ledger().faucet(payer.identity.nodeID, amount: try TokenAmount(fil: 1000))
            let channel = try await payer.payments.manager.ensureFunds(to: payee.identity.nodeID, available: try TokenAmount(fil: 1000))
            guard let address = payee.listenAddress else { throw PaymentError.noLedger("the payee did not listen") }
            let session = try await payer.context.transport.connect(
                to: address, identity: payer.identity, expectedPeer: payee.identity.nodeID, timeout: .seconds(5))
            let step = try TokenAmount("1 attoFIL")
            let start = Date(), deadline = start.addingTimeInterval(seconds)
            let count = try await withThrowingTaskGroup(of: Int.self) { group in
                for lane in 0..<UInt64(lanes) {
                    group.addTask {
                        var n = 0
                        while Date() < deadline {
                            let v = try await payer.payments.manager.createVoucher(channel: channel, amount: .increment(step), lane: lane)
                            _ = try await session.call(PaymentVoucher(v), expecting: VoucherReceipt.self)
                            n += 1
                        }
                        return n
                    }
                }
                return try await group.reduce(0, +)
            }
            let elapsed = Date().timeIntervalSince(start)
            await session.close()
            for node in [payer, payee, ledger] { await node.stop() }
            return Result(vouchers: count, seconds: elapsed)
        } catch {
            for node in [payer, payee, ledger] { await node.stop() }
            throw error
        }
    }
}
