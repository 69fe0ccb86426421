import Foundation
import NodeKit
import TermUI

/// The register's records of other nodes, once the node uses a register: never the node
/// itself, and each with how long ago its record was signed (as of the frame drawn). A
/// record older than `staleAfter` is marked stale: its node has not re-registered and has
/// likely gone away.
final class PeersView: ConsoleView {
    let title = "Peers"
    private var configured = false
    private var records: [PeerRecord] = []
    /// The time the rows' ages were worked out for; they are redone once it is a second old.
    private var agesAt = Date.distantPast
    private let staleAfter: TimeInterval
    private(set) var table = Table(columns: [
        TableColumn("NODE ID", width: .flexible(min: 12), cutMiddle: true),
        TableColumn("ROLES", width: .fixed(12)),
        TableColumn("ADDRESS", width: .flexible(min: 12)),
        TableColumn("REGION", width: .fixed(7)),
        TableColumn("LAST SEEN", width: .fixed(10), alignRight: true),
        TableColumn("RTT", width: .fixed(7), alignRight: true),
        TableColumn("REP", width: .fixed(5), alignRight: true),
        TableColumn("STATE", width: .fixed(5)),
    ], sortColumn: 0)

    let helpEntries = [HelpScreen.Entry("c", "in a peer's details: copy its node ID (OSC 52)")]
    let actions = tableViewActions

    init(staleAfter: TimeInterval) { self.staleAfter = staleAfter }

    var caption: String { configured ? table.caption("peer") : "no register configured" }
    var filterQuery: String { table.filter.inverted ? "!" + table.filter.needle : table.filter.needle }
    func setFilter(_ query: String) { table.setFilter(query) }
    func handle(_ action: KeyAction) -> Bool { table.navigate(action) }

    func update(_ snapshot: NodeSnapshot) {
        configured = snapshot.peers?.configured ?? false
        let own = snapshot.status?.nodeID
        records = (snapshot.peers?.records ?? []).filter { $0.nodeID != own }
        showRecords(at: agesAt)
    }

    private func showRecords(at now: Date) {
        agesAt = now
        table.setRows(records.map { r in
            let age = now.timeIntervalSince(r.lastSeen ?? r.updatedAt)
            let roles = r.roles.map(\.rawValue).joined(separator: ",")
            let state = state(of: r, age: age)
            return TableRow(id: r.nodeID, cells: [r.nodeID, roles, r.address, r.region, ConsoleFormat.duration(age) + " ago",
                                                  ConsoleFormat.roundTrip(r), r.reputation.map { "\($0)" } ?? "–", state],
                            sortKeys: [.text(r.nodeID), .text(roles), .text(r.address), .text(r.region), .number(age),
                                       .number(r.lastError == nil ? Double(r.rttMicros ?? .max) : .infinity),
                                       .number(r.reputation.map(Double.init) ?? -.infinity), .text(state)])
        })
    }

    /// "down" when this node's last establishment with it failed, "live" when it
    /// succeeded or the record was signed recently, else "stale".
    private func state(of r: PeerRecord, age: TimeInterval) -> String {
        if r.lastError != nil { return "down" }
        if r.lastSeen != nil { return "live" }
        return age > staleAfter ? "stale" : "live"
    }

    func detail() -> DetailPanel? {
        guard let id = table.selectedID, let r = records.first(where: { $0.nodeID == id }) else { return nil }
        let age = agesAt.timeIntervalSince(r.updatedAt)
        return DetailPanel(title: "Peer", fields: [
            .init("Node ID", r.nodeID), .init("Roles", r.roles.map(\.rawValue).joined(separator: ", ")),
            .init("Address", r.address), .init("Region", r.region),
            .init("Record signed", ConsoleFormat.time(r.updatedAt) + " UTC (\(ConsoleFormat.duration(age)) ago)"),
            .init("Round trip", r.rttMicros.map { _ in ConsoleFormat.roundTrip(r) }
                ?? "not measured (a client establishes with gateways, a gateway with providers)"),
            .init("Reputation", r.reputation.map { "\($0) (this node's score of it; a client stops using a gateway at 0 or below)" }
                ?? "not kept (a client scores gateways, a gateway scores providers)"),
            .init("Last established", r.lastSeen.map { ConsoleFormat.time($0) + " UTC" } ?? "never"),
            .init("State", r.lastError.map { "down: \($0)" } ?? (r.lastSeen != nil || age <= staleAfter
                ? "live"
                : "stale: not re-registered for over \(ConsoleFormat.duration(staleAfter)); the node has likely gone away")),
        ], copyValue: r.nodeID, copyName: "node ID")
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        guard configured else {
            buffer.write("No register configured: this node does not know other nodes yet.", x: rect.x + 1, y: rect.y + 1, style: context.theme[.muted], clip: rect)
            return
        }
        if abs(context.now.timeIntervalSince(agesAt)) >= 1 { showRecords(at: context.now) }
        table.render(into: &buffer, rect: rect, context: context)
    }
}
