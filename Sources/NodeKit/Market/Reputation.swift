/// Whose reputation, as seen by whom: the design notes' reputation tables that filtop
/// keeps (`docs/PROTOCOL.md` "Reputation").
public enum ReputationView: String, Sendable, CaseIterable {
    /// A client's score of a gateway: it stops using a gateway at 0 or below.
    case gatewayByClient = "client-gateway"
    /// A gateway's score of a provider: it stops keeping the provider's offers below 0
    /// (unless the provider is allow-listed).
    case providerByGateway = "gateway-provider"

    /// Where a peer starts before any event.
    public var initial: Int64 { 0 }

    /// The bounds a score is clamped to (the notes' floor of −1000 for providers).
    public var bounds: ClosedRange<Int64> {
        switch self {
        case .gatewayByClient: return -10_000...10_000
        case .providerByGateway: return -1_000...10_000
        }
    }
}

/// What moves a reputation, and by how much (the design notes' tables, condensed in
/// `reference/fc-retrieval.md` §1.8).
public enum ReputationEvent: String, Sendable, CaseIterable {
    /// Client → gateway: the gateway answered the establishment challenge (after not
    /// having done so, or for the first time).
    case gatewayEstablished
    /// Client → gateway: establishment failed after having worked.
    case gatewayEstablishmentFailed
    /// Client → gateway: a paid discovery returned verified offers.
    case offersReturned
    /// Client → gateway: a paid discovery returned no offer.
    case noOffers
    /// Client → gateway: the gateway did not answer in time.
    case noResponse
    /// Client → gateway: a returned offer failed verification (forged, mis-proved,
    /// expired, or for another CID).
    case invalidOffer
    /// Client → gateway: the session could not be opened.
    case connectionFailed
    /// Gateway → provider: the provider answered the gateway's establishment challenge
    /// for the first time (the notes' "answering the List request").
    case providerAnswered
    /// Gateway → provider: a client's discovery returned one of the provider's offers.
    case offerRequested
    /// Gateway → provider: the provider published an offer that failed verification (the
    /// notes' "invalid message").
    case invalidPublication
    /// Gateway → provider: five minutes passed with offers cached and no request for them.
    case idle

    public var view: ReputationView {
        switch self {
        case .gatewayEstablished, .gatewayEstablishmentFailed, .offersReturned, .noOffers, .noResponse, .invalidOffer, .connectionFailed:
            return .gatewayByClient
        case .providerAnswered, .offerRequested, .invalidPublication, .idle: return .providerByGateway
        }
    }

    public var delta: Int64 {
        switch self {
        case .gatewayEstablished: return 1000
        case .gatewayEstablishmentFailed: return -1000
        case .offersReturned: return 50
        case .noOffers: return -10
        case .noResponse: return -100
        case .invalidOffer: return -100
        case .connectionFailed: return -10
        case .providerAnswered: return 1000
        case .offerRequested: return 3
        case .invalidPublication: return -100
        case .idle: return -1
        }
    }
}
