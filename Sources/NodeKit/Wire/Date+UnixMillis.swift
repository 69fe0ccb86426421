import Foundation

/// Times as the node keeps and sends them: whole milliseconds since the Unix epoch
/// (1970-01-01 00:00 UTC) — in the database (`StoredTime`) and on the wire (the control
/// messages' `…_ms` fields).
extension Date {
    /// Unix milliseconds, rounded; 0 for times before 1970.
    var unixMillis: UInt64 { UInt64(max(0, (timeIntervalSince1970 * 1000).rounded())) }

    init(unixMillis: UInt64) { self.init(timeIntervalSince1970: Double(unixMillis) / 1000) }

    /// This time to the millisecond, so a value read in process equals the same value
    /// read back from the database or the wire.
    var toMillis: Date { Date(unixMillis: unixMillis) }
}
