import Foundation
import NodeKit
import TermUI

/// The gateway's offer cache, one row per (offer, Piece CID): provider, Piece CID, price
/// per byte, QoS (latency to first byte), the time left until the offer expires, how it
/// arrived and how long ago. An offer's rows leave as it expires, without a read; a
/// blocked provider's leave when the cache is read again after the block.
final class OffersView: ConsoleView, ProviderRowsView {
    let title = "Offers"
    private var market: MarketSnapshot?
    /// The time the rows' countdowns and ages were written for; written again once it is
    /// a second old.
    private var shownAt = Date.distantPast
    /// When (Unix seconds) the first of the rows' offers expires: the rows are rebuilt
    /// without it then.
    private var nextExpiry = UInt64.max
    /// The console's clock, for the rows a delivery brings and for an offer's details.
    private let time: TimeSource
    /// Fits 80 columns (78 inside the frame): the two IDs share what the fixed columns
    /// leave and take the extra room of wider terminals.
    private(set) var table = Table(columns: [
        TableColumn("PROVIDER", width: .flexible(min: 10), cutMiddle: true),
        TableColumn("PIECE CID", width: .flexible(min: 12), cutMiddle: true),
        TableColumn("ATTOFIL/B", width: .fixed(9), alignRight: true),
        TableColumn("QOS", width: .fixed(7), alignRight: true),
        TableColumn("EXPIRES", width: .fixed(7), alignRight: true),
        TableColumn("SOURCE", width: .fixed(7)),
        TableColumn("RECEIVED", width: .fixed(11), alignRight: true),
    ], sortColumn: 6)

    let helpEntries: [HelpScreen.Entry]
    let actions = tableViewActions

    init(readOnly: Bool, time: TimeSource) {
        self.time = time
        helpEntries = (readOnly ? [] : [
            HelpScreen.Entry("a, b, u", "allow, block, unlist the selected offer's provider"),
            HelpScreen.Entry(":find CID [GW]", "buy offers for a Piece CID (every gateway, else GW)"),
            HelpScreen.Entry(":publish [GW…]", "sign and publish this node's offers"),
        ]) + [HelpScreen.Entry("c", "in an offer's details: copy its Piece CID")]
    }

    var caption: String {
        catchUp(to: time.now)
        return MarketViewState.caption(market) ?? table.caption("sub-offer") + (market?.truncated == true ? " (the newest)" : "")
    }
    var filterQuery: String { table.filter.inverted ? "!" + table.filter.needle : table.filter.needle }
    func setFilter(_ query: String) { table.setFilter(query) }
    func handle(_ action: KeyAction) -> Bool { table.navigate(action) }

    func update(_ snapshot: NodeSnapshot) {
        guard snapshot.market != market else { return }
        market = snapshot.market
        showRows(at: time.now)
    }

    /// The offer row the selection is on, if any.
    var selectedOffer: CachedOffer? {
        guard let row = table.selectedRow, let rows = table.source as? OfferRows else { return nil }
        return rows.offers[row]
    }

    var selectedProvider: NodeID? { selectedOffer?.provider }

    /// The cache's rows still live at `now`.
    private func showRows(at now: Date) {
        shownAt = now
        let unix = UInt64(max(0, now.timeIntervalSince1970))
        let live = (market?.offers ?? []).filter { $0.terms.expiry > unix }
        nextExpiry = live.lazy.map(\.terms.expiry).min() ?? .max
        table.setSource(OfferRows(offers: live, now: now))
    }

    func detail() -> DetailPanel? {
        guard let o = selectedOffer else { return nil }
        let now = time.now
        let left = Double(o.terms.expiry) - now.timeIntervalSince1970
        let expiry = Date(timeIntervalSince1970: Double(o.terms.expiry))
        let gib = (try? o.terms.pricePerByte.multiplied(by: 1 << 30)).map { "; 1 GiB costs \($0)" } ?? ""
        let standing = market?.standings.first { $0.provider == o.provider }
        return DetailPanel(title: "Offer", fields: [
            .init("Provider", o.provider.description),
            .init("Standing", standing.map(ProvidersView.standingText) ?? "no standing at this gateway"),
            .init("Piece CID", o.pieceCID.description),
            .init("Offer ID", Hex.encode(o.offerID)),
            .init("Price", "\(o.terms.pricePerByte) a byte (\(o.terms.pricePerByte.attoFILDescription))\(gib)"),
            .init("QoS", "\(o.terms.latencyMillis) ms to the first byte"),
            .init("Expires", ConsoleFormat.time(expiry) + " UTC (in \(ConsoleFormat.duration(left)))"),
            .init("Nonce", "\(o.terms.nonce) (a provider's newer offer has a higher one)"),
            .init("Source", o.source == "publish" ? "publish: the provider sent it to this gateway" : o.source),
            .init("Received", ConsoleFormat.time(o.receivedAt) + " UTC (\(ConsoleFormat.duration(now.timeIntervalSince(o.receivedAt))) ago)"),
        ], copyValue: o.pieceCID.description, copyName: "Piece CID")
    }

    /// Drops the rows of offers expired at `now`, and writes the countdowns and ages
    /// again once they are a second old.
    private func catchUp(to now: Date) {
        if UInt64(max(0, now.timeIntervalSince1970)) >= nextExpiry {
            showRows(at: now)
        } else if abs(now.timeIntervalSince(shownAt)) >= 1, let rows = table.source as? OfferRows {
            shownAt = now
            table.refreshCells(OfferRows(offers: rows.offers, now: now))
        }
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        guard MarketViewState.drawTable(market, into: &buffer, rect: rect, context: context), let market else { return }
        catchUp(to: context.now)
        if let policy = market.policy { MarketViewState.headline(Self.policyLine(policy), into: &buffer, rect: rect, context: context) }
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        if table.source.count == 0 {
            MarketViewState.note("No cached offers: providers' offers show here as they publish them to this node.", into: &buffer, rect: body, context: context)
        } else {
            table.render(into: &buffer, rect: body, context: context)
        }
    }

    /// "3 offers, 6 Piece CIDs cached · find fees 0.000001 FIL, +0.000099 with offers".
    static func policyLine(_ policy: GatewayPolicy) -> String {
        let more = policy.fees.offers.description.replacingOccurrences(of: " FIL", with: "")
        return "\(ConsoleFormat.count(policy.cachedOffers, "offer")), \(ConsoleFormat.count(policy.cachedCIDs, "Piece CID")) cached"
            + " · find fees \(policy.fees.search), +\(more) with offers"
    }
}

/// The Offers view's rows: the cache's own records, formatted only when drawn. Sort keys
/// do not follow the clock (expiry and receipt times, not what is left of them), so a
/// clock tick only writes the cells again.
struct OfferRows: TableSource {
    let offers: [CachedOffer]
    /// The time the countdowns and ages are written for.
    let now: Date

    var count: Int { offers.count }
    func id(_ row: Int) -> String { Hex.encode(offers[row].offerID) + Hex.encode(offers[row].pieceCID.commitment) }

    func cell(_ row: Int, _ column: Int) -> String {
        let o = offers[row]
        switch column {
        case 0: return o.provider.description
        case 1: return o.pieceCID.description
        case 2: return ConsoleFormat.atto(o.terms.pricePerByte)
        case 3: return ConsoleFormat.millis(o.terms.latencyMillis)
        case 4: return ConsoleFormat.duration(Double(o.terms.expiry) - now.timeIntervalSince1970)
        case 5: return o.source
        default: return ConsoleFormat.duration(now.timeIntervalSince(o.receivedAt)) + " ago"
        }
    }

    func sortKey(_ row: Int, _ column: Int) -> TableRow.SortKey {
        let o = offers[row]
        switch column {
        case 0: return .text(o.provider.description)
        case 1: return .text(o.pieceCID.description)
        case 2: return .number(Double(o.terms.pricePerByte.attoFIL))
        case 3: return .number(Double(o.terms.latencyMillis))
        case 4: return .number(Double(o.terms.expiry))
        case 5: return .text(o.source)
        default: return .number(-o.receivedAt.timeIntervalSince1970)
        }
    }
}
