/// The ledger role: serves a `DevnetLedger` to every node over secure sessions. Reads
/// are open; a `LedgerSubmit` is applied only if its message is signed by its account
/// (the session's peer need not be that account: a message's signature is its authority,
/// as on a chain). The faucet exists because this is a devnet's ledger.
public struct LedgerService: NodeService {
    private let ledger: DevnetLedger
    private let context: NodeContext

    public init(context: NodeContext, ledger: DevnetLedger) {
        self.context = context
        self.ledger = ledger
    }

    public func install(into router: RequestRouter) {
        let ledger = self.ledger, context = self.context
        router.on(LedgerStatusRequest.self) { _, _ in LedgerStatusInfo(try await ledger.status()) }
        router.on(LedgerAccountRequest.self) { m, _ in LedgerAccountInfo(try await ledger.account(m.account)) }
        router.on(LedgerAccountsRequest.self) { _, _ in LedgerAccounts(try await ledger.accounts()) }
        router.on(LedgerChannelRequest.self) { m, _ in LedgerChannelInfo(try await ledger.channel(m.channel)) }
        router.on(LedgerSubmit.self) { m, _ in
            let receipt = try await ledger.apply(m.message)
            context.note(.info, .channel, "ledger: \(m.message.operation.name) on \(receipt.channel.short) by \(m.message.account.short) at epoch \(receipt.epoch)")
            return LedgerApplied(receipt)
        }
        router.on(LedgerFaucetRequest.self) { m, _ in
            let state = try await ledger.faucet(m.account, amount: m.amount)
            context.note(.info, .channel, "ledger: faucet gave \(m.amount) to \(m.account.short)")
            return LedgerAccountInfo(state)
        }
    }
}
