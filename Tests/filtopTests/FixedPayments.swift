import Foundation
import NodeKit

/// The fixed test node's payment channels: five channels in every state (open, settling,
/// collectable, collected; outbound and inbound; with and without vouchers), built from
/// real vouchers signed with fixed keys, on a ledger at a fixed epoch.
enum FixedPayments {
    static func key(_ byte: UInt8) -> KeyPair {
        do { return try KeyPair(seed: Array(repeating: byte, count: 32)) } catch { fatalError("a 32-byte seed is a key: \(error)") }
    }

    /// The node's own key (it pays on outbound channels) and three peers.
    static let own = key(7)
    static let alice = key(1), bob = key(2), carol = key(3)

    /// The ledger as the node last read it: 30 s epochs, so the fixtures' hour and two
    /// minutes (3725 s) later the epoch is 1124.
    static let ledger = LedgerStatus(epoch: 1000, epochMillis: 30_000, settleDelay: 60, accountCount: 4, channelCount: 5)
    static let account = AccountState(account: own.nodeID, balance: fil("987.654321 FIL"), nonce: 9)

    static func fil(_ text: String) -> TokenAmount {
        do { return try TokenAmount(text) } catch { fatalError("fixture amount \(text): \(error)") }
    }

    /// A channel and the best voucher of each of its lanes (the last one the latest).
    struct Channel: Sendable {
        var summary: ChannelSummary
        var vouchers: [Voucher]
    }

    static let channels: [Channel] = [
        channel(payer: own, payee: alice.nodeID, nonce: 5, funds: "10 FIL", redeemed: "0 FIL",
                lanes: [(1, 2, "1 FIL"), (0, 4, "1.5 FIL")], settlingAt: nil, collected: false, hour: 5),
        channel(payer: bob, payee: own.nodeID, nonce: 1, funds: "5 FIL", redeemed: "0.0005 FIL",
                lanes: [(0, 17, "0.001048576 FIL")], settlingAt: 1166, collected: false, hour: 4),
        channel(payer: own, payee: carol.nodeID, nonce: 2, funds: "1 FIL", redeemed: "1 FIL",
                lanes: [(0, 9, "1 FIL")], settlingAt: 1040, collected: true, hour: 3),
        channel(payer: alice, payee: own.nodeID, nonce: 3, funds: "2 FIL", redeemed: "0 FIL",
                lanes: [(0, 1, "0.00000005 FIL")], settlingAt: 990, collected: false, hour: 2),
        channel(payer: own, payee: bob.nodeID, nonce: 1, funds: "0.25 FIL", redeemed: "0 FIL",
                lanes: [], settlingAt: nil, collected: false, hour: 1),
    ]

    static var summaries: [ChannelSummary] { channels.map(\.summary) }

    private static func channel(payer: KeyPair, payee: NodeID, nonce: UInt64, funds: String, redeemed: String,
                                lanes: [(lane: UInt64, nonce: UInt64, amount: String)], settlingAt: UInt64?, collected: Bool,
                                hour: Double) -> Channel {
        let id = ChannelID(payer: payer.publicKey, payee: payee, nonce: nonce)
        let vouchers = lanes.map { lane in
            do { return try Voucher(channel: id, lane: lane.lane, nonce: lane.nonce, amount: fil(lane.amount), signer: payer) } catch {
                fatalError("fixture voucher: \(error)")
            }
        }
        var spent = TokenAmount.zero
        for v in vouchers { spent = (try? spent.adding(v.amount)) ?? spent }
        let outbound = payer === own
        let summary = ChannelSummary(
            id: id, direction: outbound ? .outbound : .inbound, peer: outbound ? payee : payer.nodeID, funds: fil(funds), spent: spent,
            redeemed: fil(redeemed), laneCount: vouchers.count, latest: vouchers.last, settlingAt: settlingAt, collected: collected,
            updatedAt: FixedNodeControl.started.addingTimeInterval(hour * 3600))
        return Channel(summary: summary, vouchers: vouchers)
    }

    // MARK: the node's answers

    static func channel(_ id: ChannelID) throws -> ChannelSummary {
        guard let c = channels.first(where: { $0.summary.id == id }) else { throw PaymentError.unknownChannel(id) }
        return c.summary
    }

    /// What add-funds answers: the open outbound channel to `peer` with `amount` more, or
    /// a new one; more than the account holds is refused as the ledger refuses it.
    static func addFunds(peer: NodeID, amount: TokenAmount) throws -> ChannelSummary {
        guard amount <= account.balance else {
            throw PaymentError.insufficientBalance(account: own.nodeID, needed: amount, available: account.balance)
        }
        if var open = summaries.first(where: { $0.direction == .outbound && $0.peer == peer && $0.settlingAt == nil && !$0.collected }) {
            open.funds = try open.funds.adding(amount)
            return open
        }
        return ChannelSummary(id: ChannelID(payer: own.publicKey, payee: peer, nonce: account.nonce + 1), direction: .outbound, peer: peer,
                              funds: amount, spent: .zero, redeemed: .zero, laneCount: 0, latest: nil, settlingAt: nil, collected: false,
                              updatedAt: FixedNodeControl.started)
    }

    /// What settle answers: an open channel starts its settle period; any other is refused.
    static func settle(_ id: ChannelID) throws -> ChannelSummary {
        var c = try channel(id)
        if c.collected { throw PaymentError.collected(id) }
        if let since = c.settlingAt { throw PaymentError.settling(channel: id, since: since - ledger.settleDelay) }
        c.settlingAt = ledger.epoch + ledger.settleDelay
        return c
    }

    /// What collect answers: a channel whose settle period is over is paid out; any other is refused.
    static func collect(_ id: ChannelID) throws -> ChannelSummary {
        var c = try channel(id)
        if c.collected { throw PaymentError.collected(id) }
        guard let end = c.settlingAt else { throw PaymentError.tooEarly("channel \(id.short) is open: settle it first (:settle), then collect") }
        guard ledger.epoch >= end else { throw PaymentError.tooEarly("channel \(id.short) settles until epoch \(end); collect after it") }
        c.collected = true
        return c
    }
}
