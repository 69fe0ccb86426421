import Foundation
import Logging

/// What every service of one node shares: identity, configuration, stores, clock,
/// transport, journal and logger. Built once by `Node`; services keep it.
public struct NodeContext: Sendable {
    public let identity: KeyPair
    public let config: NodeConfig
    public let directory: DataDirectory
    public let blockstore: Blockstore
    public let clock: any NodeClock
    public let transport: any Transport
    public let journal: EventJournal
    public let logger: Logger
    /// The address the node listens on, once it does.
    public let listenAddress: Locked<NodeAddress?>

    public var nodeID: NodeID { identity.publicKey.nodeID }

    /// The roles the config names.
    public var roles: Set<NodeRecord.Role> { Set(config.node.roles.compactMap(NodeRecord.Role.init(rawValue:))) }

    /// Whether `peer` holds one of this node's admin keys.
    public func isAdmin(_ peer: PublicKey) -> Bool { config.admin.keys.contains(peer.nodeID.description) }

    /// Logs an event of `kind`; the node's logger appends it to the journal.
    public func note(_ level: NodeEvent.Level, _ kind: NodeEvent.Kind, _ message: String) {
        logger.log(level: level, "\(message)", metadata: [JournalLogHandler.kindKey: .string(kind.rawValue)])
    }
}
