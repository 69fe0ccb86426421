/// `PaymentControl` (part of `NodeControl`) over the admin session: one `ControlPaymentRequest` per call.
extension RemoteNodeControl {
    private func pay(_ request: ControlPaymentRequest) async throws -> ControlPaymentAnswer {
        try await call(request, expecting: ControlPaymentAnswer.self)
    }

    private func one<T>(_ items: [T], _ what: String) throws -> T {
        guard let first = items.first else { throw WireError.invalidMessage("the node's answer carried no \(what)") }
        return first
    }

    public func channels() async throws -> [ChannelSummary] { try await pay(.init(.channels)).channels }

    public func channel(_ id: ChannelID) async throws -> ChannelSummary { try one(try await pay(.init(.channel, channel: id)).channels, "channel") }

    public func addFunds(peer: NodeID, amount: TokenAmount) async throws -> ChannelSummary {
        try one(try await pay(.init(.addFunds, peer: peer, amount: amount)).channels, "channel")
    }

    public func createVoucher(channel: ChannelID, amount: TokenAmount, lane: UInt64?, send: Bool) async throws -> CreatedVoucher {
        let answer = try await pay(.init(.voucherCreate, channel: channel, amount: amount, lane: lane, send: send))
        return CreatedVoucher(voucher: try one(answer.vouchers, "voucher"), receipt: answer.receipt)
    }

    public func checkVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount {
        try await pay(.init(.voucherCheck, channel: channel, voucher: voucher)).amount
    }

    public func addVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount {
        try await pay(.init(.voucherAdd, channel: channel, voucher: voucher)).amount
    }

    public func vouchers(channel: ChannelID) async throws -> [Voucher] { try await pay(.init(.voucherList, channel: channel)).vouchers }

    public func bestSpendable(channel: ChannelID) async throws -> [Voucher] {
        try await pay(.init(.voucherBestSpendable, channel: channel)).vouchers
    }

    public func submitVoucher(channel: ChannelID, voucher: Voucher?) async throws -> Int {
        Int(clamping: try await pay(.init(.voucherSubmit, channel: channel, voucher: voucher)).count)
    }

    public func settle(_ channel: ChannelID) async throws -> ChannelSummary { try one(try await pay(.init(.settle, channel: channel)).channels, "channel") }

    public func collect(_ channel: ChannelID) async throws -> ChannelSummary { try one(try await pay(.init(.collect, channel: channel)).channels, "channel") }

    public func ledgerStatus() async throws -> LedgerStatus {
        guard let status = try await pay(.init(.ledgerStatus)).status else { throw WireError.invalidMessage("the node's answer carried no ledger status") }
        return status
    }

    public func ledgerAccounts() async throws -> [AccountState] { try await pay(.init(.ledgerAccounts)).accounts }

    public func ledgerAccount() async throws -> AccountState { try one(try await pay(.init(.ledgerAccount)).accounts, "account") }

    public func faucet(account: NodeID, amount: TokenAmount) async throws -> AccountState {
        try one(try await pay(.init(.faucet, peer: account, amount: amount)).accounts, "account")
    }
}
