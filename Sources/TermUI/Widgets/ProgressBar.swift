/// A horizontal bar for a fraction done, with the percentage after it.
public struct ProgressBar: Sendable, Equatable {
    public var fraction: Double
    public var label: String

    public init(fraction: Double, label: String = "") {
        self.fraction = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        self.label = label
    }

    public func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        buffer.fill(rect, style: context.theme[.base])
        let percent = " \(Int((fraction * 100).rounded(.down)))%"
        let head = label.isEmpty ? "" : label + " "
        let barWidth = max(0, rect.width - CellWidth.of(head) - CellWidth.of(percent))
        var x = rect.x + buffer.write(head, x: rect.x, y: rect.y, style: context.theme[.base], clip: rect)
        let done = Int((Double(barWidth) * fraction).rounded(.down))
        x += buffer.write(String(repeating: context.glyphs.filled, count: done), x: x, y: rect.y, style: context.theme[.progressDone], clip: rect)
        x += buffer.write(String(repeating: context.glyphs.empty, count: barWidth - done), x: x, y: rect.y, style: context.theme[.progressTodo], clip: rect)
        buffer.write(percent, x: x, y: rect.y, style: context.theme[.base], clip: rect)
    }
}
