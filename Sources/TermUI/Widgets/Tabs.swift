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
    /// tabs other than the selected one lose their padding ("1 Title"), and when that is
    /// still too wide they show their number only, so every number stays on screen.
    public func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        buffer.fill(rect, style: context.theme[.base])
        let full = titles.enumerated().map { " \($0.offset + 1) \($0.element) " }
        let compact = titles.enumerated().map { $0.offset == selected ? full[$0.offset] : "\($0.offset + 1) \($0.element)" }
        let numbers = titles.indices.map { $0 == selected ? full[$0] : " \($0 + 1) " }
        let labels = [full, compact].first { $0.reduce(0) { $0 + CellWidth.of($1) + 1 } - 1 <= rect.width } ?? numbers
        var x = rect.x
        for (i, label) in labels.enumerated() {
            let role: ThemeRole = i == selected ? .tabActive : .tab
            x += buffer.write(label, x: x, y: rect.y, style: context.theme[role], clip: rect)
            x += 1
        }
    }
}
