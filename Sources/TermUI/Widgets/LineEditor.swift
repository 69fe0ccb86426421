/// The `:` command line and the `/` filter line: editing, history (Up/Down), and Tab
/// completion from a provider the owner supplies.
public struct LineEditor {
    /// What a key did to the line.
    public enum Outcome: Equatable, Sendable {
        case editing
        case submitted(String)
        case cancelled
    }

    public let prompt: String
    public private(set) var text = ""
    public private(set) var history: [String] = []
    private var historyIndex: Int?
    /// Full-line candidates for the text typed so far.
    public var completer: (String) -> [String]

    public init(prompt: String, completer: @escaping (String) -> [String] = { _ in [] }) {
        self.prompt = prompt
        self.completer = completer
    }

    /// Starts a fresh line, optionally with text already in it.
    public mutating func begin(_ initial: String = "") {
        text = initial
        historyIndex = nil
    }

    /// The first candidate that extends the typed text, shown greyed after the cursor.
    public var suggestion: String? {
        guard !text.isEmpty else { return nil }
        return completer(text).first { $0.hasPrefix(text) && $0 != text }
    }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .character(let c):
            text.append(c)
        case .backspace, .control("h"):
            if text.isEmpty { return .cancelled }
            text.removeLast()
        case .control("u"):
            text = ""
        case .control("w"):
            while text.last == " " { text.removeLast() }
            while let last = text.last, last != " " { text.removeLast() }
        case .tab:
            complete()
        case .up:
            guard !history.isEmpty else { break }
            let i = max(0, (historyIndex ?? history.count) - 1)
            historyIndex = i
            text = history[i]
        case .down:
            guard let i = historyIndex else { break }
            if i + 1 < history.count { historyIndex = i + 1; text = history[i + 1] } else { historyIndex = nil; text = "" }
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

    /// Tab: the longest prefix all candidates share, or the single candidate.
    private mutating func complete() {
        let candidates = completer(text).filter { $0.hasPrefix(text) }
        guard var common = candidates.first else { return }
        for c in candidates.dropFirst() {
            while !c.hasPrefix(common) { common.removeLast() }
        }
        if common.count > text.count { text = common }
    }

    public func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        let theme = context.theme
        buffer.fill(rect, style: theme[.base])
        var x = rect.x + buffer.write(prompt + text, x: rect.x, y: rect.y, style: theme[.prompt], clip: rect)
        let rest = suggestion.map { String($0.dropFirst(text.count)) } ?? ""
        let cursorChar = rest.first.map(String.init) ?? " "
        x += buffer.write(cursorChar, x: x, y: rect.y, style: theme[.prompt].adding(.reverse), clip: rect)
        buffer.write(String(rest.dropFirst()), x: x, y: rect.y, style: theme[.completion], clip: rect)
    }
}
