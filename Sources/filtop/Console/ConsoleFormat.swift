import Foundation
import NodeKit
import TermUI

/// How the console writes sizes, durations and times: compact, and the same on every
/// machine (times in UTC) so screens can be snapshot-tested.
enum ConsoleFormat {
    static func bytes(_ n: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(n), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        guard unit > 0 else { return "\(n) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// "1 piece", "2 pieces", "0 pieces": `plural` defaults to `noun` + "s".
    static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(n) " + word(for: n, noun, plural: plural)
    }

    /// The noun as a count of `n` takes it: "piece" for one, else the plural.
    static func word(for n: Int, _ noun: String, plural: String? = nil) -> String {
        n == 1 ? noun : plural ?? noun + "s"
    }

    /// Long identifiers (CIDs, node IDs) as head…tail in `columns`, so values that share a
    /// prefix still differ on screen.
    static func shortID(_ id: String, _ columns: Int) -> String {
        CellWidth.fitMiddle(id, columns).trimmingCharacters(in: .whitespaces)
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(s % 60)s" }
        if s < 86_400 { return "\(s / 3600)h \(s / 60 % 60)m" }
        return "\(s / 86_400)d \(s / 3600 % 24)h"
    }

    /// `2026-11-21 19:58` in UTC (`2026-11-21 19:58:07` with `seconds`), by the civil-from-days
    /// algorithm (no Calendar, no ICU: the Content view formats thousands of these).
    static func time(_ date: Date, seconds showSeconds: Bool = false) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let minuteOfDay = (seconds - days * 86_400) / 60
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let second = showSeconds ? ":" + two(seconds - days * 86_400 - minuteOfDay * 60) : ""
        return "\(year)-\(two(month))-\(two(day)) \(two(minuteOfDay / 60)):\(two(minuteOfDay % 60))" + second
    }

    /// A transfer speed in at most ten columns: `512 B/s`, `9.5 MiB/s`, `340 KiB/s`
    /// (one decimal below ten, whole units above).
    static func rate(_ bytesPerSecond: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = bytesPerSecond.isFinite ? max(0, bytesPerSecond) : 0, unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        let number = unit > 0 && value < 10 ? String(format: "%.1f", (value * 10).rounded(.down) / 10) : "\(Int(value))"
        return "\(number) \(units[unit])/s"
    }

    /// A peer's last measured round trip ("0.4 ms"), "down" when the last establishment
    /// failed, "–" when never measured.
    static func roundTrip(_ peer: PeerRecord) -> String {
        peer.lastError != nil ? "down" : roundTrip(micros: peer.rttMicros)
    }

    /// A measured round trip ("0.4 ms", "12 ms"), "–" when never measured.
    static func roundTrip(micros: UInt64?) -> String {
        guard let us = micros else { return "–" }
        return us < 10_000 ? String(format: "%.1f ms", Double(us) / 1000) : "\(us / 1000) ms"
    }

    /// An amount in FIL, without the unit, in at most six columns for a table cell:
    /// `1.25`, `0.0042`, `12345`, `3M`. Digits that do not fit are dropped, never rounded
    /// up, and a non-zero amount below 0.0001 FIL shows `~0`, not a false `0`; the
    /// details show the exact amount.
    static func fil(_ amount: TokenAmount) -> String {
        let columns = 6
        guard amount.attoFIL != 0 else { return "0" }
        let whole = amount.attoFIL / TokenAmount.attoPerFIL
        if whole >= 1_000_000_000 { return "\(whole / 1_000_000_000)G" }
        if whole >= 1_000_000 { return "\(whole / 1_000_000)M" }
        let wholeText = String(whole)
        let room = columns - wholeText.count - 1
        guard room > 0 else { return wholeText }
        let fraction = String(amount.attoFIL % TokenAmount.attoPerFIL)
        var digits = String((String(repeating: "0", count: 18 - fraction.count) + fraction).prefix(room))
        while digits.hasSuffix("0") { digits.removeLast() }
        if digits.isEmpty { return whole == 0 ? "~0" : wholeText }
        return wholeText + "." + digits
    }

    /// A price per byte in attoFIL, without the unit, in at most seven columns for a
    /// table cell: `1000`, `2500000`, `12.3M`, `4G`. Digits that do not fit are dropped,
    /// never rounded up; the details show the exact amount.
    static func atto(_ amount: TokenAmount) -> String {
        let value = amount.attoFIL
        guard value >= 10_000_000 else { return "\(value)" }
        let units: [(UInt128, String)] = [(1_000_000_000_000_000_000, "E"), (1_000_000_000_000_000, "P"), (1_000_000_000_000, "T"),
                                          (1_000_000_000, "G"), (1_000_000, "M")]
        let (unit, suffix) = units.first { value >= $0.0 } ?? (1_000_000, "M")
        let whole = value / unit
        guard whole < 100 else { return "\(whole)\(suffix)" }
        let tenth = value % unit * 10 / unit
        return tenth == 0 ? "\(whole)\(suffix)" : "\(whole).\(tenth)\(suffix)"
    }

    /// A latency: `250 ms` below ten seconds, else whole seconds (`3600 s`).
    static func millis(_ ms: UInt64) -> String { ms < 10_000 ? "\(ms) ms" : "\(ms / 1000) s" }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
