/// A sortable, filterable table that only draws the rows on screen, so ten thousand
/// rows cost no more to draw than forty. Holds its own selection, scroll position, sort
/// and filter; the selection follows its row (by `id`) when rows are replaced.
public struct Table: Sendable, Equatable {
    public var columns: [TableColumn]
    public private(set) var rows: [TableRow] = []
    /// Indices into `rows` of the rows shown, filtered and sorted.
    public private(set) var visible: [Int] = []
    public private(set) var sortColumn: Int?
    public private(set) var ascending = true
    public private(set) var filter = RowFilter("")
    public private(set) var selected = 0
    /// Sort keys by column, built once per `setRows`, so a sort compares plain arrays.
    private var columnKeys: [ColumnKeys] = []
    private var offset = 0
    private var pageHeight = 10

    public init(columns: [TableColumn], sortColumn: Int? = nil, ascending: Bool = true) {
        self.columns = columns
        self.sortColumn = sortColumn
        self.ascending = ascending
    }

    public var selectedRow: TableRow? { visible.indices.contains(selected) ? rows[visible[selected]] : nil }

    public mutating func setRows(_ newRows: [TableRow]) {
        let keep = selectedRow?.id
        rows = newRows
        columnKeys = columns.indices.map { ColumnKeys(rows: newRows, column: $0) }
        rebuild(keeping: keep)
    }

    public mutating func setFilter(_ query: String) {
        filter = RowFilter(query)
        rebuild(keeping: selectedRow?.id)
    }

    /// Sorts by `column`; choosing the current column again reverses the order.
    public mutating func sort(by column: Int) {
        guard columns.indices.contains(column) else { return }
        if sortColumn == column { ascending.toggle() } else { (sortColumn, ascending) = (column, true) }
        rebuild(keeping: selectedRow?.id)
    }

    public mutating func sortNext() { sort(by: ((sortColumn ?? -1) + 1) % max(1, columns.count)) }
    public mutating func sortPrevious() { sort(by: ((sortColumn ?? 0) + columns.count - 1) % max(1, columns.count)) }
    public mutating func reverse() { ascending.toggle(); rebuild(keeping: selectedRow?.id) }

    public mutating func move(by delta: Int) { select(selected + delta) }
    public mutating func page(by pages: Int) { select(selected + pages * max(1, pageHeight - 1)) }
    public mutating func top() { select(0) }
    public mutating func bottom() { select(visible.count - 1) }

    private mutating func select(_ index: Int) {
        selected = min(max(0, index), max(0, visible.count - 1))
    }

    private mutating func rebuild(keeping id: String?) {
        var indices = filter.isEmpty ? Array(rows.indices) : rows.indices.filter { filter.matches(rows[$0]) }
        if let column = sortColumn, columnKeys.indices.contains(column) {
            columnKeys[column].sort(&indices, ascending: ascending)
        }
        visible = indices
        if let id, let at = visible.firstIndex(where: { rows[$0].id == id }) { selected = at } else { select(selected) }
    }

    /// Column widths for a table `width` wide (one space between columns).
    public func widths(for width: Int) -> [Int] {
        let gaps = max(0, columns.count - 1)
        let fixed = columns.reduce(0) { if case .fixed(let n) = $1.width { $0 + n } else { $0 } }
        let flexible = columns.filter { if case .flexible = $0.width { true } else { false } }.count
        let spare = max(0, width - gaps - fixed)
        var given = 0, seen = 0
        return columns.map { column in
            switch column.width {
            case .fixed(let n): return n
            case .flexible(let minimum):
                seen += 1
                let upTo = spare * seen / max(1, flexible)
                defer { given = upTo }
                return max(minimum, upTo - given)
            }
        }
    }

    /// Draws the header and the rows that fit; records the page height for paging.
    public mutating func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext, focused: Bool = true) {
        pageHeight = max(1, rect.height - 1)
        if selected < offset { offset = selected }
        if selected >= offset + pageHeight { offset = selected - pageHeight + 1 }
        offset = min(offset, max(0, visible.count - pageHeight))
        draw(into: &buffer, rect: rect, context: context, focused: focused)
    }

    private func draw(into buffer: inout CellBuffer, rect: Rect, context: RenderContext, focused: Bool) {
        let theme = context.theme
        buffer.fill(rect, style: theme[.base])
        guard rect.height > 0 else { return }
        let widths = widths(for: rect.width)
        var x = rect.x
        for (i, column) in columns.enumerated() {
            let marker = i == sortColumn ? String(ascending ? context.glyphs.ascending : context.glyphs.descending) : ""
            let role: ThemeRole = i == sortColumn ? .tableSorted : .tableHeader
            let title = CellWidth.fit(column.title + marker, widths[i], alignRight: column.alignRight, ellipsis: context.glyphs.ellipsis)
            buffer.write(title, x: x, y: rect.y, style: theme[role], clip: rect)
            x += widths[i] + 1
        }
        for line in 0..<min(pageHeight, visible.count - offset) {
            let index = offset + line
            let row = rows[visible[index]]
            let y = rect.y + 1 + line
            let isSelected = index == selected && focused
            let style = theme[isSelected ? .tableSelected : .tableRow]
            if isSelected { buffer.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: style) }
            var x = rect.x
            for (i, column) in columns.enumerated() {
                let text = i < row.cells.count ? row.cells[i] : ""
                buffer.write(CellWidth.fit(text, widths[i], alignRight: column.alignRight, ellipsis: context.glyphs.ellipsis), x: x, y: y, style: style, clip: rect)
                x += widths[i] + 1
            }
        }
    }
}
