import Foundation
import NodeKit
import TermUI

/// What this gateway thinks of every provider it knows: the operator's listing (allowed,
/// blocked, unlisted), the provider's reputation here, the round trip of the last
/// establishment, the Piece CIDs of its offers cached, whether its offers are kept, when
/// it last published and its last refused offer. `a`, `b`, `u` change the listing.
final class ProvidersView: ConsoleView, ProviderRowsView {
    let title = "Providers"
    private var market: MarketSnapshot?
    /// The time the rows' ages were worked out for; they are redone once it is a second old.
    private var agesAt = Date.distantPast
    private let readOnly: Bool
    /// Fits 80 columns (78 inside the frame); the provider and the last refusal take the
    /// extra room of wider terminals.
    private(set) var table = Table(columns: [
        TableColumn("PROVIDER", width: .flexible(min: 14), cutMiddle: true),
        TableColumn("LISTING", width: .fixed(8)),
        TableColumn("REP", width: .fixed(5), alignRight: true),
        TableColumn("RTT", width: .fixed(7), alignRight: true),
        TableColumn("CIDS", width: .fixed(5), alignRight: true),
        TableColumn("KEPT", width: .fixed(4)),
        TableColumn("PUBLISHED", width: .fixed(11), alignRight: true),
        TableColumn("LAST REFUSAL", width: .flexible(min: 8)),
    ], sortColumn: 0)

    let helpEntries: [HelpScreen.Entry]
    let actions = tableViewActions

    init(readOnly: Bool) {
        self.readOnly = readOnly
        helpEntries = (readOnly ? [] : [
            HelpScreen.Entry("a", "allow the selected provider: always keep its offers"),
            HelpScreen.Entry("b", "block it: drop its offers, refuse new ones"),
            HelpScreen.Entry("u", "unlist it: its reputation decides"),
            HelpScreen.Entry(":block ID", "the same for any provider (:allow, :unlist)"),
        ]) + [HelpScreen.Entry("c", "in a provider's details: copy its node ID")]
    }

    var caption: String { MarketViewState.caption(market) ?? table.caption("provider") }
    var filterQuery: String { table.filter.inverted ? "!" + table.filter.needle : table.filter.needle }
    func setFilter(_ query: String) { table.setFilter(query) }
    func handle(_ action: KeyAction) -> Bool { table.navigate(action) }

    func update(_ snapshot: NodeSnapshot) {
        guard snapshot.market != market else { return }
        market = snapshot.market
        showStandings(at: agesAt)
    }

    /// The standing the selection is on, if any.
    var selectedStanding: ProviderStanding? {
        guard let id = table.selectedID else { return nil }
        return market?.standings.first { $0.provider.description == id }
    }

    var selectedProvider: NodeID? { selectedStanding?.provider }

    private func showStandings(at now: Date) {
        agesAt = now
        table.setRows((market?.standings ?? []).map { s in
            let id = s.provider.description
            let age = s.lastPublished.map { now.timeIntervalSince($0) }
            let published = age.map { ConsoleFormat.duration($0) + " ago" } ?? "never"
            let kept = s.isKept ? "yes" : "no"
            return TableRow(id: id, cells: [id, s.listing.rawValue, "\(s.reputation)", ConsoleFormat.roundTrip(micros: s.rttMicros),
                                            "\(s.cachedCIDs)", kept, published, s.lastRefusal ?? "–"],
                            sortKeys: [.text(id), .text(s.listing.rawValue), .number(Double(s.reputation)),
                                       .number(s.rttMicros.map(Double.init) ?? .infinity), .number(Double(s.cachedCIDs)), .text(kept),
                                       .number(age ?? .infinity), .text(s.lastRefusal ?? "")])
        })
    }

    /// "unlisted, reputation 3: its offers are kept" — a standing in words.
    static func standingText(_ s: ProviderStanding) -> String {
        "\(s.listing.rawValue), reputation \(s.reputation): its offers are \(s.isKept ? "kept" : "refused")"
    }

    func detail() -> DetailPanel? {
        guard let s = selectedStanding else { return nil }
        let listing = switch s.listing {
        case .allowed: "allowed: its offers are always kept, whatever its reputation"
        case .blocked: "blocked: its offers are refused and none is cached"
        case .unlisted: "unlisted: its reputation, latency and offers' expiry decide"
        }
        let kept = s.isKept ? "yes" : s.listing == .blocked ? "no: blocked" : "no: reputation below 0"
        return DetailPanel(title: "Provider", fields: [
            .init("Provider", s.provider.description),
            .init("Listing", listing),
            .init("Reputation", "\(s.reputation) (an unlisted provider's offers are kept from 0 up)"),
            .init("Round trip", s.rttMicros.map { _ in ConsoleFormat.roundTrip(micros: s.rttMicros) } ?? "not measured (this gateway has not established with it)"),
            .init("Cached", ConsoleFormat.count(s.cachedCIDs, "Piece CID") + " of its offers"),
            .init("Kept", kept),
            .init("Last published", s.lastPublished.map { ConsoleFormat.time($0) + " UTC" } ?? "never"),
            .init("Last refusal", s.lastRefusal ?? "none"),
        ], copyValue: s.provider.description, copyName: "node ID")
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        guard MarketViewState.drawTable(market, into: &buffer, rect: rect, context: context), let market else { return }
        if abs(context.now.timeIntervalSince(agesAt)) >= 1 { showStandings(at: context.now) }
        if let policy = market.policy {
            MarketViewState.headline(policyLine(policy, room: rect.width - 1), into: &buffer, rect: rect, context: context)
        }
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        if table.source.count == 0 {
            let hint = readOnly ? "" : " (or once it is named: :allow ID, :block ID)"
            MarketViewState.note("No providers yet: one shows here once it publishes to this node\(hint).", into: &buffer, rect: body, context: context)
        } else {
            table.render(into: &buffer, rect: body, context: context)
        }
    }

    /// "1 allowed, 1 blocked · an unlisted provider slower than 500 ms is refused", and
    /// the keys when they fit in `room` columns.
    private func policyLine(_ policy: GatewayPolicy, room: Int) -> String {
        let latency = policy.maxLatencyMillis == 0
            ? "no latency limit" : "an unlisted provider slower than \(ConsoleFormat.millis(policy.maxLatencyMillis)) is refused"
        let line = "\(policy.allowed.count) allowed, \(policy.blocked.count) blocked · \(latency)"
        let keys = " · a allow, b block, u unlist"
        return readOnly || CellWidth.of(line + keys) > room ? line : line + keys
    }
}
