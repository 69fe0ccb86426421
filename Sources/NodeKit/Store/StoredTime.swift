import Foundation

/// The one form the database stores a point in time in: whole milliseconds since the
/// Unix epoch (1970-01-01 00:00 UTC), as an SQLite integer.
enum StoredTime {
    static func milliseconds(_ date: Date) -> Int64 { Int64(clamping: date.unixMillis) }

    static func date(milliseconds: Int64) -> Date { Date(unixMillis: UInt64(clamping: milliseconds)) }
}
