import Foundation
import NodeKit
import TermUI
import Testing
@testable import filtop

/// The Channels view's commands, key by key, against the in-process and the remote control:
/// every one that moves money asks first with the focus on Cancel, and every refusal —
/// the console's own or the node's — reaches the flash line in words.
@Suite struct ConsoleChannelsTests {
    /// A console on the fixed node, on the Channels view, whose feed's posts can be awaited.
    private struct Console {
        let app: ConsoleApp
        let clock: ManualTimeSource
        let wakes: AsyncStream<Void>

        init(via kind: ControlKind) async throws {
            clock = ManualTimeSource(FixedNodeControl.started)
            let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            self.wakes = wakes
            app = try await ConsoleFixture.app(clock: clock, via: kind, wake: { wake.yield() })
            _ = app.handle(.character("4"))
        }

        /// Types `:line` and Enter.
        func command(_ line: String) {
            _ = app.handle(.character(":"))
            for c in line { _ = app.handle(.character(c)) }
            _ = app.handle(.enter)
        }

        var flash: FlashLine.Message? { app.flash.current(at: clock.now) }
        var screen: String { ConsoleFixture.screen(app, Size(width: 80, height: 24), clock: clock) }

        /// The open dialog, after checking that its focus is on Cancel.
        func dialog(sourceLocation: SourceLocation = #_sourceLocation) -> ConfirmDialog? {
            guard case .confirmPayment(let dialog, _) = app.mode else {
                Issue.record("no confirm dialog: \(app.mode)", sourceLocation: sourceLocation)
                return nil
            }
            #expect(!dialog.confirmFocused, "the focus starts on \(dialog.confirmLabel)", sourceLocation: sourceLocation)
            #expect(screen.contains("[ Cancel ]"), sourceLocation: sourceLocation)
            return dialog
        }

        /// Confirms the open dialog and waits for the node's answer on the flash line.
        func confirm() async -> FlashLine.Message? {
            let before = app.flash.message
            _ = app.handle(.right)
            _ = app.handle(.enter)
            #expect(app.mode == .normal)
            for await _ in wakes {
                app.update()
                if app.flash.message != before { return flash }
            }
            return nil
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: ControlKind.allCases)
    func addFundsAsksOnCancelThenFundsTheChannel(kind: ControlKind) async throws {
        let console = try await Console(via: kind)
        let alice = FixedPayments.alice.nodeID
        let open = try #require(FixedPayments.summaries.first { $0.peer == alice && $0.direction == .outbound })
        console.command("add-funds \(alice) 0.5 FIL")
        let dialog = try #require(console.dialog())
        #expect(dialog.message == "Lock 0.5 FIL more in \(open.id.short) to \(alice.short)?")
        _ = console.app.handle(.enter)
        #expect(console.app.mode == .normal && console.flash?.text == "add funds cancelled")

        console.command("add-funds \(alice) 0.5 FIL")
        _ = console.dialog()
        let done = try #require(await console.confirm())
        #expect(done.level == .info)
        #expect(done.text == "added 0.5 FIL: channel \(open.id.short) to \(alice.short) holds 10.5 FIL")
    }

    @Test(.timeLimit(.minutes(1)), arguments: ControlKind.allCases)
    func addFundsWithoutAPeerFundsTheSelectedOutboundChannel(kind: ControlKind) async throws {
        let console = try await Console(via: kind)
        let selected = try #require(console.app.channelsView.selectedChannel)
        #expect(selected.direction == .outbound)
        console.command("add-funds 2 FIL")
        #expect(console.dialog()?.message == "Lock 2 FIL more in \(selected.id.short) to \(selected.peer.short)?")
        _ = console.app.handle(.escape)

        _ = console.app.handle(.down)
        let inbound = try #require(console.app.channelsView.selectedChannel)
        #expect(inbound.direction == .inbound)
        console.command("add-funds 2 FIL")
        #expect(console.app.mode == .normal)
        #expect(console.flash?.level == .warning)
        #expect(console.flash?.text.hasPrefix("channel \(inbound.id.short) is inbound") == true)
    }

    @Test(.timeLimit(.minutes(1)), arguments: ControlKind.allCases)
    func theNodesRefusalsReachTheFlashLine(kind: ControlKind) async throws {
        let console = try await Console(via: kind)
        console.command("add-funds \(FixedPayments.carol.nodeID) 5000 FIL")
        #expect(console.dialog()?.message == "Open a channel to \(FixedPayments.carol.nodeID.short) with 5000 FIL?")
        let broke = try #require(await console.confirm())
        #expect(broke.level == .error)
        #expect(broke.text == "add-funds to \(FixedPayments.carol.nodeID.short) failed: account \(FixedPayments.own.nodeID.short) holds 987.654321 FIL but 5000 FIL is needed; on the devnet use 'filtop ledger faucet'")

        let open = try #require(console.app.channelsView.selectedChannel)
        console.command("collect")
        #expect(console.dialog()?.confirmLabel == "Collect")
        let early = try #require(await console.confirm())
        #expect(early.level == .error)
        #expect(early.text == "collect of \(open.id.short) failed: channel \(open.id.short) is open: settle it first (:settle), then collect")
    }

    @Test(.timeLimit(.minutes(1)), arguments: ControlKind.allCases)
    func settleAsksOnCancelAndReportsTheSettlePeriod(kind: ControlKind) async throws {
        let console = try await Console(via: kind)
        let open = try #require(console.app.channelsView.selectedChannel)
        console.command("settle")
        #expect(console.dialog()?.message == "Settle \(open.id.short)? It then takes no more funds or vouchers.")
        _ = console.app.handle(.character("n"))
        #expect(console.app.mode == .normal && console.flash?.text == "settle cancelled")
        console.command("settle")
        let settling = try #require(await console.confirm())
        #expect(settling.text == "channel \(open.id.short) is settling; collect it from epoch 1060")

        _ = console.app.handle(.down)
        _ = console.app.handle(.down)
        let collected = try #require(console.app.channelsView.selectedChannel)
        #expect(collected.collected)
        console.command("settle")
        let refused = try #require(await console.confirm())
        #expect(refused.level == .error)
        #expect(refused.text == "settle of \(collected.id.short) failed: channel \(collected.id.short) was collected and is closed")
    }

    @Test func badInputIsRefusedWithTheReason() async throws {
        let console = try await Console(via: .inProcess)
        let cases: [(String, String)] = [
            ("add-funds", "usage: :add-funds [PEER] AMOUNT"),
            ("add-funds fidnotanode 1 FIL", "invalid node ID: expected 52 characters after 'fid', got 8"),
            ("add-funds \(FixedPayments.alice.nodeID)", "add-funds needs an amount after the peer"),
            ("add-funds lots", "'lots' is not a token amount"),
            ("add-funds 0 FIL", "add-funds needs an amount above zero"),
            ("add-funds 0.0000000000000000001 FIL", "has more than 18 decimal places"),
            ("settle now", ":settle acts on the channel selected in the Channels view and takes no argument"),
        ]
        for (line, reason) in cases {
            console.command(line)
            #expect(console.app.mode == .normal, "\(line)")
            #expect(console.flash?.level == .error, "\(line)")
            #expect(console.flash?.text.contains(reason) == true, "\(line): \(console.flash?.text ?? "no message")")
        }
        _ = console.app.handle(.character("1"))
        console.command("collect")
        #expect(console.app.mode == .normal)
        #expect(console.flash?.text == ":collect acts on the selected channel: open Channels (4) and select one")
    }

    @Test func nothingSelectedIsSaid() async throws {
        let console = try await Console(via: .inProcess)
        for key in "/nosuchchannel" { _ = console.app.handle(.character(key)) }
        _ = console.app.handle(.enter)
        #expect(console.app.channelsView.selectedChannel == nil)
        console.command("settle")
        #expect(console.app.mode == .normal)
        #expect(console.flash?.text.hasPrefix("no channel selected") == true)
    }

    @Test func readOnlyRefusesThePaymentCommands() async throws {
        let clock = ManualTimeSource(FixedNodeControl.started)
        var settings = ConsoleFixture.settings()
        settings.readOnly = true
        let app = ConsoleApp(settings: settings, keyMap: .defaults, theme: .builtIn, mailbox: ConsoleMailbox(wake: {}), feed: nil, time: clock)
        _ = app.handle(.character("4"))
        _ = app.handle(.character("?"))
        #expect(!ConsoleFixture.screen(app, Size(width: 80, height: 24), clock: clock).contains(":add-funds"))
        _ = app.handle(.escape)
        for line in ["add-funds \(FixedPayments.alice.nodeID) 1 FIL", "settle", "collect"] {
            app.run(line)
            #expect(app.mode == .normal)
            #expect(app.flash.current(at: clock.now)?.text.contains("read-only") == true, "\(line)")
        }
    }

    @Test func compactAmountsNeverRoundUpNorHideAnAmount() throws {
        let cases = [("0 FIL", "0"), ("1 FIL", "1"), ("0.5 FIL", "0.5"), ("0.001048576 FIL", "0.001"), ("9.99999 FIL", "9.9999"),
                     ("12.3456 FIL", "12.345"), ("12345.6 FIL", "12345"), ("0.00000005 FIL", "~0"), ("1 attoFIL", "~0"),
                     ("2500000 FIL", "2M"), ("1000000000000 FIL", "1000G")]
        for (amount, shown) in cases {
            let text = ConsoleFormat.fil(try TokenAmount(amount))
            #expect(text == shown, "\(amount)")
            #expect(text.count <= 6, "\(amount)")
        }
        #expect(ChannelsView.settleCell(.settling(epochsLeft: 42)) == "42 ep left")
        #expect(ChannelsView.settleCell(.settling(epochsLeft: 999_999)) == "999999 left")
        #expect(ChannelsView.settleCell(.collectable) == "collectable")
    }
}
