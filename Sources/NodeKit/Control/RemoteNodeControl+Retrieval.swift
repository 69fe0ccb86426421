/// `RetrievalControl` (part of `NodeControl`) over the admin session: one
/// `ControlRetrievalRequest` per call. Lists come back cut to `ControlRetrievalAnswer.maxItems`
/// rows; a query, which waits on providers, and a retrieve, which may first look for them,
/// may take up to `retrievalTimeout`. An order no node would run or no request could carry
/// (a relative or too long output path, too many providers) is refused before it is sent,
/// with the `RetrievalError` the node's own control raises (`RetrievalOrder.check`).
extension RemoteNodeControl {
    /// How long a query or the start of a retrieval may take: each reaches out to providers.
    public static let retrievalTimeout: Duration = .seconds(120)

    private func send(_ request: ControlRetrievalRequest, timeout: Duration = .seconds(30)) async throws -> ControlRetrievalAnswer {
        try await call(request, expecting: ControlRetrievalAnswer.self, timeout: timeout)
    }

    private func present<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw WireError.invalidMessage("the node's answer carried no \(what)") }
        return value
    }

    public func query(_ target: String, provider: NodeID?) async throws -> [QueryAnswer] {
        try RetrievalOrder.checkTarget(target)
        return try await send(.init(.query, target: target, provider: provider), timeout: Self.retrievalTimeout).answers
    }

    public func retrieve(_ order: RetrievalOrder) async throws -> RetrievalSummary {
        try order.check()
        return try present(try await send(.init(.retrieve, order: order), timeout: Self.retrievalTimeout).summaries.first, "retrieval")
    }

    public func retrieval(_ id: UInt64) async throws -> RetrievalSummary {
        try present(try await send(.init(.retrieval, request: id)).summaries.first, "retrieval")
    }

    public func retrievals() async throws -> [RetrievalSummary] { try await send(.init(.retrievals)).summaries }

    public func deals() async throws -> [DealRecord] { try await send(.init(.deals)).deals }

    public func deal(_ key: DealKey) async throws -> DealDetail { try present(try await send(.init(.deal, deal: key)).detail, "deal") }

    public func cancelDeal(_ key: DealKey) async throws -> DealRecord {
        try present(try await send(.init(.cancel, deal: key)).deals.first, "deal")
    }

    public func retrievalTerms() async throws -> RetrievalTerms { try present(try await send(.init(.terms)).terms, "retrieval terms") }

    public func setRetrievalTerms(_ terms: RetrievalTerms) async throws -> RetrievalTerms {
        try present(try await send(.init(.setTerms, terms: terms)).terms, "retrieval terms")
    }
}
