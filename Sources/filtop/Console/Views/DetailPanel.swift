import TermUI

/// Enter on a row: every field of it in full (long values wrap), over the view. `c`
/// copies `copyValue` (the row's CID or node ID) to the terminal's clipboard; Esc closes.
struct DetailPanel: Equatable {
    var title: String
    var fields: [Field]
    /// What `c` copies, and what it is called in the flash line.
    var copyValue: String
    var copyName: String

    /// One label and its full value.
    struct Field: Equatable {
        let label: String
        let value: String
        init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        let inner = Box.draw(rect, title: "\(title) (c copies the \(copyName), Esc closes)", into: &buffer, context: context, fill: .dialog)
        guard inner.width > 2, inner.height > 0 else { return }
        let labelWidth = min((fields.map { CellWidth.of($0.label) }.max() ?? 0) + 2, inner.width / 2)
        var y = inner.y
        for field in fields where y < inner.maxY {
            buffer.write(CellWidth.fit(field.label, labelWidth - 1, ellipsis: context.glyphs.ellipsis), x: inner.x + 1, y: y, style: context.theme[.label], clip: inner)
            for line in CellWidth.wrap(field.value, max(1, inner.width - labelWidth - 2)) where y < inner.maxY {
                buffer.write(line, x: inner.x + 1 + labelWidth, y: y, style: context.theme[.value], clip: inner)
                y += 1
            }
        }
    }
}
