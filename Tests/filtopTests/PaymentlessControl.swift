import NodeKit

/// For console fakes that test something else: a node with no ledger, whose payment
/// calls are refused as a node without one refuses them.
protocol PaymentlessControl: MarketlessControl {}

extension PaymentlessControl {
    private var refusal: PaymentError { .noLedger("no ledger in this test node") }
    func channels() async throws -> [ChannelSummary] { [] }
    func channel(_ id: ChannelID) async throws -> ChannelSummary { throw PaymentError.unknownChannel(id) }
    func addFunds(peer: NodeID, amount: TokenAmount) async throws -> ChannelSummary { throw refusal }
    func createVoucher(channel: ChannelID, amount: TokenAmount, lane: UInt64?, send: Bool) async throws -> CreatedVoucher { throw refusal }
    func checkVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount { throw refusal }
    func addVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount { throw refusal }
    func vouchers(channel: ChannelID) async throws -> [Voucher] { throw PaymentError.unknownChannel(channel) }
    func bestSpendable(channel: ChannelID) async throws -> [Voucher] { throw PaymentError.unknownChannel(channel) }
    func submitVoucher(channel: ChannelID, voucher: Voucher?) async throws -> Int { throw refusal }
    func settle(_ channel: ChannelID) async throws -> ChannelSummary { throw refusal }
    func collect(_ channel: ChannelID) async throws -> ChannelSummary { throw refusal }
    func ledgerStatus() async throws -> LedgerStatus { throw refusal }
    func ledgerAccounts() async throws -> [AccountState] { throw refusal }
    func ledgerAccount() async throws -> AccountState { throw refusal }
    func faucet(account: NodeID, amount: TokenAmount) async throws -> AccountState { throw refusal }
}

/// For console fakes that test something else: a node with no market role, whose market
/// calls are refused as such a node refuses them.
protocol MarketlessControl: RetrievallessControl {}

extension MarketlessControl {
    func ask() async throws -> ProviderAsk { throw MarketError.roleMissing(.provider, "the ask") }
    func setAsk(_ ask: ProviderAsk) async throws -> ProviderAsk { throw MarketError.roleMissing(.provider, "the ask") }
    func publish(to gateways: [NodeID]) async throws -> [Publication] { throw MarketError.roleMissing(.provider, "publishing") }
    func publications() async throws -> [Publication] { [] }
    func cachedOffers(_ query: OfferQuery) async throws -> [CachedOffer] { [] }
    func providerStandings() async throws -> [ProviderStanding] { [] }
    func setListing(_ listing: ProviderListing, for provider: NodeID) async throws -> ProviderStanding {
        throw MarketError.roleMissing(.gateway, "allow and block lists")
    }
    func gatewayPolicy() async throws -> GatewayPolicy { throw MarketError.roleMissing(.gateway, "the gateway policy") }
    func findOffers(_ pieceCID: PieceCID, gateway: NodeID?) async throws -> FindResult { throw MarketError.roleMissing(.client, "finding offers") }
}
