import Foundation

/// What this node has measured of the gateways it established sessions with: the
/// round-trip time of the last establishment, when it last succeeded, and the last
/// failure. Bounded by the register's size (one entry per gateway record).
public final class PeerTable: Sendable {
    public struct Entry: Sendable, Equatable {
        public var rttMicros: UInt64?
        public var lastSeen: Date?
        public var lastError: String?
    }

    private let entries = Locked<[NodeID: Entry]>([:])

    public init() {}

    func established(_ node: NodeID, rttMicros: UInt64, at time: Date) {
        entries.withLock { $0[node] = Entry(rttMicros: rttMicros, lastSeen: time, lastError: nil) }
    }

    func failed(_ node: NodeID, _ error: String) {
        entries.withLock { $0[node, default: Entry()].lastError = error }
    }

    /// Forgets gateways that are no longer in the register.
    func keep(only nodes: Set<NodeID>) {
        entries.withLock { table in table = table.filter { nodes.contains($0.key) } }
    }

    public subscript(node: NodeID) -> Entry? { entries.withLock { $0[node] } }

    /// Gateways established at least once and not failed since.
    public var liveCount: Int { entries.withLock { $0.values.filter { $0.lastSeen != nil && $0.lastError == nil }.count } }

    public var all: [NodeID: Entry] { entries.withLock { $0 } }
}
