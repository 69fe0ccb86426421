import Foundation
import Testing
@testable import NodeKit

/// `LiveDeal.progress`: the counters a client deal's run reports between its stored
/// steps are the record's at once, wake a waiter like a change does, and are what the
/// next change starts from.
@Suite(.timeLimit(.minutes(1)))
struct LiveDealProgressTests {
    static func record() throws -> DealRecord {
        DealRecord(side: .client, id: 3, peer: KeyPair().publicKey.nodeID, payload: try CID("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"),
                   params: DealParams(pricePerByte: TokenAmount(unchecked: 2), paymentInterval: 1_000, paymentIntervalIncrease: 500),
                   status: .ongoing, totalBytes: 5_000, totalBlocks: 5, createdAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test func progressIsSeenAtOnceAndWakesWaiters() async throws {
        let deal = LiveDeal(try Self.record())
        let (registered, ready) = AsyncStream.makeStream(of: Void.self)
        let waiter = Task {
            try await deal.wait { record in
                ready.yield()
                return record.bytes >= 2_000
            }
            return deal.record.bytes
        }
        // The condition is checked once before the waiter registers and once as it does.
        var checks = 0
        for await _ in registered {
            checks += 1
            if checks == 2 { break }
        }
        deal.progress(blocks: 1, bytes: 1_000)
        #expect(deal.record.blocks == 1 && deal.record.bytes == 1_000)
        deal.progress(blocks: 2, bytes: 2_000)
        #expect(try await waiter.value == 2_000)

        let seen = try await deal.change({ record in record.bytes }, persist: { _, _ in })
        #expect(seen == 2_000)
    }
}
