import Foundation
import NodeKit
import TermUI
import Testing
@testable import filtop

/// The Deals view and its commands on the fixed node's deals: the rows and their states'
/// colours, speeds and times left from successive reads, a deal's history on Enter,
/// `:cancel` asking first with the focus on Cancel, `:query` and `:retrieve`, and every
/// refusal on the flash line. In process only until the admin session carries retrieval.
@Suite struct ConsoleDealsTests {
    /// A console on the Deals view of a node whose deals the test moves, whose feed's
    /// posts can be awaited.
    struct Console {
        let app: ConsoleApp
        let clock: ManualTimeSource
        let book: DealBook
        let feed: NodeFeed
        let wakes: AsyncStream<Void>

        init(book: DealBook = DealBook(), settings: ConsoleSettings = ConsoleFixture.settings()) async throws {
            clock = ManualTimeSource(FixedNodeControl.started)
            self.book = book
            let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            self.wakes = wakes
            let mailbox = ConsoleMailbox(wake: { wake.yield() })
            feed = NodeFeed(control: FixedNodeControl(book: book), mailbox: mailbox, interval: 60)
            app = ConsoleApp(settings: settings, keyMap: .defaults, theme: try settings.catalog.theme(named: "default"), mailbox: mailbox, feed: feed,
                             time: clock, clipboard: { _ in })
            clock.advance(by: 3725)
            await feed.refresh()
            await feed.refreshDeals()
            app.update()
            _ = app.handle(.character("7"))
        }

        /// Types `:line` and Enter.
        func command(_ line: String) {
            _ = app.handle(.character(":"))
            for c in line { _ = app.handle(.character(c)) }
            _ = app.handle(.enter)
        }

        var flash: FlashLine.Message? { app.flash.current(at: clock.now) }
        func screen(_ size: Size = Size(width: 80, height: 24)) -> String { ConsoleFixture.screen(app, size, clock: clock) }

        /// Reads the deals `seconds` later, as the poll does, and takes the delivery.
        func read(after seconds: TimeInterval) async {
            clock.advance(by: seconds)
            await feed.refreshDeals()
            app.update()
        }

        /// Waits until the feed's posts make `done` hold (or an error is flashed).
        func until(_ done: () -> Bool) async {
            if done() { return }
            for await _ in wakes {
                app.update()
                if done() || flash?.level == .error { return }
            }
        }

        /// Moves the selection onto the deal shown as `id` ("c7", "p12").
        func select(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) {
            _ = app.handle(.character("g"))
            for _ in 0..<app.dealsView.table.visible.count where app.dealsView.selectedDeal.map(DealCancel.shortID) != id {
                _ = app.handle(.down)
            }
            #expect(app.dealsView.selectedDeal.map(DealCancel.shortID) == id, sourceLocation: sourceLocation)
        }

        var rows: DealRows? { app.dealsView.table.source as? DealRows }
        /// Column `column` of every row, as shown.
        func column(_ column: Int) -> [String] { rows.map { r in (0..<r.count).map { r.cell($0, column) } } ?? [] }
    }

    @Test func everyDealShowsNewestFirstWithItsStateColoured() async throws {
        let console = try await Console()
        #expect(console.column(0) == ["c7", "c6", "p12", "c5", "c4", "c3", "c2"])
        #expect(console.column(1) == ["client", "client", "provider", "client", "client", "client", "client"])
        #expect(console.column(3) == ["Ongoing", "FundsNeeded", "Ongoing", "Completed", "Errored", "Rejected", "Cancelled"])
        #expect(console.column(4) == ["37%", "37%", "25%", "100%", "25%", "–", "12%"])
        #expect(console.column(6) == ["0.002", "0.001", "0.001", "0.0041", "0.0005", "0", "0.002"])
        #expect(console.column(7) == ["0.001", "0.002", "0", "0", "0", "0", "0"])
        #expect(console.column(5) == Array(repeating: "–", count: 7), "no speed from one read")
        #expect(console.app.dealsView.caption == "7 deals")
        let rows = try #require(console.rows)
        #expect((0..<rows.count).map { rows.role($0, 3) } == [nil, .flashWarn, nil, .flashInfo, .flashError, .flashError, .logWarn])
        #expect((0..<rows.count).allSatisfy { rows.role($0, 2) == nil }, "only the state is coloured")

        let screen = console.screen()
        #expect(screen.contains("3 open, 1 waiting for funds · 4 ended · amounts in FIL"))
        // The paused deal's state is drawn in the warning style; the selected row keeps
        // the selection's.
        let frame = TerminalLoop.frame(console.app, size: Size(width: 80, height: 24), now: console.clock.now)
        let theme = try ConsoleFixture.settings().catalog.theme(named: "default").reduced(to: .ansi256)
        let lines = frame.text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        let paused = try #require(lines.firstIndex { String($0).contains("FundsNeeded") })
        let x = try #require((0..<lines[paused].count).first { String(lines[paused][$0...]).hasPrefix("FundsNeeded") })
        #expect(frame[x, paused].style == theme[.flashWarn])
        let selected = try #require(lines.firstIndex { String($0).contains("│c7 ") })
        #expect(frame[x, selected].style == theme[.tableSelected])
    }

    @Test func speedAndTimeLeftComeFromSuccessiveReads() async throws {
        let console = try await Console()
        let ongoing = try #require(console.app.dealsView.selectedDeal)
        let mib = FixedDeals.mib
        console.book.move(ongoing.key, bytes: 5 * mib)
        await console.read(after: 2)
        #expect(console.column(5)[0] == "1.0 MiB/s" && console.column(8)[0] == "3s", "2 MiB in 2 s; 3 MiB to go")
        #expect(console.column(4)[0] == "62%")
        #expect(console.column(5)[1] == "0 B/s" && console.column(8)[1] == "–", "the paused deal moves nothing")
        #expect(console.column(5)[3] == "–" && console.column(8)[3] == "–", "an ended deal has no speed")

        console.book.move(ongoing.key, bytes: 6 * mib)
        await console.read(after: 2)
        #expect(console.column(5)[0] == "768 KiB/s", "3 MiB in 4 s")
        // Once the window holds only a stall, the speed is nought and there is no end in sight.
        for _ in 0..<6 { await console.read(after: 2) }
        #expect(console.column(5)[0] == "0 B/s" && console.column(8)[0] == "–")
        console.book.move(ongoing.key, bytes: 8 * mib, status: .completed)
        await console.read(after: 2)
        #expect(console.column(3)[0] == "Completed" && console.column(5)[0] == "–" && console.column(8)[0] == "–")
        #expect(console.app.dealsView.rates[ongoing.key] == nil, "an ended deal's readings are dropped")
    }

    @Test func enterShowsTheDealsHistoryAndEscapeCloses() async throws {
        let console = try await Console()
        console.select("c6")
        _ = console.app.handle(.enter)
        guard case .detail(let first) = console.app.mode else { Issue.record("Enter opened nothing: \(console.app.mode)"); return }
        #expect(first.title == "Deal c6")
        await console.until {
            guard case .detail(let panel) = console.app.mode else { return true }
            return panel.fields.contains { $0.label == "History" && $0.value.hasPrefix("5 statuses") }
        }
        guard case .detail(let panel) = console.app.mode else { Issue.record("the history closed the panel: \(console.app.mode)"); return }
        let fields = Dictionary(panel.fields.map { ($0.label, $0.value) }, uniquingKeysWith: { a, _ in a })
        let deal = try #require(FixedDeals.deals.first { $0.id == 6 })
        #expect(fields["Status"] == "FundsNeeded: the provider waits for a payment of 0.002097152 FIL")
        #expect(fields["Progress"] == "3.0 MiB of 8.0 MiB (37%), 768 of 2048 blocks")
        #expect(fields["Price"]?.hasPrefix("0.000000001 FIL a byte (1000000000 attoFIL)") == true)
        #expect(fields["Unseal price"] == "none")
        #expect(fields["Payment interval"] == "1.0 MiB before the first payment, each next one 1.0 MiB longer")
        #expect(fields["Broker"] == "none: paid directly")
        #expect(fields["Payload CID"] == deal.payload.description)
        let history = panel.fields.filter { $0.label.hasPrefix("2023-") }
        #expect(history.map { String($0.value.prefix { $0 != " " }) } == ["New", "WaitForAcceptance", "Accepted", "Ongoing", "FundsNeeded"])
        #expect(history.first?.label == "2023-11-14 23:13:20")
        #expect(history.last?.value.hasSuffix("· 3.0 MiB · paid 0.001048576 FIL: the provider waits for a payment of 0.002097152 FIL") == true)

        // Taller than 80×24: it says so and scrolls.
        let top = console.screen()
        #expect(top.contains("more lines: Down scrolls"))
        _ = console.app.handle(.character("G"))
        let bottom = console.screen()
        #expect(bottom.contains("Updated") && !bottom.contains("more lines: Down scrolls"))
        _ = console.app.handle(.character("c"))
        #expect(console.flash?.text == "copied the payload CID \(deal.payload) to the clipboard (OSC 52)")
        _ = console.app.handle(.escape)
        #expect(console.app.mode == .normal)

        console.select("c4")
        _ = console.app.handle(.enter)
        await console.until {
            guard case .detail(let panel) = console.app.mode else { return true }
            return panel.fields.contains { $0.label == "Failed block" }
        }
        guard case .detail(let failed) = console.app.mode else { Issue.record("no history: \(console.app.mode)"); return }
        #expect(failed.fields.contains { $0.label == "Failed block" && $0.value.hasPrefix(CID.raw(Array("bad block".utf8)).description) })
    }

    @Test func cancelAsksOnCancelThenCancelsTheSelectedDeal() async throws {
        let console = try await Console()
        console.select("c7")
        let deal = try #require(console.app.dealsView.selectedDeal)
        console.command("cancel")
        guard case .confirmCancel(let dialog, let cancel) = console.app.mode else { Issue.record("no dialog: \(console.app.mode)"); return }
        #expect(!dialog.confirmFocused, "the focus starts on \(dialog.confirmLabel)")
        #expect(dialog.message == "Cancel deal c7 with provider \(FixedDeals.alice.short)? What was paid stays paid.")
        #expect(cancel.deal.key == deal.key)
        #expect(console.screen().contains("[ Cancel ]"))
        _ = console.app.handle(.enter)
        #expect(console.app.mode == .normal && console.flash?.text == "deal c7 left as it is")
        #expect(console.book.cancels.isEmpty, "Enter on Cancel cancelled")

        console.command("cancel")
        _ = console.app.handle(.right)
        _ = console.app.handle(.enter)
        #expect(console.app.mode == .normal)
        await console.until { console.column(3).first == "Cancelled" && console.flash?.text.contains("Cancelled") == true }
        #expect(console.flash?.text == "deal c7 Cancelled: 3.0 MiB of 8.0 MiB, paid 0.002097152 FIL")
        #expect(console.book.cancels == [deal.key])

        // An ended deal, another view, nothing selected: said, nothing asked.
        console.command("cancel")
        #expect(console.app.mode == .normal && console.flash?.level == .warning)
        #expect(console.flash?.text == "deal c7 has ended (Cancelled); there is nothing to cancel")
        for key in "/nosuchdeal" { _ = console.app.handle(.character(key)) }
        _ = console.app.handle(.enter)
        console.command("cancel")
        #expect(console.flash?.text == "no deal selected: :cancel needs one; select it in the table (Esc clears a filter)")
        _ = console.app.handle(.character("1"))
        console.command("cancel")
        #expect(console.flash?.text == ":cancel acts on the selected deal: open Deals (7) and select one")
        #expect(console.book.cancels == [deal.key])
    }

    @Test func queryShowsEachProvidersAnswerHoldersCheapestFirst() async throws {
        let console = try await Console()
        let payload = FixedDeals.payload(9).description
        console.command("query \(payload)")
        await console.until { if case .answered = console.app.mode { true } else { false } }
        guard case .answered(let panel) = console.app.mode else { Issue.record("no answers: \(console.app.mode)"); return }
        let rows = try #require(panel.table.source as? QueryAnswerRows)
        #expect(rows.answers.map(\.provider) == [FixedDeals.alice, FixedDeals.carol, FixedDeals.bob, FixedMarket.erin.nodeID])
        #expect((0..<rows.count).map { rows.cell($0, 1) } == ["available", "available", "unavailable", "not asked"])
        #expect((0..<rows.count).map { rows.cell($0, 3) } == ["1G", "2.5G", "–", "–"])
        #expect((0..<rows.count).map { rows.cell($0, 5) } == ["0.0041", "1.0104", "–", "–"])
        #expect(console.flash?.text == "4 providers asked about \(ConsoleFormat.shortID(payload, 24)): 2 hold it")
        let screen = console.screen(Size(width: 120, height: 40))
        #expect(screen.contains("4 providers asked · 2 hold it, cheapest first · amounts in FIL"))
        #expect(screen.contains("unsealing takes about a minute"))
        #expect(screen.contains("not asked: connection refused: the provider is not listening"))
        _ = console.app.handle(.down)
        guard case .answered(let moved) = console.app.mode else { Issue.record("Down closed the answers"); return }
        #expect(moved.table.selected == 1)
        _ = console.app.handle(.escape)
        #expect(console.app.mode == .normal)

        console.command("query \(payload) \(FixedDeals.bob)")
        await console.until { if case .answered(let p) = console.app.mode { p.result.answers.count == 1 } else { false } }
        #expect(console.flash?.level == .warning && console.flash?.text.hasSuffix(": 0 hold it") == true)
        _ = console.app.handle(.escape)
        console.command("query \(payload) \(FixedPayments.own.nodeID)")
        await console.until { console.flash?.level == .error }
        #expect(console.flash?.text == "query of \(ConsoleFormat.shortID(payload, 24)) failed: \(FixedPayments.own.nodeID.short) is not a provider this node knows")
    }

    @Test func retrieveWritesUnderTheWorkingDirectoryAndRefusesAMissingOne() async throws {
        let root = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/home/films", withIntermediateDirectories: true)
        var settings = ConsoleFixture.settings()
        settings.workingDirectory = root
        settings.home = root + "/home"
        let console = try await Console(settings: settings)
        let payload = FixedDeals.payload(9).description

        console.command("retrieve \(payload)")
        await console.until { console.column(0).first == "c8" && console.flash?.text.hasPrefix("retrieval") == true }
        #expect(console.flash?.text == "retrieval 8 of \(ConsoleFormat.shortID(payload, 24)) running: 1 deal, writing \(root)/\(payload)")
        console.command("retrieve --car \(payload) ~/films")
        console.command("retrieve \(payload) ~/films/")
        console.command("retrieve \(payload) home/films/a film.bin")
        await console.until { console.book.orders.count == 4 }
        // The three ran at once, so in any order.
        #expect(console.book.orders.sorted { $0.output < $1.output } == [
            RetrievalOrder(target: payload, output: root + "/" + payload),
            RetrievalOrder(target: payload, output: root + "/home/films/" + payload),
            RetrievalOrder(target: payload, output: root + "/home/films/\(payload).car", car: true),
            RetrievalOrder(target: payload, output: root + "/home/films/a film.bin"),
        ].sorted { $0.output < $1.output })

        console.command("retrieve \(payload) nowhere/at/all.bin")
        #expect(console.flash?.level == .error)
        #expect(console.flash?.text == "cannot retrieve into \(root)/nowhere/at/all.bin: there is no directory \(root)/nowhere/at; create it or name another PATH")
        console.command("retrieve notacid")
        #expect(console.flash?.level == .error && console.flash?.text.hasPrefix("'notacid' is not a CID: ") == true)
        #expect(console.book.orders.count == 4)
    }

    @Test func readOnlyRefusesRetrieveAndCancelButQueries() async throws {
        var settings = ConsoleFixture.settings()
        settings.readOnly = true
        let console = try await Console(settings: settings)
        _ = console.app.handle(.character("?"))
        let help = console.screen()
        #expect(help.contains(":query CID") && !help.contains(":retrieve") && !help.contains(":cancel"))
        _ = console.app.handle(.escape)
        for line in ["retrieve \(FixedDeals.payload(9))", "cancel"] {
            console.command(line)
            #expect(console.app.mode == .normal)
            #expect(console.flash?.text.contains("read-only") == true, "\(line)")
        }
        console.command("query \(FixedDeals.payload(9))")
        await console.until { if case .answered = console.app.mode { true } else { false } }
        #expect(console.app.mode != .normal)
        #expect(console.book.orders.isEmpty && console.book.cancels.isEmpty)
    }

    /// A node without retrieval (in process: the role is missing; across an admin session:
    /// not served) says so once, in one line, with no flash.
    @Test(arguments: ControlKind.allCases) func aNodeWithoutDealsSaysSoQuietly(kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock, control: ListingNodeControl(), via: kind)
        _ = app.handle(.character("7"))
        #expect(app.dealsView.caption == "not served")
        #expect(app.flash.current(at: clock.now) == nil)
        let screen = ConsoleFixture.screen(app, Size(width: 120, height: 40), clock: clock)
        #expect(screen.contains("This node serves no retrieval deals: "))
    }
}
