/// What lives on chain, behind one protocol: accounts and balances, the current epoch,
/// and payment channels. `DevnetLedger` (SQLite, epochs from the node's clock) is the
/// default; `RemoteLedger` reaches a node with the `ledger` role over a secure session;
/// a Lotus adapter would be another implementation.
///
/// Every state change is a `LedgerMessage` signed by its account with the account's next
/// nonce; reads are free. Errors are `PaymentError`s.
public protocol Ledger: Sendable {
    /// The current epoch and the ledger's parameters.
    func status() async throws -> LedgerStatus
    /// An account's balance and last nonce (zero for an account never seen).
    func account(_ id: NodeID) async throws -> AccountState
    /// Every account with a balance or a nonce, by ID (at most `LedgerAccounts.maxAccounts`).
    func accounts() async throws -> [AccountState]
    /// A channel's state; `unknownChannel` if there is none.
    func channel(_ id: ChannelID) async throws -> ChannelState
    /// Applies a signed message; returns the epoch it was applied in and the channel it touched.
    func apply(_ message: LedgerMessage) async throws -> LedgerReceipt
    /// Devnet only: credits `amount` to `account` (at most `DevnetLedger.faucetLimit` a call).
    func faucet(_ account: NodeID, amount: TokenAmount) async throws -> AccountState
}

/// The ledger's clock and parameters.
public struct LedgerStatus: Sendable, Equatable {
    public var epoch: UInt64
    /// Milliseconds per epoch.
    public var epochMillis: UInt64
    /// Epochs from a settle to the earliest collect.
    public var settleDelay: UInt64
    public var accountCount: Int
    public var channelCount: Int

    public init(epoch: UInt64, epochMillis: UInt64, settleDelay: UInt64, accountCount: Int, channelCount: Int) {
        self.epoch = epoch
        self.epochMillis = epochMillis
        self.settleDelay = settleDelay
        self.accountCount = accountCount
        self.channelCount = channelCount
    }
}

/// One account on the ledger.
public struct AccountState: Sendable, Equatable {
    public var account: NodeID
    public var balance: TokenAmount
    /// The nonce of the last message applied (0 before the first); the next must be this + 1.
    public var nonce: UInt64

    public init(account: NodeID, balance: TokenAmount, nonce: UInt64) {
        self.account = account
        self.balance = balance
        self.nonce = nonce
    }
}

/// One lane of a channel as redeemed on the ledger, or as held by a payer or payee.
public struct LaneState: Sendable, Equatable {
    public var lane: UInt64
    public var nonce: UInt64
    public var amount: TokenAmount

    public init(lane: UInt64, nonce: UInt64, amount: TokenAmount) {
        self.lane = lane
        self.nonce = nonce
        self.amount = amount
    }
}

/// A payment channel on the ledger.
public struct ChannelState: Sendable, Equatable {
    /// Lanes per channel, at most (the ledger refuses a voucher that would open one more).
    public static let maxLanes = 256

    public var id: ChannelID
    public var payer: PublicKey
    public var payee: NodeID
    /// Everything the payer has locked in the channel.
    public var funds: TokenAmount
    /// Redeemed per lane (vouchers submitted with `update`), by lane.
    public var lanes: [LaneState]
    /// The epoch settling ends at (collect is allowed from then on); nil while open.
    public var settlingAt: UInt64?
    /// The highest `minSettleEpoch` of a redeemed voucher.
    public var minSettleEpoch: UInt64
    public var collected: Bool
    public var createdEpoch: UInt64

    public init(id: ChannelID, payer: PublicKey, payee: NodeID, funds: TokenAmount, lanes: [LaneState], settlingAt: UInt64?,
                minSettleEpoch: UInt64, collected: Bool, createdEpoch: UInt64) {
        self.id = id
        self.payer = payer
        self.payee = payee
        self.funds = funds
        self.lanes = lanes
        self.settlingAt = settlingAt
        self.minSettleEpoch = minSettleEpoch
        self.collected = collected
        self.createdEpoch = createdEpoch
    }

    /// The sum redeemed over all lanes: what collect pays the payee.
    public var redeemed: TokenAmount {
        lanes.reduce(TokenAmount.zero) { TokenAmount(unchecked: $0.attoFIL + $1.amount.attoFIL) }
    }
}

/// What applying a ledger message did.
public struct LedgerReceipt: Sendable, Equatable {
    public var epoch: UInt64
    /// The channel created or changed.
    public var channel: ChannelID
    /// The account nonce the message used.
    public var nonce: UInt64

    public init(epoch: UInt64, channel: ChannelID, nonce: UInt64) {
        self.epoch = epoch
        self.channel = channel
        self.nonce = nonce
    }
}
