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
    /// Cut too-long cells in the middle (head…tail) rather than at the end: for
    /// identifiers such as CIDs, whose prefixes are shared and whose tails differ.
    public var cutMiddle: Bool

    public init(_ title: String, width: Width, alignRight: Bool = false, cutMiddle: Bool = false) {
        self.title = title
        self.width = width
        self.alignRight = alignRight
        self.cutMiddle = cutMiddle
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

    /// Whether a line of text passes the filter.
    public func matches(_ text: String) -> Bool { needle.isEmpty || text.lowercased().contains(needle) != inverted }
}
