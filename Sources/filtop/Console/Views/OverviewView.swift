import Foundation
import NodeKit
import TermUI

/// The node at a glance: identity, roles, where its data lives, how long it has run,
/// what it holds, its payment channels and its balance on the ledger.
final class OverviewView: ConsoleView {
    let title = "Overview"
    private var snapshot = NodeSnapshot()
    let helpEntries: [HelpScreen.Entry]
    let actions: Set<KeyAction> = []

    init(readOnly: Bool) {
        helpEntries = readOnly ? [] : [HelpScreen.Entry(":import PATH", "import a file as a piece")]
    }

    var caption: String { snapshot.status.map { "node \($0.nodeID)" } ?? "waiting for the node…" }

    func handle(_ action: KeyAction) -> Bool { false }
    func update(_ snapshot: NodeSnapshot) { self.snapshot = snapshot }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        guard let s = snapshot.status else {
            buffer.write(snapshot.error ?? "waiting for the node…", x: rect.x + 1, y: rect.y, style: context.theme[.muted], clip: rect)
            return
        }
        let fields = FieldList([
            ("Node ID", s.nodeID),
            ("Roles", s.roles.map(\.rawValue).joined(separator: ", ")),
            ("Listening", s.listenAddress.isEmpty ? "not listening" : s.listenAddress),
            ("Data directory", s.dataDirectory),
            ("Started", ConsoleFormat.time(s.startedAt) + " UTC"),
            ("Uptime", ConsoleFormat.duration(context.now.timeIntervalSince(s.startedAt))),
            ("Pieces", "\(s.pieceCount)"),
            ("Blocks", "\(s.blockCount)"),
            ("Payload", ConsoleFormat.bytes(s.payloadBytes)),
            ("CAR bytes", ConsoleFormat.bytes(s.carBytes)),
            ("Register peers", snapshot.peers?.configured == true ? "\(s.peerCount)" : "no register configured"),
            ("Live gateways", "\(s.liveGateways)"),
            ("Channels", channels),
            ("Ledger balance", balance),
        ])
        fields.render(into: &buffer, rect: Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: rect.height), context: context)
        if let error = snapshot.error {
            buffer.write("last poll failed: \(error)", x: rect.x + 1, y: rect.maxY - 1, style: context.theme[.flashError], clip: rect)
        }
    }

    /// "2 outbound, 1 inbound", or why they could not be read.
    private var channels: String {
        guard let p = snapshot.payments else { return "not read yet" }
        if let error = p.channelsError { return "cannot read: \(error)" }
        let outbound = p.channels.filter { $0.direction == .outbound }.count
        return "\(outbound) outbound, \(p.channels.count - outbound) inbound"
    }

    /// The node's account balance, or why there is none.
    private var balance: String {
        guard let p = snapshot.payments else { return "not read yet" }
        if let account = p.account { return account.balance.description }
        return "unknown: " + (p.ledgerError ?? "the ledger did not answer")
    }
}
