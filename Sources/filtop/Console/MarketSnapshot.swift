import Foundation
import NodeKit

/// The gateway's offer cache, its providers' standings and its policy, as the console
/// last read them: when the console started, when the Offers or Providers view opened,
/// after every `.offer` event of the node's journal, after an allow, block or unlist, and
/// every poll while one of those two views shows.
struct MarketSnapshot: Sendable, Equatable {
    /// The most cached offers the console reads: the Offers view stays within the
    /// console's ten-thousand-row budget; the node sends its newest.
    static let offerLimit = OfferQuery.maxLimit

    /// The cache's rows, one per (offer, Piece CID), newest first; never expired ones nor
    /// a blocked provider's.
    var offers: [CachedOffer] = []
    /// Every provider the gateway has a standing for.
    var standings: [ProviderStanding] = []
    /// The retention policy, fees and the cache's size.
    var policy: GatewayPolicy?
    /// The node's own words when it has no gateway role (so no cache to show); nil when
    /// it has one. Not an error: the views say it once, in one line.
    var notGateway: String?
    /// Why the cache could not be read (the node unreachable, say); nil when it was.
    var error: String?

    /// Whether the node had more offers than `offerLimit` (only the newest are shown).
    var truncated: Bool { (policy?.cachedCIDs ?? 0) > offers.count && offers.count >= Self.offerLimit }

    /// The node's words when `error` means the node has no gateway role — the role is
    /// missing (in process) or the request is not served (across an admin session) —
    /// else nil.
    static func missingRole(_ error: any Error) -> String? {
        if let market = error as? MarketError, case .roleMissing = market { return market.description }
        if let refusal = error as? Refusal, refusal.code == .notServed { return refusal.message }
        return nil
    }
}
