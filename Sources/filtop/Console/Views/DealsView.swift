import Foundation
import NodeKit
import TermUI

/// Every retrieval deal of the node, on both sides, newest first: its ID (`c42` this node
/// retrieves, `p42` it serves), the peer, its go-fil-markets state (coloured: paused for
/// funds stands out, completed is green, failed and rejected are red), how much of the
/// DAG has moved, at what speed and how long it has left, what was paid and what is
/// owed. Read after every `.deal` event and every poll while a deal is open; speeds come
/// from successive reads (`TransferRate`). Enter shows a deal's history.
final class DealsView: ConsoleView {
    let title = "Deals"
    private var deals: DealsSnapshot?
    /// Each open deal's speed, from the readings of the deliveries so far.
    private(set) var rates: [DealKey: TransferRate] = [:]
    private let readOnly: Bool
    /// Fits 80 columns (78 inside the frame): the peer and the state share what the fixed
    /// columns leave and take the extra room of wider terminals.
    private(set) var table = Table(columns: [
        TableColumn("ID", width: .fixed(6)),
        TableColumn("DIR", width: .fixed(8)),
        TableColumn("PEER", width: .flexible(min: 8), cutMiddle: true),
        TableColumn("STATE", width: .flexible(min: 11)),
        TableColumn("DONE", width: .fixed(4), alignRight: true),
        TableColumn("SPEED", width: .fixed(10), alignRight: true),
        TableColumn("PAID", width: .fixed(6), alignRight: true),
        TableColumn("OWED", width: .fixed(6), alignRight: true),
        TableColumn("ETA", width: .fixed(7), alignRight: true),
    ])

    let helpEntries: [HelpScreen.Entry]
    let actions = tableViewActions

    init(readOnly: Bool) {
        self.readOnly = readOnly
        helpEntries = [HelpScreen.Entry(":query CID", "who holds it, at what price")]
            + (readOnly ? [] : [
                HelpScreen.Entry(":retrieve CID", "[PATH]: fetch it (else ./CID; --car: a CAR)"),
                HelpScreen.Entry(":cancel", "cancel the selected deal"),
            ])
            + [HelpScreen.Entry("c", "in details: copy the payload CID"), HelpScreen.Entry("Up, Down", "in details: scroll")]
    }

    var caption: String {
        guard let deals else { return "reading the deals…" }
        if deals.notServed != nil { return "not served" }
        if deals.error != nil { return "cannot read the deals" }
        return table.caption("deal")
    }
    var filterQuery: String { table.filter.inverted ? "!" + table.filter.needle : table.filter.needle }
    func setFilter(_ query: String) { table.setFilter(query) }
    func handle(_ action: KeyAction) -> Bool { table.navigate(action) }

    /// Takes each delivery as a reading of every open deal's bytes (a delivery is a read,
    /// changed or not), and shows the deals newest first.
    func update(_ snapshot: NodeSnapshot) {
        guard snapshot.deals != deals else { return }
        deals = snapshot.deals
        let list = deals?.deals ?? []
        if let at = deals?.receivedAt {
            var next: [DealKey: TransferRate] = [:]
            for deal in list where !deal.isTerminal {
                var rate = rates[deal.key] ?? TransferRate()
                rate.record(bytes: deal.bytes, at: at)
                next[deal.key] = rate
            }
            rates = next
        }
        let newestFirst = list.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        table.setSource(DealRows(deals: newestFirst, rates: rates))
    }

    /// The deal the selection is on, if any.
    var selectedDeal: DealRecord? {
        guard let row = table.selectedRow, let rows = table.source as? DealRows else { return nil }
        return rows.deals[row]
    }

    /// The selected deal in full, its history still to be read (`DealHistory`).
    func detail() -> DetailPanel? {
        selectedDeal.map { DealHistory.panel($0, history: nil, rate: rates[$0.key]) }
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        guard let deals else { return MarketViewState.note("Reading the deals…", into: &buffer, rect: rect, context: context) }
        if let why = deals.notServed {
            return MarketViewState.note("This node serves no retrieval deals: \(why).", into: &buffer, rect: rect, context: context)
        }
        if let error = deals.error {
            return MarketViewState.note("Cannot read the deals: \(error)", role: .flashError, into: &buffer, rect: rect, context: context)
        }
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        if table.source.count == 0 {
            let hint = readOnly ? "" : " Start one with :retrieve CID [PATH]; :query CID asks the providers first."
            MarketViewState.note("No retrieval deals yet." + hint, into: &buffer, rect: rect, context: context)
        } else {
            MarketViewState.headline(Self.summary(deals.deals), into: &buffer, rect: rect, context: context)
            table.render(into: &buffer, rect: body, context: context)
        }
    }

    /// "2 open, 1 waiting for funds · 3 ended · amounts in FIL".
    static func summary(_ deals: [DealRecord]) -> String {
        let open = deals.filter { !$0.isTerminal }
        let waiting = open.filter { DealRows.waitsForFunds($0.status) }.count
        return "\(open.count) open" + (waiting > 0 ? ", \(waiting) waiting for funds" : "")
            + " · \(deals.count - open.count) ended · amounts in FIL"
    }
}

/// The Deals view's rows: the node's records and the console's speeds, formatted only
/// when drawn.
struct DealRows: TableSource {
    let deals: [DealRecord]
    let rates: [DealKey: TransferRate]

    var count: Int { deals.count }
    func id(_ row: Int) -> String { "\(deals[row].side.rawValue) \(deals[row].peer) \(deals[row].id)" }

    func cell(_ row: Int, _ column: Int) -> String {
        let d = deals[row]
        switch column {
        case 0: return DealCancel.shortID(d)
        case 1: return d.side.rawValue
        case 2: return d.peer.description
        case 3: return d.status.description
        case 4: return Self.fraction(d).map { "\(Int(($0 * 100).rounded(.down)))%" } ?? "–"
        case 5: return speed(d).map(ConsoleFormat.rate) ?? "–"
        case 6: return ConsoleFormat.fil(d.paid)
        case 7: return ConsoleFormat.fil(d.owed)
        default: return secondsLeft(d).map(ConsoleFormat.duration) ?? "–"
        }
    }

    func sortKey(_ row: Int, _ column: Int) -> TableRow.SortKey {
        let d = deals[row]
        switch column {
        case 0: return .number(Double(d.id))
        case 1: return .text(d.side.rawValue)
        case 2: return .text(d.peer.description)
        case 3: return .text(d.status.description)
        case 4: return .number(Self.fraction(d) ?? -1)
        case 5: return .number(speed(d) ?? -1)
        case 6: return .number(Double(d.paid.attoFIL))
        case 7: return .number(Double(d.owed.attoFIL))
        default: return .number(secondsLeft(d) ?? .infinity)
        }
    }

    /// The STATE cell's colour: a deal paused for funds stands out, a completed one is
    /// green, a failed, rejected or lost one red, a cancelled one a warning; the others
    /// (moving along) are ordinary.
    func role(_ row: Int, _ column: Int) -> ThemeRole? { column == 3 ? Self.role(of: deals[row].status) : nil }

    static func role(of status: DealStatus) -> ThemeRole? {
        if waitsForFunds(status) { return .flashWarn }
        switch status {
        case .completed: return .flashInfo
        case .errored, .erroring, .failing, .rejected, .rejecting, .dealNotFound, .dealNotFoundCleanup: return .flashError
        case .cancelled, .cancelling: return .logWarn
        default: return nil
        }
    }

    /// Whether a deal in `status` is paused until a payment arrives.
    static func waitsForFunds(_ status: DealStatus) -> Bool {
        [.fundsNeeded, .fundsNeededUnseal, .fundsNeededLastPayment, .insufficientFunds].contains(status)
    }

    /// How much of the DAG has moved, 0…1; nil while its size is unknown.
    static func fraction(_ d: DealRecord) -> Double? {
        d.totalBytes == 0 ? nil : min(1, Double(d.bytes) / Double(d.totalBytes))
    }

    /// An open deal's speed; nil for an ended one or before two readings.
    func speed(_ d: DealRecord) -> Double? { d.isTerminal ? nil : rates[d.key]?.bytesPerSecond }

    /// An open deal's time left at its speed; nil when there is none to go by.
    func secondsLeft(_ d: DealRecord) -> TimeInterval? {
        guard !d.isTerminal, d.totalBytes > 0 else { return nil }
        return rates[d.key]?.secondsLeft(of: d.totalBytes)
    }
}
