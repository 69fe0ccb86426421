import Foundation

/// How fast a deal's bytes move, worked out by the console from successive readings of
/// (bytes so far, when read): the bytes gained over the readings of the last `window`
/// seconds, divided by the time between them. The journal does not carry progress, so
/// the readings are the console's own reads of the deal list, on its own clock.
///
/// A stalled transfer's speed falls to zero once its readings span a window without a
/// byte gained; a count that goes backwards (the deal restarted) starts the readings
/// again. A pure value: tests feed it explicit times.
///
///     var rate = TransferRate()
///     rate.record(bytes: 0, at: t)
///     rate.record(bytes: 2 << 20, at: t + 2)
///     rate.bytesPerSecond            // 1 MiB/s
///     rate.secondsLeft(of: 10 << 20) // 8
struct TransferRate: Sendable {
    /// How far back the speed looks, in seconds.
    let window: TimeInterval
    /// The readings kept, oldest first: those inside the window and the last one before it.
    private var readings: [(at: Date, bytes: UInt64)] = []

    init(window: TimeInterval = 10) { self.window = max(0.001, window) }

    /// Takes a reading. A reading no later than the last replaces it when it is at the
    /// same time and is ignored when it is earlier (a clock that went back).
    mutating func record(bytes: UInt64, at time: Date) {
        if let last = readings.last {
            if bytes < last.bytes { readings.removeAll() } else if time < last.at { return } else if time == last.at { readings.removeLast() }
        }
        readings.append((time, bytes))
        // Keep one reading at or before the window's start, so the speed always spans it.
        while readings.count > 2, readings[1].at <= time.addingTimeInterval(-window) { readings.removeFirst() }
    }

    /// Bytes a second over the window; nil until two readings at different times.
    var bytesPerSecond: Double? {
        guard let first = readings.first, let last = readings.last else { return nil }
        let seconds = last.at.timeIntervalSince(first.at)
        guard seconds > 0 else { return nil }
        return Double(last.bytes - first.bytes) / seconds
    }

    /// The seconds until `total` bytes at the current speed; nil when the speed is unknown
    /// or zero (a stalled transfer has no end in sight), 0 when `total` is reached.
    func secondsLeft(of total: UInt64) -> TimeInterval? {
        guard let last = readings.last else { return nil }
        guard total > last.bytes else { return 0 }
        guard let speed = bytesPerSecond, speed > 0 else { return nil }
        return Double(total - last.bytes) / speed
    }
}
