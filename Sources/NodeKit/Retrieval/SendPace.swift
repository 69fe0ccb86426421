import Foundation

/// Keeps a provider's transfer under `retrieval.max_send_rate` bytes per second: before
/// each chunk it waits (on the node's clock) until sending the chunk, with what was sent
/// since the last restart, keeps the average at or under the rate. A pause for payment
/// restarts the count, so waiting earns no burst. With rate 0 it never waits.
struct SendPace {
    let rate: UInt64
    let clock: any NodeClock
    private var since: Date
    private var sent: UInt64 = 0

    init(rate: UInt64, clock: any NodeClock) {
        self.rate = rate
        self.clock = clock
        since = clock.now
    }

    /// The most a chunk should carry: a quarter second's worth under a cap (at least 16
    /// KiB, so the pace stays smooth), else no limit.
    var chunkBytes: UInt64 { rate == 0 ? .max : max(rate / 4, 16 << 10) }

    /// Waits until `bytes` more may be sent, and counts them.
    mutating func wait(before bytes: UInt64) async throws {
        guard rate > 0 else { return }
        let due = Double(sent + bytes) / Double(rate)
        let elapsed = clock.now.timeIntervalSince(since)
        if due > elapsed { try await clock.sleep(for: .milliseconds(Int64((due - elapsed) * 1000))) }
        sent += bytes
    }

    /// Starts counting afresh (after a pause).
    mutating func restart() {
        since = clock.now
        sent = 0
    }
}
