import Foundation
import NodeKit

/// The progress line `filtop client retrieve` redraws on a terminal: how far the retrieval
/// has got, how fast it went over the last `window` seconds, how long is left at that
/// speed, and what it has paid. Fed one poll at a time with the seconds since the command
/// started, so it needs no clock of its own.
struct RetrievalProgress {
    /// How far back the speed looks.
    static let window: Double = 5

    private var samples: [(seconds: Double, bytes: UInt64)] = []

    /// Notes that `bytes` were verified `seconds` after the start.
    mutating func record(bytes: UInt64, at seconds: Double) {
        samples.append((seconds, bytes))
        // Keep one sample at or before the window's start, so the speed always spans it.
        while samples.count > 1, samples[1].seconds <= seconds - Self.window { samples.removeFirst() }
    }

    /// Bytes a second over the window; nil until two polls apart in time were recorded.
    var bytesPerSecond: Double? {
        guard let first = samples.first, let last = samples.last, last.seconds > first.seconds else { return nil }
        return Double(last.bytes >= first.bytes ? last.bytes - first.bytes : 0) / (last.seconds - first.seconds)
    }

    /// The time left at the current speed: nil when unknown (no speed yet, or stalled).
    func secondsLeft(of s: RetrievalSummary) -> Double? {
        guard let speed = bytesPerSecond, speed > 0, s.totalBytes >= s.bytes else { return nil }
        return Double(s.totalBytes - s.bytes) / speed
    }

    /// `  42.0%  12.3 MiB / 29.3 MiB  3.4 MB/s  ETA 5.0 s  paid 0.0000123 FIL`.
    func line(_ s: RetrievalSummary) -> String {
        let percent = RetrievalText.percent(s.bytes, of: s.totalBytes)
        let speed = bytesPerSecond.map(RetrievalText.speed) ?? "- MB/s"
        let eta = secondsLeft(of: s).map(RetrievalText.duration) ?? "-"
        return "\(percent.leftPadded(to: 6))  \(ByteCount.format(s.bytes)) / \(ByteCount.format(s.totalBytes))  \(speed)  ETA \(eta)  paid \(s.paid)"
    }
}

extension String {
    /// The string with spaces before it up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
