import Foundation
import Testing
@testable import TermUI

/// A tiny application: a table that keys move through, quitting on `q`.
private final class TableApp: TerminalApplication {
    var table = Fixture.table(rows: 30)
    var updates = 0
    var finished = false
    let minimumSize = Size(width: 30, height: 8)
    let time: TimeSource
    init(time: TimeSource) { self.time = time }
    var renderContext: RenderContext { Fixture.context(now: time.now) }
    func render(into buffer: inout CellBuffer, context: RenderContext) {
        table.render(into: &buffer, rect: buffer.bounds, context: context)
    }
    func handle(_ key: Key) -> Bool {
        if key == .character("q") { finished = true; return false }
        switch KeyMap.defaults.action(for: key) {
        case .down: table.move(by: 1)
        case .bottom: table.bottom()
        default: break
        }
        return true
    }
    func update() { updates += 1 }
}

@Suite struct TerminalLoopTests {
    @Test func keysReachTheApplicationAndTheTerminalIsAlwaysRestored() throws {
        let clock = ManualTimeSource(Fixture.epoch)
        let driver = FakeDriver(size: Size(width: 40, height: 10))
        driver.press(.character("j"), .down, .character("j"))
        let app = TableApp(time: clock)
        try TerminalLoop(driver: driver, time: clock).run(app)
        #expect(driver.started && driver.stopped)
        #expect(app.table.selected == 3)
        #expect(driver.screen?.line(4).hasPrefix("     3") == true)
    }

    @Test func tooSmallScreenAppearsAndTheViewComesBack() throws {
        let driver = FakeDriver(size: Size(width: 40, height: 10))
        driver.send([.resize(Size(width: 26, height: 5))])
        let app = TableApp(time: ManualTimeSource(Fixture.epoch))
        try TerminalLoop(driver: driver, time: ManualTimeSource(Fixture.epoch)).run(app)
        #expect(driver.screen?.text.contains("Terminal size too small") == true)
        let back = FakeDriver(size: Size(width: 26, height: 5))
        back.send([.resize(Size(width: 40, height: 10))])
        try TerminalLoop(driver: back, time: ManualTimeSource(Fixture.epoch)).run(app)
        #expect(back.screen?.line(0).contains("NAME") == true)
    }

    @Test func quittingEndsTheLoopAndWakesTakeData() throws {
        let driver = FakeDriver(size: Size(width: 40, height: 10))
        driver.send([.wake, .key(.character("q")), .key(.character("j"))])
        let app = TableApp(time: ManualTimeSource(Fixture.epoch))
        try TerminalLoop(driver: driver, time: ManualTimeSource(Fixture.epoch)).run(app)
        #expect(app.finished && driver.stopped)
        #expect(app.updates == 1)
        #expect(app.table.selected == 0)
    }

    @Test func unchangedScreensAreNotPresentedAgain() throws {
        let driver = FakeDriver(size: Size(width: 40, height: 10))
        driver.send([.wake, .wake, .wake])
        try TerminalLoop(driver: driver, time: ManualTimeSource(Fixture.epoch)).run(TableApp(time: ManualTimeSource(Fixture.epoch)))
        #expect(driver.frames.count == 1)
    }
}
