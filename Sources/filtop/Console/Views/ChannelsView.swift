import Foundation
import NodeKit
import TermUI

/// Every payment channel of the node, outbound (it pays) and inbound (it is paid), as
/// last read after a `.channel` journal event: funds, what vouchers promise, what the
/// ledger redeemed, lanes, the latest voucher and where settling stands, counted in
/// ledger epochs. Amounts are FIL, compact in the table and exact in the details.
final class ChannelsView: ConsoleView {
    let title = "Channels"
    private var payments: PaymentsSnapshot?
    /// The ledger epoch the rows' settle states were worked out for; redone when the
    /// epoch, counted on from the last read, moves.
    private var rowsEpoch: UInt64?
    private let readOnly: Bool
    /// The console's clock, for the epoch in a channel's details.
    private let time: TimeSource
    /// Fits 80 columns (78 inside the frame): the three flexible columns share what
    /// the fixed ones leave and take the extra room of wider terminals.
    private(set) var table = Table(columns: [
        TableColumn("CHANNEL", width: .flexible(min: 8), cutMiddle: true),
        TableColumn("DIR", width: .fixed(3)),
        TableColumn("PEER", width: .flexible(min: 8), cutMiddle: true),
        TableColumn("FUNDS", width: .fixed(6), alignRight: true),
        TableColumn("PAID", width: .fixed(6), alignRight: true),
        TableColumn("REDEEMED", width: .fixed(8), alignRight: true),
        TableColumn("AVAIL", width: .fixed(6), alignRight: true),
        TableColumn("LANES", width: .fixed(5), alignRight: true),
        TableColumn("LATEST", width: .flexible(min: 8)),
        TableColumn("SETTLE", width: .fixed(11)),
    ])

    let helpEntries: [HelpScreen.Entry]
    let actions = tableViewActions

    init(readOnly: Bool, time: TimeSource) {
        self.readOnly = readOnly
        self.time = time
        helpEntries = (readOnly ? [] : [
            HelpScreen.Entry(":add-funds", "[PEER] AMOUNT: fund PEER (else the selected)"),
            HelpScreen.Entry(":settle", "settle the selected channel"),
            HelpScreen.Entry(":collect", "pay out a settled channel"),
        ]) + [HelpScreen.Entry("c", "in details: copy its ID")]
    }

    var caption: String { table.caption("channel") }
    var filterQuery: String { table.filter.inverted ? "!" + table.filter.needle : table.filter.needle }
    func setFilter(_ query: String) { table.setFilter(query) }
    func handle(_ action: KeyAction) -> Bool { table.navigate(action) }

    func update(_ snapshot: NodeSnapshot) {
        guard snapshot.payments != payments else { return }
        payments = snapshot.payments
        showRows(at: payments?.ledger?.epoch)
    }

    /// The channel the selection is on, if any.
    var selectedChannel: ChannelSummary? {
        guard let id = table.selectedID else { return nil }
        return payments?.channels.first { $0.id.description == id }
    }

    /// The open outbound channel to `peer`, which add-funds tops up.
    func openChannel(to peer: NodeID) -> ChannelSummary? {
        payments?.channels.first { $0.direction == .outbound && $0.peer == peer && $0.settlingAt == nil && !$0.collected }
    }

    private func showRows(at epoch: UInt64?) {
        rowsEpoch = epoch
        table.setRows((payments?.channels ?? []).map { c in
            let latest = c.latest.map { "\($0.lane)/\($0.nonce)/\(ConsoleFormat.fil($0.amount))" } ?? "–"
            let settle = Self.settleCell(c.settlement(at: epoch))
            let amounts = [c.funds, c.spent, c.redeemed, c.available]
            var cells = [c.id.description, c.direction == .outbound ? "out" : "in", c.peer.description]
            var keys: [TableRow.SortKey] = [.text(c.id.description), .text(c.direction.rawValue), .text(c.peer.description)]
            cells += amounts.map(ConsoleFormat.fil)
            keys += amounts.map { TableRow.SortKey.number(Double($0.attoFIL)) }
            cells += ["\(c.laneCount)", latest, settle]
            keys += [.number(Double(c.laneCount)), .text(latest), .text(settle)]
            return TableRow(id: c.id.description, cells: cells, sortKeys: keys)
        })
    }

    /// `settleState(at:)` in the SETTLE column's 11 cells: "open", "42 ep left",
    /// "collectable", "collected".
    static func settleCell(_ settlement: ChannelSummary.Settlement) -> String {
        switch settlement {
        case .settling(let left?): return left < 1000 ? "\(left) ep left" : "\(left) left"
        default: return settlement.description
        }
    }

    func detail() -> DetailPanel? {
        guard let c = selectedChannel else { return nil }
        let epoch = payments?.epoch(at: time.now)
        let outbound = c.direction == .outbound
        var fields: [DetailPanel.Field] = [
            .init("Channel", c.id.description),
            .init("Direction", outbound ? "outbound: this node pays" : "inbound: this node is paid"),
            .init(outbound ? "Payee" : "Payer", c.peer.description),
            .init("Funds", c.funds.description),
            .init(outbound ? "Spent" : "Received", "\(c.spent) (the best voucher of each lane, summed)"),
            .init("Redeemed", "\(c.redeemed) (on the ledger)"),
            .init("Available", "\(c.available) (funds no voucher promises)"),
            .init("Lanes", "\(c.laneCount)"),
        ]
        if let v = c.latest {
            var conditions = ""
            if v.timeLockMin > 0 { conditions += ", redeemable from epoch \(v.timeLockMin)" }
            if v.timeLockMax > 0 { conditions += ", until epoch \(v.timeLockMax)" }
            if v.minSettleEpoch > 0 { conditions += ", settles no earlier than epoch \(v.minSettleEpoch)" }
            fields += [.init("Latest voucher", "lane \(v.lane), nonce \(v.nonce), \(v.amount) on its lane\(conditions)"),
                       .init("Voucher text", v.text)]
        } else {
            fields.append(.init("Latest voucher", "none yet"))
        }
        let ends = c.settlingAt.map { " (settle period ends at epoch \($0))" } ?? ""
        fields += [
            .init("Settle state", c.settleState(at: epoch) + ends),
            .init("Ledger epoch", epoch.map { "\($0)" } ?? "unknown: " + (payments?.ledgerError ?? "the ledger was not read")),
            .init("Updated", ConsoleFormat.time(c.updatedAt) + " UTC"),
        ]
        return DetailPanel(title: "Channel", fields: fields, copyValue: c.id.description, copyName: "channel ID")
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        guard let payments else {
            buffer.write("Reading the channels…", x: rect.x + 1, y: rect.y + 1, style: context.theme[.muted], clip: rect)
            return
        }
        let epoch = payments.epoch(at: context.now)
        if epoch != rowsEpoch { showRows(at: epoch) }
        buffer.write(ledgerLine(payments, epoch: epoch), x: rect.x + 1, y: rect.y, style: context.theme[payments.ledger == nil ? .flashError : .muted], clip: rect)
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        if let error = payments.channelsError {
            buffer.write("Cannot read the channels: \(error)", x: body.x + 1, y: body.y + 1, style: context.theme[.flashError], clip: body)
        } else if table.source.count == 0 {
            let hint = readOnly ? "" : " Open one with :add-funds PEER AMOUNT."
            buffer.write("No payment channels yet." + hint, x: body.x + 1, y: body.y + 1, style: context.theme[.muted], clip: body)
        } else {
            table.render(into: &buffer, rect: body, context: context)
        }
    }

    /// "Ledger epoch 1234 (30 s each) · balance 12.5 FIL · amounts in FIL", or
    /// why the ledger could not be read.
    private func ledgerLine(_ payments: PaymentsSnapshot, epoch: UInt64?) -> String {
        guard let ledger = payments.ledger, let epoch else { return "Cannot read the ledger: " + (payments.ledgerError ?? "no answer") }
        let seconds = Double(ledger.epochMillis) / 1000
        let length = seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
        let balance = payments.account.map { " · balance \($0.balance)" } ?? ""
        return "Ledger epoch \(epoch) (\(length) each)\(balance) · amounts in FIL"
    }
}
