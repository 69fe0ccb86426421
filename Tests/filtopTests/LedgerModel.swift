import NodeKit

/// The ledger as a crash test expects it: each account's balance and nonce, each
/// channel's funds, redeemed lanes and settle state, and everything the faucet gave.
/// `applying(_:)` follows `DevnetLedger`'s rules, so after any sequence of operations the
/// ledger must hold exactly `state`; an operation a killed ledger left unanswered must
/// have applied whole or not at all: the ledger then holds `state` or `applying(op).state`.
///
/// The rules assume a settle delay of 0, so a settling channel takes no vouchers and can
/// be collected at once.
struct LedgerModel: Sendable {
    /// One account: its balance in attoFIL and the nonce of its last message.
    struct Account: Equatable, Sendable {
        var balance: UInt128 = 0
        var nonce: UInt64 = 0
    }

    /// One channel, with its lanes as redeemed: lane → (nonce, amount in attoFIL).
    struct Channel: Equatable, Sendable {
        var payer: PublicKey
        var payee: NodeID
        var funds: UInt128
        var lanes: [UInt64: LaneState] = [:]
        var settling = false
        var collected = false

        var redeemed: UInt128 { lanes.values.reduce(0) { $0 + $1.amount.attoFIL } }
        var isOpen: Bool { !settling && !collected }
        func hasParty(_ id: NodeID) -> Bool { id == payee || id == payer.nodeID }
    }

    /// What the ledger holds; `unknownChannels` counts channels on the ledger that are
    /// not in `channels` (always 0 in the model).
    struct State: Equatable, Sendable {
        var accounts: [NodeID: Account] = [:]
        var channels: [ChannelID: Channel] = [:]
        var unknownChannels = 0

        /// Every attoFIL on the ledger: all balances and the funds of uncollected channels.
        var total: UInt128 {
            accounts.values.reduce(0) { $0 + $1.balance } + channels.values.filter { !$0.collected }.reduce(0) { $0 + $1.funds }
        }
    }

    /// One operation a node of the test sends to the ledger.
    enum Operation: Sendable, CustomStringConvertible {
        case faucet(NodeID, TokenAmount)
        case createChannel(payer: PublicKey, payee: NodeID, TokenAmount)
        case addFunds(payer: NodeID, ChannelID, TokenAmount)
        case redeem(payee: NodeID, Voucher)
        case settle(by: NodeID, ChannelID)
        case collect(by: NodeID, ChannelID)

        var description: String {
            switch self {
            case .faucet(let id, let amount): return "faucet \(amount) to \(id.short)"
            case .createChannel(let payer, let payee, let amount): return "create \(payer.nodeID.short)→\(payee.short) with \(amount)"
            case .addFunds(_, let id, let amount): return "add \(amount) to \(id.short)"
            case .redeem(_, let v): return "redeem \(v.amount) on \(v.channel.short) lane \(v.lane) nonce \(v.nonce)"
            case .settle(let by, let id): return "settle \(id.short) by \(by.short)"
            case .collect(let by, let id): return "collect \(id.short) by \(by.short)"
            }
        }
    }

    private(set) var state = State()
    /// Everything the faucet credited.
    private(set) var faucetTotal: UInt128 = 0

    /// The model after `operation`, or nil when the ledger must refuse it (and change nothing).
    func applying(_ operation: Operation) -> LedgerModel? {
        var next = self
        switch operation {
        case .faucet(let id, let amount):
            next.state.accounts[id, default: Account()].balance += amount.attoFIL
            next.faucetTotal += amount.attoFIL
            return next
        case .createChannel(let payer, let payee, let amount):
            let nonce = next.state.accounts[payer.nodeID, default: Account()].nonce + 1
            guard next.message(from: payer.nodeID, debiting: amount.attoFIL) else { return nil }
            next.state.channels[ChannelID(payer: payer, payee: payee, nonce: nonce)] = Channel(payer: payer, payee: payee, funds: amount.attoFIL)
            return next
        case .addFunds(let payer, let id, let amount):
            guard var channel = state.channels[id], channel.payer.nodeID == payer, channel.isOpen,
                  next.message(from: payer, debiting: amount.attoFIL) else { return nil }
            channel.funds += amount.attoFIL
            next.state.channels[id] = channel
            return next
        case .redeem(let payee, let v):
            guard var channel = state.channels[v.channel], channel.payee == payee, channel.isOpen, v.isSigned(by: channel.payer) else { return nil }
            if let last = channel.lanes[v.lane] {
                guard v.nonce > last.nonce, v.amount >= last.amount else { return nil }
            } else if channel.lanes.count >= ChannelState.maxLanes {
                return nil
            }
            let others = channel.lanes.values.filter { $0.lane != v.lane }.reduce(UInt128(0)) { $0 + $1.amount.attoFIL }
            guard others + v.amount.attoFIL <= channel.funds, next.message(from: payee, debiting: 0) else { return nil }
            channel.lanes[v.lane] = LaneState(lane: v.lane, nonce: v.nonce, amount: v.amount)
            next.state.channels[v.channel] = channel
            return next
        case .settle(let by, let id):
            guard var channel = state.channels[id], channel.hasParty(by), channel.isOpen, next.message(from: by, debiting: 0) else { return nil }
            channel.settling = true
            next.state.channels[id] = channel
            return next
        case .collect(let by, let id):
            guard var channel = state.channels[id], channel.hasParty(by), channel.settling, !channel.collected,
                  next.message(from: by, debiting: 0) else { return nil }
            next.state.accounts[channel.payee, default: Account()].balance += channel.redeemed
            next.state.accounts[channel.payer.nodeID, default: Account()].balance += channel.funds - channel.redeemed
            channel.collected = true
            next.state.channels[id] = channel
            return next
        }
    }

    /// A message from `account`: takes its next nonce and debits `amount`; false when the
    /// balance is short (the ledger refuses the message whole).
    private mutating func message(from account: NodeID, debiting amount: UInt128) -> Bool {
        var sender = state.accounts[account, default: Account()]
        guard amount <= sender.balance else { return false }
        sender.balance -= amount
        sender.nonce += 1
        state.accounts[account] = sender
        return true
    }

    /// What `ledger` holds now: every account, the channels `ids` (those the ledger knows)
    /// and how many other channels it has.
    static func read(_ ledger: any Ledger, channels ids: some Sequence<ChannelID>) async throws -> State {
        var state = State()
        for account in try await ledger.accounts() {
            state.accounts[account.account] = Account(balance: account.balance.attoFIL, nonce: account.nonce)
        }
        for id in ids {
            let held: ChannelState
            do { held = try await ledger.channel(id) } catch let refusal as Refusal where refusal.code == .notFound { continue }
            state.channels[id] = Channel(
                payer: held.payer, payee: held.payee, funds: held.funds.attoFIL, lanes: Dictionary(uniqueKeysWithValues: held.lanes.map { ($0.lane, $0) }),
                settling: held.settlingAt != nil, collected: held.collected)
        }
        state.unknownChannels = try await ledger.status().channelCount - state.channels.count
        return state
    }
}
