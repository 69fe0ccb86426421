import Foundation
import Testing
@testable import TermUI

@Suite struct WidgetBehaviourTests {
    @Test func tableSortsNumbersAsNumbersAndReverses() {
        var table = Fixture.table(rows: 12)
        table.sort(by: 2)
        let sizes = table.visible.map { table.source.sortKey($0, 2) }
        #expect(sizes == sizes.sorted())
        table.sort(by: 2)
        #expect(!table.ascending)
        #expect(table.visible.map { table.source.sortKey($0, 2) } == sizes.reversed())
    }

    @Test func tableFilterAndInvertedFilter() {
        var table = Fixture.table(rows: 100)
        table.setFilter("日本")
        #expect(table.visible.count == 25)
        table.setFilter("!日本")
        #expect(table.visible.count == 75)
        table.setFilter("")
        #expect(table.visible.count == 100)
    }

    @Test func selectionFollowsItsRowAcrossUpdatesAndSorts() {
        var table = Fixture.table(rows: 50)
        table.move(by: 7)
        let id = table.selectedID
        table.sort(by: 1)
        #expect(table.selectedID == id)
        table.setRows(Array(Fixture.rows(60).reversed()))
        #expect(table.selectedID == id)
    }

    /// A clock tick writes the cells again without sorting or matching again: the rows
    /// keep their order, filter and selection; only the drawn text changes.
    @Test func refreshedCellsKeepTheOrderFilterAndSelection() {
        var table = Fixture.table(rows: 40)
        table.sort(by: 2)
        table.setFilter("日本")
        table.move(by: 3)
        let (visible, id) = (table.visible, table.selectedID)
        let ticked = TableRows(Fixture.rows(40).map { TableRow(id: $0.id, cells: $0.cells.map { $0 + " later" }, sortKeys: $0.sortKeys) })
        table.refreshCells(ticked)
        #expect(table.visible == visible && table.selectedID == id)
        #expect(table.selectedRow.map { table.source.cell($0, 0).hasSuffix(" later") } == true)
        table.refreshCells(TableRows(Array(Fixture.rows(10))))
        #expect(table.source.count == 10 && table.visible.allSatisfy { $0 < 10 }, "other rows are shown as new rows")
    }

    @Test func tablePagesByTheDrawnHeightAndClamps() {
        var table = Fixture.table(rows: 100)
        var buffer = CellBuffer(size: Size(width: 60, height: 11))
        table.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        table.page(by: 1)
        #expect(table.selected == 9)
        table.bottom()
        #expect(table.selected == 99)
        table.move(by: 5)
        #expect(table.selected == 99)
        table.top()
        table.move(by: -1)
        #expect(table.selected == 0)
    }

    /// Regression: seven tabs on a 60-column screen cut off the last two, so their
    /// numbers could not be seen.
    @Test func tabsTooWideShowTheOthersByNumber() {
        let tabs = Tabs(titles: ["Overview", "Content", "Peers", "Channels", "Offers", "Providers", "Log"], selected: 5)
        var wide = CellBuffer(size: Size(width: 80, height: 1))
        tabs.render(into: &wide, rect: wide.bounds, context: Fixture.context())
        #expect(wide.text == " 1 Overview   2 Content   3 Peers   4 Channels   5 Offers   6 Providers   7 Log\n")
        var narrow = CellBuffer(size: Size(width: 60, height: 1))
        tabs.render(into: &narrow, rect: narrow.bounds, context: Fixture.context())
        #expect(narrow.text == " 1   2   3   4   5   6 Providers   7\n")
        // Eight views on 80 columns: the titles stay, without their padding.
        let eight = Tabs(titles: ["Overview", "Content", "Peers", "Channels", "Offers", "Providers", "Deals", "Log"], selected: 6)
        eight.render(into: &wide, rect: wide.bounds, context: Fixture.context())
        #expect(wide.text == "1 Overview 2 Content 3 Peers 4 Channels 5 Offers 6 Providers  7 Deals  8 Log\n")
    }

    @Test func flashClearsAfterItsLifetime() {
        let clock = ManualTimeSource(Fixture.epoch)
        var flash = FlashLine(lifetime: 6)
        flash.show("saved", at: clock.now)
        clock.advance(by: 5.9)
        #expect(flash.current(at: clock.now)?.text == "saved")
        clock.advance(by: 0.2)
        #expect(flash.current(at: clock.now) == nil)
        flash.show("failed", level: .error, at: clock.now)
        clock.advance(by: 8)
        #expect(flash.current(at: clock.now)?.level == .error)
    }

    @Test func confirmDialogStartsOnCancel() {
        var dialog = ConfirmDialog(title: "Settle?", message: "settle channel X")
        #expect(dialog.handle(.enter) == .cancelled)
        var second = ConfirmDialog(title: "Settle?", message: "settle channel X")
        #expect(second.handle(.right) == .pending)
        #expect(second.handle(.enter) == .confirmed)
    }

    @Test func lineEditorHistoryAndCompletion() {
        var editor = LineEditor(prompt: ":") { _ in ["import ", "theme dusk", "theme default"] }
        editor.begin()
        for c in "th" { _ = editor.handle(.character(c)) }
        _ = editor.handle(.tab)
        #expect(editor.text == "theme d")
        #expect(editor.suggestion == "theme dusk")
        #expect(editor.handle(.enter) == .submitted("theme d"))
        editor.begin()
        for c in "q" { _ = editor.handle(.character(c)) }
        #expect(editor.handle(.enter) == .submitted("q"))
        editor.begin()
        _ = editor.handle(.up)
        #expect(editor.text == "q")
        _ = editor.handle(.up)
        #expect(editor.text == "theme d")
        _ = editor.handle(.down)
        #expect(editor.text == "q")
        #expect(editor.handle(.escape) == .cancelled)
    }

    /// Regression: Tab could not choose one of several matches.
    @Test func tabCyclesThroughSeveralMatches() {
        var editor = LineEditor(prompt: ":") { _ in ["import ", "theme dusk", "theme default"] }
        editor.begin("th")
        _ = editor.handle(.tab)
        #expect(editor.text == "theme d")
        _ = editor.handle(.tab)
        #expect(editor.text == "theme dusk")
        _ = editor.handle(.tab)
        #expect(editor.text == "theme default")
        _ = editor.handle(.tab)
        #expect(editor.text == "theme dusk")
        _ = editor.handle(.backTab)
        #expect(editor.text == "theme default")
        _ = editor.handle(.backspace)
        _ = editor.handle(.tab)
        #expect(editor.text == "theme default", "after an edit Tab completes afresh")
    }

    /// Regression: the `:` line had no cursor movement.
    @Test func lineEditorEditsAtTheCursor() {
        var editor = LineEditor(prompt: ":")
        editor.begin("import /tmp/a")
        _ = editor.handle(.home)
        #expect(editor.cursor == 0)
        _ = editor.handle(.delete)
        #expect(editor.text == "mport /tmp/a")
        _ = editor.handle(.character("i"))
        _ = editor.handle(.control("e"))
        _ = editor.handle(.left)
        _ = editor.handle(.backspace)
        #expect(editor.text == "import /tmpa" && editor.cursor == 11)
        _ = editor.handle(.control("a"))
        _ = editor.handle(.right)
        _ = editor.handle(.character("X"))
        #expect(editor.text == "iXmport /tmpa" && editor.cursor == 2)
        _ = editor.handle(.end)
        _ = editor.handle(.control("w"))
        #expect(editor.text == "iXmport " && editor.cursor == 8)
        var buffer = CellBuffer(size: Size(width: 12, height: 1))
        editor.begin("import /a/very/long/path")
        _ = editor.handle(.home)
        editor.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        #expect(buffer.line(0) == ":import /a/…")
        _ = editor.handle(.end)
        editor.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        #expect(buffer.line(0) == ":…long/path ")
    }

    @Test func textFitsByWrappingOrCuttingInTheMiddle() {
        #expect(CellWidth.fitMiddle("baga6ea4seaqabcdefxyz", 11) == "baga6…efxyz")
        #expect(CellWidth.fitMiddle("short", 8) == "short   ")
        #expect(CellWidth.fitMiddle("日本語テキスト", 7) == "日…スト")
        #expect(CellWidth.fitMiddle("日本語テキスト", 8) == "日本…ト ")
        #expect(CellWidth.wrap("go to the last row (log: follow the tail)", 16) == ["go to the last", "row (log: follow", "the tail)"])
        #expect(CellWidth.wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"])
        #expect(CellWidth.wrap("", 4) == [""])
    }

    @Test func logViewFollowsTheTailUntilScrolledAndJumpsBack() {
        var log = LogView(capacity: 100)
        for i in 0..<150 { log.append(.init(time: Fixture.epoch, level: .info, text: "line \(i)")) }
        #expect(log.lines.count == 100)
        var buffer = CellBuffer(size: Size(width: 30, height: 3))
        log.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        #expect(buffer.line(2).hasPrefix("22:13:20 line 149"))
        log.scroll(by: -5)
        #expect(!log.following)
        log.append(.init(time: Fixture.epoch, level: .info, text: "line 150"))
        log.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        #expect(buffer.line(2).hasPrefix("22:13:20 line 144"), "a paused view stays on the same lines")
        log.tail()
        log.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        #expect(buffer.line(2).hasPrefix("22:13:20 line 150"))
    }

    /// Regression: g (top) showed the oldest line alone at the bottom of an empty view.
    @Test func logViewTopShowsAFullFirstPage() {
        var log = LogView(capacity: 100)
        for i in 0..<20 { log.append(.init(time: Fixture.epoch, level: .info, text: "line \(i)")) }
        var buffer = CellBuffer(size: Size(width: 30, height: 3))
        log.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        log.top()
        log.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        #expect((0..<3).map { buffer.line($0).trimmingCharacters(in: .whitespaces) } == ["22:13:20 line 0", "22:13:20 line 1", "22:13:20 line 2"])
    }

    /// Regression: a filtered log ignored scrolling.
    @Test func aFilteredLogScrolls() {
        var log = LogView(capacity: 100)
        for i in 0..<30 { log.append(.init(time: Fixture.epoch, level: .info, text: (i % 2 == 0 ? "even " : "odd ") + "\(i)")) }
        log.setFilter("even")
        var buffer = CellBuffer(size: Size(width: 30, height: 3))
        log.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        #expect(buffer.line(2).hasPrefix("22:13:20 even 28"))
        log.scroll(by: -2)
        log.append(.init(time: Fixture.epoch, level: .info, text: "even 30"))
        log.append(.init(time: Fixture.epoch, level: .info, text: "odd 31"))
        log.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        #expect(buffer.line(2).hasPrefix("22:13:20 even 24"), "a paused filtered view stays on the same lines")
        log.top()
        log.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        #expect(buffer.line(0).hasPrefix("22:13:20 even 0"))
        #expect(log.matchingCount == 16)
    }

    /// A line wider than the view wraps onto indented rows instead of being cut.
    @Test func logViewWrapsLongLines() {
        var log = LogView(capacity: 10)
        log.append(.init(time: Fixture.epoch, level: .warning, text: "theme broken: style 'table_row': unknown key 'colour'"))
        var buffer = CellBuffer(size: Size(width: 30, height: 4))
        log.render(into: &buffer, rect: buffer.bounds, context: Fixture.context())
        let rows = (0..<4).map { buffer.line($0).trimmingCharacters(in: .whitespaces) }
        #expect(rows.joined(separator: " ").contains("unknown key 'colour'"))
        #expect(rows.filter { !$0.isEmpty }.count > 1)
    }
}
