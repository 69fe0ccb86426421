import TermUI

/// Enter on a row: every field of it in full (long values wrap), over the view. `c`
/// copies `copyValue` (the row's CID or node ID) to the terminal's clipboard; Esc closes.
/// A panel taller than the screen scrolls (Up, Down, the page keys, g, G) and says how
/// many lines are below.
struct DetailPanel: Equatable {
    var title: String
    var fields: [Field]
    /// What `c` copies, and what it is called in the flash line.
    var copyValue: String
    var copyName: String
    /// The first line shown.
    private(set) var offset = 0
    /// The lines and the rows for them at the last draw, which scrolling stays within.
    private var drawn = (lines: 0, rows: 0)

    /// One label and its full value.
    struct Field: Equatable {
        let label: String
        let value: String
        init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    init(title: String, fields: [Field], copyValue: String, copyName: String) {
        self.title = title
        self.fields = fields
        self.copyValue = copyValue
        self.copyName = copyName
    }

    static func == (a: Self, b: Self) -> Bool {
        a.title == b.title && a.fields == b.fields && a.copyValue == b.copyValue && a.copyName == b.copyName && a.offset == b.offset
    }

    /// Scrolls for a navigation action; false for one the panel has no use for.
    mutating func scroll(_ action: KeyAction) -> Bool {
        let last = max(0, drawn.lines - drawn.rows)
        let page = max(1, drawn.rows - 1)
        switch action {
        case .up: offset -= 1
        case .down: offset += 1
        case .pageUp: offset -= page
        case .pageDown: offset += page
        case .top: offset = 0
        case .bottom: offset = last
        default: return false
        }
        offset = min(max(0, offset), last)
        return true
    }

    mutating func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        let inner = Box.draw(rect, title: "\(title) (c copies the \(copyName), Esc closes)", into: &buffer, context: context, fill: .dialog)
        guard inner.width > 2, inner.height > 0 else { return }
        let labelWidth = min((fields.map { CellWidth.of($0.label) }.max() ?? 0) + 2, inner.width / 2)
        var lines: [(label: String?, text: String)] = []
        for field in fields {
            for (i, line) in CellWidth.wrap(field.value, max(1, inner.width - labelWidth - 2)).enumerated() {
                lines.append((i == 0 ? field.label : nil, line))
            }
        }
        drawn = (lines.count, inner.height)
        offset = min(offset, max(0, lines.count - inner.height))
        let below = lines.count - offset - inner.height
        let rows = below > 0 ? inner.height - 1 : inner.height
        for (row, line) in lines.dropFirst(offset).prefix(rows).enumerated() {
            let y = inner.y + row
            if let label = line.label {
                buffer.write(CellWidth.fit(label, labelWidth - 1, ellipsis: context.glyphs.ellipsis), x: inner.x + 1, y: y, style: context.theme[.label], clip: inner)
            }
            buffer.write(line.text, x: inner.x + 1 + labelWidth, y: y, style: context.theme[.value], clip: inner)
        }
        if below > 0 {
            buffer.write("\(context.glyphs.ellipsis) \(below + 1) more lines: Down scrolls", x: inner.x + 1, y: inner.maxY - 1,
                         style: context.theme[.muted], clip: inner)
        }
    }
}
