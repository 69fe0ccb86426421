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

    public func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        buffer.fill(rect, style: context.theme[.base])
        var x = rect.x
        for (i, title) in titles.enumerated() {
            let role: ThemeRole = i == selected ? .tabActive : .tab
            x += buffer.write(" \(i + 1) \(title) ", x: x, y: rect.y, style: context.theme[role], clip: rect)
            x += 1
        }
    }
}
