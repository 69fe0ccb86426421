import Foundation

/// A live log: a bounded ring of lines that follows the tail until the operator scrolls
/// up, and jumps straight back to the tail on `bottom` — it never replays the backlog.
public struct LogView: Sendable {
    /// One line of the log.
    public struct Line: Sendable, Equatable {
        /// Severity, which picks the line's style.
        public enum Level: Int, Sendable, Comparable {
            case debug, info, warning, error
            public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        }

        public let time: Date
        public let level: Level
        public let text: String

        public init(time: Date, level: Level, text: String) {
            self.time = time
            self.level = level
            self.text = text
        }
    }

    public private(set) var lines: RingBuffer<Line>
    /// True while the view sticks to the newest line.
    public private(set) var following = true
    /// Lines (of those the filter keeps) below the bottom of the view while not following.
    private var fromBottom = 0
    public private(set) var filter = RowFilter("")
    private var pageHeight = 10

    public init(capacity: Int = 5000) { lines = RingBuffer(capacity: capacity) }

    public mutating func append(_ line: Line) {
        lines.append(line)
        if !following, filter.matches(line.text) { fromBottom = min(fromBottom + 1, oldest) }
    }

    /// Shows only the lines `query` keeps (`RowFilter`), following the tail again.
    public mutating func setFilter(_ query: String) {
        filter = RowFilter(query)
        tail()
    }

    public mutating func scroll(by delta: Int) {
        fromBottom = min(max(0, fromBottom - delta), oldest)
        following = fromBottom == 0
    }

    public mutating func page(by pages: Int) { scroll(by: pages * max(1, pageHeight - 1)) }
    public mutating func top() { scroll(by: -lines.count) }

    /// The farthest the view scrolls back: the oldest page fills the view (not one line
    /// at its bottom).
    private var oldest: Int { max(0, matchingCount - pageHeight) }
    public mutating func tail() { fromBottom = 0; following = true }


    /// How many lines pass the filter (all of them without one).
    public var matchingCount: Int { filter.isEmpty ? lines.count : lines.elements.reduce(0) { $0 + (filter.matches($1.text) ? 1 : 0) } }

    /// Draws the newest lines that fit, bottom up; a line wider than `rect` wraps onto
    /// indented continuation rows, so nothing of it is lost.
    public mutating func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        pageHeight = max(1, rect.height)
        buffer.fill(rect, style: context.theme[.base])
        guard rect.height > 0, rect.width > 0 else { return }
        let shown = filter.isEmpty ? lines.elements : lines.elements.filter { filter.matches($0.text) }
        let end = max(0, shown.count - fromBottom)
        var y = rect.maxY
        let indent = 9
        for line in shown[..<end].reversed() {
            guard y > rect.y else { break }
            let role: ThemeRole = switch line.level {
            case .debug: .logDebug
            case .info: .logInfo
            case .warning: .logWarn
            case .error: .logError
            }
            let first = CellWidth.wrap("\(Self.stamp(line.time)) \(line.text)", rect.width)
            let rows = [first[0]] + (first.count > 1
                ? CellWidth.wrap(first.dropFirst().joined(separator: " "), max(1, rect.width - indent)).map { String(repeating: " ", count: indent) + $0 }
                : [])
            for row in rows.reversed() {
                guard y > rect.y else { break }
                y -= 1
                buffer.write(row, x: rect.x, y: y, style: context.theme[role], clip: rect)
            }
        }
    }

    /// HH:MM:SS in UTC, so snapshots do not depend on the machine's time zone.
    static func stamp(_ time: Date) -> String {
        let s = Int(time.timeIntervalSince1970.rounded(.down)) % 86_400
        return String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}
