/// The rows a `Table` shows, addressed by position `0..<count`.
///
/// A table asks for cells only for the rows it draws, and for sort keys only of the column
/// it sorts by, so a source can hold its own compact records and format them on demand
/// instead of keeping a formatted string per cell. Calls must be cheap and must not block:
/// they run on the UI thread.
public protocol TableSource: Sendable {
    /// How many rows there are.
    var count: Int { get }
    /// A stable identity for row `row`; the selection follows it when the source is replaced.
    func id(_ row: Int) -> String
    /// The text of column `column` of row `row`, as drawn.
    func cell(_ row: Int, _ column: Int) -> String
    /// What column `column` of row `row` sorts by. A column whose keys are all numbers
    /// sorts numerically; otherwise by the UTF-8 bytes of the text.
    func sortKey(_ row: Int, _ column: Int) -> TableRow.SortKey
    /// The style of column `column` of row `row` when the row is not selected, for a cell
    /// whose colour carries meaning (a deal's state); nil draws it as an ordinary row.
    func role(_ row: Int, _ column: Int) -> ThemeRole?
}

extension TableSource {
    public func role(_ row: Int, _ column: Int) -> ThemeRole? { nil }
}

/// One row of ready-made cells, for tables small enough that formatting every cell up
/// front costs nothing worth saving.
public struct TableRow: Sendable, Equatable {
    /// A value a column sorts by.
    public enum SortKey: Sendable, Equatable, Comparable {
        case number(Double)
        case text(String)
    }

    public var id: String
    public var cells: [String]
    /// One per column; numbers let a column sort as numbers while its cells show them formatted.
    public var sortKeys: [SortKey]

    public init(id: String, cells: [String], sortKeys: [SortKey]? = nil) {
        self.id = id
        self.cells = cells
        self.sortKeys = sortKeys ?? cells.map { .text($0) }
    }
}

/// A `TableSource` over an array of `TableRow`s.
public struct TableRows: TableSource, Equatable {
    public var rows: [TableRow]

    public init(_ rows: [TableRow]) { self.rows = rows }

    public var count: Int { rows.count }
    public func id(_ row: Int) -> String { rows[row].id }
    public func cell(_ row: Int, _ column: Int) -> String {
        rows[row].cells.indices.contains(column) ? rows[row].cells[column] : ""
    }
    public func sortKey(_ row: Int, _ column: Int) -> TableRow.SortKey {
        rows[row].sortKeys.indices.contains(column) ? rows[row].sortKeys[column] : .text("")
    }
}
