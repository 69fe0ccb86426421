import Foundation

/// Where the toolkit reads the time. Injected so timed behaviour (flash expiry, refresh,
/// uptime) is testable: tests use `ManualTimeSource` and move it by hand.
public protocol TimeSource: Sendable {
    var now: Date { get }
}

/// The system's wall clock.
public struct SystemTimeSource: TimeSource {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that only moves when told to.
public final class ManualTimeSource: TimeSource, @unchecked Sendable {
    // Sendable: `current` is only touched under `lock`.
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = start }

    public var now: Date { lock.withLock { current } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}
