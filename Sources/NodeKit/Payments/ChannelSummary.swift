import Foundation

/// One payment channel of a node as a front end shows it.
public struct ChannelSummary: Sendable, Equatable {
    public var id: ChannelID
    public var direction: ChannelDirection
    /// The other party: the payee of an outbound channel, the payer of an inbound one.
    public var peer: NodeID
    /// Everything the payer has locked in the channel (as last read from the ledger).
    public var funds: TokenAmount
    /// The sum of the best vouchers of all lanes: signed (outbound) or received (inbound).
    public var spent: TokenAmount
    /// What the ledger has redeemed.
    public var redeemed: TokenAmount
    public var laneCount: Int
    /// The most recently signed or received voucher.
    public var latest: Voucher?
    /// The epoch settling ends at; nil while the channel is open.
    public var settlingAt: UInt64?
    public var collected: Bool
    public var updatedAt: Date

    public init(id: ChannelID, direction: ChannelDirection, peer: NodeID, funds: TokenAmount, spent: TokenAmount, redeemed: TokenAmount,
                laneCount: Int, latest: Voucher?, settlingAt: UInt64?, collected: Bool, updatedAt: Date) {
        self.id = id
        self.direction = direction
        self.peer = peer
        self.funds = funds
        self.spent = spent
        self.redeemed = redeemed
        self.laneCount = laneCount
        self.latest = latest
        self.settlingAt = settlingAt
        self.collected = collected
        self.updatedAt = updatedAt
    }

    /// Funds not yet promised by a voucher.
    public var available: TokenAmount { (try? funds.subtracting(spent)) ?? .zero }

    /// Where the channel stands at `epoch`, in words: open, settling (with epochs left),
    /// settled (collectable) or collected.
    public func settleState(at epoch: UInt64?) -> String { settlement(at: epoch).description }

    /// Where the channel stands at `epoch` (nil: the ledger's epoch is not known).
    public func settlement(at epoch: UInt64?) -> Settlement {
        if collected { return .collected }
        guard let end = settlingAt else { return .open }
        guard let epoch else { return .settling(epochsLeft: nil) }
        return epoch >= end ? .collectable : .settling(epochsLeft: end - epoch)
    }

    /// A channel's stage between open and collected, for front ends that lay it out
    /// themselves (a narrow table column); `description` is `settleState(at:)`'s text.
    public enum Settlement: Sendable, Equatable, CustomStringConvertible {
        /// Takes funds and vouchers.
        case open
        /// Settle was called; collectable once `epochsLeft` epochs pass (nil: unknown).
        case settling(epochsLeft: UInt64?)
        /// The settle period is over: `collect` pays out.
        case collectable
        /// Paid out and closed.
        case collected

        public var description: String {
            switch self {
            case .open: return "open"
            case .settling(let left?): return "settling, \(left) epochs left"
            case .settling(nil): return "settling"
            case .collectable: return "collectable"
            case .collected: return "collected"
            }
        }
    }
}

extension ChannelSummary {
    init(_ row: PaychStore.Channel, lanes: [PaychStore.Lane]) {
        var spent: UInt128 = 0
        for lane in lanes { spent += lane.voucher.amount.attoFIL }
        self.init(
            id: row.id, direction: row.direction, peer: row.peer, funds: row.funds, spent: TokenAmount(unchecked: min(spent, TokenAmount.max.attoFIL)),
            redeemed: row.redeemed, laneCount: lanes.count, latest: lanes.max { $0.updatedAt < $1.updatedAt }?.voucher,
            settlingAt: row.settlingAt, collected: row.collected, updatedAt: row.updatedAt)
    }
}
