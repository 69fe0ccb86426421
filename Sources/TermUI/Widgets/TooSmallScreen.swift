/// Drawn instead of the view when the terminal is smaller than the view needs (as btop
/// does): the current size and the size needed, so the operator knows how far to grow it.
public enum TooSmallScreen {
    public static func render(into buffer: inout CellBuffer, current: Size, needed: Size, context: RenderContext) {
        buffer.fill(buffer.bounds, style: context.theme[.base])
        let lines: [(String, ThemeRole)] = [
            ("Terminal size too small", .value),
            ("Width = \(current.width) Height = \(current.height)", .tooSmallBad),
            ("Needed: \(needed.width) × \(needed.height)", .tooSmallGood),
            ("C-c or :q quits", .muted),
        ]
        let top = max(0, (current.height - lines.count) / 2)
        for (i, (text, role)) in lines.enumerated() {
            let w = CellWidth.of(text)
            buffer.write(text, x: max(0, (current.width - w) / 2), y: top + i, style: context.theme[role])
        }
    }
}
