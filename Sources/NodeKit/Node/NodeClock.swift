import Foundation

/// Where market logic reads the time and waits: the system clock in a running node, a
/// manual clock that tests advance by hand (`NodeKitTesting.ManualClock`).
///
/// `now` is wall-clock time (signed expiries, records, journal times); `sleep` waits
/// until the clock has moved on by `duration` and throws `CancellationError` when the
/// waiting task is cancelled.
public protocol NodeClock: Sendable {
    var now: Date { get }
    func sleep(for duration: Duration) async throws
}

extension NodeClock {
    /// `now` in whole Unix seconds, the unit of signed expiries.
    public var unixSeconds: UInt64 { UInt64(max(0, now.timeIntervalSince1970)) }
}

/// The system's clock.
public struct SystemClock: NodeClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
