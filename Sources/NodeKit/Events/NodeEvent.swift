import Foundation
import Logging

/// One entry of a node's event journal: what happened, when, how seriously, and its
/// place in the journal's sequence (1, 2, 3, … with no gaps while the node runs).
public struct NodeEvent: Sendable, Equatable {
    /// Severity: swift-log's levels (`trace` … `critical`, ordered), whose raw values are
    /// the names used on the wire.
    public typealias Level = Logger.Level

    /// What the event is about. Roles add kinds as they arrive (deal, channel, offer).
    public enum Kind: String, Sendable, CaseIterable {
        /// A log line of any subsystem.
        case log
        /// A peer was established, lost or refused.
        case peer
        /// The register was published to or read from.
        case register
        /// Content was imported or removed.
        case content
        /// A payment channel changed: created, funded, a voucher sent or received, settled, collected.
        case channel
        /// An offer was published, cached, refused, replaced, expired or dropped; a
        /// provider was allowed, blocked or unlisted; discovery was paid for and answered.
        case offer
        /// A retrieval deal changed status (either side): its ID, peer, status, bytes,
        /// paid and owed are in the message.
        case deal
    }

    /// Position in the journal; 0 until the journal appends it.
    public var sequence: UInt64
    public var time: Date
    public var level: Level
    public var kind: Kind
    /// The logger's label (the subsystem).
    public var source: String
    public var message: String

    public init(sequence: UInt64 = 0, time: Date, level: Level, kind: Kind = .log, source: String, message: String) {
        self.sequence = sequence
        self.time = time
        self.level = level
        self.kind = kind
        self.source = source
        self.message = message
    }
}
