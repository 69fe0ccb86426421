import Foundation
import NodeKitTesting
import Testing
@testable import NodeKit

/// The devnet's ledger member: started before the market so every member finds it, every
/// account funded, and its chain kept with the devnet.
@Suite(.timeLimit(.minutes(2))) struct DevnetTests {
    @Test func everyMemberStartsFundedAndFindsTheLedger() async throws {
        var builder = DevnetBuilder(gateways: 1, providers: 1)
        builder.settleDelay = 5
        try await builder.run { market in
            let devnet = market.devnet
            #expect(devnet.ledger.name == "ledger" && devnet.ledger.node.context.roles == [.ledger])
            let book = try await devnet.ledger.node.payments.ledger.ledger()
            #expect(try await book.status().settleDelay == 5)
            for member in [devnet.register, devnet.ledger] + devnet.members {
                #expect(try await book.account(member.node.context.nodeID).balance == Devnet.startingBalance, "\(member.name)")
            }
            // Each member's local copy of the register lists every other member.
            let joined = [devnet.ledger] + devnet.members
            for member in joined {
                let others = Set(joined.filter { $0.name != member.name }.map(\.node.context.nodeID.description))
                #expect(Set(try await member.node.control.registerPeers().records.map(\.nodeID)) == others, "\(member.name)")
            }
            // A member's first register sync listed the ledger: its payments reach it.
            let gateway = try #require(market.member("gateway-01")).node
            let remote = try #require(try await gateway.payments.ledger.ledger() as? RemoteLedger)
            #expect(remote.nodeID == devnet.ledger.node.context.nodeID)
            #expect(try await gateway.control.ledgerAccount().balance == Devnet.startingBalance)
            // Funding tops up what an account lacks and leaves one that holds enough alone.
            let newcomer = KeyPair().publicKey.nodeID, rich = KeyPair().publicKey.nodeID
            _ = try await book.faucet(rich, amount: try TokenAmount(fil: 150))
            _ = try await book.faucet(newcomer, amount: try TokenAmount("0.25 FIL"))
            let given = try await devnet.fund([newcomer, rich, gateway.context.nodeID])
            #expect(given == [newcomer: try TokenAmount("99.75 FIL")])
            #expect(try await book.account(newcomer).balance == Devnet.startingBalance)
            #expect(try await book.account(rich).balance == (try TokenAmount(fil: 150)))
        }
    }

    @Test func theLedgerComesBackWithTheDevnetAndFreshStartsOver() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("filtop-devnet-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let clock = ManualClock()
        let transport = InMemoryTransport(clock: clock)
        func start() async throws -> Devnet {
            try await Devnet.start(directory: root, gateways: 1, providers: 1, host: InMemoryTransport.host, transport: transport, clock: clock)
        }
        var devnet = try await start()
        let gateway = try #require(devnet.members.first { $0.name == "gateway-01" }).node
        let payer = gateway.context.nodeID
        let payee = try #require(devnet.members.first { $0.name == "provider-01" }).node.context.nodeID
        let channel = try await gateway.payments.manager.addFunds(to: payee, amount: try TokenAmount(fil: 2))
        #expect(try await gateway.control.ledgerAccount().balance == (try TokenAmount(fil: 98)))
        await devnet.stop()

        // The same directory: the channel and the account's nonce are still there; the
        // spent balance is topped up again to the starting balance.
        devnet = try await start()
        var book = try await devnet.ledger.node.payments.ledger.ledger()
        #expect(try await book.channel(channel).funds == (try TokenAmount(fil: 2)))
        let account = try await book.account(payer)
        #expect(account.nonce == 1 && account.balance == Devnet.startingBalance)
        await devnet.stop()

        // --fresh: a new chain.
        try Devnet.clear(directory: root)
        devnet = try await start()
        book = try await devnet.ledger.node.payments.ledger.ledger()
        await #expect(throws: PaymentError.unknownChannel(channel)) { _ = try await book.channel(channel) }
        #expect(try await book.account(payer) == AccountState(account: payer, balance: .zero, nonce: 0))
        #expect(try await book.status().channelCount == 0)
        await devnet.stop()
    }

    @Test func aSettleDelayOutsideTheLedgersRangeIsRefused() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("filtop-devnet-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = await #expect(throws: DevnetError.self) {
            _ = try await Devnet.start(directory: root, gateways: 0, providers: 0, host: InMemoryTransport.host,
                                       transport: InMemoryTransport(), clock: ManualClock(), settleDelay: -1)
        }
        #expect(error?.description.contains("settle delay") == true)
    }
}
