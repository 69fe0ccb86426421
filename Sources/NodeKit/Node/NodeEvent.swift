import Foundation

/// One entry of a node's live log: what the node logged, when and how seriously.
public struct NodeEvent: Sendable, Equatable {
    /// Severity, mirroring swift-log's levels.
    public enum Level: Int, Sendable, Comparable {
        case trace, debug, info, notice, warning, error, critical
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public var time: Date
    public var level: Level
    /// The logger's label (the subsystem).
    public var source: String
    public var message: String

    public init(time: Date, level: Level, source: String, message: String) {
        self.time = time
        self.level = level
        self.source = source
        self.message = message
    }
}
