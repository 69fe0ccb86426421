import Foundation
import NodeKit
import TermUI

/// What a `:find` found, over the view: the verified offers, cheapest first (provider,
/// price per byte, QoS, time left, the gateway that returned it), then each gateway's
/// answer — how many offers it returned, which were rejected and why, what it was paid,
/// or why it did not answer. Up/Down move through the offers; Esc closes.
struct FindResultsPanel: Equatable {
    let result: FindResult
    private(set) var table = Table(columns: [
        TableColumn("PROVIDER", width: .flexible(min: 12), cutMiddle: true),
        TableColumn("ATTOFIL/B", width: .fixed(9), alignRight: true),
        TableColumn("QOS", width: .fixed(7), alignRight: true),
        TableColumn("EXPIRES", width: .fixed(7), alignRight: true),
        TableColumn("GATEWAY", width: .flexible(min: 12), cutMiddle: true),
    ])

    init(_ result: FindResult, at now: Date) {
        self.result = result
        table.setSource(FoundOfferRows(offers: result.offers, now: now))
    }

    static func == (a: Self, b: Self) -> Bool { a.result == b.result && a.table.selected == b.table.selected }

    /// Moves through the offers; false for an action the panel has no use for.
    mutating func handle(_ action: KeyAction) -> Bool {
        guard action != .left, action != .right, action != .sortReverse else { return false }
        return table.navigate(action)
    }

    /// What was paid in all, as far as it can be summed.
    var paid: TokenAmount {
        result.answers.reduce(TokenAmount.zero) { (try? $0.adding($1.paid)) ?? $0 }
    }

    /// One line per gateway asked: "3 offers · 1 rejected: … · paid 0.0001 FIL", or why it
    /// did not answer.
    var answerLines: [(gateway: String, text: String)] {
        result.answers.map { a in
            if let error = a.error { return (a.gateway.description, "did not answer: \(error)" + (a.paid > .zero ? " · paid \(a.paid)" : "")) }
            var text = ConsoleFormat.count(a.offers, "offer")
            if !a.rejected.isEmpty { text += " · \(a.rejected.count) rejected: " + a.rejected.joined(separator: "; ") }
            return (a.gateway.description, text + " · paid \(a.paid)")
        }
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        let cid = ConsoleFormat.shortID(result.pieceCID.description, 32)
        let inner = Box.draw(rect, title: "Find \(cid) (Esc closes)", into: &buffer, context: context, fill: .dialog)
        guard inner.width > 4, inner.height > 2 else { return }
        let offers = ConsoleFormat.count(result.offers.count, "verified offer")
        let asked = ConsoleFormat.count(result.answers.count, "gateway")
        buffer.write("\(offers), cheapest first · \(asked) asked, \(paid) paid", x: inner.x + 1, y: inner.y, style: context.theme[.label], clip: inner)

        let gatewayWidth = min(18, inner.width / 3)
        let textWidth = max(1, inner.width - gatewayWidth - 3)
        let answers = answerLines.flatMap { line in
            CellWidth.wrap(line.text, textWidth).enumerated().map { ($0.offset == 0 ? line.gateway : "", $0.element) }
        }
        // The offers table takes the room it needs up to half; the answers the rest.
        let room = inner.height - 3
        let tableNeed = max(2, result.offers.count + 1)
        let answerRows = min(answers.count + 1, max(2, room - min(tableNeed, room / 2)))
        let tableRect = Rect(x: inner.x + 1, y: inner.y + 2, width: inner.width - 2, height: inner.height - 3 - answerRows)
        if result.offers.isEmpty {
            buffer.write("No verified offers: none checked out, or this node's block list left them out (see each gateway's lines).", x: tableRect.x, y: tableRect.y,
                         style: context.theme[.muted], clip: inner)
        } else if tableRect.height > 1 {
            var table = self.table
            table.refreshCells(FoundOfferRows(offers: result.offers, now: context.now))
            table.render(into: &buffer, rect: tableRect, context: context)
        }

        var y = inner.maxY - answerRows
        buffer.write("Gateways asked", x: inner.x + 1, y: y, style: context.theme[.label], clip: inner)
        let shown = answers.count > answerRows - 1 ? answerRows - 2 : answerRows - 1
        for (gateway, text) in answers.prefix(max(0, shown)) {
            y += 1
            buffer.write(ConsoleFormat.shortID(gateway, gatewayWidth), x: inner.x + 1, y: y, style: context.theme[.value], clip: inner)
            buffer.write(text, x: inner.x + 2 + gatewayWidth, y: y, style: context.theme[.value], clip: inner)
        }
        if shown < answers.count {
            buffer.write("… \(answers.count - max(0, shown)) more lines: a taller terminal shows them", x: inner.x + 1, y: y + 1,
                         style: context.theme[.muted], clip: inner)
        }
    }
}

/// The verified offers of a `:find`, cheapest first as the node ranked them.
struct FoundOfferRows: TableSource {
    let offers: [FoundOffer]
    /// The time the countdowns are written for.
    let now: Date

    var count: Int { offers.count }
    func id(_ row: Int) -> String { "\(row)" }

    func cell(_ row: Int, _ column: Int) -> String {
        let o = offers[row]
        switch column {
        case 0: return o.offer.providerID.description
        case 1: return ConsoleFormat.atto(o.offer.terms.pricePerByte)
        case 2: return ConsoleFormat.millis(o.offer.terms.latencyMillis)
        case 3: return ConsoleFormat.duration(Double(o.offer.terms.expiry) - now.timeIntervalSince1970)
        default: return o.gateway.description
        }
    }

    func sortKey(_ row: Int, _ column: Int) -> TableRow.SortKey {
        let o = offers[row]
        switch column {
        case 0: return .text(o.offer.providerID.description)
        case 1: return .number(Double(o.offer.terms.pricePerByte.attoFIL))
        case 2: return .number(Double(o.offer.terms.latencyMillis))
        case 3: return .number(Double(o.offer.terms.expiry))
        default: return .text(o.gateway.description)
        }
    }
}
