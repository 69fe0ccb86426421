import Foundation
import NodeKit
import TermUI

/// Imported pieces: root CID, Piece CID, sizes, source and when, sortable and filterable.
final class ContentView: ConsoleView {
    let title = "Content"
    private(set) var table = Table(columns: [
        TableColumn("ROOT CID", width: .flexible(min: 10)),
        TableColumn("PIECE CID", width: .flexible(min: 10)),
        TableColumn("SIZE", width: .fixed(10), alignRight: true),
        TableColumn("PIECE", width: .fixed(10), alignRight: true),
        TableColumn("SOURCE", width: .fixed(14)),
        TableColumn("IMPORTED (UTC)", width: .fixed(16)),
    ], sortColumn: 5, ascending: false)

    let helpEntries = [
        HelpScreen.Entry(":import PATH", "import a file as a piece"),
        HelpScreen.Entry("Left, Right", "choose the sort column; r reverses"),
    ]

    var caption: String { table.caption("pieces") }
    var filterQuery: String { table.filter.inverted ? "!" + table.filter.needle : table.filter.needle }
    func setFilter(_ query: String) { table.setFilter(query) }
    func handle(_ action: KeyAction) -> Bool { table.navigate(action) }

    func update(_ snapshot: NodeSnapshot) {
        table.setRows(snapshot.pieces.map(Self.row))
    }

    static func row(_ p: PieceSummary) -> TableRow {
        TableRow(
            id: p.pieceCID,
            cells: [p.rootCID, p.pieceCID, ConsoleFormat.bytes(p.payloadSize), ConsoleFormat.bytes(p.pieceSize), p.source, ConsoleFormat.time(p.importedAt)],
            sortKeys: [.text(p.rootCID), .text(p.pieceCID), .number(Double(p.payloadSize)), .number(Double(p.pieceSize)), .text(p.source), .number(p.importedAt.timeIntervalSince1970)])
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        if table.rows.isEmpty {
            buffer.write("No pieces yet. Import one with :import PATH", x: rect.x + 1, y: rect.y + 1, style: context.theme[.muted], clip: rect)
            return
        }
        table.render(into: &buffer, rect: rect, context: context)
    }
}
