import Foundation
import NodeKitTesting
import Testing
@testable import NodeKit

/// The devnet ledger's rules, on an in-memory database and a manual clock: replays,
/// who may do what, settle and collect to the attoFIL.
struct LedgerTests {
    let clock = ManualClock()
    let ledger: DevnetLedger
    let payer = try! KeyPair(seed: Array(repeating: 1, count: 32))
    let payee = try! KeyPair(seed: Array(repeating: 2, count: 32))
    let stranger = try! KeyPair(seed: Array(repeating: 3, count: 32))

    init() throws {
        ledger = try DevnetLedger(database: try NodeDatabase(), clock: clock, epochMillis: 1000, settleDelay: 10)
    }

    func fil(_ text: String) throws -> TokenAmount { try TokenAmount(text) }

    /// Signs `operation` as `key` with its next nonce and applies it.
    @discardableResult
    func apply(_ operation: LedgerMessage.Operation, as key: KeyPair) async throws -> LedgerReceipt {
        let nonce = try await ledger.account(key.nodeID).nonce + 1
        return try await ledger.apply(LedgerMessage(operation, nonce: nonce, signer: key))
    }

    func openChannel(_ funds: String) async throws -> ChannelID {
        _ = try await ledger.faucet(payer.nodeID, amount: try fil("10 FIL"))
        return try await apply(.createChannel(payee: payee.nodeID, amount: try fil(funds)), as: payer).channel
    }

    @Test func aReplayedOrSkippedNonceIsRefusedAndChangesNothing() async throws {
        _ = try await ledger.faucet(payer.nodeID, amount: try fil("10 FIL"))
        let create = LedgerMessage(.createChannel(payee: payee.nodeID, amount: try fil("1 FIL")), nonce: 1, signer: payer)
        let receipt = try await ledger.apply(create)
        #expect(receipt.channel == ChannelID(payer: payer.publicKey, payee: payee.nodeID, nonce: 1))
        await #expect(throws: PaymentError.staleNonce(account: payer.nodeID, expected: 2, got: 1)) { try await ledger.apply(create) }
        let skipped = LedgerMessage(.createChannel(payee: payee.nodeID, amount: try fil("1 FIL")), nonce: 3, signer: payer)
        await #expect(throws: PaymentError.staleNonce(account: payer.nodeID, expected: 2, got: 3)) { try await ledger.apply(skipped) }
        #expect(try await ledger.account(payer.nodeID) == AccountState(account: payer.nodeID, balance: try fil("9 FIL"), nonce: 1))
        #expect(try await ledger.status().channelCount == 1)
    }

    @Test func aMessageSignedByAnotherKeyIsRefused() async throws {
        _ = try await ledger.faucet(payer.nodeID, amount: try fil("10 FIL"))
        let good = LedgerMessage(.createChannel(payee: payee.nodeID, amount: try fil("1 FIL")), nonce: 1, signer: payer)
        let forged = LedgerMessage(signer: payer.publicKey, nonce: 1, operation: good.operation,
                                   signature: stranger.sign(good.signedBytes))
        await #expect(throws: PaymentError.self) { try await ledger.apply(forged) }
        #expect(try await ledger.account(payer.nodeID).balance == (try fil("10 FIL")))
    }

    @Test func onlyThePayerAddsFundsAndOnlyThePayeeRedeems() async throws {
        let channel = try await openChannel("2 FIL")
        _ = try await ledger.faucet(stranger.nodeID, amount: try fil("5 FIL"))
        await #expect(throws: PaymentError.notParty("only the payer of channel \(channel.short) may add funds to it")) {
            try await apply(.addFunds(channel: channel, amount: try fil("1 FIL")), as: stranger)
        }
        let voucher = try Voucher(channel: channel, lane: 0, nonce: 1, amount: try fil("1 FIL"), signer: payer)
        await #expect(throws: PaymentError.notParty("only the payee of channel \(channel.short) may redeem its vouchers")) {
            try await apply(.update(voucher: voucher), as: payer)
        }
        await #expect(throws: PaymentError.insufficientBalance(account: payer.nodeID, needed: try fil("9 FIL"), available: try fil("8 FIL"))) {
            try await apply(.addFunds(channel: channel, amount: try fil("9 FIL")), as: payer)
        }
        try await apply(.addFunds(channel: channel, amount: try fil("0.5 FIL")), as: payer)
        #expect(try await ledger.channel(channel).funds == (try fil("2.5 FIL")))
    }

    @Test func redeemingFollowsTheVoucherRules() async throws {
        let channel = try await openChannel("2 FIL")
        func voucher(_ lane: UInt64, _ nonce: UInt64, _ amount: String, signer: KeyPair? = nil) throws -> Voucher {
            try Voucher(channel: channel, lane: lane, nonce: nonce, amount: try fil(amount), signer: signer ?? payer)
        }
        try await apply(.update(voucher: try voucher(0, 1, "1 FIL")), as: payee)
        await #expect(throws: PaymentError.staleVoucher(lane: 0, nonce: 1, last: 1)) {
            try await apply(.update(voucher: try voucher(0, 1, "1.5 FIL")), as: payee)
        }
        await #expect(throws: PaymentError.lowerAmount(lane: 0, amount: try fil("0.5 FIL"), last: try fil("1 FIL"))) {
            try await apply(.update(voucher: try voucher(0, 2, "0.5 FIL")), as: payee)
        }
        await #expect(throws: PaymentError.overspend(channel: channel, by: try fil("0.5 FIL"), funds: try fil("2 FIL"))) {
            try await apply(.update(voucher: try voucher(1, 1, "1.5 FIL")), as: payee)
        }
        await #expect(throws: PaymentError.badSignature("the voucher is not signed by the payer of channel \(channel.short)")) {
            try await apply(.update(voucher: try voucher(1, 1, "0.5 FIL", signer: stranger)), as: payee)
        }
        try await apply(.update(voucher: try voucher(1, 1, "1 FIL")), as: payee)
        #expect(try await ledger.channel(channel).redeemed == (try fil("2 FIL")))
    }

    @Test func settleThenCollectPaysTheRedeemedAmountToTheAttoFIL() async throws {
        let channel = try await openChannel("2 FIL")
        let redeemed = try fil("1.234567890123456789 FIL")
        try await apply(.update(voucher: try Voucher(channel: channel, lane: 0, nonce: 1, amount: redeemed, signer: payer)), as: payee)
        await #expect(throws: PaymentError.tooEarly("channel \(channel.short) is not settling; settle it first ('filtop paych settle')")) {
            try await apply(.collect(channel: channel), as: payee)
        }
        clock.advance(by: .seconds(5))
        try await apply(.settle(channel: channel), as: payer)
        #expect(try await ledger.channel(channel).settlingAt == 15)
        await #expect(throws: PaymentError.settling(channel: channel, since: 15)) { try await apply(.settle(channel: channel), as: payee) }
        await #expect(throws: PaymentError.settling(channel: channel, since: 15)) {
            try await apply(.addFunds(channel: channel, amount: try fil("1 FIL")), as: payer)
        }
        clock.advance(by: .seconds(9))
        await #expect(throws: PaymentError.tooEarly("channel \(channel.short) can be collected from epoch 15; it is epoch 14 (1 to go)")) {
            try await apply(.collect(channel: channel), as: payee)
        }
        clock.advance(by: .seconds(1))
        // A voucher after the settle period ended is refused.
        let late = try Voucher(channel: channel, lane: 1, nonce: 1, amount: try fil("0.1 FIL"), signer: payer)
        await #expect(throws: PaymentError.settling(channel: channel, since: 15)) { try await apply(.update(voucher: late), as: payee) }
        try await apply(.collect(channel: channel), as: payee)
        #expect(try await ledger.account(payee.nodeID).balance == redeemed)
        #expect(try await ledger.account(payer.nodeID).balance == (try fil("10 FIL").subtracting(redeemed)))
        await #expect(throws: PaymentError.collected(channel)) { try await apply(.collect(channel: channel), as: payer) }
    }

    @Test func theLedgerSurvivesReopeningItsDatabase() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let path = dir + "/node.sqlite"
            var first: DevnetLedger? = try DevnetLedger(database: try NodeDatabase(path: path), clock: clock, settleDelay: 10)
            _ = try await first!.faucet(payer.nodeID, amount: try fil("3 FIL"))
            let id = try await first!.apply(LedgerMessage(.createChannel(payee: payee.nodeID, amount: try fil("1 FIL")), nonce: 1, signer: payer)).channel
            first = nil
            clock.advance(by: .seconds(7))
            let again = try DevnetLedger(database: try NodeDatabase(path: path), clock: clock, settleDelay: 10)
            #expect(again.epoch == 7)  // the genesis is kept
            #expect(try await again.channel(id).funds == (try fil("1 FIL")))
            #expect(try await again.account(payer.nodeID) == AccountState(account: payer.nodeID, balance: try fil("2 FIL"), nonce: 1))
        }
    }
}
