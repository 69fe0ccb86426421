import Foundation

/// A bounded, numbered log of what the node did, for the console's Log view and the
/// remote control event stream. The oldest entries fall off once `capacity` is reached.
public final class EventLog: @unchecked Sendable {
    // Sendable: all state is guarded by `lock`.
    public struct Entry: Hashable, Sendable {
        public let sequence: UInt64
        public let time: Date
        public let level: String
        public let message: String
    }

    private let lock = NSLock()
    private var entries: [Entry] = []
    private var next: UInt64 = 1
    public let capacity: Int

    public init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Appends an entry and returns its sequence number.
    @discardableResult
    public func append(_ level: String, _ message: String, at time: Date = Date()) -> UInt64 {
        lock.withLock {
            let e = Entry(sequence: next, time: time, level: level, message: message)
            next += 1
            entries.append(e)
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
            return e.sequence
        }
    }

    /// Entries with a sequence above `after`, at most `limit`.
    public func entries(after: UInt64, limit: Int = 1000) -> [Entry] {
        lock.withLock { Array(entries.lazy.filter { $0.sequence > after }.prefix(limit)) }
    }

    /// Waits up to `wait` for entries after `after` (long polling), polling every 50 ms.
    public func wait(after: UInt64, upTo wait: Duration, limit: Int = 1000) async -> [Entry] {
        let deadline = ContinuousClock.now + wait
        while true {
            let found = entries(after: after, limit: limit)
            if !found.isEmpty || ContinuousClock.now >= deadline { return found }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
