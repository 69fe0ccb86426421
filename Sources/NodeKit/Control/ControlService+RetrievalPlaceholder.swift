/// `RetrievalControl` on the node until the deal engine serves it: every call is refused
/// as not served, so a console built against the control API runs and says why its
/// Deals view is empty.
extension ControlService {
    private var notServed: Refusal { Refusal(.notServed, "retrieval deals are not served by this build of the node") }
    public func query(_ target: String, provider: NodeID?) async throws -> [QueryAnswer] { throw notServed }
    public func retrieve(_ order: RetrievalOrder) async throws -> RetrievalSummary { throw notServed }
    public func retrieval(_ id: UInt64) async throws -> RetrievalSummary { throw notServed }
    public func retrievals() async throws -> [RetrievalSummary] { throw notServed }
    public func deals() async throws -> [DealRecord] { throw notServed }
    public func deal(_ key: DealKey) async throws -> DealDetail { throw notServed }
    public func cancelDeal(_ key: DealKey) async throws -> DealRecord { throw notServed }
    public func retrievalTerms() async throws -> RetrievalTerms { throw notServed }
    public func setRetrievalTerms(_ terms: RetrievalTerms) async throws -> RetrievalTerms { throw notServed }
}
