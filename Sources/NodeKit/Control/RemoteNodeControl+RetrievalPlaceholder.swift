/// `RetrievalControl` over the admin session until the admin wire carries it: every call
/// is refused as not served, as a node without the requests would refuse them.
extension RemoteNodeControl {
    private var notServed: Refusal { Refusal(.notServed, "retrieval deals are not carried by this build's admin session") }
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
