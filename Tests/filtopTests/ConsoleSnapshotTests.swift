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
        for (i, view) in ["overview", "content", "peers", "channels", "log"].enumerated() {
            _ = app.handle(.character(Character("\(i + 1)")))
            assertSnapshot(ConsoleFixture.screen(app, size, clock: clock), named: name(view, size))
        }
    }

    @Test(arguments: sizes, ControlKind.allCases) func peersWithARegister(size: Size, kind: ControlKind) async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        let records = (0..<5).map { i in
            PeerRecord(nodeID: "fidpeer\(i)example", roles: i % 2 == 0 ? [.gateway] : [.provider, .client],
                       address: "10.0.0.\(i + 1):4100", region: ["eu-west", "us-east"][i % 2], updatedAt: FixedNodeControl.started)
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
