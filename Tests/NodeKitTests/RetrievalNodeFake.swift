import Foundation
@testable import NodeKit

/// A node whose retrieval calls answer with `RetrievalFixtures` and are recorded, or are
/// all refused with `refusal` when it is set — for checking the admin protocol carries
/// each call and its refusal unchanged. Calls outside retrieval are refused as
/// `MarketNodeFake` refuses them.
final class RetrievalNodeFake: NodeControl {
    /// A retrieval call as the node received it.
    enum Call: Equatable {
        case query(String, NodeID?), retrieve(RetrievalOrder), retrieval(UInt64), retrievals, deals, deal(DealKey), cancel(DealKey)
        case terms, setTerms(RetrievalTerms)
    }

    let calls = Locked<[Call]>([])
    let refusal = Locked<RetrievalError?>(nil)
    private let outside = MarketNodeFake()

    private func answer<T>(_ call: Call, _ value: T) throws -> T {
        calls.withLock { $0.append(call) }
        if let error = refusal.withLock({ $0 }) { throw error }
        return value
    }

    func query(_ target: String, provider: NodeID?) async throws -> [QueryAnswer] { try answer(.query(target, provider), RetrievalFixtures.queryAnswers) }
    func retrieve(_ order: RetrievalOrder) async throws -> RetrievalSummary { try answer(.retrieve(order), RetrievalFixtures.summary) }
    func retrieval(_ id: UInt64) async throws -> RetrievalSummary { try answer(.retrieval(id), RetrievalFixtures.summary) }
    func retrievals() async throws -> [RetrievalSummary] { try answer(.retrievals, [RetrievalFixtures.summary, RetrievalFixtures.ended]) }
    func deals() async throws -> [DealRecord] { try answer(.deals, [RetrievalFixtures.clientDeal, RetrievalFixtures.providerDeal]) }
    func deal(_ key: DealKey) async throws -> DealDetail { try answer(.deal(key), RetrievalFixtures.detail) }
    func cancelDeal(_ key: DealKey) async throws -> DealRecord { try answer(.cancel(key), RetrievalFixtures.providerDeal) }
    func retrievalTerms() async throws -> RetrievalTerms { try answer(.terms, RetrievalFixtures.terms) }
    func setRetrievalTerms(_ terms: RetrievalTerms) async throws -> RetrievalTerms { try answer(.setTerms(terms), terms) }

    // MARK: - Outside retrieval

    func status() async throws -> NodeStatus { try await outside.status() }
    func pieces() async throws -> [PieceSummary] { try await outside.pieces() }
    func registerPeers() async throws -> RegisterPeers { try await outside.registerPeers() }
    func events(after: UInt64) async -> AsyncStream<NodeEvent> { await outside.events(after: after) }
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] { [] }
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> { await outside.importFile(path) }
    func importProgress(of path: String) async throws -> ImportProgress? { nil }
    func ask() async throws -> ProviderAsk { throw MarketError.roleMissing(.provider, "the ask") }
    func setAsk(_ ask: ProviderAsk) async throws -> ProviderAsk { throw MarketError.roleMissing(.provider, "the ask") }
    func publish(to gateways: [NodeID]) async throws -> [Publication] { throw MarketError.roleMissing(.provider, "publishing") }
    func publications() async throws -> [Publication] { throw MarketError.roleMissing(.provider, "publishing") }
    func cachedOffers(_ query: OfferQuery) async throws -> [CachedOffer] { throw MarketError.roleMissing(.gateway, "the offer cache") }
    func providerStandings() async throws -> [ProviderStanding] { throw MarketError.roleMissing(.gateway, "provider standings") }
    func setListing(_ listing: ProviderListing, for provider: NodeID) async throws -> ProviderStanding {
        throw MarketError.roleMissing(.gateway, "allow and block lists")
    }
    func gatewayPolicy() async throws -> GatewayPolicy { throw MarketError.roleMissing(.gateway, "the gateway policy") }
    func findOffers(_ pieceCID: PieceCID, gateway: NodeID?) async throws -> FindResult { throw MarketError.roleMissing(.client, "finding offers") }
    func channels() async throws -> [ChannelSummary] { try await outside.channels() }
    func channel(_ id: ChannelID) async throws -> ChannelSummary { try await outside.channel(id) }
    func addFunds(peer: NodeID, amount: TokenAmount) async throws -> ChannelSummary { try await outside.addFunds(peer: peer, amount: amount) }
    func createVoucher(channel: ChannelID, amount: TokenAmount, lane: UInt64?, send: Bool) async throws -> CreatedVoucher {
        try await outside.createVoucher(channel: channel, amount: amount, lane: lane, send: send)
    }
    func checkVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount { try await outside.checkVoucher(channel: channel, voucher: voucher) }
    func addVoucher(channel: ChannelID, voucher: Voucher) async throws -> TokenAmount { try await outside.addVoucher(channel: channel, voucher: voucher) }
    func vouchers(channel: ChannelID) async throws -> [Voucher] { try await outside.vouchers(channel: channel) }
    func bestSpendable(channel: ChannelID) async throws -> [Voucher] { try await outside.bestSpendable(channel: channel) }
    func submitVoucher(channel: ChannelID, voucher: Voucher?) async throws -> Int { try await outside.submitVoucher(channel: channel, voucher: voucher) }
    func settle(_ channel: ChannelID) async throws -> ChannelSummary { try await outside.settle(channel) }
    func collect(_ channel: ChannelID) async throws -> ChannelSummary { try await outside.collect(channel) }
    func ledgerStatus() async throws -> LedgerStatus { try await outside.ledgerStatus() }
    func ledgerAccounts() async throws -> [AccountState] { try await outside.ledgerAccounts() }
    func ledgerAccount() async throws -> AccountState { try await outside.ledgerAccount() }
    func faucet(account: NodeID, amount: TokenAmount) async throws -> AccountState { try await outside.faucet(account: account, amount: amount) }
}
