/// A sortable, filterable table that only draws the rows on screen, so ten thousand
/// rows cost no more to draw than forty.
///
/// Rows come from a `TableSource`: cells are asked for only for the rows drawn, sort keys
/// only of the sort column (kept until the rows change), and a filter's search text only
/// while a filter is set. Holds its own selection, scroll position, sort and filter; the
/// selection follows its row (by id) when the source is replaced.
public struct Table: Sendable {
    public var columns: [TableColumn]
    public private(set) var source: any TableSource = TableRows([])
    /// Positions in `source` of the rows shown, filtered and sorted.
    public private(set) var visible: [Int] = []
    public private(set) var sortColumn: Int?
    public private(set) var ascending = true
    public private(set) var filter = RowFilter("")
    public private(set) var selected = 0
    private var sortKeys: ColumnKeys?
    private var searchIndex: SearchIndex?
    private var offset = 0
    private var pageHeight = 10

    public init(columns: [TableColumn], sortColumn: Int? = nil, ascending: Bool = true) {
        self.columns = columns
        self.sortColumn = sortColumn
        self.ascending = ascending
    }

    /// The position in `source` of the selected row, if any row is shown.
    public var selectedRow: Int? { visible.indices.contains(selected) ? visible[selected] : nil }
    /// The id of the selected row, if any row is shown.
    public var selectedID: String? { selectedRow.map(source.id) }

    /// Shows `newSource`'s rows, keeping the sort, the filter and the selected row.
    public mutating func setSource(_ newSource: any TableSource) {
        let keep = selectedID
        source = newSource
        sortKeys = nil
        searchIndex = nil
        rebuild(keeping: keep.flatMap { id in (0..<newSource.count).first { newSource.id($0) == id } })
    }

    /// Shows `newSource`, which holds the same rows as the current source in the same
    /// positions with the same sort keys — only text that follows the clock differs (a
    /// countdown, an age) — so nothing is sorted or searched again: a clock tick on ten
    /// thousand rows costs nothing until they are drawn. A filter set before keeps
    /// matching the text the rows had when it was set. A source with another row count
    /// is not the same rows: it is shown as `setSource` shows it.
    public mutating func refreshCells(_ newSource: any TableSource) {
        guard newSource.count == source.count else { return setSource(newSource) }
        source = newSource
    }

    /// Shows ready-made rows.
    public mutating func setRows(_ rows: [TableRow]) { setSource(TableRows(rows)) }

    public mutating func setFilter(_ query: String) {
        let keep = selectedRow
        filter = RowFilter(query)
        if filter.isEmpty { searchIndex = nil }
        rebuild(keeping: keep)
    }

    /// Sorts by `column`; choosing the current column again reverses the order.
    public mutating func sort(by column: Int) {
        guard columns.indices.contains(column) else { return }
        let keep = selectedRow
        if sortColumn == column { ascending.toggle() } else { (sortColumn, ascending) = (column, true) }
        rebuild(keeping: keep)
    }

    public mutating func sortNext() { sort(by: ((sortColumn ?? -1) + 1) % max(1, columns.count)) }
    public mutating func sortPrevious() { sort(by: ((sortColumn ?? 0) + columns.count - 1) % max(1, columns.count)) }
    public mutating func reverse() { let keep = selectedRow; ascending.toggle(); rebuild(keeping: keep) }

    public mutating func move(by delta: Int) { select(selected + delta) }
    public mutating func page(by pages: Int) { select(selected + pages * max(1, pageHeight - 1)) }
    public mutating func top() { select(0) }
    public mutating func bottom() { select(visible.count - 1) }

    private mutating func select(_ index: Int) {
        selected = min(max(0, index), max(0, visible.count - 1))
    }

    /// Recomputes the rows shown; the selection stays on source row `row` when it is shown.
    private mutating func rebuild(keeping row: Int?) {
        var indices: [Int]
        if filter.isEmpty {
            indices = Array(0..<source.count)
        } else {
            let index = searchIndex ?? SearchIndex(source, columns: columns.count)
            searchIndex = index
            let needle = Array(filter.needle.utf8), inverted = filter.inverted
            indices = (0..<source.count).filter { index.contains(needle, row: $0) != inverted }
        }
        if let column = sortColumn, columns.indices.contains(column) {
            let keys = sortKeys.flatMap { $0.column == column ? $0 : nil } ?? ColumnKeys(source, column: column)
            sortKeys = keys
            keys.sort(&indices, ascending: ascending)
        }
        visible = indices
        if let row, let at = visible.firstIndex(of: row) { selected = at } else { select(selected) }
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
            let row = visible[index]
            let y = rect.y + 1 + line
            let isSelected = index == selected && focused
            let style = theme[isSelected ? .tableSelected : .tableRow]
            if isSelected { buffer.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: style) }
            var x = rect.x
            for (i, column) in columns.enumerated() {
                let text = source.cell(row, i)
                let fitted = column.cutMiddle
                    ? CellWidth.fitMiddle(text, widths[i], ellipsis: context.glyphs.ellipsis)
                    : CellWidth.fit(text, widths[i], alignRight: column.alignRight, ellipsis: context.glyphs.ellipsis)
                let cellStyle = isSelected ? style : source.role(row, i).map { theme[$0] } ?? style
                buffer.write(fitted, x: x, y: y, style: cellStyle, clip: rect)
                x += widths[i] + 1
            }
        }
    }
}
