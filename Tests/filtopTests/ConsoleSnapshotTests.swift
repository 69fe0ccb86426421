import Foundation
import NodeKit
import TermUI
import TermUITestSupport
import Testing
@testable import filtop

/// Every console view at 80×24 and 120×40, plus overlays and the too-small screen.
@Suite struct ConsoleSnapshotTests {
    static let sizes = [Size(width: 80, height: 24), Size(width: 120, height: 40)]

    private func name(_ base: String, _ size: Size) -> String { "console-\(base)-\(size.width)x\(size.height)" }

    @Test(arguments: sizes, ControlKind.allCases) func views(size: Size, kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock, via: kind)
        for (key, view) in [("1", "overview"), ("2", "content"), ("3", "peers"), ("4", "channels"), ("8", "log")] {
            _ = app.handle(.character(Character(key)))
            assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name(view, size))
        }
    }

    /// Offers and Providers on a gateway holding the fixed offers, with an offer's
    /// details, the block dialog, the help, and what a `:find` found.
    @Test(.timeLimit(.minutes(1)), arguments: sizes, ControlKind.allCases) func marketViews(size: Size, kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let app = try await ConsoleFixture.app(clock: clock, via: kind, wake: { wake.yield() })
        _ = app.handle(.character("5"))
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("offers", size))
        _ = app.handle(.enter)
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("offer-detail", size))
        _ = app.handle(.escape)
        _ = app.handle(.character("6"))
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("providers", size))
        _ = app.handle(.character("b"))
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("provider-block", size))
        _ = app.handle(.escape)
        _ = app.handle(.character("?"))
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("providers-help", size))
        _ = app.handle(.escape)
        app.run("find \(FixedMarket.pieceCID(1))")
        for await _ in wakes {
            app.update()
            if case .found = app.mode { break }
            if app.flash.message?.level == .error { break }
        }
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("find", size))
    }

    /// A gateway with an empty cache, a node without the gateway role (one quiet line, no
    /// error), and both market views on the smallest screen the console draws.
    @Test(arguments: ControlKind.allCases) func marketViewsEmptyNotAGatewayAndNarrow(kind: ControlKind) async throws {
        let small = Size(width: 80, height: 24)
        for cache in [FixedNodeControl.Cache.empty, .notGateway] {
            let clock = ManualTimeSource(FixedNodeControl.started)
            let app = try await ConsoleFixture.app(clock: clock, control: FixedNodeControl(cache: cache), via: kind)
            for (key, view) in [("5", "offers"), ("6", "providers")] {
                _ = app.handle(.character(Character(key)))
                assertSnapshot(ConsoleFixture.screen(app, small, clock: clock), named: name("\(view)-\(cache == .empty ? "empty" : "not-gateway")", small))
            }
            #expect(app.flash.current(at: clock.now) == nil, "a node that is not a gateway is not an error")
        }
        let narrow = Size(width: 60, height: 15)
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock, via: kind)
        for (key, view) in [("5", "offers"), ("6", "providers")] {
            _ = app.handle(.character(Character(key)))
            assertSnapshot(ConsoleFixture.screen(app, narrow, clock: clock), named: name(view, narrow))
        }
    }

    /// The Deals view on the fixed node's deals, read twice two seconds apart so speeds
    /// show; a deal's history, the cancel dialog, the help and what a `:query` heard; a
    /// node with no deals yet; the view on the smallest screen. In process only until the
    /// admin session carries retrieval.
    @Test(.timeLimit(.minutes(1)), arguments: sizes) func dealsViews(size: Size) async throws {
        let console = try await ConsoleDealsTests.Console()
        for (id, bytes) in [("c7", 5 * FixedDeals.mib), ("p12", 3 * FixedDeals.mib / 2)] {
            let deal = try #require(FixedDeals.deals.first { DealCancel.shortID($0) == id })
            console.book.move(deal.key, bytes: bytes)
        }
        await console.read(after: 2)
        assertSnapshot(console.screen(size), named: name("deals", size))
        _ = console.app.handle(.enter)
        await console.until {
            guard case .detail(let panel) = console.app.mode else { return true }
            return panel.fields.contains { $0.label.hasPrefix("2023-") }
        }
        assertSnapshot(console.screen(size), named: name("deal-history", size))
        _ = console.app.handle(.escape)
        console.command("cancel")
        assertSnapshot(console.screen(size), named: name("deal-cancel", size))
        _ = console.app.handle(.escape)
        _ = console.app.handle(.character("?"))
        assertSnapshot(console.screen(size), named: name("deals-help", size))
        _ = console.app.handle(.escape)
        console.command("query \(FixedDeals.payload(9))")
        await console.until { if case .answered = console.app.mode { true } else { false } }
        assertSnapshot(console.screen(size), named: name("query", size))
    }

    @Test func dealsEmptyAndNarrow() async throws {
        let small = Size(width: 80, height: 24)
        let empty = try await ConsoleDealsTests.Console(book: DealBook([]))
        assertSnapshot(empty.screen(small), named: name("deals-empty", small))
        let narrow = Size(width: 60, height: 15)
        let console = try await ConsoleDealsTests.Console()
        assertSnapshot(console.screen(narrow), named: name("deals", narrow))
    }

    @Test(arguments: sizes, ControlKind.allCases) func peersWithARegister(size: Size, kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let records = (0..<5).map { i in
            PeerRecord(nodeID: "fidpeer\(i)example", roles: i % 2 == 0 ? [.gateway] : [.provider, .client],
                       address: "10.0.0.\(i + 1):4100", region: ["eu-west", "us-east"][i % 2], updatedAt: FixedNodeControl.started,
                       reputation: i % 2 == 0 ? [1050, -100, 990][i / 2] : nil)
        }
        let app = try await ConsoleFixture.app(clock: clock, peers: RegisterPeers(configured: true, records: records), via: kind)
        _ = app.handle(.character("3"))
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("peers-register", size))
    }

    @Test(arguments: sizes, ControlKind.allCases) func overlays(size: Size, kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock, via: kind)
        _ = app.handle(.character("2"))
        _ = app.handle(.character("?"))
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("help", size))
        _ = app.handle(.escape)
        for key in "/!mp4" { _ = app.handle(.character(key)) }
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("filter", size))
        _ = app.handle(.enter)
        for key in ":theme d" { _ = app.handle(.character(key)) }
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("command", size))
        _ = app.handle(.escape)
        app.run("bogus")
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("flash-error", size))
    }

    @Test(arguments: sizes, ControlKind.allCases) func channelDetailsAndConfirm(size: Size, kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock, via: kind)
        _ = app.handle(.character("4"))
        _ = app.handle(.down)
        _ = app.handle(.enter)
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("channel-detail", size))
        _ = app.handle(.escape)
        app.run("settle")
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("channel-settle", size))
        _ = app.handle(.escape)
        _ = app.handle(.character("?"))
        assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name("channels-help", size))
    }

    @Test func tooSmall() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let app = try await ConsoleFixture.app(clock: clock)
        assertSnapshot(ConsoleFixture.screen(app, Size(width: 40, height: 10), clock: clock), named: "console-too-small-40x10")
    }
}
