/// The `:` command line and the `/` filter line: editing at a cursor (Left/Right,
/// Home/End, C-a/C-e, Backspace/Delete, C-u, C-w), history (Up/Down), and Tab completion
/// from a provider the owner supplies — Tab completes what all candidates share, then
/// cycles through them (S-Tab backwards).
public struct LineEditor {
    /// What a key did to the line.
    public enum Outcome: Equatable, Sendable {
        case editing
        case submitted(String)
        case cancelled
    }

    public let prompt: String
    public private(set) var text = ""
    /// The cursor, in characters from the start of `text` (0…text.count).
    public private(set) var cursor = 0
    public private(set) var history: [String] = []
    private var historyIndex: Int?
    /// The candidates Tab is cycling through and the one shown, while Tab is pressed again.
    private var cycle: (candidates: [String], index: Int)?
    /// Full-line candidates for the text typed so far.
    public var completer: (String) -> [String]

    public init(prompt: String, completer: @escaping (String) -> [String] = { _ in [] }) {
        self.prompt = prompt
        self.completer = completer
    }

    /// Starts a fresh line, optionally with text already in it; the cursor goes to the end.
    public mutating func begin(_ initial: String = "") {
        setText(initial)
        historyIndex = nil
    }

    /// The first candidate that extends the typed text, shown greyed after the cursor
    /// while the cursor is at the end.
    public var suggestion: String? {
        guard !text.isEmpty, cursor == text.count else { return nil }
        return completer(text).first { $0.hasPrefix(text) && $0 != text }
    }

    public mutating func handle(_ key: Key) -> Outcome {
        if key != .tab, key != .backTab { cycle = nil }
        switch key {
        case .character(let c):
            text.insert(c, at: index(cursor))
            cursor += 1
        case .backspace, .control("h"):
            if text.isEmpty { return .cancelled }
            if cursor > 0 {
                text.remove(at: index(cursor - 1))
                cursor -= 1
            }
        case .delete, .control("d"):
            if cursor < text.count { text.remove(at: index(cursor)) }
        case .left, .control("b"): cursor = max(0, cursor - 1)
        case .right, .control("f"):
            if cursor == text.count, let s = suggestion { setText(s) } else { cursor = min(text.count, cursor + 1) }
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = text.count
        case .control("u"):
            text.removeSubrange(text.startIndex..<index(cursor))
            cursor = 0
        case .control("w"):
            var start = cursor
            let chars = Array(text)
            while start > 0, chars[start - 1] == " " { start -= 1 }
            while start > 0, chars[start - 1] != " " { start -= 1 }
            text.removeSubrange(index(start)..<index(cursor))
            cursor = start
        case .tab: complete(step: 1)
        case .backTab: complete(step: -1)
        case .up:
            guard !history.isEmpty else { break }
            let i = max(0, (historyIndex ?? history.count) - 1)
            historyIndex = i
            setText(history[i])
        case .down:
            guard let i = historyIndex else { break }
            if i + 1 < history.count { historyIndex = i + 1; setText(history[i + 1]) } else { historyIndex = nil; setText("") }
        case .enter:
            let line = text
            if !line.isEmpty, history.last != line { history.append(line) }
            historyIndex = nil
            return .submitted(line)
        case .escape, .control("c"):
            return .cancelled
        default:
            break
        }
        return .editing
    }

    private func index(_ offset: Int) -> String.Index { text.index(text.startIndex, offsetBy: min(max(0, offset), text.count)) }

    private mutating func setText(_ new: String) {
        text = new
        cursor = new.count
    }

    /// Tab: the single candidate, or the longest prefix all candidates share; when that
    /// adds nothing, the next (or previous) candidate in turn.
    private mutating func complete(step: Int) {
        if let (candidates, i) = cycle, candidates.indices.contains(i), text == candidates[i] {
            let next = (i + step + candidates.count) % candidates.count
            cycle = (candidates, next)
            setText(candidates[next])
            return
        }
        let typed = String(text[..<index(cursor)])
        let candidates = completer(typed).filter { $0.hasPrefix(typed) }
        guard var common = candidates.first else { return }
        for c in candidates.dropFirst() {
            while !c.hasPrefix(common) { common.removeLast() }
        }
        if common.count > typed.count || candidates.count == 1 {
            setText(common)
        } else {
            let first = step > 0 ? 0 : candidates.count - 1
            cycle = (candidates, first)
            setText(candidates[first])
        }
    }

    /// Draws prompt, text and cursor; a line wider than `rect` scrolls so the cursor
    /// stays visible, with an ellipsis where text is hidden.
    public func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        let theme = context.theme
        buffer.fill(rect, style: theme[.base])
        guard rect.width > 0 else { return }
        let chars = Array(text)
        let before = String(chars[..<cursor])
        let under = cursor < chars.count ? String(chars[cursor]) : nil
        let after = cursor < chars.count ? String(chars[(cursor + 1)...]) : ""
        let rest = under == nil ? (suggestion.map { String($0.dropFirst(text.count)) } ?? "") : ""
        let cursorText = under ?? rest.first.map(String.init) ?? " "
        // Room left of the cursor: the prompt, then as much of `before` as fits.
        let room = max(0, rect.width - CellWidth.of(prompt) - CellWidth.of(cursorText))
        var shown = before
        if CellWidth.of(before) > room {
            let mark = context.glyphs.ellipsis
            var tail = Substring(before)
            while !tail.isEmpty, CellWidth.of(String(tail)) + CellWidth.of(mark) > room { tail = tail.dropFirst() }
            shown = mark + tail
        }
        var x = rect.x + buffer.write(prompt + shown, x: rect.x, y: rect.y, style: theme[.prompt], clip: rect)
        x += buffer.write(cursorText, x: x, y: rect.y, style: theme[.prompt].adding(.reverse), clip: rect)
        if under != nil {
            let fitted = CellWidth.of(after) > rect.maxX - x ? CellWidth.fit(after, rect.maxX - x, ellipsis: context.glyphs.ellipsis) : after
            buffer.write(fitted, x: x, y: rect.y, style: theme[.prompt], clip: rect)
        } else {
            buffer.write(String(rest.dropFirst()), x: x, y: rect.y, style: theme[.completion], clip: rect)
        }
    }
}
