import NodeKit

/// For console fakes that test something else: a node that serves no retrieval deals
/// (as a node from before them), whose deal calls are all refused.
protocol RetrievallessControl: NodeControl {}

extension RetrievallessControl {
    private var noDeals: RetrievalError { .roleMissing(.client, "retrieving") }
    func query(_ target: String, provider: NodeID?) async throws -> [QueryAnswer] { throw noDeals }
    func retrieve(_ order: RetrievalOrder) async throws -> RetrievalSummary { throw noDeals }
    func retrieval(_ id: UInt64) async throws -> RetrievalSummary { throw noDeals }
    func retrievals() async throws -> [RetrievalSummary] { throw noDeals }
    func deals() async throws -> [DealRecord] { throw noDeals }
    func deal(_ key: DealKey) async throws -> DealDetail { throw RetrievalError.unknownDeal(key) }
    func cancelDeal(_ key: DealKey) async throws -> DealRecord { throw RetrievalError.unknownDeal(key) }
    func retrievalTerms() async throws -> RetrievalTerms { throw RetrievalError.roleMissing(.provider, "the retrieval terms") }
    func setRetrievalTerms(_ terms: RetrievalTerms) async throws -> RetrievalTerms { throw RetrievalError.roleMissing(.provider, "the retrieval terms") }
}
