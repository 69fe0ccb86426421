import Foundation
import NodeKit

/// Parsing and file helpers shared by the `offer` subcommands.
enum OfferArguments {
    /// Unix seconds now.
    static var now: UInt64 { UInt64(Date().timeIntervalSince1970) }

    /// An expiry: Unix seconds (`1767225600`), a duration from now (`90m`, `24h`, `7d`,
    /// `+3600s`), an ISO 8601 date (`2030-01-01`, midnight UTC) or date-time
    /// (`2030-01-01T12:00:00Z`, `2030-01-01T12:00:00+02:00`).
    static func expiry(_ text: String, now: UInt64 = now) throws -> UInt64 {
        if let seconds = UInt64(text) { return seconds }
        if let d = duration(text.hasPrefix("+") ? String(text.dropFirst()) : text) { return now + d }
        if let date = isoDate(text), date.timeIntervalSince1970 > 0 { return UInt64(date.timeIntervalSince1970) }
        throw ArgumentError(
            "--expiry '\(text)' is not an expiry; give Unix seconds, a duration like 24h or 7d, or an ISO 8601 date (2030-01-01) or date-time (2030-01-01T12:00:00Z)")
    }

    private static func isoDate(_ text: String) -> Date? {
        let dateTime = ISO8601DateFormatter()
        if let d = dateTime.date(from: text) { return d }
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        return dateOnly.date(from: text)
    }

    /// A latency: milliseconds (`250`, `250ms`) or seconds (`2s`).
    static func latencyMillis(_ text: String) throws -> UInt64 {
        if let ms = UInt64(text) { return ms }
        if text.hasSuffix("ms"), let ms = UInt64(text.dropLast(2)) { return ms }
        if text.hasSuffix("s"), let s = UInt64(text.dropLast()), s <= UInt64.max / 1000 { return s * 1000 }
        throw ArgumentError("--qos '\(text)' is not a latency; give milliseconds (250, 250ms) or seconds (2s)")
    }

    /// A duration with a unit: `90s`, `30m`, `24h`, `7d`; nil for anything else.
    static func duration(_ text: String) -> UInt64? {
        let units: [(String, UInt64)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let n = UInt64(text.dropLast(suffix.count)), n <= UInt64.max / scale / 2 else { return nil }
            return n * scale
        }
        return nil
    }

    /// Reads a whole file, refusing one larger than `limit` bytes before reading it.
    static func read(_ path: String, limit: Int, what: String) throws -> [UInt8] {
        let source = try FileSource(path: expandingTilde(path))
        guard source.size <= UInt64(limit) else {
            throw OfferError.tooLarge(what: "\(what) \(path)", bytes: Int(clamping: source.size), limit: limit)
        }
        return try source.read(at: 0, count: Int(source.size))
    }

    /// Writes `bytes` to `target`, or to standard output when it is not a terminal.
    static func write(_ bytes: [UInt8], to target: OutputFile?) throws {
        if let target {
            try target.write(bytes)
        } else {
            guard isatty(STDOUT_FILENO) == 0 else {
                throw ArgumentError("refusing to write binary DAG-CBOR to a terminal; use -o FILE or redirect standard output")
            }
            FileHandle.standardOutput.write(Data(bytes))
        }
    }

    static func date(_ unix: UInt64) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(min(unix, 253_402_300_799))))
    }
}

/// A command-line mistake, printed as is.
struct ArgumentError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
