import Foundation
import NodeKit
import TermUI
import Testing
@testable import filtop

/// What outside testers found in the console, one regression test each (every one was
/// checked to fail before its fix).
@Suite struct ConsoleBehaviourTests {
    private func screen(_ app: ConsoleApp, _ clock: ManualTimeSource, width: Int = 80, height: Int = 24) -> String {
        ConsoleFixture.screen(app, Size(width: width, height: height), clock: clock)
    }

    @Test func oneIsSingular() {
        let view = ContentView(readOnly: false)
        view.update(NodeSnapshot(pieces: [FixedNodeControl.piece(0)]))
        #expect(view.caption == "1 piece")
        view.update(NodeSnapshot(pieces: Array(FixedNodeControl.pieces.prefix(2))))
        #expect(view.caption == "2 pieces")
        let log = LogPaneView()
        log.append("one line", level: .info, at: FixedNodeControl.started)
        #expect(log.caption == "1 line, following")
    }

    @Test func logCaptionCountsTheLinesTheFilterKeeps() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock)
        for key in "8/event 1:" { _ = app.handle(.character(key)) }
        _ = app.handle(.enter)
        #expect(app.logView.caption == "1 of 40 lines, following")
        #expect(screen(app, clock).contains("Log · 1 of 40 lines"))
    }

    @Test func slashOnTheOverviewSaysFilteringIsNotAvailable() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock)
        _ = app.handle(.character("/"))
        #expect(app.mode == .normal)
        #expect(app.flash.current(at: clock.now)?.text == "filtering isn't available on the Overview view; / filters Content, Peers, Channels, Offers, Providers, Deals and Log")
    }

    @Test func enterOpensEveryFieldAndCCopiesTheCID() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock)
        var copied: [String] = []
        _ = app.handle(.character("2"))
        _ = app.handle(.enter)
        guard case .detail(let panel) = app.mode else { Issue.record("Enter opened nothing: \(app.mode)"); return }
        let content = try #require(app.views[1] as? ContentView)
        let selected = try #require(content.table.selectedRow)
        let piece = try #require((content.table.source as? PieceRows)?.pieces[selected])
        #expect(panel.copyValue == piece.pieceCID)
        let text = screen(app, clock)
        #expect(text.contains(piece.pieceCID) && text.contains(piece.rootCID))
        _ = app.handle(.escape)
        #expect(app.mode == .normal)

        let mailbox = ConsoleMailbox(wake: {})
        let withClipboard = ConsoleApp(settings: ConsoleFixture.settings(), keyMap: .defaults, theme: .builtIn, mailbox: mailbox,
                                       feed: nil, time: clock, clipboard: { copied.append($0) })
        await NodeFeed(control: FixedNodeControl(), mailbox: mailbox, interval: 60).refresh()
        withClipboard.update()
        for key: Key in [.character("2"), .enter, .character("c")] { _ = withClipboard.handle(key) }
        #expect(copied.count == 1 && copied.first?.hasPrefix("baga6ea4seaq") == true)
        #expect(withClipboard.flash.current(at: clock.now)?.text.contains("copied the Piece CID") == true)
        #expect(Clipboard.osc52("hi") == "\u{1B}]52;c;aGk=\u{07}")
    }

    @Test func enterWhereThereAreNoDetailsSaysWhere() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock)
        _ = app.handle(.enter)
        #expect(app.mode == .normal)
        #expect(app.flash.current(at: clock.now)?.text == "Enter opens details on Content, Peers, Channels, Offers, Providers and Deals; the Overview view has none")
    }

    @Test func helpListsOnlyTheKeysTheViewAnswers() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock)
        _ = app.handle(.character("?"))
        let overview = screen(app, clock, width: 120, height: 40)
        #expect(!overview.contains("sort") && !overview.contains("filter rows") && !overview.contains("open"))
        _ = app.handle(.escape)
        _ = app.handle(.character("2"))
        _ = app.handle(.character("?"))
        let content = screen(app, clock, width: 120, height: 40)
        #expect(content.contains("reverse the sort order") && content.contains("filter rows"))
    }

    /// Regression: help descriptions were cut mid-word at 80 columns.
    @Test func helpFitsEightyColumns() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock)
        _ = app.handle(.character("2"))
        _ = app.handle(.character("?"))
        let text = screen(app, clock).split(separator: "\n").joined(separator: " ").replacingOccurrences(of: "│", with: " ")
        let words = text.split(separator: " ").map(String.init)
        for summary in ["jump to a view (Overview, Content, Peers, Channels, Offers, Providers, Deals, Log)", "close, clear the filter, go back", "go to the last row (log: follow the tail)"] {
            for word in summary.split(separator: " ") { #expect(words.contains(String(word)), "help lost '\(word)' of '\(summary)'") }
        }
    }

    @Test func readOnlyHidesImport() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        var settings = ConsoleFixture.settings()
        settings.readOnly = true
        let app = ConsoleApp(settings: settings, keyMap: .defaults, theme: .builtIn, mailbox: ConsoleMailbox(wake: {}), feed: nil, time: clock)
        _ = app.handle(.character("?"))
        #expect(!screen(app, clock).contains(":import"))
        _ = app.handle(.escape)
        app.run("import /etc/hostname")
        #expect(app.flash.current(at: clock.now)?.text.contains("read-only") == true)
    }

    /// Regression: configuration problems were cut to one flash line and never logged;
    /// one unknown action dropped every binding of console.toml.
    @Test func configProblemsReachTheLogInFull() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "theme = \"dusk\"\n[keys]\nfly = \"f\"\nhelp = \"F1\"\n".write(toFile: dir + "/console.toml", atomically: true, encoding: .utf8)
        var settings = ConsoleFixture.settings()
        settings.configDirectory = dir
        let (theme, keyMap, problems) = settings.loadConfig()
        #expect(theme == "dusk")
        #expect(keyMap.action(for: .function(1)) == .help)
        #expect(problems.count == 1)
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = ConsoleApp(settings: settings, keyMap: keyMap, theme: .builtIn, mailbox: ConsoleMailbox(wake: {}), feed: nil, time: clock)
        for problem in problems { app.report(problem: problem) }
        let problem = try #require(problems.first)
        #expect(problem.contains("unknown action 'fly'") && problem.hasSuffix("quit)"))
        #expect(app.logView.log.lines.elements.map(\.text) == ["warning " + problem])
        _ = app.handle(.character("8"))
        let logScreen = screen(app, clock).split(separator: "\n").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "│ ")) }.joined(separator: " ")
        #expect(logScreen.contains("sort_reverse, quit)"), "the log shows the whole message")
    }

    /// Regression: the flash line cut errors mid-word with no mark.
    @Test func longFlashEndsInAnEllipsis() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock)
        app.run("bogus")
        let last = screen(app, clock).split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasSuffix("…"))
    }

    /// Regression: at 80 columns every Piece CID showed the same prefix, and the title
    /// bar lost the uptime.
    @Test func eightyColumnsKeepCIDsDistinctAndTheUptime() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock)
        _ = app.handle(.character("2"))
        let rows = screen(app, clock).split(separator: "\n").dropFirst(4).prefix(10)
        let pieceCells = rows.map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }
        #expect(Set(pieceCells).count == pieceCells.count, "piece CIDs look alike: \(pieceCells)")
        var settings = ConsoleFixture.settings()
        settings.readOnly = true
        let mailbox = ConsoleMailbox(wake: {})
        let narrow = ConsoleApp(settings: settings, keyMap: .defaults, theme: .builtIn, mailbox: mailbox, feed: nil, time: clock)
        var status = try await FixedNodeControl().status()
        status.nodeID = "fid" + String(repeating: "q", count: 60) + "end"
        status.roles = [.client, .gateway, .provider]
        mailbox.post(NodeSnapshot(status: status))
        narrow.update()
        let title = screen(narrow, clock).split(separator: "\n")[0]
        #expect(title.contains("up 1h 2m") && title.contains("READ-ONLY") && title.contains("…") && title.contains("end · client"))
    }

    @Test func peersLeaveOutTheNodeItselfAndMarkStaleRecords() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let started = FixedNodeControl.started
        let records = [
            PeerRecord(nodeID: "fidtestnode7k3q2example", roles: [.provider], address: "127.0.0.1:4100", region: "eu-west", updatedAt: started),
            PeerRecord(nodeID: "fidlivepeer", roles: [.gateway], address: "10.0.0.2:4100", region: "eu-west", updatedAt: started.addingTimeInterval(3000)),
            PeerRecord(nodeID: "fidgonepeer", roles: [.gateway], address: "10.0.0.3:4100", region: "us-east", updatedAt: started.addingTimeInterval(-7200)),
        ]
        let app = try await ConsoleFixture.app(clock: clock, peers: RegisterPeers(configured: true, records: records))
        _ = app.handle(.character("3"))
        let text = screen(app, clock, width: 120, height: 40)
        let rows = text.split(separator: "\n").dropFirst(4)
        #expect(!rows.contains { $0.contains("fidtestnode7k3q2example") } && text.contains("2 peers"))
        let live = try #require(text.split(separator: "\n").first { $0.contains("fidlivepeer") })
        let gone = try #require(text.split(separator: "\n").first { $0.contains("fidgonepeer") })
        #expect(live.contains("12m 5s ago") && live.contains("live"))
        #expect(gone.contains("3h 2m ago") && gone.contains("stale"))
    }

    /// Regression: with NO_COLOR the selected row looked like every other row in themes
    /// whose every role has a background (dusk, light).
    @Test(arguments: ["default", "dusk", "high-contrast", "light"])
    func noColorSelectionIsReverseVideo(theme name: String) throws {
        let theme = try ConsoleFixture.settings().catalog.theme(named: name).reduced(to: .monochrome)
        for (highlight, neighbour) in [(ThemeRole.tableSelected, ThemeRole.tableRow), (.tabActive, .tab), (.buttonFocused, .button)] {
            #expect(theme[highlight].attributes.contains(.reverse), "\(name): \(highlight) not in reverse video")
            #expect(theme[highlight] != theme[neighbour], "\(name): \(highlight) looks like \(neighbour)")
        }
    }
}

/// A node whose imports fail the way the blockstore's do: naming the file.
struct FailingImportControl: PaymentlessControl {
    struct DirectoryError: Error, CustomStringConvertible {
        let path: String
        var description: String { "cannot read (it is a directory) \(path): Is a directory" }
    }
    func status() async throws -> NodeStatus { try await FixedNodeControl().status() }
    func pieces() async throws -> [PieceSummary] { [] }
    func registerPeers() async throws -> RegisterPeers { .notConfigured }
    func events(after: UInt64) async -> AsyncStream<NodeEvent> { AsyncStream { $0.finish() } }
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] { [] }
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> {
        AsyncThrowingStream { $0.finish(throwing: DirectoryError(path: path)) }
    }
    func importProgress(of path: String) async throws -> ImportProgress? { nil }
}

@Suite struct ConsoleImportErrorTests {
    /// Regression: a failed import named its file twice on the flash line.
    @Test func aFailedImportNamesItsFileOnce() async {
        let mailbox = ConsoleMailbox(wake: {})
        await NodeFeed(control: FailingImportControl(), mailbox: mailbox, interval: 60).importFile("/data/x.bin").value
        let notices = mailbox.take().notices.map(\.0)
        #expect(notices == ["import failed: cannot read (it is a directory) /data/x.bin: Is a directory"])
    }

    @Test func aDirectoryIsRefusedBeforeTheNodeIsAsked() throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let app = ConsoleApp(settings: ConsoleFixture.settings(), keyMap: .defaults, theme: .builtIn, mailbox: ConsoleMailbox(wake: {}), feed: nil, time: clock)
        app.run("import \(dir)")
        #expect(app.flash.current(at: clock.now)?.text == "cannot import \(dir): it is a directory; name a file in it")
        app.run("import \(dir)/missing")
        #expect(app.flash.current(at: clock.now)?.text == "cannot import \(dir)/missing: no such file")
    }
}
