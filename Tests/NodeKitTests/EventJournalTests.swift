import Foundation
import Logging
import NodeKitTesting
import Testing
@testable import NodeKit

@Suite(.timeLimit(.minutes(1))) struct EventJournalTests {
    @Test func numbersEventsAndKeepsABoundedRing() {
        let journal = EventJournal(capacity: 3)
        for i in 0..<5 { journal.note(.info, .log, "event \(i)") }
        #expect(journal.lastSequence == 5)
        #expect(journal.events(after: 0).map(\.sequence) == [3, 4, 5])
        #expect(journal.events(after: 4).map(\.message) == ["event 4"])
    }

    @Test func subscribersResumeAfterTheLastSequenceTheySaw() async {
        let journal = EventJournal()
        for i in 1...3 { journal.note(.info, .peer, "e\(i)") }
        var seen: [UInt64] = []
        for await e in journal.subscribe(after: 1) {
            seen.append(e.sequence)
            if e.sequence == 3 { journal.note(.warning, .log, "e4") }
            if e.sequence == 4 { break }
        }
        #expect(seen == [2, 3, 4])
    }

    @Test func aLongPollWakesOnAppendAndOtherwiseEndsOnTheClock() async throws {
        let journal = EventJournal()
        let clock = ManualClock()
        let woken = Task { await journal.wait(after: 0, timeout: .seconds(30), clock: clock, limit: 10) }
        await clock.waitForSleepers(1)
        journal.note(.info, .log, "now")
        #expect(await woken.value.map(\.message) == ["now"])
        let idle = Task { await journal.wait(after: 1, timeout: .seconds(30), clock: clock, limit: 10) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(30))
        #expect(await idle.value.isEmpty)
    }

    @Test func theLogHandlerFeedsTheJournalWithKinds() {
        let journal = EventJournal()
        let logger = Logger(label: "test.node") { JournalLogHandler(label: $0, journal: journal) }
        logger.info("plain", metadata: ["n": "1"])
        logger.warning("a peer", metadata: [JournalLogHandler.kindKey: "peer"])
        logger.debug("hidden below info")
        let events = journal.events(after: 0)
        #expect(events.map(\.message) == ["plain n=1", "a peer"])
        #expect(events.map(\.kind) == [.log, .peer] && events.map(\.level) == [.info, .warning])
    }
}
