import Foundation
import NodeKit

/// The node's retrieval deals, both sides, as the console last read them: when the
/// console started, after every `.deal` event of the node's journal, and every poll while
/// any deal is still open (the journal notes status changes, not progress).
struct DealsSnapshot: Sendable, Equatable {
    /// The deals, most recently changed first (the node sends at most 200).
    var deals: [DealRecord] = []
    /// The node's own words when it serves no deals (no retrieval role, or a node that
    /// does not carry the requests); nil when it does. Not an error: the view says it once.
    var notServed: String?
    /// Why the deals could not be read (the node unreachable, say); nil when they were.
    var error: String?
    /// When the console took this delivery, on its own clock: each delivery is one
    /// reading of every open deal's bytes, from which the view works out speeds.
    var receivedAt: Date?

    /// Whether any deal is still open, so the poll keeps reading.
    var hasOpenDeals: Bool { deals.contains { !$0.isTerminal } }

    /// The node's words when `error` means it serves no retrieval deals — the role is
    /// missing (in process) or the request is not served (across an admin session) —
    /// else nil.
    static func notServed(_ error: any Error) -> String? {
        if let retrieval = error as? RetrievalError, case .roleMissing = retrieval { return retrieval.description }
        if let refusal = error as? Refusal, refusal.code == .notServed { return refusal.message }
        return nil
    }
}
