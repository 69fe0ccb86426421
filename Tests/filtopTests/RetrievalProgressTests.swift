import Foundation
import NodeKit
import Testing
@testable import filtop

/// The pieces of `filtop client retrieve` that need no node: where `-o` points, the
/// progress line's speed and time left, and what an interrupt and a failure say.
@Suite struct RetrievalProgressTests {
    static func summary(bytes: UInt64, total: UInt64 = 100_000_000, status: RetrievalSummary.Status = .running) -> RetrievalSummary {
        var s = ScriptedRetrievalNode.summary(bytes: bytes, status: status, deal: status == .running ? .ongoing : .errored)
        s.totalBytes = total
        return s
    }

    @Test func theOutputPathIsMadeAbsoluteWhereTheCommandRuns() throws {
        let home = ["HOME": "/home/ann"]
        #expect(try RetrievalArguments.output("film.mkv", workingDirectory: "/srv/work", environment: home) == "/srv/work/film.mkv")
        #expect(try RetrievalArguments.output("./a/../b/film.mkv", workingDirectory: "/srv/work", environment: home) == "/srv/work/b/film.mkv")
        #expect(try RetrievalArguments.output("../film.mkv", workingDirectory: "/srv/work", environment: home) == "/srv/film.mkv")
        #expect(try RetrievalArguments.output("~/films/a.car", workingDirectory: "/srv/work", environment: home) == "/home/ann/films/a.car")
        #expect(try RetrievalArguments.output("/data//x.bin", workingDirectory: "/srv/work", environment: home) == "/data/x.bin")
        // `~user` is not expanded: it is a relative path like any other.
        #expect(try RetrievalArguments.output("~bob/x", workingDirectory: "/w", environment: home) == "/w/~bob/x")
        for bad in ["", "  ", "films/", String(repeating: "x", count: RetrievalOrder.maxOutputLength)] {
            #expect(throws: OperatorError.self, "'\(bad)'") { try RetrievalArguments.output(bad, workingDirectory: "/w", environment: home) }
        }
    }

    @Test func theSpeedSpansTheLastFewSeconds() {
        var progress = RetrievalProgress()
        #expect(progress.bytesPerSecond == nil)
        progress.record(bytes: 0, at: 0)
        #expect(progress.bytesPerSecond == nil && progress.secondsLeft(of: Self.summary(bytes: 0)) == nil)
        // 1 MB a second for ten seconds, then 4 MB a second: five seconds later only the new
        // speed counts.
        for second in 1...10 { progress.record(bytes: UInt64(second) * 1_000_000, at: Double(second)) }
        #expect(progress.bytesPerSecond == 1_000_000)
        for second in 11...15 { progress.record(bytes: 10_000_000 + UInt64(second - 10) * 4_000_000, at: Double(second)) }
        #expect(progress.bytesPerSecond == 4_000_000)
        let s = Self.summary(bytes: 30_000_000)
        #expect(progress.secondsLeft(of: s) == 17.5)
        #expect(progress.line(s) == " 30.0%  28.6 MiB / 95.4 MiB  4.0 MB/s  ETA 17.5 s  paid \(s.paid)")
        // Stalled: no time left can be given.
        for second in 16...21 { progress.record(bytes: 30_000_000, at: Double(second)) }
        #expect(progress.bytesPerSecond == 0 && progress.secondsLeft(of: s) == nil)
        #expect(progress.line(s).contains("0.0 MB/s  ETA -"))
    }

    @Test func durationsAndPercentagesReadAsPeopleWriteThem() {
        #expect(RetrievalText.duration(4.25) == "4.2 s" || RetrievalText.duration(4.25) == "4.3 s")
        #expect(RetrievalText.duration(185) == "3m 05s")
        #expect(RetrievalText.duration(3720) == "1h 02m")
        #expect(RetrievalText.percent(1, of: 3) == "33.3%" && RetrievalText.percent(5, of: 0) == "-" && RetrievalText.percent(9, of: 3) == "100.0%")
    }

    @Test func anInterruptSaysTheRetrievalGoesOnAndHowToPickItUp() {
        let order = RetrievalOrder(target: ScriptedRetrievalNode.payload.description, output: "/srv/a.car", car: true)
        let message = RetrievalFollower.interruptMessage(order, Self.summary(bytes: 25_000_000))
        #expect(message.contains("stopped following retrieval 7 at 25.0%") && message.contains("it goes on on the node"))
        #expect(message.contains("'filtop client retrieve \(order.target) -o /srv/a.car --car'") && message.contains("'filtop deals cancel c42'"))
        var ended = Self.summary(bytes: 25_000_000)
        ended.deals[0].status = .completed
        #expect(!RetrievalFollower.interruptMessage(order, ended).contains("deals cancel"))
        let early = RetrievalFollower.interruptMessage(order, nil)
        #expect(early.contains("before the node answered") && early.contains("-o /srv/a.car --car"))
    }

    @Test func aFailureNamesItsReasonsAndWhereToLook() {
        let failed = ScriptedRetrievalNode.summary(bytes: 5, status: .failed, message: "no provider answered", deal: .errored)
        #expect(ClientCommand.Retrieve.failure(failed) == "retrieval 7 failed: no provider answered; see 'filtop deals show c42'")
        var mixed = failed
        mixed.message = ""
        #expect(ClientCommand.Retrieve.failure(mixed) == "retrieval 7 failed: c42: no provider answered; see 'filtop deals show c42'")
        var cancelled = ScriptedRetrievalNode.summary(bytes: 5, status: .cancelled, deal: .cancelled)
        cancelled.deals = []
        #expect(ClientCommand.Retrieve.failure(cancelled) == "retrieval 7 was cancelled: no reason given")
    }
}
