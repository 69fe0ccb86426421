import Testing
@testable import NodeKit

/// `LiveDeal`: changes one at a time, each persisted before it is seen and dropped when it
/// fails; waits that end on a change, a newer transfer, a poke or cancellation. Waiters are
/// sequenced by the checks their conditions make, never by time.
@Suite(.timeLimit(.minutes(1)))
struct LiveDealTests {
    struct Refused: Error {}

    /// Counts a waiter's checks of its condition and lets the test wait for the n-th.
    final class Checks: Sendable {
        private let count = Locked(0)
        private let stream: AsyncStream<Int>
        private let continuation: AsyncStream<Int>.Continuation

        init() { (stream, continuation) = AsyncStream.makeStream(of: Int.self) }

        /// Call from the condition (it runs under the deal's lock: it only counts).
        func checked() {
            let n = count.withLock { n -> Int in
                n += 1
                return n
            }
            continuation.yield(n)
        }

        /// Returns once the condition has been checked `n` times.
        func reached(_ n: Int) async {
            for await seen in stream where seen >= n { return }
        }
    }

    /// A waiter checks its condition once before registering and once more as it
    /// registers, under the deal's lock; after the second check, only a wake-up ends it.
    static let registered = 2

    // MARK: Changes

    @Test func changesRunOneAtATimeEachSeeingTheOneBefore() async throws {
        let deal = LiveDeal(DealFixtures.record(side: .client, status: .ongoing))
        let persisting = Locked(0), most = Locked(0), persisted = Locked<[UInt64]>([])
        let returned = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await deal.change({ record in
                        record.bytes += 1
                        return record.bytes
                    }, persist: { record, _ in
                        let now = persisting.withLock { n -> Int in
                            n += 1
                            return n
                        }
                        most.withLock { $0 = max($0, now) }
                        // Not yet visible while it is being stored.
                        #expect(deal.record.bytes == record.bytes - 1)
                        await Task.yield()
                        persisted.withLock { $0.append(record.bytes) }
                        persisting.withLock { $0 -= 1 }
                    })
                }
            }
            var values: [UInt64] = []
            for try await value in group { values.append(value) }
            return values
        }
        #expect(returned.sorted() == Array(1...50))
        #expect(persisted.withLock { $0 } == Array(1...50))
        #expect(most.withLock { $0 } == 1)
        #expect(deal.record.bytes == 50)
    }

    @Test func persistIsGivenTheStatusBefore() async throws {
        let deal = LiveDeal(DealFixtures.record(side: .client))
        let effects = try await deal.change({ record in try ClientDealMachine.apply(.proposed, to: &record) }, persist: { record, before in
            #expect(before == .new && record.status == .waitForAcceptance)
        })
        #expect(effects == [.propose])
        #expect(deal.record.status == .waitForAcceptance)
    }

    @Test func aFailedChangeOrPersistLeavesTheDealAsItWas() async throws {
        let original = DealFixtures.record(side: .client, status: .ongoing)
        let deal = LiveDeal(original)
        await #expect(throws: Refused.self) {
            try await deal.change({ $0.status = .failing }, persist: { _, _ in throw Refused() })
        }
        #expect(deal.record == original)
        await #expect(throws: Refused.self) {
            try await deal.change({ (_: inout DealRecord) throws -> Void in throw Refused() }, persist: { _, _ in
                Issue.record("a change that threw was persisted")
            })
        }
        #expect(deal.record == original)
        await #expect(throws: DealTransitionError.self) {
            try await deal.change({ record in try ClientDealMachine.apply(.proposed, to: &record) }, persist: { _, _ in })
        }
        #expect(deal.record == original)
        // The next change starts from the deal as it was.
        try await deal.change({ $0.bytes += 10 }, persist: { _, _ in })
        #expect(deal.record.bytes == 10 && deal.record.status == .ongoing)
    }

    // MARK: Waiting

    @Test func aWaitWhoseConditionHoldsReturnsAtOnce() async throws {
        let deal = LiveDeal(DealFixtures.record(side: .client, status: .ongoing))
        try await deal.wait { $0.status == .ongoing }
        let transfer = deal.beginTransfer()
        _ = deal.beginTransfer()
        #expect(!deal.isCurrent(transfer))
        try await deal.wait(superseding: transfer) { _ in false }
    }

    @Test func aWaitEndsOnTheChangeThatMeetsIt() async throws {
        let deal = LiveDeal(DealFixtures.record(side: .client, status: .fundsNeeded))
        let checks = Checks()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await deal.wait { record in
                    checks.checked()
                    return record.paid >= TokenAmount(unchecked: 2_000)
                }
            }
            await checks.reached(Self.registered)
            // A change that does not meet the condition wakes it to check again, and it waits on.
            try await deal.change({ $0.paid = TokenAmount(unchecked: 1_000) }, persist: { _, _ in })
            await checks.reached(Self.registered + 2)
            try await deal.change({ $0.paid = TokenAmount(unchecked: 2_000) }, persist: { _, _ in })
            try await group.waitForAll()
        }
        #expect(deal.record.paid == TokenAmount(unchecked: 2_000))
    }

    @Test func aWaitEndsWhenANewerTransferBegins() async throws {
        let deal = LiveDeal(DealFixtures.record(side: .provider, status: .fundsNeeded))
        let mine = deal.beginTransfer()
        let checks = Checks()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await deal.wait(superseding: mine) { _ in
                    checks.checked()
                    return false
                }
            }
            await checks.reached(Self.registered)
            #expect(deal.isCurrent(mine))
            let newer = deal.beginTransfer()
            try await group.waitForAll()
            #expect(newer == mine + 1 && !deal.isCurrent(mine) && deal.isCurrent(newer))
        }
    }

    @Test func aPokeMakesAWaiterCheckAgain() async throws {
        let deal = LiveDeal(DealFixtures.record(side: .provider, status: .fundsNeeded))
        let timedOut = Locked(false)
        let checks = Checks()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await deal.wait { _ in
                    checks.checked()
                    return timedOut.withLock { $0 }
                }
            }
            await checks.reached(Self.registered)
            timedOut.withLock { $0 = true }
            deal.poke()
            try await group.waitForAll()
        }
    }

    @Test func aCancelledWaitThrows() async throws {
        let deal = LiveDeal(DealFixtures.record(side: .client, status: .fundsNeeded))
        let checks = Checks()
        let waiter = Task {
            try await deal.wait { _ in
                checks.checked()
                return false
            }
        }
        await checks.reached(Self.registered)
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        // Its place is given up: a later change wakes nobody and the deal goes on.
        try await deal.change({ $0.status = .ongoing }, persist: { _, _ in })
        #expect(deal.record.status == .ongoing)
    }

    @Test func aWaitInACancelledTaskThrowsAtOnce() async throws {
        let deal = LiveDeal(DealFixtures.record(side: .client, status: .fundsNeeded))
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await deal.wait { _ in false }
        }
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }
}
