import Foundation
import NodeKit
import TermUI

/// Imported pieces: root CID, Piece CID, sizes, source and when, sortable and filterable.
final class ContentView: ConsoleView {
    let title = "Content"
    private(set) var table = Table(columns: [
        TableColumn("ROOT CID", width: .flexible(min: 10), cutMiddle: true),
        TableColumn("PIECE CID", width: .flexible(min: 10), cutMiddle: true),
        TableColumn("SIZE", width: .fixed(10), alignRight: true),
        TableColumn("PIECE", width: .fixed(10), alignRight: true),
        TableColumn("SOURCE", width: .fixed(14)),
        TableColumn("IMPORTED (UTC)", width: .fixed(16)),
    ], sortColumn: 5, ascending: false)

    let helpEntries: [HelpScreen.Entry]
    let actions = tableViewActions

    init(readOnly: Bool) {
        helpEntries = (readOnly ? [] : [HelpScreen.Entry(":import PATH", "import a file as a piece")])
            + [HelpScreen.Entry("c", "in a piece's details: copy its Piece CID (OSC 52)")]
    }

    var caption: String { table.caption("piece") }
    var filterQuery: String { table.filter.inverted ? "!" + table.filter.needle : table.filter.needle }
    func setFilter(_ query: String) { table.setFilter(query) }
    func handle(_ action: KeyAction) -> Bool { table.navigate(action) }

    /// Shows the snapshot's pieces; the same pieces again cost nothing.
    func update(_ snapshot: NodeSnapshot) {
        guard (table.source as? PieceRows)?.pieces != snapshot.pieces else { return }
        table.setSource(PieceRows(pieces: snapshot.pieces))
    }

    func detail() -> DetailPanel? {
        guard let row = table.selectedRow, let rows = table.source as? PieceRows else { return nil }
        let p = rows.pieces[row]
        return DetailPanel(title: "Piece \(p.source)", fields: [
            .init("Piece CID", p.pieceCID), .init("Root CID", p.rootCID), .init("Source", p.source),
            .init("Payload", "\(ConsoleFormat.bytes(p.payloadSize)) (\(p.payloadSize) bytes)"),
            .init("CAR", "\(ConsoleFormat.bytes(p.carSize)) (\(p.carSize) bytes)"),
            .init("Piece size", "\(ConsoleFormat.bytes(p.pieceSize)) (\(p.pieceSize) bytes, padded)"),
            .init("Imported", ConsoleFormat.time(p.importedAt) + " UTC"),
        ], copyValue: p.pieceCID, copyName: "Piece CID")
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        if table.source.count == 0 {
            buffer.write(table.source.count == 0 && helpEntries.count > 1 ? "No pieces yet. Import one with :import PATH" : "No pieces yet.", x: rect.x + 1, y: rect.y + 1, style: context.theme[.muted], clip: rect)
            return
        }
        table.render(into: &buffer, rect: rect, context: context)
    }
}

/// The Content view's rows: the snapshot's own pieces, formatted only when drawn.
struct PieceRows: TableSource {
    let pieces: [PieceSummary]

    var count: Int { pieces.count }
    func id(_ row: Int) -> String { pieces[row].pieceCID }

    func cell(_ row: Int, _ column: Int) -> String {
        switch column {
        case 0: return pieces[row].rootCID
        case 1: return pieces[row].pieceCID
        case 2: return ConsoleFormat.bytes(pieces[row].payloadSize)
        case 3: return ConsoleFormat.bytes(pieces[row].pieceSize)
        case 4: return pieces[row].source
        default: return ConsoleFormat.time(pieces[row].importedAt)
        }
    }

    func sortKey(_ row: Int, _ column: Int) -> TableRow.SortKey {
        switch column {
        case 0: return .text(pieces[row].rootCID)
        case 1: return .text(pieces[row].pieceCID)
        case 2: return .number(Double(pieces[row].payloadSize))
        case 3: return .number(Double(pieces[row].pieceSize))
        case 4: return .text(pieces[row].source)
        default: return .number(pieces[row].importedAt.timeIntervalSince1970)
        }
    }
}
