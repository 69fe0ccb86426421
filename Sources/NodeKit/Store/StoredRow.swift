import Foundation
import GRDB

/// Reads one database row column by column, checking each value's type and range, so a
/// damaged row becomes a `CorruptRowError` naming `subject` rather than a trap.
struct StoredRow {
    let row: Row
    /// What the row describes, for errors (a piece's CIDs, a table's name).
    var subject: String

    init(_ row: Row, subject: String) {
        self.row = row
        self.subject = subject
    }

    private func value(_ column: String) -> DatabaseValue {
        let stored: DatabaseValue? = row[column]
        return stored ?? .null
    }

    /// The value of the column at `index` of the query, for hot paths that read many
    /// rows (no lookup by name); errors name the column by its position.
    private func value(at index: Int) -> DatabaseValue {
        index < row.count ? row[index] : .null
    }

    private func corrupt(_ column: String, _ problem: String) -> CorruptRowError {
        CorruptRowError(subject: subject, column: column, problem: problem)
    }

    private func shown(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: "NULL"
        case .int64(let i): String(i)
        case .double(let d): String(d)
        case .string(let s): "text '\(s.prefix(40))'"
        case .blob(let b): "a \(b.count)-byte blob"
        }
    }

    func text(_ column: String) throws -> String {
        let v = value(column)
        guard case .string(let s) = v.storage else { throw corrupt(column, "holds \(shown(v)) where text was expected") }
        return s
    }

    func blob(_ column: String) throws -> Data {
        let v = value(column)
        guard case .blob(let b) = v.storage else { throw corrupt(column, "holds \(shown(v)) where a blob was expected") }
        return b
    }

    /// A blob of exactly `count` bytes (a key, a hash, a signature).
    func blob(_ column: String, count: Int) throws -> Data {
        let b = try blob(column)
        guard b.count == count else { throw corrupt(column, "is \(b.count) bytes where \(count) were expected") }
        return b
    }

    /// A `UInt64` stored as the `Int64` of the same 64 bits (`Int64(bitPattern:)`), so
    /// values above `Int64.max` survive.
    func unsigned64(_ column: String) throws -> UInt64 {
        let v = value(column)
        guard case .int64(let i) = v.storage else { throw corrupt(column, "holds \(shown(v)) where a whole number was expected") }
        return UInt64(bitPattern: i)
    }

    /// `integer(_:)` of the column at `index`.
    func integer(at index: Int, maximum: Int64 = .max) throws -> Int64 {
        try integer(value(at: index), "column \(index)", in: 0...maximum)
    }

    /// A whole number in `0...maximum` (SQLite may hand back an integral REAL).
    func integer(_ column: String, maximum: Int64 = .max) throws -> Int64 {
        try integer(value(column), column, in: 0...maximum)
    }

    /// A whole number in `range`, which may include negative numbers.
    func integer(_ column: String, in range: ClosedRange<Int64>) throws -> Int64 {
        try integer(value(column), column, in: range)
    }

    private func integer(_ v: DatabaseValue, _ column: String, in range: ClosedRange<Int64>) throws -> Int64 {
        let n: Int64?
        switch v.storage {
        case .int64(let i): n = i
        case .double(let d): n = Int64(exactly: d)
        default: n = nil
        }
        guard let n else { throw corrupt(column, "holds \(shown(v)) where a whole number was expected") }
        guard range.contains(n) else { throw corrupt(column, "holds \(n), outside \(range.lowerBound)…\(range.upperBound)") }
        return n
    }

    /// A node ID stored in its text form.
    func textNodeID(_ column: String) throws -> NodeID {
        let text = try text(column)
        do { return try NodeID(text) } catch { throw corrupt(column, "holds '\(text)', not a node ID") }
    }

    func count(_ column: String) throws -> Int { Int(try integer(column)) }

    func size(_ column: String) throws -> UInt64 { UInt64(try integer(column)) }

    /// An amount stored as the decimal text of its attoFIL (SQLite integers stop at 2^63).
    func amount(_ column: String) throws -> TokenAmount {
        try amount(try text(column), column)
    }

    /// `amount(_:)` of the column at `index`.
    func amount(at index: Int) throws -> TokenAmount {
        let v = value(at: index)
        guard case .string(let text) = v.storage else { throw corrupt("column \(index)", "holds \(shown(v)) where text was expected") }
        return try amount(text, "column \(index)")
    }

    private func amount(_ text: String, _ column: String) throws -> TokenAmount {
        guard let atto = UInt128(text), let amount = try? TokenAmount(attoFIL: atto) else {
            throw corrupt(column, "holds '\(text.prefix(40))' where an attoFIL amount was expected")
        }
        return amount
    }

    /// An optional whole number (NULL is nil).
    func optionalInteger(_ column: String) throws -> Int64? {
        value(column).isNull ? nil : try integer(column)
    }

    /// A time stored as `StoredTime` (integer Unix milliseconds).
    func time(_ column: String) throws -> Date {
        StoredTime.date(milliseconds: try integer(column))
    }
}
