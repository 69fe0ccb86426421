/// A frame with an optional title in its top edge; `draw` returns the inner rectangle.
public enum Box {
    @discardableResult
    public static func draw(_ rect: Rect, title: String = "", into buffer: inout CellBuffer, context: RenderContext, fill: ThemeRole = .base) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let g = context.glyphs, border = context.theme[.border]
        buffer.fill(rect, style: context.theme[fill])
        let line = String(repeating: g.horizontal, count: rect.width - 2)
        buffer.write(String(g.corners[0]) + line + String(g.corners[1]), x: rect.x, y: rect.y, style: border)
        buffer.write(String(g.corners[2]) + line + String(g.corners[3]), x: rect.x, y: rect.maxY - 1, style: border)
        for y in rect.y + 1..<rect.maxY - 1 {
            buffer.write(String(g.vertical), x: rect.x, y: y, style: border)
            buffer.write(String(g.vertical), x: rect.maxX - 1, y: y, style: border)
        }
        if !title.isEmpty {
            buffer.write(" \(title) ", x: rect.x + 2, y: rect.y, style: context.theme[.title], clip: Rect(x: rect.x, y: rect.y, width: rect.width - 2, height: 1))
        }
        return rect.inset(by: 1)
    }
}
