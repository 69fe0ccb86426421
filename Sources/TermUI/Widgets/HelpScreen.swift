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

    public init(title: String, viewEntries: [Entry], keyMap: KeyMap) {
        self.title = title
        self.viewEntries = viewEntries
        self.keyMap = keyMap
    }

    /// Every line of help: the view's entries, then one per bound action.
    public var entries: [Entry] {
        viewEntries + KeyAction.allCases.compactMap { action in
            let label = keyMap.label(for: action)
            return label.isEmpty ? nil : Entry(label, action.summary)
        }
    }

    /// Draws the entries in one column, or in two balanced columns when they do not fit
    /// the height; each column aligns its own keys, so short keys leave room for text.
    public func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        let inner = Box.draw(rect, title: "Help: \(title) (Esc closes)", into: &buffer, context: context, fill: .dialog)
        guard inner.height > 0 else { return }
        let all = entries
        let columns = all.count > inner.height ? 2 : 1
        let perColumn = (all.count + columns - 1) / columns
        let columnWidth = inner.width / columns
        for column in 0..<columns {
            let slice = all.dropFirst(column * perColumn).prefix(min(perColumn, inner.height))
            let keyWidth = min((slice.map { CellWidth.of($0.keys) }.max() ?? 0) + 1, columnWidth / 2)
            let x = inner.x + column * columnWidth
            for (line, entry) in slice.enumerated() {
                let clip = Rect(x: x, y: inner.y + line, width: columnWidth - (column + 1 < columns ? 1 : 0), height: 1)
                buffer.write(entry.keys, x: x, y: inner.y + line, style: context.theme[.helpKey], clip: clip)
                buffer.write(entry.summary, x: x + keyWidth, y: inner.y + line, style: context.theme[.helpText], clip: clip)
            }
        }
    }
}
