import Foundation
import NodeKit
import Testing

@Suite struct ChannelSummaryTests {
    private func summary(settlingAt: UInt64?, collected: Bool = false) throws -> ChannelSummary {
        let payer = try KeyPair(seed: Array(repeating: 1, count: 32))
        return ChannelSummary(
            id: ChannelID(payer: payer.publicKey, payee: payer.nodeID, nonce: 1), direction: .outbound, peer: payer.nodeID,
            funds: try TokenAmount("1 FIL"), spent: try TokenAmount("0.25 FIL"), redeemed: .zero, laneCount: 1, latest: nil,
            settlingAt: settlingAt, collected: collected, updatedAt: Date(timeIntervalSince1970: 0))
    }

    @Test func settlementFollowsTheEpochAndItsTextIsSettleState() throws {
        let open = try summary(settlingAt: nil)
        #expect(open.settlement(at: 10) == .open)
        let settling = try summary(settlingAt: 70)
        #expect(settling.settlement(at: 10) == .settling(epochsLeft: 60))
        #expect(settling.settlement(at: nil) == .settling(epochsLeft: nil))
        #expect(settling.settlement(at: 70) == .collectable)
        #expect(try summary(settlingAt: 70, collected: true).settlement(at: 10) == .collected)
        #expect(settling.settleState(at: 10) == "settling, 60 epochs left")
        #expect(settling.settleState(at: nil) == "settling")
        #expect(settling.settleState(at: 71) == "collectable")
        #expect(open.settleState(at: 10) == "open")
        #expect(open.available == (try TokenAmount("0.75 FIL")))
    }
}
