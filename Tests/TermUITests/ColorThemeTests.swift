import Testing
@testable import TermUI

@Suite struct ColorThemeTests {
    @Test func rgbReducesToThe256CubeAndTo16Colours() {
        #expect(Color.rgb(255, 0, 0).reduced(to: .ansi256) == .indexed(196))
        #expect(Color.rgb(0x1c, 0x1c, 0x1c).reduced(to: .ansi256) == .indexed(234))
        #expect(Color.rgb(250, 10, 10).reduced(to: .ansi16) == .indexed(9))
        #expect(Color.indexed(196).reduced(to: .ansi16) == .indexed(9))
        #expect(Color.default.reduced(to: .ansi16) == .default)
        #expect(Color.indexed(3).reduced(to: .monochrome) == nil)
    }

    @Test func monochromeKeepsSelectionVisibleWithReverseVideo() {
        let mono = Theme.builtIn.reduced(to: .monochrome)
        #expect(mono[.tableSelected] == Style(attributes: [.reverse]))
        #expect(mono[.tableHeader] == Style(attributes: [.bold]))
        #expect(mono.styles.values.allSatisfy { $0.foreground == .default && $0.background == .default })
    }

    @Test func themeFileSetsStylesAndRejectsUnknownKeys() throws {
        let theme = try ThemeFile.parse("""
            name = "t"
            [styles]
            table_selected = { fg = "black", bg = "#5fafd7", bold = true }
            border = { fg = 240 }
            """, name: "file")
        #expect(theme.name == "t")
        #expect(theme[.tableSelected] == Style(foreground: .indexed(0), background: .rgb(0x5f, 0xaf, 0xd7), attributes: [.bold]))
        #expect(theme[.border].foreground == .indexed(240))
        #expect(theme[.title] == Theme.builtIn[.title])
        #expect(throws: ThemeFile.Error.self) { try ThemeFile.parse("[styles]\ntable_selcted = { fg = \"red\" }", name: "typo") }
        #expect(throws: ThemeFile.Error.self) { try ThemeFile.parse("[styles]\nborder = { fg = \"reddish\" }", name: "bad") }
        #expect(throws: ThemeFile.Error.self) { try ThemeFile.parse("colour = 1", name: "top") }
    }

    @Test func builtInThemeSetsEveryRole() {
        #expect(Set(Theme.builtIn.styles.keys) == Set(ThemeRole.allCases))
    }
}
