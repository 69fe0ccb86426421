/// One column of a `Table`: its header, how wide it is and how it aligns.
public struct TableColumn: Sendable, Equatable {
    /// How a column's width is decided.
    public enum Width: Sendable, Equatable {
        case fixed(Int)
        /// Shares the room the fixed columns leave, never narrower than `min`.
        case flexible(min: Int)
    }

    public var title: String
    public var width: Width
    public var alignRight: Bool

    public init(_ title: String, width: Width, alignRight: Bool = false) {
        self.title = title
        self.width = width
        self.alignRight = alignRight
    }
}

/// One row of a `Table`. `id` keeps the selection on the same row across updates;
/// `sortKeys` (one per column) let numbers sort as numbers while cells show them formatted.
public struct TableRow: Sendable, Equatable {
    /// A value a column sorts by.
    public enum SortKey: Sendable, Equatable, Comparable {
        case number(Double)
        case text(String)
    }

    public var id: String
    public var cells: [String]
    public var sortKeys: [SortKey]
    /// Lower-cased text of every cell, for the filter.
    let searchText: String

    public init(id: String, cells: [String], sortKeys: [SortKey]? = nil) {
        self.id = id
        self.cells = cells
        self.sortKeys = sortKeys ?? cells.map { .text($0) }
        searchText = cells.joined(separator: "\u{1F}").lowercased()
    }
}

/// What `/` typed: rows containing the text (case-insensitive); a leading `!` keeps the
/// rows that do not.
public struct RowFilter: Sendable, Equatable {
    public let needle: String
    public let inverted: Bool

    public init(_ query: String) {
        inverted = query.hasPrefix("!")
        needle = String(inverted ? query.dropFirst() : Substring(query)).lowercased()
    }

    public var isEmpty: Bool { needle.isEmpty }

    public func matches(_ row: TableRow) -> Bool { needle.isEmpty || row.searchText.contains(needle) != inverted }

    /// Whether a line of text passes the filter.
    public func matches(_ text: String) -> Bool { needle.isEmpty || text.lowercased().contains(needle) != inverted }
}
