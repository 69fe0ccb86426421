/// `RetrievalControl` (part of `NodeControl`) on the node itself, through its `Retrieval`.
/// An order is checked here first (`RetrievalOrder.check`), so a console on an embedded
/// node is refused exactly as a remote one is.
extension ControlService {
    public func query(_ target: String, provider: NodeID?) async throws -> [QueryAnswer] {
        try RetrievalOrder.checkTarget(target)
        return try await retrieval.query(target, provider: provider)
    }

    public func retrieve(_ order: RetrievalOrder) async throws -> RetrievalSummary {
        try order.check()
        return try await retrieval.retrieve(order)
    }

    public func retrieval(_ id: UInt64) async throws -> RetrievalSummary { try await retrieval.retrieval(id) }

    public func retrievals() async throws -> [RetrievalSummary] { try await retrieval.retrievals() }

    public func deals() async throws -> [DealRecord] { try await retrieval.deals() }

    public func deal(_ key: DealKey) async throws -> DealDetail { try await retrieval.deal(key) }

    public func cancelDeal(_ key: DealKey) async throws -> DealRecord { try await retrieval.cancelDeal(key) }

    public func retrievalTerms() async throws -> RetrievalTerms { try await retrieval.retrievalTerms() }

    public func setRetrievalTerms(_ terms: RetrievalTerms) async throws -> RetrievalTerms { try await retrieval.setRetrievalTerms(terms) }
}
