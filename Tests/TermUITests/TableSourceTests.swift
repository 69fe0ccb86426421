import Foundation
import Synchronization
import Testing
@testable import TermUI

/// A source of `count` rows that records what a table asks of it.
final class ProbeSource: TableSource {
    struct Asked { var cells = 0; var sortColumns: [Int: Int] = [:] }
    let count: Int
    let asked = Mutex(Asked())
    private let base: Int

    init(count: Int, base: Int = 0) {
        self.count = count
        self.base = base
    }

    func id(_ row: Int) -> String { "id\(row)" }
    func cell(_ row: Int, _ column: Int) -> String {
        asked.withLock { $0.cells += 1 }
        return column == 0 ? "row \(row)" : "v\((row * 7919 + base) % 10_007)"
    }
    func sortKey(_ row: Int, _ column: Int) -> TableRow.SortKey {
        asked.withLock { $0.sortColumns[column, default: 0] += 1 }
        return column == 0 ? .number(Double(row)) : .text("v\((row * 7919 + base) % 10_007)")
    }
}

@Suite struct TableSourceTests {
    static let columns = [TableColumn("ROW", width: .fixed(10)), TableColumn("VALUE", width: .flexible(min: 8)), TableColumn("MORE", width: .fixed(6))]

    @Test func cellsAreFormattedOnlyForTheRowsDrawn() {
        let probe = ProbeSource(count: 10_000)
        var table = Table(columns: Self.columns)
        table.setSource(probe)
        var buffer = CellBuffer(size: Size(width: 60, height: 11))
        table.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        // A header and ten rows of three columns; nothing else was formatted.
        #expect(probe.asked.withLock { $0.cells } == 30)
        #expect(probe.asked.withLock { $0.sortColumns }.isEmpty)
        #expect(buffer.line(1).hasPrefix("row 0"))
    }

    @Test func sortKeysAreReadOnlyForTheSortColumnAndOnlyOnceUntilTheRowsChange() {
        let probe = ProbeSource(count: 1000)
        var table = Table(columns: Self.columns)
        table.setSource(probe)
        table.sort(by: 1)
        table.sort(by: 1)
        #expect(!table.ascending)
        let descending = table.visible.map { probe.cell($0, 1) }
        #expect(descending == descending.sorted(by: >))
        table.reverse()
        #expect(probe.asked.withLock { $0.sortColumns } == [1: 1000])
        let values = table.visible.map { probe.cell($0, 1) }
        #expect(values == values.sorted())
        // New rows: the keys are read again, from the new source.
        let next = ProbeSource(count: 500, base: 3)
        table.setSource(next)
        #expect(next.asked.withLock { $0.sortColumns } == [1: 500])
        let nextValues = table.visible.map { next.cell($0, 1) }
        #expect(nextValues == nextValues.sorted())
    }

    @Test func filterSearchesEveryColumnCaseInsensitivelyAndKeepsTheSelection() {
        var table = Table(columns: [TableColumn("NAME", width: .flexible(min: 8)), TableColumn("REGION", width: .fixed(8))])
        table.setRows([
            TableRow(id: "a", cells: ["Alpha", "eu-west"]),
            TableRow(id: "b", cells: ["beta", "EU-EAST"]),
            TableRow(id: "c", cells: ["Gamma", "日本"]),
        ])
        table.move(by: 1)
        table.setFilter("EU")
        #expect(table.visible == [0, 1])
        #expect(table.selectedID == "b")
        table.setFilter("!eu")
        #expect(table.visible == [2])
        table.setFilter("本")
        #expect(table.visible == [2])
        table.setFilter("")
        #expect(table.visible == [0, 1, 2])
    }

    /// A source's cell roles colour its cells, except on the selected row, which keeps the
    /// selection's style so it reads as one bar.
    @Test func aCellsRoleStylesItUnlessItsRowIsSelected() {
        struct Flagged: TableSource {
            var count: Int { 2 }
            func id(_ row: Int) -> String { "\(row)" }
            func cell(_ row: Int, _ column: Int) -> String { column == 0 ? "row\(row)" : "bad" }
            func sortKey(_ row: Int, _ column: Int) -> TableRow.SortKey { .number(Double(row)) }
            func role(_ row: Int, _ column: Int) -> ThemeRole? { column == 1 ? .flashError : nil }
        }
        var table = Table(columns: [TableColumn("ROW", width: .fixed(5)), TableColumn("STATE", width: .fixed(5))])
        table.setSource(Flagged())
        var buffer = CellBuffer(size: Size(width: 11, height: 3))
        let theme = Theme.builtIn
        table.render(into: &buffer, rect: buffer.bounds, context: Fixture.context(theme))
        #expect(buffer[6, 1].style == theme[.tableSelected] && buffer[0, 1].style == theme[.tableSelected])
        #expect(buffer[6, 2].style == theme[.flashError])
        #expect(buffer[0, 2].style == theme[.tableRow])
    }
}
