/// Why a market request (publish, cache, policy, find) was refused. Each case says what
/// was wrong and what to do about it.
public enum MarketError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request needs a role the node does not have.
    case roleMissing(NodeRole, String)
    /// The provider is on the gateway's block list.
    case blocked(NodeID)
    /// The provider's reputation at the gateway is below zero and it is not allow-listed.
    case lowReputation(NodeID, Int64)
    /// The provider's measured latency is over the gateway's limit.
    case tooSlow(NodeID, rttMillis: UInt64, limit: UInt64)
    /// The publisher is not a provider in the gateway's copy of the register.
    case unregisteredProvider(NodeID)
    /// The offer was published by another node than its provider.
    case notPublisher(offerProvider: NodeID, session: NodeID)
    /// The offer failed verification (signature, root, expiry, …).
    case badOffer(OfferError)
    /// The request was not paid for: `price` more is needed before it is answered.
    case paymentRequired(price: TokenAmount)
    /// No gateway could be asked (none in the register, none established, all distrusted).
    case noGateway(String)
    /// The node named is not a gateway in the node's copy of the register.
    case unknownGateway(NodeID)
    /// The provider has nothing to offer: no pieces imported.
    case nothingToOffer
    /// A value given by the operator is out of range.
    case invalidValue(String)

    public var description: String {
        switch self {
        case .roleMissing(let role, let what): return "\(what) needs the \(role.rawValue) role; add \"\(role.rawValue)\" to node.roles in config.toml"
        case .blocked(let p): return "provider \(p.short) is on this gateway's block list; its offers are refused"
        case .lowReputation(let p, let score):
            return "provider \(p.short) has reputation \(score) here (below 0); its offers are not kept unless it is allow-listed"
        case .tooSlow(let p, let rtt, let limit):
            return "provider \(p.short) answered in \(rtt) ms, over this gateway's limit of \(limit) ms (gateway.max_provider_latency_ms)"
        case .unregisteredProvider(let p):
            return "\(p.short) is not a provider in this gateway's copy of the register; register with the provider role, then publish again"
        case .notPublisher(let provider, let session):
            return "the offer is signed for provider \(provider.short) but was sent by \(session.short); a provider publishes its own offers"
        case .badOffer(let e): return "offer refused: \(e)"
        case .paymentRequired(let price):
            return "payment required: this gateway answers once paid \(price) more; send a voucher for it with the request"
        case .noGateway(let why): return "no gateway to ask: \(why)"
        case .unknownGateway(let id): return "\(id.short) is not a gateway in this node's copy of the register; see 'filtop node peers'"
        case .nothingToOffer: return "this provider holds no pieces; import content first (':import PATH' in the console, 'filtop import FILE' from a shell)"
        case .invalidValue(let why): return why
        }
    }
}

extension MarketError: RefusalConvertible {
    public var refusal: Refusal {
        switch self {
        case .roleMissing: return Refusal(.notServed, description)
        case .blocked, .lowReputation, .tooSlow: return Refusal(.refusedByPolicy, description)
        case .notPublisher, .unregisteredProvider: return Refusal(.notOwner, description)
        case .badOffer(.expired): return Refusal(.expired, description)
        case .badOffer(.badSignature), .badOffer(.rootMismatch), .badOffer(.proofMismatch): return Refusal(.badSignature, description)
        case .badOffer, .invalidValue: return Refusal(.invalidMessage, description)
        case .paymentRequired: return Refusal(.paymentRequired, description)
        case .noGateway, .unknownGateway, .nothingToOffer: return Refusal(.notFound, description)
        }
    }
}
