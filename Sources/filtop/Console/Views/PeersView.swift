import Foundation
import NodeKit
import TermUI

/// The register's records of other nodes, once the node uses a register.
final class PeersView: ConsoleView {
    let title = "Peers"
    private var configured = false
    private(set) var table = Table(columns: [
        TableColumn("NODE ID", width: .flexible(min: 16)),
        TableColumn("ROLES", width: .fixed(24)),
        TableColumn("ADDRESS", width: .flexible(min: 12)),
        TableColumn("REGION", width: .fixed(10)),
        TableColumn("UPDATED (UTC)", width: .fixed(16)),
        TableColumn("RTT", width: .fixed(9)),
    ], sortColumn: 0)

    let helpEntries = [HelpScreen.Entry("Left, Right", "choose the sort column; r reverses")]

    var caption: String { configured ? table.caption("peers") : "no register configured" }
    var filterQuery: String { table.filter.inverted ? "!" + table.filter.needle : table.filter.needle }
    func setFilter(_ query: String) { table.setFilter(query) }
    func handle(_ action: KeyAction) -> Bool { table.navigate(action) }

    func update(_ snapshot: NodeSnapshot) {
        configured = snapshot.peers?.configured ?? false
        table.setRows((snapshot.peers?.records ?? []).map { r in
            TableRow(id: r.nodeID, cells: [r.nodeID, r.roles.map(\.rawValue).joined(separator: ","), r.address, r.region, ConsoleFormat.time(r.updatedAt),
                                           ConsoleFormat.roundTrip(r)],
                     sortKeys: [.text(r.nodeID), .text(r.roles.map(\.rawValue).joined()), .text(r.address), .text(r.region), .number(r.updatedAt.timeIntervalSince1970),
                                .number(r.lastError == nil ? Double(r.rttMicros ?? .max) : .infinity)])
        })
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        guard configured else {
            buffer.write("No register configured: this node does not know other nodes yet.", x: rect.x + 1, y: rect.y + 1, style: context.theme[.muted], clip: rect)
            return
        }
        table.render(into: &buffer, rect: rect, context: context)
    }
}
