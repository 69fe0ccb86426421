/// `MarketControl` (part of `NodeControl`) on the node itself.
extension ControlService {
    public func ask() async throws -> ProviderAsk { throw MarketError.roleMissing(.provider, "the ask") }
    public func setAsk(_ ask: ProviderAsk) async throws -> ProviderAsk { throw MarketError.roleMissing(.provider, "the ask") }
    public func publish(to gateways: [NodeID]) async throws -> [Publication] { throw MarketError.roleMissing(.provider, "publishing") }
    public func publications() async throws -> [Publication] { throw MarketError.roleMissing(.provider, "publishing") }
    public func cachedOffers(_ query: OfferQuery) async throws -> [CachedOffer] { throw MarketError.roleMissing(.gateway, "the offer cache") }
    public func providerStandings() async throws -> [ProviderStanding] { throw MarketError.roleMissing(.gateway, "provider standings") }
    public func setListing(_ listing: ProviderListing, for provider: NodeID) async throws -> ProviderStanding {
        throw MarketError.roleMissing(.gateway, "allow and block lists")
    }
    public func gatewayPolicy() async throws -> GatewayPolicy { throw MarketError.roleMissing(.gateway, "the gateway policy") }
    public func findOffers(_ pieceCID: PieceCID, gateway: NodeID?) async throws -> FindResult {
        throw MarketError.roleMissing(.client, "finding offers")
    }
}
