import Foundation
import Logging

/// A swift-log handler that publishes every record into a `NodeEventHub`: the node's one
/// logging system, which the console's Log view (and later a remote admin session)
/// subscribes to.
public struct NodeEventLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let hub: NodeEventHub

    public init(label: String, hub: NodeEventHub, level: Logger.Level = .info) {
        self.label = label
        self.hub = hub
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var text = event.message.description
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        if !all.isEmpty { text += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        hub.publish(NodeEvent(time: Date(), level: NodeEvent.Level(event.level), source: label, message: text))
    }
}

extension NodeEvent.Level {
    init(_ level: Logger.Level) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        case .critical: self = .critical
        }
    }
}

extension Logger {
    /// Routes every logger of the process into `hub` (call once, at start-up).
    public static func bootstrapNodeEvents(_ hub: NodeEventHub, level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in NodeEventLogHandler(label: label, hub: hub, level: level) }
    }
}
