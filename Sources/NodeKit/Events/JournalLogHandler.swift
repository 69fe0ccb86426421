import Foundation
import Logging

/// A swift-log handler that appends every record to an `EventJournal`: the node's one
/// logging system, which the console's Log view and `filtop node events` read.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let journal: EventJournal

    public init(label: String, journal: EventJournal, level: Logger.Level = .info) {
        self.label = label
        self.journal = journal
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The metadata key that carries a `NodeEvent.Kind` (not shown in the text).
    public static let kindKey = "event-kind"

    public func log(event: LogEvent) {
        var text = event.message.description
        var all = metadata.merging(event.metadata ?? [:]) { $1 }
        let kind = all.removeValue(forKey: Self.kindKey).flatMap { NodeEvent.Kind(rawValue: "\($0)") } ?? .log
        if !all.isEmpty { text += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        journal.append(NodeEvent(time: Date(), level: event.level, kind: kind, source: label, message: text))
    }
}

extension Logger {
    /// Routes every logger of the process into `journal` (call once, at start-up).
    public static func bootstrapJournal(_ journal: EventJournal, level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, journal: journal, level: level) }
    }
}
