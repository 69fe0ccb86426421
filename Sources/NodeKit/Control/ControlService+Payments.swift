/// `PaymentControl` (part of `NodeControl`) on the node itself, through its `Payments`.
extension ControlService {
    public func channels() async throws -> [ChannelSummary] { try await payments.channels() }

    public func channel(_ id: ChannelID) async throws -> ChannelSummary { try await payments.channel(id) }

    public func addFunds(peer: NodeID, amount: TokenAmount) async throws -> ChannelSummary {
        try await payments.channel(try await payments.manager.addFunds(to: peer, amount: amount), refresh: false)
    }

    public func createVoucher(channel: ChannelID, amount: TokenAmount, lane: UInt64?, send: Bool) async throws -> CreatedVoucher {
        let voucher = try await payments.manager.createVoucher(channel: channel, amount: .cumulative(amount), lane: lane)
        return CreatedVoucher(voucher: voucher, receipt: send ? try await payments.manager.send(voucher) : nil)
    }

    public func checkVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount {
        try await payments.inbox.check(voucher, expected: channel)
    }

    public func addVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount {
        try await payments.inbox.add(voucher, expected: channel)
    }

    public func vouchers(channel: ChannelID) async throws -> [Voucher] { try await payments.vouchers(channel) }

    public func bestSpendable(channel: ChannelID) async throws -> [Voucher] { try await payments.inbox.bestSpendable(channel) }

    public func submitVoucher(channel: ChannelID, voucher: Voucher?) async throws -> Int { try await payments.submit(channel, voucher: voucher) }

    public func settle(_ channel: ChannelID) async throws -> ChannelSummary { try await payments.settle(channel) }

    public func collect(_ channel: ChannelID) async throws -> ChannelSummary { try await payments.collect(channel) }

    public func ledgerStatus() async throws -> LedgerStatus { try await payments.ledger.ledger().status() }

    public func ledgerAccounts() async throws -> [AccountState] { try await payments.ledger.ledger().accounts() }

    public func ledgerAccount() async throws -> AccountState { try await payments.ledger.ledger().account(context.nodeID) }

    public func faucet(account: NodeID, amount: TokenAmount) async throws -> AccountState {
        try await payments.ledger.ledger().faucet(account, amount: amount)
    }
}
