/// `MarketControl` (part of `NodeControl`) over the admin session: one `ControlMarketRequest`
/// per call. Lists come back cut to `ControlMarketAnswer.maxItems` rows (an offer query's
/// limit is capped to it); publishing and finding, which wait on other nodes, may take
/// up to `marketTimeout`.
extension RemoteNodeControl {
    /// How long a publish or a find may take: each reaches out to gateways in turn.
    public static let marketTimeout: Duration = .seconds(120)

    private func market(_ request: ControlMarketRequest, timeout: Duration = .seconds(30)) async throws -> ControlMarketAnswer {
        try await call(request, expecting: ControlMarketAnswer.self, timeout: timeout)
    }

    private func present<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw WireError.invalidMessage("the node's answer carried no \(what)") }
        return value
    }

    public func ask() async throws -> ProviderAsk { try present(try await market(.init(.ask)).ask, "ask") }

    public func setAsk(_ ask: ProviderAsk) async throws -> ProviderAsk { try present(try await market(.init(.setAsk, ask: ask)).ask, "ask") }

    public func publish(to gateways: [NodeID]) async throws -> [Publication] {
        guard gateways.count <= ControlMarketRequest.maxGateways else {
            throw MarketError.invalidValue(
                "one publish names at most \(ControlMarketRequest.maxGateways) gateways (got \(gateways.count)); publish to them in batches")
        }
        return try await market(.init(.publish, gateways: gateways), timeout: Self.marketTimeout).publications
    }

    public func publications() async throws -> [Publication] { try await market(.init(.publications)).publications }

    public func cachedOffers(_ query: OfferQuery) async throws -> [CachedOffer] { try await market(.init(offers: query)).offers }

    public func providerStandings() async throws -> [ProviderStanding] { try await market(.init(.providers)).standings }

    public func setListing(_ listing: ProviderListing, for provider: NodeID) async throws -> ProviderStanding {
        try present(try await market(.init(.setListing, provider: provider, listing: listing)).standings.first, "provider standing")
    }

    public func gatewayPolicy() async throws -> GatewayPolicy { try present(try await market(.init(.policy)).policy, "gateway policy") }

    public func findOffers(_ pieceCID: PieceCID, gateway: NodeID?) async throws -> FindResult {
        try present(try await market(.init(.find, gateway: gateway, pieceCID: pieceCID), timeout: Self.marketTimeout).found, "find result")
    }
}
