import Foundation
import TermUI
import TermUITestSupport
import Testing

/// Every widget at 80×24 and 120×40, as plain text beside this file.
@Suite struct WidgetSnapshotTests {
    private func screen(_ size: Size, _ draw: (inout CellBuffer, RenderContext) -> Void) -> String {
        var buffer = CellBuffer(size: size)
        draw(&buffer, Fixture.context())
        return buffer.text
    }

    @Test(arguments: Fixture.sizes) func table(size: Size) {
        var table = Fixture.table(rows: 10_000)
        table.sort(by: 2)
        table.move(by: 3)
        let text = screen(size) { b, c in table.render(into: &b, rect: b.bounds, context: c) }
        assertSnapshot(text, named: Fixture.name("table", size))
        table.setFilter("!日本")
        let filtered = screen(size) { b, c in table.render(into: &b, rect: b.bounds, context: c) }
        assertSnapshot(filtered, named: Fixture.name("table-filtered", size))
    }

    @Test(arguments: Fixture.sizes) func tabsFlashAndBox(size: Size) {
        let text = screen(size) { b, c in
            let rows = b.bounds.rows([.fixed(1), .fill(), .fixed(1), .fixed(1), .fixed(1)])
            Tabs(titles: ["Overview", "Content", "Peers", "Log"], selected: 1).render(into: &b, rect: rows[0], context: c)
            let inner = Box.draw(rows[1], title: "Content · 3 pieces", into: &b, context: c)
            FieldList([("Node ID", "fid123"), ("Roles", "provider")]).render(into: &b, rect: inner, context: c)
            for (i, level) in [FlashLine.Level.info, .warning, .error].enumerated() {
                var flash = FlashLine()
                flash.show("imported x.bin", level: level, at: c.now)
                flash.render(into: &b, rect: rows[2 + i], context: c)
            }
        }
        assertSnapshot(text, named: Fixture.name("tabs-flash-box", size))
    }

    @Test(arguments: Fixture.sizes) func commandAndFilterLines(size: Size) {
        var command = LineEditor(prompt: ":") { _ in ["theme dusk", "theme default"] }
        command.begin("theme d")
        var filter = LineEditor(prompt: "/")
        filter.begin("!eu-west")
        let text = screen(size) { b, c in
            command.render(into: &b, rect: b.bounds.row(0), context: c)
            filter.render(into: &b, rect: b.bounds.row(1), context: c)
        }
        assertSnapshot(text, named: Fixture.name("command-filter", size))
    }

    @Test(arguments: Fixture.sizes) func help(size: Size) {
        let help = HelpScreen(title: "Content", viewEntries: [HelpScreen.Entry(":import PATH", "import a file")], keyMap: .defaults)
        let text = screen(size) { b, c in help.render(into: &b, rect: b.bounds, context: c) }
        assertSnapshot(text, named: Fixture.name("help", size))
    }

    @Test(arguments: Fixture.sizes) func confirmDialog(size: Size) {
        let dialog = ConfirmDialog(title: "Settle channel?", message: "settle channel 7 and collect 0.5 FIL", confirmLabel: "Settle")
        let text = screen(size) { b, c in dialog.render(into: &b, screen: b.bounds, context: c) }
        assertSnapshot(text, named: Fixture.name("confirm", size))
    }

    @Test(arguments: Fixture.sizes) func progressAndSparklines(size: Size) {
        let values = (0..<200).map { Double(($0 * 37) % 23) }
        let text = screen(size) { b, c in
            ProgressBar(fraction: 0.42, label: "import video.mp4").render(into: &b, rect: b.bounds.row(0), context: c)
            ProgressBar(fraction: 1).render(into: &b, rect: b.bounds.row(1), context: c)
            Sparkline(values: values).render(into: &b, rect: b.bounds.row(2), context: c)
            var ascii = c
            ascii.glyphs = .ascii
            Sparkline(values: values).render(into: &b, rect: b.bounds.row(3), context: ascii)
            ProgressBar(fraction: 0.42, label: "ascii").render(into: &b, rect: b.bounds.row(4), context: ascii)
        }
        assertSnapshot(text, named: Fixture.name("progress-sparkline", size))
    }

    @Test(arguments: Fixture.sizes) func logView(size: Size) {
        var log = LogView(capacity: 1000)
        let levels: [LogView.Line.Level] = [.debug, .info, .warning, .error]
        for i in 0..<3000 {
            log.append(.init(time: Fixture.epoch.addingTimeInterval(Double(i)), level: levels[i % 4], text: "event \(i) from the node"))
        }
        let text = screen(size) { b, c in log.render(into: &b, rect: b.bounds, context: c) }
        assertSnapshot(text, named: Fixture.name("log", size))
    }

    @Test(arguments: [Size(width: 40, height: 10), Size(width: 80, height: 24)]) func tooSmall(size: Size) {
        let text = screen(size) { b, c in TooSmallScreen.render(into: &b, current: size, needed: Size(width: 100, height: 30), context: c) }
        assertSnapshot(text, named: Fixture.name("too-small", size))
    }
}
