import NodeKit

/// What the console last heard from the node; views draw only from this.
struct NodeSnapshot: Sendable, Equatable {
    var status: NodeStatus?
    var pieces: [PieceSummary] = []
    var peers: RegisterPeers?
    /// The channels and the ledger, delivered apart from the polled fields above (after
    /// journal events) and kept across polls by the console.
    var payments: PaymentsSnapshot?
    /// The gateway's offer cache and providers, delivered apart from the polled fields
    /// (on journal events and when a market view shows) and kept across polls.
    var market: MarketSnapshot?
    /// The retrieval deals, delivered apart from the polled fields (on journal events and
    /// while a deal is open) and kept across polls.
    var deals: DealsSnapshot?
    /// The last error talking to the node, if the last poll failed.
    var error: String?
}
