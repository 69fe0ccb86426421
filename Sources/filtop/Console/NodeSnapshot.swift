import NodeKit

/// What the console last heard from the node; views draw only from this.
struct NodeSnapshot: Sendable, Equatable {
    var status: NodeStatus?
    var pieces: [PieceSummary] = []
    var peers: RegisterPeers?
    /// The last error talking to the node, if the last poll failed.
    var error: String?
}
