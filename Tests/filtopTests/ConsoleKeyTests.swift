import Foundation
import NodeKit
import TermUI
import Testing
@testable import filtop

/// The console driven through the fake terminal, key by key.
@Suite struct ConsoleKeyTests {
    private func run(_ app: ConsoleApp, _ clock: ManualTimeSource, size: Size = Size(width: 120, height: 40), _ script: (FakeDriver) -> Void) throws -> FakeDriver {
        let driver = FakeDriver(size: size)
        script(driver)
        try TerminalLoop(driver: driver, time: clock).run(app)
        return driver
    }

    @Test(arguments: ControlKind.allCases) func tabsDigitsAndNavigation(kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock, via: kind)
        _ = try run(app, clock) { d in d.press(.tab, .tab, .backTab) }
        #expect(app.current.title == "Content")
        let content = try #require(app.views[1] as? ContentView)
        _ = try run(app, clock) { d in d.press(.character("j"), .character("j"), .down, .character("k")) }
        #expect(content.table.selected == 2)
        _ = try run(app, clock) { d in d.press(.character("G")) }
        #expect(content.table.selected == 23)
        _ = try run(app, clock) { d in d.press(.character("g"), .pageDown) }
        #expect(content.table.selected > 2)
        _ = try run(app, clock) { d in d.press(.character("8")) }
        #expect(app.current.title == "Log")
    }

    @Test(arguments: ControlKind.allCases) func filterNarrowsAndEscapeClears(kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock, via: kind)
        let content = try #require(app.views[1] as? ContentView)
        let driver = try run(app, clock) { d in
            d.press(.character("2"), .character("/"))
            d.type("csv")
            d.press(.enter)
        }
        #expect(content.table.visible.count == 6)
        #expect(driver.screen?.text.contains("6 of 24 pieces /csv") == true)
        _ = try run(app, clock) { d in d.press(.character("/"), .control("u")); d.type("!csv"); d.press(.enter) }
        #expect(content.table.visible.count == 18)
        _ = try run(app, clock) { d in d.press(.escape) }
        #expect(content.table.visible.count == 24)
    }

    @Test(arguments: ControlKind.allCases) func commandsSwitchThemeAndQuit(kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock, via: kind)
        _ = try run(app, clock) { d in d.press(.character(":")); d.type("theme dusk"); d.press(.enter) }
        #expect(app.themeName == "dusk")
        _ = try run(app, clock) { d in d.press(.character(":")); d.type("theme nosuch"); d.press(.enter) }
        #expect(app.themeName == "dusk")
        #expect(app.flash.current(at: clock.now)?.level == .error)
        _ = try run(app, clock) { d in d.press(.character(":")); d.type("log"); d.press(.enter) }
        #expect(app.current.title == "Log")
        let driver = try run(app, clock) { d in d.press(.character(":")); d.type("q"); d.press(.enter, .character("2")) }
        #expect(app.finished && driver.stopped)
        #expect(app.current.title == "Log")
    }

    @Test(arguments: ControlKind.allCases) func helpOpensAndClosesAndFlashExpires(kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock, via: kind)
        _ = try run(app, clock) { d in d.press(.character("?")) }
        #expect(app.mode == .help)
        _ = try run(app, clock) { d in d.press(.escape) }
        #expect(app.mode == .normal)
        app.run("nonsense")
        #expect(app.flash.current(at: clock.now) != nil)
        clock.advance(by: 13)
        #expect(app.flash.current(at: clock.now) == nil)
    }

    @Test func quittingDuringAnImportAsksWithFocusOnCancel() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let mailbox = ConsoleMailbox(wake: {})
        let settings = ConsoleFixture.settings()
        let app = ConsoleApp(settings: settings, keyMap: .defaults, theme: .builtIn, mailbox: mailbox, feed: nil, time: clock)
        mailbox.progress(.init(path: "/data/video.mp4", done: 50, total: 100))
        app.update()
        _ = try run(app, clock) { d in d.press(.character(":")); d.type("q"); d.press(.enter) }
        guard case .confirmQuit = app.mode else { Issue.record("no confirm dialog: \(app.mode)"); return }
        let screen = TerminalLoop.frame(app, size: Size(width: 80, height: 24), now: clock.now).text
        #expect(screen.contains("[ Cancel ]") && screen.contains("import video.mp4"))
        _ = try run(app, clock) { d in d.press(.enter) }
        #expect(!app.finished && app.mode == .normal)
        _ = try run(app, clock) { d in d.press(.character(":")); d.type("q"); d.press(.enter, .right, .enter) }
        #expect(app.finished)
    }

    @Test func readOnlyRefusesImport() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        var settings = ConsoleFixture.settings()
        settings.readOnly = true
        let app = ConsoleApp(settings: settings, keyMap: .defaults, theme: .builtIn, mailbox: ConsoleMailbox(wake: {}), feed: nil, time: clock)
        app.run("import /etc/hostname")
        #expect(app.flash.current(at: clock.now)?.text.contains("read-only") == true)
        #expect(app.progress == nil)
    }

    @Test func shippedThemesSetEveryRoleAndParse() throws {
        let catalog = ConsoleFixture.settings().catalog
        #expect(catalog.names == ["default", "dusk", "high-contrast", "light"])
        for name in catalog.names {
            let path = ConsoleFixture.themes + "/\(name).toml"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for role in ThemeRole.allCases { #expect(text.contains("\n\(role.rawValue) "), "\(name) lacks \(role.rawValue)") }
            #expect(try catalog.theme(named: name).name == name)
        }
    }

    @Test func noColorAndColourDepthFromTheEnvironment() {
        #expect(ConsoleSettings.from(environment: ["NO_COLOR": "1", "TERM": "xterm-256color"], noColor: false, readOnly: false).colorDepth == .monochrome)
        #expect(ConsoleSettings.from(environment: ["TERM": "xterm-256color"], noColor: true, readOnly: false).colorDepth == .monochrome)
        #expect(ConsoleSettings.from(environment: ["TERM": "xterm-256color"], noColor: false, readOnly: false).colorDepth == .ansi256)
        #expect(ConsoleSettings.from(environment: ["TERM": "xterm"], noColor: false, readOnly: false).colorDepth == .ansi16)
        #expect(ConsoleSettings.from(environment: ["XDG_CONFIG_HOME": "/cfg"], noColor: false, readOnly: false).configFile == "/cfg/filtop/console.toml")
    }

    @Test func commandLineParsesAndCompletes() throws {
        let commands = ConsoleFixture.commands()
        #expect(try commands.parse("q") == .quit(force: false))
        #expect(try commands.parse("import /tmp/x") == .importFile("/tmp/x"))
        #expect(try commands.parse("theme") == .theme(nil))
        #expect(try commands.parse("Peers") == .view("peers"))
        #expect(throws: ConsoleCommandLine.Error.self) { try commands.parse("import") }
        #expect(commands.completions("theme ") == ["theme dusk"])
    }
}
