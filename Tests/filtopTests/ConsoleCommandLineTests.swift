import Foundation
import TermUI
import Testing
@testable import filtop

/// The `:` line: path completion, `~`, read-only, and a fuzz of whatever can be typed.
@Suite struct ConsoleCommandLineTests {
    /// A directory tree to complete in: `docs/`, `data.bin`, `data.csv`, `.hidden`.
    private func tree() throws -> String {
        let root = try CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: root + "/docs", withIntermediateDirectories: true)
        for name in ["data.bin", "data.csv", ".hidden", "docs/notes.txt"] {
            FileManager.default.createFile(atPath: root + "/" + name, contents: Data([1]))
        }
        return root
    }

    /// Regression: `:import a` (any relative path) trapped in path completion and killed
    /// the console (checked: this test crashed the test process before the fix).
    @Test func relativePathsComplete() throws {
        let root = try tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let commands = ConsoleFixture.commands(home: root + "/docs", cwd: root)
        #expect(commands.completions("import d") == ["import data.bin", "import data.csv", "import docs/"])
        #expect(commands.completions("import a") == [])
        #expect(commands.completions("import docs/") == ["import docs/notes.txt"])
        #expect(commands.completions("import ./da") == ["import ./data.bin", "import ./data.csv"])
        #expect(commands.completions("import .h") == ["import .hidden"])
        #expect(commands.completions("import docs/../data.c") == ["import docs/../data.csv"])
        #expect(try commands.parse("import data.bin") == .importFile(root + "/data.bin"))
    }

    /// Regression: `~` expanded to the passwd home, not `$HOME`.
    @Test func tildeIsTheEnvironmentsHome() throws {
        let root = try tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let commands = ConsoleFixture.commands(home: root, cwd: "/")
        #expect(commands.completions("import ~") == ["import ~/"])
        #expect(commands.completions("import ~/data.b") == ["import ~/data.bin"])
        #expect(try commands.parse("import ~/data.bin") == .importFile(root + "/data.bin"))
        #expect(try commands.parse("import ~") == .importFile(root))
        #expect(ConsoleSettings.from(environment: ["HOME": "/env/home"], noColor: false, readOnly: false).home == "/env/home")
    }

    @Test func readOnlyNeitherOffersNorAcceptsImport() {
        let commands = ConsoleFixture.commands(readOnly: true)
        #expect(!commands.completions("i").contains("import"))
        #expect(commands.completions("import /").filter { $0.hasPrefix("import") }.isEmpty)
        #expect(throws: ConsoleCommandLine.Error(description: "read-only console: :import is disabled (started with --readonly)")) {
            try commands.parse("import /etc/hostname")
        }
    }

    /// Any text typed at `:` — completed with Tab, edited, drawn, submitted — gives an
    /// answer or a typed error, never a trap.
    @Test func anyTypedLineIsSafe() throws {
        let root = try tree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let commands = ConsoleFixture.commands(home: root, cwd: root)
        var lines = ["", " ", "import", "import ", "import a", "import ~", "import ~/", "import ~nobody/x", "import ..", "import ../..",
                     "import /", "import //", "import ./", "import docs", "import docs/", "import \u{0}", "import 日本語/ファイル",
                     "import " + String(repeating: "a/", count: 500), "theme ", "theme 🙂", "q!", "import a b c", "import\t~",
                     String(repeating: "x", count: 5000), "é\u{301}", "import ~/../..", ":::", "import -", "\u{202E}import",
                     "retrieve ~", "retrieve --car", "retrieve -- --car", "query ~"]
        var random = SplitMix(seed: 7)
        let alphabet = Array("a./~ d-_\\é日🙂\t\"'*?[]$%")
        for (verb, count) in [("import ", 300), ("find ", 50), ("find baga6ea4seaq ", 50), ("publish ", 50), ("block ", 50), ("allow fid", 50),
                              ("query ", 50), ("retrieve ", 100), ("retrieve bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi ", 100),
                              ("cancel ", 20)] {
            for _ in 0..<count {
                let length = Int(random.next() % 24)
                lines.append(verb + String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
            }
        }
        for line in lines {
            _ = commands.completions(line)
            _ = try? commands.parse(line)
            var editor = LineEditor(prompt: ":") { commands.completions($0) }
            editor.begin(line)
            for key in [Key.tab, .tab, .backTab, .left, .home, .right, .delete, .end, .backspace, .tab] {
                _ = editor.handle(key)
                var buffer = CellBuffer(size: Size(width: 40, height: 1))
                editor.render(into: &buffer, rect: buffer.bounds, context: RenderContext(theme: .builtIn, glyphs: .unicode, now: Date()))
            }
            _ = try? commands.parse(editor.text)
        }
    }
}

/// A small deterministic generator, so a fuzz failure reproduces.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
