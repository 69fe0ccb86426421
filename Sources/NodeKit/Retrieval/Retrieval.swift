/// The node's retrieval deals, client and provider side — in this form only until the deal
/// engine (`ClientDeals`, `ProviderDeals`) replaces it: it answers the `RetrievalControl`
/// calls so the admin protocol, `ControlService` and the CLI can be built and tested
/// against it. The provider's retrieval terms are real (read from and stored in the
/// `DealStore`); every deal call is refused with `RetrievalError.roleMissing`.
public final class Retrieval: NodeService {
    let context: NodeContext
    private let store: DealStore

    init(context: NodeContext) {
        self.context = context
        store = DealStore(database: context.blockstore.database)
    }

    private var noEngine: RetrievalError { .roleMissing(.client, "retrieval deals (not built into this node yet)") }

    public func query(_ target: String, provider: NodeID?) async throws -> [QueryAnswer] { throw noEngine }
    public func retrieve(_ order: RetrievalOrder) async throws -> RetrievalSummary { throw noEngine }
    public func retrieval(_ id: UInt64) async throws -> RetrievalSummary { throw noEngine }
    public func retrievals() async throws -> [RetrievalSummary] { throw noEngine }
    public func deals() async throws -> [DealRecord] { throw noEngine }
    public func deal(_ key: DealKey) async throws -> DealDetail { throw noEngine }
    public func cancelDeal(_ key: DealKey) async throws -> DealRecord { throw noEngine }

    public func retrievalTerms() async throws -> RetrievalTerms {
        try requireProvider()
        return try await store.terms()
    }

    public func setRetrievalTerms(_ terms: RetrievalTerms) async throws -> RetrievalTerms {
        try requireProvider()
        try await store.setTerms(terms)
        return try await store.terms()
    }

    private func requireProvider() throws(RetrievalError) {
        guard context.roles.contains(.provider) else { throw .roleMissing(.provider, "the retrieval terms") }
    }
}
