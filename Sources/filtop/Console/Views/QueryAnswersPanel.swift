import Foundation
import NodeKit
import TermUI

/// What a `:query` heard, over the view: one row per provider asked — whether it holds
/// the content, the DAG's size, its price per byte, unseal price, what the whole DAG
/// costs and the longest payment interval it allows — those that hold it first, cheapest
/// first; then each provider's message, or why it could not be asked. Up/Down move
/// through the rows; Esc closes.
struct QueryAnswersPanel: Equatable {
    /// The providers' answers to one query, as the feed posts them.
    struct Result: Sendable, Equatable {
        /// What was asked about: a payload CID or a Piece CID, as typed.
        let target: String
        let answers: [QueryAnswer]
    }

    let result: Result
    private(set) var table = Table(columns: [
        TableColumn("PROVIDER", width: .flexible(min: 12), cutMiddle: true),
        TableColumn("STATUS", width: .fixed(11)),
        TableColumn("SIZE", width: .fixed(10), alignRight: true),
        TableColumn("ATTOFIL/B", width: .fixed(9), alignRight: true),
        TableColumn("UNSEAL", width: .fixed(6), alignRight: true),
        TableColumn("TOTAL", width: .fixed(6), alignRight: true),
        TableColumn("INTERVAL", width: .fixed(10), alignRight: true),
    ])

    init(_ result: Result) {
        self.result = result
        table.setSource(QueryAnswerRows(answers: Self.ranked(result.answers)))
    }

    static func == (a: Self, b: Self) -> Bool { a.result == b.result && a.table.selected == b.table.selected }

    /// Those that hold the content, cheapest whole DAG first; then those that do not;
    /// then those that could not be asked — each group in the node's order.
    static func ranked(_ answers: [QueryAnswer]) -> [QueryAnswer] {
        let holding = answers.filter { $0.response?.status == .available }.enumerated()
            .sorted { ($0.element.response?.totalPrice ?? .max, $0.offset) < ($1.element.response?.totalPrice ?? .max, $1.offset) }
            .map(\.element)
        let answered = answers.filter { $0.response != nil && $0.response?.status != .available }
        return holding + answered + answers.filter { $0.response == nil }
    }

    /// Moves through the rows; false for an action the panel has no use for.
    mutating func handle(_ action: KeyAction) -> Bool {
        guard action != .left, action != .right, action != .sortReverse else { return false }
        return table.navigate(action)
    }

    /// One line per provider with something to say: its message, or why it was not heard.
    var messageLines: [(provider: String, text: String)] {
        Self.ranked(result.answers).compactMap { a in
            if let error = a.error { return (a.provider.description, "not asked: \(error)") }
            guard let r = a.response, !r.message.isEmpty else { return nil }
            return (a.provider.description, r.message)
        }
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        let target = ConsoleFormat.shortID(result.target, 32)
        let inner = Box.draw(rect, title: "Query \(target) (Esc closes)", into: &buffer, context: context, fill: .dialog)
        guard inner.width > 4, inner.height > 2 else { return }
        let holding = result.answers.filter { $0.response?.status == .available }.count
        let asked = ConsoleFormat.count(result.answers.count, "provider")
        buffer.write("\(asked) asked · \(holding) \(holding == 1 ? "holds" : "hold") it, cheapest first · amounts in FIL",
                     x: inner.x + 1, y: inner.y, style: context.theme[.label], clip: inner)

        let providerWidth = min(18, inner.width / 3)
        let textWidth = max(1, inner.width - providerWidth - 3)
        let messages = messageLines.flatMap { line in
            CellWidth.wrap(line.text, textWidth).enumerated().map { ($0.offset == 0 ? line.provider : "", $0.element) }
        }
        // The table takes the room it needs up to half; the messages the rest.
        let room = inner.height - 3
        let tableNeed = max(2, result.answers.count + 1)
        let messageRows = messages.isEmpty ? 0 : min(messages.count + 1, max(2, room - min(tableNeed, room / 2)))
        let tableRect = Rect(x: inner.x + 1, y: inner.y + 2, width: inner.width - 2, height: inner.height - 2 - messageRows)
        if result.answers.isEmpty {
            buffer.write("No provider to ask: none was found holding it (through the gateways, or in the register).", x: tableRect.x, y: tableRect.y,
                         style: context.theme[.muted], clip: inner)
        } else if tableRect.height > 1 {
            var table = self.table
            table.render(into: &buffer, rect: tableRect, context: context)
        }
        guard messageRows > 0 else { return }
        var y = inner.maxY - messageRows
        buffer.write("Messages", x: inner.x + 1, y: y, style: context.theme[.label], clip: inner)
        let shown = messages.count > messageRows - 1 ? messageRows - 2 : messageRows - 1
        for (provider, text) in messages.prefix(max(0, shown)) {
            y += 1
            buffer.write(ConsoleFormat.shortID(provider, providerWidth), x: inner.x + 1, y: y, style: context.theme[.value], clip: inner)
            buffer.write(text, x: inner.x + 2 + providerWidth, y: y, style: context.theme[.value], clip: inner)
        }
        if shown < messages.count {
            buffer.write("… \(messages.count - max(0, shown)) more lines: a taller terminal shows them", x: inner.x + 1, y: y + 1,
                         style: context.theme[.muted], clip: inner)
        }
    }
}

/// The rows of a `:query`'s answers, in the panel's order.
struct QueryAnswerRows: TableSource {
    let answers: [QueryAnswer]

    var count: Int { answers.count }
    func id(_ row: Int) -> String { "\(row)" }

    func cell(_ row: Int, _ column: Int) -> String {
        let a = answers[row]
        if column == 0 { return a.provider.description }
        guard let r = a.response else { return column == 1 ? "not asked" : "–" }
        let holds = r.status == .available
        switch column {
        case 1: return Self.status(r.status)
        case 2: return holds ? ConsoleFormat.bytes(r.size) : "–"
        case 3: return holds ? ConsoleFormat.atto(r.pricePerByte) : "–"
        case 4: return holds ? ConsoleFormat.fil(r.unsealPrice) : "–"
        case 5: return holds ? ConsoleFormat.fil(r.totalPrice) : "–"
        default: return holds ? ConsoleFormat.bytes(r.paymentInterval) : "–"
        }
    }

    func sortKey(_ row: Int, _ column: Int) -> TableRow.SortKey { .number(Double(row)) }

    func role(_ row: Int, _ column: Int) -> ThemeRole? {
        guard column == 1 else { return nil }
        switch answers[row].response?.status {
        case .available: return .flashInfo
        case .unavailable: return .muted
        case .error, nil: return .flashError
        }
    }

    /// A query response's status in a word.
    static func status(_ status: RetrievalQueryResponse.Status) -> String {
        switch status {
        case .available: "available"
        case .unavailable: "unavailable"
        case .error: "error"
        }
    }
}
