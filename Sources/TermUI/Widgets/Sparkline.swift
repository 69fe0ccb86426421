/// A one-line chart of recent values in block glyphs (`▁`…`█`), or ASCII when the glyph
/// set is ASCII. Shows the newest values that fit, right-aligned.
public struct Sparkline: Sendable, Equatable {
    public var values: [Double]

    public init(values: [Double]) { self.values = values }

    public func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        buffer.fill(rect, style: context.theme[.base])
        let shown = values.suffix(rect.width)
        guard let top = shown.max(), top > 0 else { return }
        let bars = context.glyphs.bars
        let text = String(shown.map { v -> Character in
            let level = Int((max(0, v) / top * Double(bars.count - 1)).rounded())
            return bars[min(max(level, 0), bars.count - 1)]
        })
        buffer.write(text, x: rect.maxX - shown.count, y: rect.y, style: context.theme[.sparkline], clip: rect)
    }
}
