/// A plain-text table for command output: a header row and rows, each column as wide as
/// its widest cell, two spaces between columns; amounts and counts right-aligned.
struct TextTable {
    struct Column {
        let title: String
        let rightAligned: Bool

        static func left(_ title: String) -> Column { Column(title: title, rightAligned: false) }
        static func right(_ title: String) -> Column { Column(title: title, rightAligned: true) }
    }

    let columns: [Column]
    private(set) var rows: [[String]] = []

    init(_ columns: [Column]) { self.columns = columns }

    /// Adds a row; it must have one cell per column.
    mutating func add(_ cells: [String]) {
        precondition(cells.count == columns.count, "a row of \(cells.count) cells in a table of \(columns.count) columns")
        rows.append(cells)
    }

    /// The table as lines, without trailing spaces.
    var lines: [String] {
        let all = [columns.map(\.title)] + rows
        let widths = columns.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { cells in
            let padded = cells.enumerated().map { i, cell in
                let gap = String(repeating: " ", count: widths[i] - cell.count)
                return columns[i].rightAligned ? gap + cell : cell + gap
            }
            return String(padded.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
        }
    }

    func print() {
        for line in lines { Swift.print(line) }
    }
}
