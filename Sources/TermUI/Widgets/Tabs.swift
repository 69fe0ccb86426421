/// A row of view names with the current one highlighted; each tab shows its number so
/// operators can jump with digits.
public struct Tabs: Sendable, Equatable {
    public var titles: [String]
    public var selected: Int

    public init(titles: [String], selected: Int = 0) {
        self.titles = titles
        self.selected = min(max(0, selected), max(0, titles.count - 1))
    }

    public mutating func next() { if !titles.isEmpty { selected = (selected + 1) % titles.count } }
    public mutating func previous() { if !titles.isEmpty { selected = (selected + titles.count - 1) % titles.count } }

    /// Every tab as " 1 Title ", one cell apart; when that row is wider than `rect`, the
    /// tabs other than the selected one show their number only, so every number stays
    /// on screen.
    public func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        buffer.fill(rect, style: context.theme[.base])
        let full = titles.enumerated().map { " \($0.offset + 1) \($0.element) " }
        let fits = full.reduce(0) { $0 + CellWidth.of($1) + 1 } - 1 <= rect.width
        var x = rect.x
        for (i, label) in full.enumerated() {
            let role: ThemeRole = i == selected ? .tabActive : .tab
            x += buffer.write(fits || i == selected ? label : " \(i + 1) ", x: x, y: rect.y, style: context.theme[role], clip: rect)
            x += 1
        }
    }
}
