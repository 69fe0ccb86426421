/// What a console or the CLI can ask of and do to a node's payment channels and ledger
/// (`lotus paych`'s commands). `ControlService` implements it on the node;
/// `RemoteNodeControl` sends the same requests over an admin session.
public protocol PaymentControl: Sendable {
    /// Every channel of the node, inbound and outbound, newest first.
    func channels() async throws -> [ChannelSummary]
    /// One channel, read again from the ledger.
    func channel(_ id: ChannelID) async throws -> ChannelSummary
    /// Adds `amount` to the open channel to `peer`, or opens one with it.
    func addFunds(peer: NodeID, amount: TokenAmount) async throws -> ChannelSummary
    /// Signs a voucher for `amount` (the lane's new cumulative amount) on outbound channel
    /// `channel`, on `lane` or a new one; with `send`, delivers it to the payee too.
    func createVoucher(channel: ChannelID, amount: TokenAmount, lane: UInt64?, send: Bool) async throws -> CreatedVoucher
    /// Checks a received voucher for inbound channel `channel` without keeping it;
    /// returns what it would add to its lane.
    func checkVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount
    /// Checks and durably keeps a received voucher; returns what it added to its lane.
    func addVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount
    /// The best voucher of each lane the node holds for `channel` (signed or received).
    func vouchers(channel: ChannelID) async throws -> [Voucher]
    /// The held vouchers of inbound `channel` the ledger has not redeemed in full.
    func bestSpendable(channel: ChannelID) async throws -> [Voucher]
    /// Redeems `voucher` (or, when nil, every spendable one) on the ledger; returns how many.
    func submitVoucher(channel: ChannelID, voucher: Voucher?) async throws -> Int
    /// Starts settling `channel` (as payee, after redeeming what it holds).
    func settle(_ channel: ChannelID) async throws -> ChannelSummary
    /// Collects a settled channel.
    func collect(_ channel: ChannelID) async throws -> ChannelSummary
    /// The ledger's epoch and parameters.
    func ledgerStatus() async throws -> LedgerStatus
    /// Every account on the ledger.
    func ledgerAccounts() async throws -> [AccountState]
    /// This node's own account.
    func ledgerAccount() async throws -> AccountState
    /// Devnet faucet: credits `amount` to `account`.
    func faucet(account: NodeID, amount: TokenAmount) async throws -> AccountState
}

/// A voucher the node signed, and the payee's receipt when it was sent.
public struct CreatedVoucher: Sendable, Equatable {
    public var voucher: Voucher
    public var receipt: VoucherReceipt?

    public init(voucher: Voucher, receipt: VoucherReceipt?) {
        self.voucher = voucher
        self.receipt = receipt
    }
}
