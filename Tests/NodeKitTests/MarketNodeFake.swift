import Foundation
@testable import NodeKit

/// A node whose market calls answer with `MarketFixtures` and are recorded, or are all
/// refused with `refusal` when it is set — for checking the admin protocol carries each
/// call and its refusal unchanged. Calls outside the market are refused.
final class MarketNodeFake: NodeControl {
    /// A market call as the node received it.
    enum Call: Equatable {
        case ask, setAsk(ProviderAsk), publish([NodeID]), publications, offers(OfferQuery), providers
        case setListing(ProviderListing, NodeID), policy, find(PieceCID, NodeID?)
    }

    let calls = Locked<[Call]>([])
    let refusal = Locked<MarketError?>(nil)

    private func answer<T>(_ call: Call, _ value: T) throws -> T {
        calls.withLock { $0.append(call) }
        if let error = refusal.withLock({ $0 }) { throw error }
        return value
    }

    func ask() async throws -> ProviderAsk { try answer(.ask, MarketFixtures.ask) }
    func setAsk(_ ask: ProviderAsk) async throws -> ProviderAsk { try answer(.setAsk(ask), ask) }
    func publish(to gateways: [NodeID]) async throws -> [Publication] { try answer(.publish(gateways), MarketFixtures.publications) }
    func publications() async throws -> [Publication] { try answer(.publications, MarketFixtures.publications) }
    func cachedOffers(_ query: OfferQuery) async throws -> [CachedOffer] { try answer(.offers(query), MarketFixtures.offers) }
    func providerStandings() async throws -> [ProviderStanding] { try answer(.providers, MarketFixtures.standings) }
    func setListing(_ listing: ProviderListing, for provider: NodeID) async throws -> ProviderStanding {
        try answer(.setListing(listing, provider), MarketFixtures.standings[0])
    }
    func gatewayPolicy() async throws -> GatewayPolicy { try answer(.policy, MarketFixtures.policy) }
    func findOffers(_ pieceCID: PieceCID, gateway: NodeID?) async throws -> FindResult {
        try answer(.find(pieceCID, gateway), MarketFixtures.found)
    }

    // MARK: - Outside the market

    private var noLedger: PaymentError { .noLedger("the market test node has no ledger") }
    func status() async throws -> NodeStatus { ControlFixtures.status.status }
    func pieces() async throws -> [PieceSummary] { [] }
    func registerPeers() async throws -> RegisterPeers { .notConfigured }
    func events(after: UInt64) async -> AsyncStream<NodeEvent> { AsyncStream { $0.finish() } }
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] { [] }
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> {
        AsyncThrowingStream { $0.finish(throwing: Refusal(.notServed, "the market test node imports nothing")) }
    }
    func importProgress(of path: String) async throws -> ImportProgress? { nil }
    func channels() async throws -> [ChannelSummary] { throw noLedger }
    func channel(_ id: ChannelID) async throws -> ChannelSummary { throw noLedger }
    func addFunds(peer: NodeID, amount: TokenAmount) async throws -> ChannelSummary { throw noLedger }
    func createVoucher(channel: ChannelID, amount: TokenAmount, lane: UInt64?, send: Bool) async throws -> CreatedVoucher { throw noLedger }
    func checkVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount { throw noLedger }
    func addVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount { throw noLedger }
    func vouchers(channel: ChannelID) async throws -> [Voucher] { throw noLedger }
    func bestSpendable(channel: ChannelID) async throws -> [Voucher] { throw noLedger }
    func submitVoucher(channel: ChannelID, voucher: Voucher?) async throws -> Int { throw noLedger }
    func settle(_ channel: ChannelID) async throws -> ChannelSummary { throw noLedger }
    func collect(_ channel: ChannelID) async throws -> ChannelSummary { throw noLedger }
    func ledgerStatus() async throws -> LedgerStatus { throw noLedger }
    func ledgerAccounts() async throws -> [AccountState] { throw noLedger }
    func ledgerAccount() async throws -> AccountState { throw noLedger }
    func faucet(account: NodeID, amount: TokenAmount) async throws -> AccountState { throw noLedger }

    private var noDeals: RetrievalError { .roleMissing(.client, "retrieval deals") }
    func query(_ target: String, provider: NodeID?) async throws -> [QueryAnswer] { throw noDeals }
    func retrieve(_ order: RetrievalOrder) async throws -> RetrievalSummary { throw noDeals }
    func retrieval(_ id: UInt64) async throws -> RetrievalSummary { throw noDeals }
    func retrievals() async throws -> [RetrievalSummary] { throw noDeals }
    func deals() async throws -> [DealRecord] { throw noDeals }
    func deal(_ key: DealKey) async throws -> DealDetail { throw noDeals }
    func cancelDeal(_ key: DealKey) async throws -> DealRecord { throw noDeals }
    func retrievalTerms() async throws -> RetrievalTerms { throw RetrievalError.roleMissing(.provider, "the retrieval terms") }
    func setRetrievalTerms(_ terms: RetrievalTerms) async throws -> RetrievalTerms { throw RetrievalError.roleMissing(.provider, "the retrieval terms") }
}
