/// `?`: the keys of the current view followed by the global keys, generated from the
/// `KeyMap` so rebinding a key changes what help says.
public struct HelpScreen: Sendable, Equatable {
    /// A key (or command) and what it does.
    public struct Entry: Sendable, Equatable {
        public let keys: String
        public let summary: String
        public init(_ keys: String, _ summary: String) {
            self.keys = keys
            self.summary = summary
        }
    }

    public var title: String
    public var viewEntries: [Entry]
    public var keyMap: KeyMap
    /// Actions the current view has no use for, left out of help (no sort keys where
    /// nothing sorts).
    public var hidden: Set<KeyAction>

    public init(title: String, viewEntries: [Entry], keyMap: KeyMap, hidden: Set<KeyAction> = []) {
        self.title = title
        self.viewEntries = viewEntries
        self.keyMap = keyMap
        self.hidden = hidden
    }

    /// Every line of help: the view's entries, then one per bound action it uses.
    public var entries: [Entry] {
        viewEntries + KeyAction.allCases.compactMap { action in
            let label = keyMap.label(for: action)
            return label.isEmpty || hidden.contains(action) ? nil : Entry(label, action.summary)
        }
    }

    /// Draws the entries in one column, or in two columns balanced by the lines they take
    /// when they do not fit the height. Each column aligns its own keys; a description too
    /// long for its column wraps under itself, and only what still does not fit ends in
    /// an ellipsis.
    public func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        let inner = Box.draw(rect, title: "Help: \(title) (Esc closes)", into: &buffer, context: context, fill: .dialog)
        guard inner.height > 0, inner.width > 0 else { return }
        let all = entries
        let oneColumn = layout(all, width: inner.width)
        let columns = oneColumn.lines <= inner.height ? 1 : 2
        let columnWidth = inner.width / columns
        let split = columns == 1 ? all.count : balancedSplit(all, leftWidth: columnWidth - 1, rightWidth: columnWidth)
        for column in 0..<columns {
            let slice = column == 0 ? Array(all.prefix(split)) : Array(all.dropFirst(split))
            let width = columnWidth - (column + 1 < columns ? 1 : 0)
            let (keyWidth, _) = layout(slice, width: width)
            let x = inner.x + column * columnWidth
            var y = inner.y
            for entry in slice where y < inner.maxY {
                let clip = Rect(x: x, y: y, width: width, height: 1)
                buffer.write(CellWidth.fit(entry.keys, keyWidth - 1, ellipsis: context.glyphs.ellipsis), x: x, y: y, style: context.theme[.helpKey], clip: clip)
                var lines = CellWidth.wrap(entry.summary, max(1, width - keyWidth))
                let room = inner.maxY - y
                if lines.count > room {
                    lines = Array(lines.prefix(room))
                    lines[room - 1] = CellWidth.fit(lines[room - 1] + " " + context.glyphs.ellipsis, width - keyWidth, ellipsis: context.glyphs.ellipsis)
                }
                for line in lines {
                    buffer.write(line, x: x + keyWidth, y: y, style: context.theme[.helpText], clip: Rect(x: x, y: y, width: width, height: 1))
                    y += 1
                }
            }
        }
    }

    /// How many entries go in the left column so that the taller column is as short as
    /// it can be (the more even count when two splits tie).
    private func balancedSplit(_ entries: [Entry], leftWidth: Int, rightWidth: Int) -> Int {
        let half = (entries.count + 1) / 2
        return (1..<max(2, entries.count)).min { a, b in
            let tallA = max(layout(Array(entries.prefix(a)), width: leftWidth).lines, layout(Array(entries.dropFirst(a)), width: rightWidth).lines)
            let tallB = max(layout(Array(entries.prefix(b)), width: leftWidth).lines, layout(Array(entries.dropFirst(b)), width: rightWidth).lines)
            return (tallA, abs(a - half)) < (tallB, abs(b - half))
        } ?? half
    }

    /// The key column's width (with one space after) and the lines `entries` take in a
    /// column `width` wide.
    private func layout(_ entries: [Entry], width: Int) -> (keyWidth: Int, lines: Int) {
        let keyWidth = min((entries.map { CellWidth.of($0.keys) }.max() ?? 0) + 1, max(1, width / 2))
        let lines = entries.reduce(0) { $0 + CellWidth.wrap($1.summary, max(1, width - keyWidth)).count }
        return (keyWidth, lines)
    }
}
