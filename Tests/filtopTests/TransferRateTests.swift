import Foundation
import Testing
@testable import filtop

/// The console's speeds and times left, from readings at explicit times.
@Suite struct TransferRateTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let mib: UInt64 = 1 << 20

    @Test func theSpeedIsTheBytesGainedOverTheTimeBetweenReadings() {
        var rate = TransferRate()
        #expect(rate.bytesPerSecond == nil && rate.secondsLeft(of: 10 * mib) == nil)
        rate.record(bytes: 0, at: t0)
        #expect(rate.bytesPerSecond == nil, "one reading has no speed")
        rate.record(bytes: 2 * mib, at: t0 + 2)
        #expect(rate.bytesPerSecond == Double(mib))
        #expect(rate.secondsLeft(of: 10 * mib) == 8)
        #expect(rate.secondsLeft(of: 2 * mib) == 0, "done is no time left")
        rate.record(bytes: 5 * mib, at: t0 + 4)
        #expect(rate.bytesPerSecond == 1.25 * Double(mib), "the speed spans every reading in the window")
    }

    @Test func onlyTheLastWindowCounts() {
        var rate = TransferRate(window: 10)
        rate.record(bytes: 0, at: t0)
        rate.record(bytes: 100 * mib, at: t0 + 10)
        rate.record(bytes: 110 * mib, at: t0 + 20)
        // The reading at t0 + 10 is at the window's start: 10 MiB in 10 s.
        #expect(rate.bytesPerSecond == Double(mib))
        rate.record(bytes: 112 * mib, at: t0 + 22)
        #expect(rate.bytesPerSecond == Double(mib), "t0 + 10 is kept as the last reading before the window: 12 MiB in 12 s")
        rate.record(bytes: 112 * mib, at: t0 + 31)
        #expect(rate.bytesPerSecond == 2 * Double(mib) / 11, "from t0 + 20: 2 MiB in 11 s")
    }

    @Test func aStalledTransferSlowsToZeroAndHasNoTimeLeft() {
        var rate = TransferRate(window: 4)
        rate.record(bytes: 0, at: t0)
        rate.record(bytes: 4 * mib, at: t0 + 2)
        rate.record(bytes: 4 * mib, at: t0 + 4)
        #expect(rate.bytesPerSecond == Double(mib), "half the window stalled")
        rate.record(bytes: 4 * mib, at: t0 + 6)
        rate.record(bytes: 4 * mib, at: t0 + 8)
        #expect(rate.bytesPerSecond == 0)
        #expect(rate.secondsLeft(of: 8 * mib) == nil)
    }

    @Test func aCountGoingBackRestartsAndAClockGoingBackIsIgnored() {
        var rate = TransferRate()
        rate.record(bytes: 4 * mib, at: t0)
        rate.record(bytes: 6 * mib, at: t0 + 1)
        rate.record(bytes: mib, at: t0 + 2)
        #expect(rate.bytesPerSecond == nil, "a deal that restarted has no speed until it is read twice")
        rate.record(bytes: 3 * mib, at: t0 + 4)
        #expect(rate.bytesPerSecond == Double(mib))
        rate.record(bytes: 9 * mib, at: t0 + 3)
        #expect(rate.bytesPerSecond == Double(mib), "a reading from before the last is ignored")
        rate.record(bytes: 5 * mib, at: t0 + 4)
        #expect(rate.bytesPerSecond == 2 * Double(mib), "a reading at the same time replaces the last")
    }

    @Test func speedsAndTimesInWords() {
        let cases: [(Double, String)] = [(0, "0 B/s"), (512, "512 B/s"), (1023, "1023 B/s"), (1024, "1.0 KiB/s"), (9.99 * 1024, "9.9 KiB/s"),
                                         (340 * 1024, "340 KiB/s"), (1023.9 * 1024, "1023 KiB/s"), (2.5 * 1_048_576, "2.5 MiB/s"),
                                         (.infinity, "0 B/s"), (-5, "0 B/s")]
        for (speed, text) in cases {
            #expect(ConsoleFormat.rate(speed) == text, "\(speed)")
            #expect(ConsoleFormat.rate(speed).count <= 10)
        }
        #expect(ConsoleFormat.time(t0.addingTimeInterval(7.9), seconds: true) == "2023-11-14 22:13:27")
        #expect(ConsoleFormat.time(t0.addingTimeInterval(7.9)) == "2023-11-14 22:13")
        #expect(ConsoleFormat.time(Date(timeIntervalSince1970: -1), seconds: true) == "1969-12-31 23:59:59")
    }
}
