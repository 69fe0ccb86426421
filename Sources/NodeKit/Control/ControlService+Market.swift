/// `MarketControl` (part of `NodeControl`) on the node itself, through its `Market`.
extension ControlService {
    public func ask() async throws -> ProviderAsk {
        try await market.require(market.publisher, .provider, "the ask").ask()
    }

    public func setAsk(_ ask: ProviderAsk) async throws -> ProviderAsk {
        try await market.require(market.publisher, .provider, "the ask").setAsk(ask)
    }

    public func publish(to gateways: [NodeID]) async throws -> [Publication] {
        try await market.require(market.publisher, .provider, "publishing").publish(to: gateways)
    }

    public func publications() async throws -> [Publication] {
        try await market.require(market.publisher, .provider, "publishing").publications()
    }

    public func cachedOffers(_ query: OfferQuery) async throws -> [CachedOffer] {
        try await market.require(market.gateway, .gateway, "the offer cache").offers(query)
    }

    public func providerStandings() async throws -> [ProviderStanding] {
        try await market.require(market.gateway, .gateway, "provider standings").standings()
    }

    public func setListing(_ listing: ProviderListing, for provider: NodeID) async throws -> ProviderStanding {
        let gateway = try market.require(market.gateway, .gateway, "allow and block lists")
        try await gateway.setListing(listing, for: provider)
        guard let standing = try await gateway.standings().first(where: { $0.provider == provider }) else {
            throw MarketError.invalidValue("provider \(provider.short) has no standing after listing it")
        }
        return standing
    }

    public func gatewayPolicy() async throws -> GatewayPolicy {
        try await market.require(market.gateway, .gateway, "the gateway policy").policy()
    }

    public func findOffers(_ pieceCID: PieceCID, gateway: NodeID?) async throws -> FindResult {
        try await market.require(market.finder, .client, "finding offers").find(pieceCID, gateway: gateway)
    }
}
