import Foundation

/// What a console or the CLI can ask of and do to a node's market roles: the provider's
/// ask and publications, the gateway's offer cache and retention policy, and the
/// client's paid discovery. `ControlService` implements it on the node; `RemoteNodeControl`
/// sends the same requests over an admin session. A call for a role the node does not
/// have is refused with `MarketError.roleMissing`.
public protocol MarketControl: Sendable {
    /// The provider's ask: the terms its next offers carry.
    func ask() async throws -> ProviderAsk
    /// Stores a new ask (persisted); offers signed from now on carry it. Returns it.
    func setAsk(_ ask: ProviderAsk) async throws -> ProviderAsk
    /// Signs offers for every piece the node holds at its ask and publishes them to
    /// `gateways` (every gateway in the node's copy of the register when empty); returns
    /// one publication per gateway and offer, acknowledged or with the reason it was not.
    func publish(to gateways: [NodeID]) async throws -> [Publication]
    /// The provider's latest publication to each gateway, per offer, newest first.
    func publications() async throws -> [Publication]
    /// The gateway's cached offers, one row per (offer, Piece CID), newest first, at most
    /// `query.limit`; expired offers and offers of blocked providers are never listed.
    func cachedOffers(_ query: OfferQuery) async throws -> [CachedOffer]
    /// Every provider the gateway has a standing for (listed, reputed or holding offers).
    func providerStandings() async throws -> [ProviderStanding]
    /// Allows, blocks or unlists `provider` (persisted; beats config.toml). Blocking drops
    /// the provider's cached offers at once. Returns the provider's new standing.
    func setListing(_ listing: ProviderListing, for provider: NodeID) async throws -> ProviderStanding
    /// The gateway's retention policy and fee schedule, with the cache's size.
    func gatewayPolicy() async throws -> GatewayPolicy
    /// Pays for and runs a find-offers request for `pieceCID` at `gateway` (every usable
    /// gateway when nil), verifies each sub-offer, and returns the good ones cheapest first.
    func findOffers(_ pieceCID: PieceCID, gateway: NodeID?) async throws -> FindResult
}

/// The terms a provider asks for its content: price per byte, latency to first byte, and
/// how long its offers stay valid.
public struct ProviderAsk: Sendable, Equatable {
    public static let ttlRange: ClosedRange<UInt64> = 60...31_536_000
    public static let latencyRange: ClosedRange<UInt64> = 1...3_600_000
    public static let `default` = ProviderAsk(pricePerByte: TokenAmount(unchecked: 1000), latencyMillis: 100, ttlSeconds: 86_400)

    public var pricePerByte: TokenAmount
    public var latencyMillis: UInt64
    public var ttlSeconds: UInt64

    public init(pricePerByte: TokenAmount, latencyMillis: UInt64, ttlSeconds: UInt64) {
        self.pricePerByte = pricePerByte
        self.latencyMillis = latencyMillis
        self.ttlSeconds = ttlSeconds
    }
}

/// One offer a provider published to one gateway, and how the gateway answered.
public struct Publication: Sendable, Equatable {
    public var gateway: NodeID
    /// The offer's ID (SHA-256 of its signed bytes).
    public var offerID: [UInt8]
    public var pieceCount: Int
    public var terms: OfferTerms
    public var sentAt: Date
    /// When the gateway's signed acknowledgement was checked and stored; nil if it was not.
    public var acknowledgedAt: Date?
    /// Why the gateway did not acknowledge, when it did not.
    public var error: String?

    public init(gateway: NodeID, offerID: [UInt8], pieceCount: Int, terms: OfferTerms, sentAt: Date, acknowledgedAt: Date?, error: String?) {
        self.gateway = gateway
        self.offerID = offerID
        self.pieceCount = pieceCount
        self.terms = terms
        self.sentAt = sentAt
        self.acknowledgedAt = acknowledgedAt
        self.error = error
    }
}

/// Which cached offers to list.
public struct OfferQuery: Sendable, Equatable {
    public static let maxLimit = 10_000
    public var provider: NodeID?
    public var pieceCID: PieceCID?
    public var limit: Int

    public init(provider: NodeID? = nil, pieceCID: PieceCID? = nil, limit: Int = 1000) {
        self.provider = provider
        self.pieceCID = pieceCID
        self.limit = max(0, min(limit, Self.maxLimit))
    }
}

/// One Piece CID of one offer in a gateway's cache.
public struct CachedOffer: Sendable, Equatable {
    public var offerID: [UInt8]
    public var provider: NodeID
    public var pieceCID: PieceCID
    public var terms: OfferTerms
    /// How the offer reached the gateway ("publish": the provider sent it).
    public var source: String
    public var receivedAt: Date

    public init(offerID: [UInt8], provider: NodeID, pieceCID: PieceCID, terms: OfferTerms, source: String, receivedAt: Date) {
        self.offerID = offerID
        self.provider = provider
        self.pieceCID = pieceCID
        self.terms = terms
        self.source = source
        self.receivedAt = receivedAt
    }
}

/// A gateway operator's word on a provider: always keep its offers, never keep them, or
/// let reputation, latency and expiry decide.
public enum ProviderListing: String, Sendable, CaseIterable {
    case allowed, blocked, unlisted
}

/// What a gateway thinks of one provider.
public struct ProviderStanding: Sendable, Equatable {
    public var provider: NodeID
    public var listing: ProviderListing
    /// The gateway→provider score of the design notes' reputation tables.
    public var reputation: Int64
    /// Round trip of the gateway's last establishment with the provider, if any.
    public var rttMicros: UInt64?
    /// Piece CIDs of the provider's offers the cache holds.
    public var cachedCIDs: Int
    public var lastPublished: Date?
    /// The last refusal of one of its offers, if any.
    public var lastRefusal: String?

    public init(provider: NodeID, listing: ProviderListing, reputation: Int64, rttMicros: UInt64?, cachedCIDs: Int,
                lastPublished: Date?, lastRefusal: String?) {
        self.provider = provider
        self.listing = listing
        self.reputation = reputation
        self.rttMicros = rttMicros
        self.cachedCIDs = cachedCIDs
        self.lastPublished = lastPublished
        self.lastRefusal = lastRefusal
    }

    /// Whether the gateway keeps and returns this provider's offers now.
    public var isKept: Bool { listing == .allowed || (listing == .unlisted && reputation >= 0) }
}

/// A gateway's retention policy and fees, and its cache's size.
public struct GatewayPolicy: Sendable, Equatable {
    public var allowed: [NodeID]
    public var blocked: [NodeID]
    /// Offers of an unlisted provider slower than this (establishment round trip) are
    /// refused; 0: no limit.
    public var maxLatencyMillis: UInt64
    public var fees: DiscoveryFees
    public var cachedOffers: Int
    public var cachedCIDs: Int

    public init(allowed: [NodeID], blocked: [NodeID], maxLatencyMillis: UInt64, fees: DiscoveryFees, cachedOffers: Int, cachedCIDs: Int) {
        self.allowed = allowed
        self.blocked = blocked
        self.maxLatencyMillis = maxLatencyMillis
        self.fees = fees
        self.cachedOffers = cachedOffers
        self.cachedCIDs = cachedCIDs
    }
}

/// The standard-discovery fee schedule of the design notes: `search` for every request,
/// `offers` more when one or more offers are returned.
public struct DiscoveryFees: Sendable, Hashable {
    public static let `default` = DiscoveryFees(search: TokenAmount(unchecked: 1_000_000_000_000), offers: TokenAmount(unchecked: 99_000_000_000_000))
    public var search: TokenAmount
    public var offers: TokenAmount

    public init(search: TokenAmount, offers: TokenAmount) {
        self.search = search
        self.offers = offers
    }
}

/// What a find-offers request found: the verified offers, cheapest first, and what each
/// gateway asked answered.
public struct FindResult: Sendable, Equatable {
    public var pieceCID: PieceCID
    public var offers: [FoundOffer]
    public var answers: [GatewayAnswer]

    public init(pieceCID: PieceCID, offers: [FoundOffer], answers: [GatewayAnswer]) {
        self.pieceCID = pieceCID
        self.offers = offers
        self.answers = answers
    }
}

/// One verified sub-offer and the gateway that returned it.
public struct FoundOffer: Sendable, Equatable {
    public var offer: SubOffer
    public var gateway: NodeID

    public init(offer: SubOffer, gateway: NodeID) {
        self.offer = offer
        self.gateway = gateway
    }
}

/// One gateway's answer to a find-offers request: how many offers it returned, why any
/// were dropped, what the client paid it, or why it did not answer.
public struct GatewayAnswer: Sendable, Equatable {
    public var gateway: NodeID
    public var offers: Int
    /// One line per dropped offer: which check it failed, or that this node's block list
    /// left it out.
    public var rejected: [String]
    public var paid: TokenAmount
    public var error: String?

    public init(gateway: NodeID, offers: Int, rejected: [String], paid: TokenAmount, error: String?) {
        self.gateway = gateway
        self.offers = offers
        self.rejected = rejected
        self.paid = paid
        self.error = error
    }
}
