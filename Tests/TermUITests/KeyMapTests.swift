import Testing
@testable import TermUI

@Suite struct KeyMapTests {
    @Test func defaultsCoverArrowsVimKeysAndPaging() {
        let map = KeyMap.defaults
        #expect(map.action(for: .up) == .up)
        #expect(map.action(for: .character("k")) == .up)
        #expect(map.action(for: .character("j")) == .down)
        #expect(map.action(for: .character("g")) == .top)
        #expect(map.action(for: .character("G")) == .bottom)
        #expect(map.action(for: .pageDown) == .pageDown)
        #expect(map.action(for: .tab) == .nextView)
        #expect(map.action(for: .character("?")) == .help)
        #expect(map.action(for: .character("x")) == nil)
    }

    @Test func keyNamesRoundTrip() {
        for name in ["Up", "PgDn", "C-d", "S-Tab", "F5", "g", "Space", "Esc"] {
            let key = KeyName.parse(name)
            #expect(key != nil)
            #expect(key.map(KeyName.name(of:)) == name)
        }
        #expect(KeyName.parse("Hyper-x") == nil)
    }

    @Test func configFileRebindsAndHelpFollows() throws {
        let map = try KeyMapFile.load("""
            [keys]
            up = ["i", "Up"]
            help = "F1"
            """, over: .defaults).map
        #expect(map.action(for: .character("i")) == .up)
        #expect(map.action(for: .character("k")) == nil)
        #expect(map.action(for: .function(1)) == .help)
        #expect(map.action(for: .character("?")) == nil)
        let help = HelpScreen(title: "t", viewEntries: [], keyMap: map)
        #expect(help.entries.contains(HelpScreen.Entry("F1", "help for this view")))
        #expect(help.entries.contains(HelpScreen.Entry("i, Up", "move up")))
    }

    @Test func configFileErrorsNameTheProblem() throws {
        #expect(throws: KeyMapFile.Error.self) { try KeyMapFile.load("[keys\nup = 1", over: .defaults) }
        let badKey = try KeyMapFile.load("[keys]\nup = \"Hyper-x\"", over: .defaults)
        #expect(badKey.problems.map(\.description) == ["key bindings: 'up': unknown key 'Hyper-x' ignored (names like Up, PgDn, C-d, S-Tab, F5, g)"])
        #expect(badKey.map == .defaults)
    }

    /// Regression: one unknown action used to throw away every binding of the file.
    @Test func anUnknownActionKeepsTheValidBindings() throws {
        let loaded = try KeyMapFile.load("""
            [keys]
            fly = "f"
            help = "F1"
            down = ["J", "Hyper-x"]
            """, over: .defaults)
        #expect(loaded.map.action(for: .function(1)) == .help)
        #expect(loaded.map.action(for: .character("J")) == .down)
        #expect(loaded.problems.count == 2)
        #expect(loaded.problems.contains { $0.reason.contains("unknown action 'fly'") })
        #expect(loaded.problems.contains { $0.reason.contains("'Hyper-x'") })
    }
}
