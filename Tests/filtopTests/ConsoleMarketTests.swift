import Foundation
import NodeKit
import Synchronization
import TermUI
import Testing
@testable import filtop

/// A gateway whose listings the console changes: it records every setListing, counts the
/// reads of its cache, and answers from `FixedMarket` under the listings as they now stand.
final class ListingNodeControl: PaymentlessControl {
    let state = Mutex((listings: FixedMarket.listings, changes: [ListingChange](), cacheReads: 0))

    var changes: [ListingChange] { state.withLock { $0.changes } }
    var cacheReads: Int { state.withLock { $0.cacheReads } }
    private var listings: [NodeID: ProviderListing] { state.withLock { $0.listings } }

    func status() async throws -> NodeStatus { try await FixedNodeControl().status() }
    func pieces() async throws -> [PieceSummary] { FixedNodeControl.pieces }
    func registerPeers() async throws -> RegisterPeers { .notConfigured }
    func events(after: UInt64) async -> AsyncStream<NodeEvent> { AsyncStream { $0.finish() } }
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] { [] }
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> { AsyncThrowingStream { $0.finish() } }
    func importProgress(of path: String) async throws -> ImportProgress? { nil }

    func cachedOffers(_ query: OfferQuery) async throws -> [CachedOffer] {
        state.withLock { s in
            s.cacheReads += 1
            return FixedMarket.cachedOffers(query, listings: s.listings)
        }
    }
    func providerStandings() async throws -> [ProviderStanding] { FixedMarket.standings(listings: listings) }
    func gatewayPolicy() async throws -> GatewayPolicy { FixedMarket.policy(listings: listings) }
    func setListing(_ listing: ProviderListing, for provider: NodeID) async throws -> ProviderStanding {
        try state.withLock { s in
            s.changes.append(ListingChange(listing: listing, provider: provider))
            return try FixedMarket.setListing(listing, for: provider, in: &s.listings)
        }
    }
    func findOffers(_ pieceCID: PieceCID, gateway: NodeID?) async throws -> FindResult {
        try FixedMarket.find(pieceCID, gateway: gateway, listings: listings)
    }
    func publish(to gateways: [NodeID]) async throws -> [Publication] { try FixedMarket.publish(to: gateways) }
}

/// The Offers and Providers views' keys and commands, against the in-process and the
/// remote control: allow, block and unlist ask first with the focus on Cancel and read the
/// cache again at once; `:find` shows what was found; every refusal reaches the flash line.
@Suite struct ConsoleMarketTests {
    /// A console on a gateway whose listings change, whose feed's posts can be awaited.
    private struct Console {
        let app: ConsoleApp
        let clock: ManualTimeSource
        let control: ListingNodeControl
        let wakes: AsyncStream<Void>

        init(via kind: ControlKind, view: Character = "6") async throws {
            clock = ManualTimeSource(FixedNodeControl.started)
            control = ListingNodeControl()
            let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            self.wakes = wakes
            app = try await ConsoleFixture.app(clock: clock, control: control, via: kind, wake: { wake.yield() })
            _ = app.handle(.character(view))
        }

        /// Types `:line` and Enter.
        func command(_ line: String) {
            _ = app.handle(.character(":"))
            for c in line { _ = app.handle(.character(c)) }
            _ = app.handle(.enter)
        }

        var flash: FlashLine.Message? { app.flash.current(at: clock.now) }
        var screen: String { ConsoleFixture.screen(app, Size(width: 80, height: 24), clock: clock) }

        /// Moves the Providers view's selection onto `provider`.
        func select(_ provider: NodeID, sourceLocation: SourceLocation = #_sourceLocation) {
            _ = app.handle(.character("g"))
            for _ in 0..<app.providersView.table.visible.count where app.providersView.selectedProvider != provider {
                _ = app.handle(.down)
            }
            #expect(app.providersView.selectedProvider == provider, sourceLocation: sourceLocation)
        }

        /// The open listing dialog, after checking that its focus is on Cancel.
        func dialog(sourceLocation: SourceLocation = #_sourceLocation) -> (ConfirmDialog, ListingChange)? {
            guard case .confirmListing(let dialog, let change) = app.mode else {
                Issue.record("no confirm dialog: \(app.mode)", sourceLocation: sourceLocation)
                return nil
            }
            #expect(!dialog.confirmFocused, "the focus starts on \(dialog.confirmLabel)", sourceLocation: sourceLocation)
            #expect(screen.contains("[ Cancel ]"), sourceLocation: sourceLocation)
            return (dialog, change)
        }

        /// Confirms the open dialog and waits for the node's answer on the flash line and
        /// for `read` to hold of what the feed delivered (or for a refusal).
        func confirm(until read: () -> Bool = { true }) async -> FlashLine.Message? {
            guard case .confirmListing = app.mode else { return nil }
            let before = app.flash.message
            _ = app.handle(.right)
            _ = app.handle(.enter)
            #expect(app.mode == .normal)
            for await _ in wakes {
                app.update()
                if app.flash.message != before, read() || app.flash.message?.level == .error { return flash }
            }
            return nil
        }

        /// Runs `:line` and waits for what it found.
        func find(_ line: String) async -> FindResultsPanel? {
            command(line)
            for await _ in wakes {
                app.update()
                if case .found(let panel) = app.mode { return panel }
                if flash?.level == .error { return nil }
            }
            return nil
        }

        /// Waits for the next message on the flash line other than the one showing.
        func nextFlash(after line: String) async -> FlashLine.Message? {
            command(line)
            let started = app.flash.message
            for await _ in wakes {
                app.update()
                if app.flash.message != started { return flash }
            }
            return nil
        }

        /// The Offers view's rows.
        var offerRows: [CachedOffer] { (app.offersView.table.source as? OfferRows)?.offers ?? [] }
    }

    @Test(.timeLimit(.minutes(1)), arguments: ControlKind.allCases)
    func blockAsksOnCancelThenEmptiesTheProvidersRowsAtOnce(kind: ControlKind) async throws {
        let console = try await Console(via: kind)
        let bob = FixedMarket.bob.nodeID
        #expect(console.offerRows.contains { $0.provider == bob })
        console.select(bob)
        _ = console.app.handle(.character("b"))
        let (dialog, change) = try #require(console.dialog())
        #expect(dialog.message == "Drop the cached offers of \(bob.short) and refuse its offers?")
        #expect(change == ListingChange(listing: .blocked, provider: bob))
        _ = console.app.handle(.enter)
        #expect(console.app.mode == .normal && console.flash?.text == "block cancelled")
        #expect(console.control.changes.isEmpty, "Enter on Cancel blocked")

        let reads = console.control.cacheReads
        _ = console.app.handle(.character("b"))
        _ = console.dialog()
        let done = try #require(await console.confirm { !console.offerRows.contains { $0.provider == bob } })
        #expect(done.level == .info)
        #expect(done.text == "provider \(bob.short) is blocked: its offers are refused; 0 Piece CIDs cached")
        #expect(console.control.changes == [ListingChange(listing: .blocked, provider: bob)])
        #expect(console.control.cacheReads > reads, "the cache was not read again")
        #expect(console.app.providersView.selectedStanding?.listing == .blocked)
        #expect(console.offerRows.count == 4)

        // Later finds leave the blocked provider out: piece 3 was bob's alone.
        let alone = try #require(await console.find("find \(FixedMarket.pieceCID(3))"))
        #expect(alone.result.offers.isEmpty)
        _ = console.app.handle(.escape)
        let shared = try #require(await console.find("find \(FixedMarket.pieceCID(1))"))
        #expect(!shared.result.offers.isEmpty && !shared.result.offers.contains { $0.offer.providerID == bob })
    }

    @Test(.timeLimit(.minutes(1)), arguments: ControlKind.allCases)
    func allowAndUnlistAskFirstAndChangeTheListing(kind: ControlKind) async throws {
        let console = try await Console(via: kind)
        let erin = FixedMarket.erin.nodeID, alice = FixedMarket.alice.nodeID
        console.select(erin)
        #expect(console.app.providersView.selectedStanding?.isKept == false)
        _ = console.app.handle(.character("a"))
        #expect(console.dialog()?.0.message == "Keep every offer of \(erin.short), whatever its reputation?")
        let allowed = try #require(await console.confirm { console.app.providersView.selectedStanding?.listing == .allowed })
        #expect(allowed.text == "provider \(erin.short) is allowed: its offers are kept; 0 Piece CIDs cached")
        #expect(console.app.providersView.selectedStanding?.isKept == true)

        console.select(alice)
        _ = console.app.handle(.character("u"))
        #expect(console.dialog()?.0.message == "Take \(alice.short) off both lists, so reputation decides?")
        _ = console.app.handle(.character("n"))
        #expect(console.flash?.text == "unlist cancelled")
        console.command("unlist \(alice)")
        #expect(console.dialog()?.1 == ListingChange(listing: .unlisted, provider: alice))
        let unlisted = try #require(await console.confirm { console.app.providersView.selectedStanding?.listing == .unlisted })
        #expect(unlisted.text == "provider \(alice.short) is unlisted: its offers are kept; 3 Piece CIDs cached")
        #expect(console.control.changes == [ListingChange(listing: .allowed, provider: erin), ListingChange(listing: .unlisted, provider: alice)])
    }

    @Test(.timeLimit(.minutes(1))) func theKeysOnTheOffersViewActOnTheSelectedOffersProvider() async throws {
        let console = try await Console(via: .inProcess, view: "5")
        let offer = try #require(console.app.offersView.selectedOffer)
        _ = console.app.handle(.character("b"))
        #expect(console.dialog()?.1 == ListingChange(listing: .blocked, provider: offer.provider))
        _ = console.app.handle(.escape)
        #expect(console.control.changes.isEmpty)
        // Elsewhere the keys are nobody's and do nothing; the command names where it works.
        _ = console.app.handle(.character("1"))
        _ = console.app.handle(.character("b"))
        #expect(console.app.mode == .normal)
        console.command("block")
        #expect(console.flash?.level == .warning)
        #expect(console.flash?.text == ":block without a provider acts on the selected row: open Providers (6) and select one, or name it: :block PROVIDER")
    }

    @Test(.timeLimit(.minutes(1)), arguments: ControlKind.allCases)
    func findShowsTheVerifiedOffersCheapestFirstAndEachGatewaysAnswer(kind: ControlKind) async throws {
        let console = try await Console(via: kind, view: "5")
        let cid = FixedMarket.pieceCID(0)
        let panel = try #require(await console.find("find \(cid)"))
        let prices = panel.result.offers.map(\.offer.terms.pricePerByte)
        #expect(prices == prices.sorted() && prices.count == 3)
        #expect(Set(panel.result.offers.map(\.offer.providerID)) == [FixedMarket.alice.nodeID, FixedMarket.carol.nodeID])
        #expect(console.flash?.text == "found 3 verified offers for \(ConsoleFormat.shortID(cid.description, 24)) at 3 gateways")
        let screen = ConsoleFixture.screen(console.app, Size(width: 120, height: 40), clock: console.clock)
        #expect(screen.contains("3 verified offers, cheapest first · 3 gateways asked, 0.0002 FIL paid"))
        #expect(screen.contains("did not answer: payment required"))
        #expect(screen.contains("1 rejected: sub-offer of \(FixedMarket.erin.nodeID.short)"))
        _ = console.app.handle(.down)
        guard case .found(let moved) = console.app.mode else { Issue.record("Down closed the results: \(console.app.mode)"); return }
        #expect(moved.table.selected == 1)
        _ = console.app.handle(.escape)
        #expect(console.app.mode == .normal)

        let one = try #require(await console.find("find \(cid) \(FixedMarket.gateways[1])"))
        #expect(one.result.answers.map(\.gateway) == [FixedMarket.gateways[1]] && one.result.offers.count == 1)
    }

    @Test(.timeLimit(.minutes(1)), arguments: ControlKind.allCases)
    func findAndPublishRefusalsAndResultsReachTheFlashLine(kind: ControlKind) async throws {
        let console = try await Console(via: kind, view: "5")
        let stranger = FixedPayments.own.nodeID
        let cid = FixedMarket.pieceCID(0)
        let refused = try #require(await console.nextFlash(after: "find \(cid) \(stranger)"))
        #expect(refused.level == .error)
        #expect(refused.text == "find of \(ConsoleFormat.shortID(cid.description, 24)) failed: \(MarketError.unknownGateway(stranger))")
        #expect(console.app.mode == .normal)

        let published = try #require(await console.nextFlash(after: "publish"))
        #expect(published.level == .warning)
        #expect(published.text == "published 1 offer to 3 gateways (2 acknowledged); \(FixedMarket.gateways[2].short): payment required: this gateway answers once paid")
        let two = try #require(await console.nextFlash(after: "publish \(FixedMarket.gateways[0]) \(FixedMarket.gateways[1])"))
        #expect(two.level == .info && two.text == "published 1 offer to 2 gateways (2 acknowledged)")
        let unknown = try #require(await console.nextFlash(after: "publish \(stranger)"))
        #expect(unknown.level == .error && unknown.text == "publish failed: \(MarketError.unknownGateway(stranger))")
    }

    @Test func badInputIsRefusedWithTheReason() async throws {
        let console = try await Console(via: .inProcess)
        let cid = FixedMarket.pieceCID(0)
        let cases: [(String, String)] = [
            ("find", "usage: :find PIECE_CID [GATEWAY]"),
            ("find bafynotapiece", "'bafynotapiece' is not a Piece CID: "),
            ("find \(cid) fidnotanode", "gateway: invalid node ID: expected 52 characters after 'fid', got 8"),
            ("find \(cid) \(FixedMarket.gateways[0]) \(FixedMarket.gateways[1])", ":find takes one Piece CID and at most one gateway"),
            ("block fidnotanode", "provider: invalid node ID"),
            ("allow \(FixedMarket.bob.nodeID) \(FixedMarket.carol.nodeID)", "usage: :allow [PROVIDER]"),
            ("publish everywhere", "gateway: invalid node ID: 'everywhere' does not start with 'fid'"),
        ]
        for (line, reason) in cases {
            console.command(line)
            #expect(console.app.mode == .normal, "\(line)")
            #expect(console.flash?.level == .error, "\(line)")
            #expect(console.flash?.text.contains(reason) == true, "\(line): \(console.flash?.text ?? "no message")")
        }
        for key in "/nosuchprovider" { _ = console.app.handle(.character(key)) }
        _ = console.app.handle(.enter)
        _ = console.app.handle(.character("b"))
        #expect(console.app.mode == .normal)
        #expect(console.flash?.text.hasPrefix("no provider selected") == true)
        #expect(console.control.changes.isEmpty)
    }

    @Test func readOnlyRefusesTheMarketCommandsAndKeys() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        var settings = ConsoleFixture.settings()
        settings.readOnly = true
        let mailbox = ConsoleMailbox(wake: {})
        let app = ConsoleApp(settings: settings, keyMap: .defaults, theme: .builtIn, mailbox: mailbox, feed: nil, time: clock)
        await NodeFeed(control: FixedNodeControl(), mailbox: mailbox, interval: 60).refreshMarket()
        app.update()
        _ = app.handle(.character("6"))
        _ = app.handle(.character("?"))
        #expect(!ConsoleFixture.screen(app, Size(width: 80, height: 24), clock: clock).contains("block it"))
        _ = app.handle(.escape)
        for key in "abu" {
            _ = app.handle(.character(key))
            #expect(app.mode == .normal)
            #expect(app.flash.current(at: clock.now)?.text.contains("read-only") == true, "\(key)")
        }
        for line in ["find \(FixedMarket.pieceCID(0))", "publish", "block \(FixedMarket.bob.nodeID)", "allow", "unlist"] {
            app.run(line)
            #expect(app.mode == .normal)
            #expect(app.flash.current(at: clock.now)?.text.contains("read-only") == true, "\(line)")
        }
    }

    /// A node without the gateway role says so once, in one line, on both views: no
    /// flash, however often the cache is read.
    @Test(arguments: ControlKind.allCases) func aNodeThatIsNotAGatewaySaysSoQuietly(kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let control = try await kind.reach(FixedNodeControl(cache: .notGateway))
        let mailbox = ConsoleMailbox(wake: {})
        let feed = NodeFeed(control: control, mailbox: mailbox, interval: 60)
        let app = ConsoleApp(settings: ConsoleFixture.settings(), keyMap: .defaults, theme: .builtIn, mailbox: mailbox, feed: feed, time: clock)
        for _ in 0..<3 {
            await feed.refreshMarket()
            app.update()
        }
        #expect(app.flash.current(at: clock.now) == nil)
        for (key, view) in [("5", app.offersView as any ConsoleView), ("6", app.providersView)] {
            _ = app.handle(.character(Character(key)))
            #expect(view.caption == "not a gateway")
            let screen = ConsoleFixture.screen(app, Size(width: 120, height: 40), clock: clock)
            #expect(screen.contains("This node is not a gateway: the offer cache needs the gateway role"))
        }
    }

    /// The countdowns move with the clock and an offer's rows leave as it expires, with
    /// no read of the cache; the order and the selection stay.
    @Test func countdownsMoveAndExpiredOffersLeaveWithoutARead() async throws {
        let console = try await Console(via: .inProcess, view: "5")
        let bob = FixedMarket.bob.nodeID
        let reads = console.control.cacheReads
        #expect(console.screen.contains(" 57m 55s publish "))
        _ = console.app.handle(.down)
        let selected = console.app.offersView.selectedOffer
        console.clock.advance(by: 60)
        let later = console.screen
        #expect(later.contains(" 56m 55s publish ") && !later.contains(" 57m 55s publish "))
        #expect(console.app.offersView.selectedOffer == selected)
        console.clock.advance(by: 57 * 60)
        let expired = console.screen
        #expect(console.app.offersView.caption == "4 sub-offers")
        #expect(!console.offerRows.contains { $0.provider == bob } && !expired.contains(" 250 ms "))
        #expect(console.control.cacheReads == reads, "the cache was read again")
    }

    @Test func publicationsAndPricesInWords() throws {
        let acknowledged = try FixedMarket.publish(to: [FixedMarket.gateways[0], FixedMarket.gateways[1]])
        #expect(PublicationSummary(acknowledged).line == "published 1 offer to 2 gateways (2 acknowledged)")
        #expect(PublicationSummary(acknowledged).level == .info)
        #expect(PublicationSummary([]).line == "published 0 offers to 0 gateways (0 acknowledged)")
        #expect(PublicationSummary([]).level == .warning)
        let cases: [(UInt128, String)] = [(0, "0"), (1000, "1000"), (9_999_999, "9999999"), (12_345_678, "12.3M"), (999_999_999, "999M"),
                                          (1_000_000_000, "1G"), (1_050_000_000_000, "1T"), (25_000_000_000_000_000, "25P")]
        for (atto, shown) in cases {
            #expect(ConsoleFormat.atto(try TokenAmount(attoFIL: atto)) == shown, "\(atto)")
        }
        #expect(ConsoleFormat.millis(250) == "250 ms" && ConsoleFormat.millis(3_600_000) == "3600 s")
    }
}
