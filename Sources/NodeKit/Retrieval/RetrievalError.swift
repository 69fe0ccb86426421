/// Why a retrieval request, deal message or payment was refused. Each case says what was
/// wrong and what to do about it.
public enum RetrievalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request needs a role the node does not have.
    case roleMissing(NodeRole, String)
    /// No such deal on this node.
    case unknownDeal(DealKey)
    /// The deal has ended; nothing more can happen to it.
    case dealEnded(DealKey, DealStatus)
    /// The deal's transfer cannot start in its status (it waits for the unseal payment, say).
    case notReady(DealKey, String)
    /// This node does not hold the content asked for.
    case contentNotFound(String)
    /// A payment for a deal was refused: the voucher, its payer or its amount.
    case paymentRefused(String)
    /// The node has too many deals open to take another.
    case busy(String)
    /// The target of a retrieval is not a CID filtop can retrieve.
    case invalidTarget(String)
    /// No provider could be found for the content (or none at an acceptable price).
    case noProvider(String)
    /// A value given by the operator is out of range.
    case invalidValue(String)

    public var description: String {
        switch self {
        case .roleMissing(let role, let what): return "\(what) needs the \(role.rawValue) role; add \"\(role.rawValue)\" to node.roles in config.toml"
        case .unknownDeal(let key): return "no deal \(key) on this node; list them with 'filtop deals list'"
        case .dealEnded(let key, let status): return "deal \(key) has ended (\(status)); start a new retrieval"
        case .notReady(let key, let why): return "deal \(key) cannot transfer yet: \(why)"
        case .contentNotFound(let what): return "this node does not hold \(what)"
        case .paymentRefused(let why): return "payment refused: \(why)"
        case .busy(let why): return "too many open deals: \(why); retry once some have finished"
        case .invalidTarget(let why): return why
        case .noProvider(let why): return why
        case .invalidValue(let why): return why
        }
    }
}

extension RetrievalError: RefusalConvertible {
    public var refusal: Refusal {
        switch self {
        case .unknownDeal, .contentNotFound: return Refusal(.notFound, description)
        case .busy: return Refusal(.busy, description)
        case .paymentRefused: return Refusal(.insufficientFunds, description)
        case .roleMissing: return Refusal(.notServed, description)
        default: return Refusal(.failed, description)
        }
    }
}
