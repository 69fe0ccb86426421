import Foundation
import GRDB
import Testing
@testable import NodeKit

/// `DealStore` on an in-memory database: deals read back field for field, history only on
/// status changes, the queries the drivers resume and list by, requests, terms, the lane
/// recorded with a voucher, and damaged rows reported as such.
struct DealStoreTests {
    static func store() throws -> DealStore { DealStore(database: try NodeDatabase()) }

    /// A client deal with every optional field set.
    static func full(id: UInt64 = 7) -> DealRecord {
        DealRecord(
            side: .client, id: id, peer: DealFixtures.provider.nodeID, broker: DealFixtures.broker.nodeID, payload: DealFixtures.payload,
            pieceCID: DealFixtures.pieceCID, params: DealFixtures.unsealed, status: .fundsNeeded, message: "pay for 1000 bytes",
            totalBytes: 5_000, totalBlocks: 5, blocks: 2, bytes: 1_000, paid: TokenAmount(unchecked: 300), channel: DealFixtures.channel,
            lane: 3, failedBlock: ClientDealMachineTests.block, request: 4,
            output: DealOutput(path: "/data/out.bin", car: false, offset: 1_024, checkpoint: [1, 2, 3, 0xff]),
            createdAt: DealFixtures.time, updatedAt: DealFixtures.time.addingTimeInterval(1.5))
    }

    static func at(_ seconds: Double) -> Date { DealFixtures.time.addingTimeInterval(seconds) }

    // MARK: Deals

    @Test func aDealReadsBackFieldForField() async throws {
        let store = try Self.store()
        let full = Self.full()
        var bare = DealFixtures.record(side: .provider, id: 7)
        bare.params = DealFixtures.free
        try await store.insert(full)
        try await store.insert(bare)
        #expect(try await store.deal(full.key) == full)
        #expect(try await store.deal(bare.key) == bare)
        #expect(try await store.deal(DealKey(side: .client, peer: DealFixtures.provider.nodeID, id: 8)) == nil)
        #expect(try await store.deal(DealKey(side: .client, peer: DealFixtures.client.nodeID, id: 7)) == nil)
        var car = full
        car.id = 8
        car.output = DealOutput(path: "/data/out.car", car: true)
        try await store.insert(car)
        #expect(try await store.deal(car.key) == car)
    }

    @Test func aDealIsInsertedOnce() async throws {
        let store = try Self.store()
        try await store.insert(Self.full())
        await #expect(throws: (any Error).self) { try await store.insert(Self.full()) }
        #expect(try await store.history(Self.full().key).count == 1)
    }

    @Test func historyGrowsOnlyWhenTheStatusChanges() async throws {
        let store = try Self.store()
        var deal = DealFixtures.record(side: .client)
        try await store.insert(deal)
        deal.message = "asked again"
        deal.updatedAt = Self.at(1)
        try await store.save(deal, previous: .new)
        (deal.status, deal.message, deal.updatedAt) = (.waitForAcceptance, "", Self.at(2))
        try await store.save(deal, previous: .new)
        (deal.status, deal.bytes, deal.paid, deal.message, deal.updatedAt) = (.ongoing, 1_000, TokenAmount(unchecked: 2_000), "paid", Self.at(3))
        try await store.save(deal, previous: .waitForAcceptance)
        #expect(try await store.deal(deal.key) == deal)
        #expect(try await store.history(deal.key) == [
            DealHistoryEntry(status: .new, at: DealFixtures.time, bytes: 0, paid: .zero, message: ""),
            DealHistoryEntry(status: .waitForAcceptance, at: Self.at(2), bytes: 0, paid: .zero, message: ""),
            DealHistoryEntry(status: .ongoing, at: Self.at(3), bytes: 1_000, paid: TokenAmount(unchecked: 2_000), message: "paid"),
        ])
        // The other side's deal of the same peer and ID has its own history.
        #expect(try await store.history(DealKey(side: .provider, peer: deal.peer, id: deal.id)).isEmpty)
    }

    @Test func progressIsStoredWithoutHistory() async throws {
        let store = try Self.store()
        var deal = Self.full()
        try await store.insert(deal)
        (deal.blocks, deal.bytes, deal.updatedAt) = (4, 4_000, Self.at(5))
        deal.output?.checkpoint = [9, 9]
        try await store.saveProgress(deal)
        #expect(try await store.deal(deal.key) == deal)
        #expect(try await store.history(deal.key).map(\.status) == [.fundsNeeded])
    }

    @Test func dealsSurviveReopeningTheDatabase() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let path = dir + "/node.sqlite"
            var deal = Self.full()
            do {
                let store = DealStore(database: try NodeDatabase(path: path))
                try await store.insert(deal)
                deal.status = .sendFunds
                try await store.save(deal, previous: .fundsNeeded)
                deal.bytes = 1_500
                try await store.saveProgress(deal)
            }
            let reopened = DealStore(database: try NodeDatabase(path: path))
            #expect(try await reopened.deal(deal.key) == deal)
            #expect(try await reopened.history(deal.key).map(\.status) == [.fundsNeeded, .sendFunds])
        }
    }

    @Test func dealsAreListedNewestFirst() async throws {
        let store = try Self.store()
        var inserted: [DealRecord] = []
        for (id, side, updated) in [(1, DealSide.client, 3.0), (2, .provider, 1.0), (3, .client, 2.0), (4, .client, 2.0)] {
            var deal = DealFixtures.record(side: side, id: UInt64(id))
            deal.updatedAt = Self.at(updated)
            try await store.insert(deal)
            inserted.append(deal)
        }
        #expect(try await store.deals().map(\.id) == [1, 4, 3, 2])
        #expect(try await store.deals(side: .client).map(\.id) == [1, 4, 3])
        #expect(try await store.deals(side: .provider) == [inserted[1]])
        #expect(try await store.deals(limit: 2).map(\.id) == [1, 4])
    }

    @Test(arguments: DealSide.allCases)
    func unfinishedDealsAreThoseNotEndedOnTheirSide(side: DealSide) async throws {
        let store = try Self.store()
        for (i, status) in DealStatus.allCases.reversed().enumerated() {
            var deal = DealFixtures.record(side: side, id: status.rawValue, status: status)
            deal.createdAt = Self.at(Double(i))
            try await store.insert(deal)
            var other = DealFixtures.record(side: side == .client ? .provider : .client, id: status.rawValue, status: status)
            other.createdAt = Self.at(Double(i))
            try await store.insert(other)
        }
        let unfinished = try await store.unfinished(side: side)
        #expect(unfinished.allSatisfy { $0.side == side })
        #expect(unfinished.map(\.status) == DealStatus.allCases.reversed().filter { !$0.isTerminal(on: side) })
        #expect(unfinished.count == (side == .client ? 30 : 32))
    }

    @Test func aRequestsDealsAreTheClientsOnly() async throws {
        let store = try Self.store()
        for (id, request) in [(5, 1), (2, 1), (3, 2), (9, 1)] {
            var deal = DealFixtures.record(side: .client, id: UInt64(id))
            deal.request = UInt64(request)
            try await store.insert(deal)
        }
        var served = DealFixtures.record(side: .provider, id: 1)
        served.request = 1
        try await store.insert(served)
        #expect(try await store.deals(ofRequest: 1).map(\.id) == [2, 5, 9])
        #expect(try await store.deals(ofRequest: 2).map(\.id) == [3])
        #expect(try await store.deals(ofRequest: 3).isEmpty)
    }

    @Test func theNextClientDealIDIsAboveEveryOneUsed() async throws {
        let store = try Self.store()
        #expect(try await store.nextClientDealID() == 1)
        try await store.insert(DealFixtures.record(side: .client, id: 3))
        try await store.insert(DealFixtures.record(side: .client, id: 9))
        try await store.insert(DealFixtures.record(side: .provider, id: 100))
        #expect(try await store.nextClientDealID() == 10)
    }

    /// Regression: deal IDs come from the client's messages and were bound as `Int64(id)`,
    /// so a peer naming deal 2^63 or above trapped the provider. Such a deal is now never
    /// found, and storing one is refused.
    @Test func aDealIDBeyondSQLitesIntegersIsNotFoundAndNotStored() async throws {
        let store = try Self.store()
        let key = DealKey(side: .provider, peer: DealFixtures.client.nodeID, id: UInt64(Int64.max) + 1)
        #expect(try await store.deal(key) == nil)
        #expect(try await store.history(key).isEmpty)
        let huge = DealFixtures.record(side: .provider, id: .max)
        await #expect(throws: RetrievalError.self) { try await store.insert(huge) }
        await #expect(throws: RetrievalError.self) { try await store.save(huge, previous: .new) }
        await #expect(throws: RetrievalError.self) { try await store.saveProgress(huge) }
        #expect(try await store.deals().isEmpty)
        let largest = DealFixtures.record(side: .provider, id: UInt64(Int64.max))
        try await store.insert(largest)
        #expect(try await store.deal(largest.key) == largest)
    }

    // MARK: Requests

    static func request(_ id: UInt64, output: String = "/data/out.bin", status: RetrievalSummary.Status = .running) -> StoredRetrievalRequest {
        StoredRetrievalRequest(id: id, payload: DealFixtures.payload, pieceCID: DealFixtures.pieceCID, output: output, car: false,
                               totalBytes: 5_000, status: status, message: "", createdAt: DealFixtures.time, updatedAt: DealFixtures.time)
    }

    @Test func requestsReadBackAndTakeTheNextID() async throws {
        let store = try Self.store()
        let first = try await store.insertRequest { Self.request($0) }
        let second = try await store.insertRequest { Self.request($0, output: "/data/other.car") }
        #expect(first.id == 1 && second.id == 2)
        #expect(try await store.request(1) == first)
        #expect(try await store.request(3) == nil)
        var done = first
        (done.status, done.message, done.updatedAt) = (.failed, "deal c1 Errored: no provider", Self.at(9))
        try await store.saveRequest(done)
        #expect(try await store.request(1) == done)
        #expect(try await store.requests() == [second, done])
        #expect(try await store.requests(runningOnly: true) == [second])
        #expect(try await store.requests(limit: 1) == [second])
    }

    @Test func theRunningRequestForAnOutputIsFound() async throws {
        let store = try Self.store()
        let failed = try await store.insertRequest { Self.request($0, status: .failed) }
        #expect(try await store.runningRequest(payload: DealFixtures.payload, output: failed.output) == nil)
        let running = try await store.insertRequest { Self.request($0) }
        #expect(try await store.runningRequest(payload: DealFixtures.payload, output: running.output) == running)
        #expect(try await store.runningRequest(payload: DealFixtures.otherPayload, output: running.output) == nil)
        #expect(try await store.runningRequest(payload: DealFixtures.payload, output: "/data/elsewhere") == nil)
    }

    // MARK: Terms

    @Test func termsAreTheDefaultsUntilSet() async throws {
        let store = try Self.store()
        #expect(try await store.terms() == .default)
        let terms = RetrievalTerms(unsealPrice: TokenAmount(unchecked: 5_000), paymentInterval: 4_096, paymentIntervalIncrease: 0)
        try await store.setTerms(terms)
        #expect(try await store.terms() == terms)
        try await store.setTerms(.default)
        #expect(try await store.terms() == .default)
    }

    // MARK: The lane of a voucher

    @Test func theLaneIsRecordedInTheVouchersTransaction() async throws {
        let store = try Self.store()
        var deal = DealFixtures.record(side: .client, status: .sendFunds)
        let served = DealFixtures.record(side: .provider)
        try await store.insert(deal)
        try await store.insert(served)
        let voucher = try DealFixtures.voucher(lane: 6)
        try await store.database.writeDurably { [id = deal.id, peer = deal.peer] db in try DealStore.recordLane(voucher, deal: id, provider: peer, db) }
        (deal.channel, deal.lane) = (DealFixtures.channel, 6)
        #expect(try await store.deal(deal.key) == deal)
        #expect(try await store.deal(served.key) == served)

        struct VoucherNotStored: Error {}
        let later = try DealFixtures.voucher(lane: 8, nonce: 2)
        await #expect(throws: VoucherNotStored.self) {
            try await store.database.writeDurably { [id = deal.id, peer = deal.peer] db in
                try DealStore.recordLane(later, deal: id, provider: peer, db)
                throw VoucherNotStored()
            }
        }
        #expect(try await store.deal(deal.key)?.lane == 6)
    }

    // MARK: Damaged rows

    @Test(arguments: [
        ("UPDATE retrieval_deal SET status = 99", "status"),
        ("UPDATE retrieval_deal SET status = 40", "status"),
        ("UPDATE retrieval_deal SET status = 'Ongoing'", "status"),
        ("UPDATE retrieval_deal SET payload = 'not a CID'", "payload"),
        ("UPDATE retrieval_deal SET peer = 'nobody'", "peer"),
        ("UPDATE retrieval_deal SET broker = 'nobody'", "broker"),
        ("UPDATE retrieval_deal SET channel = 'a channel'", "channel"),
        ("UPDATE retrieval_deal SET paid = '-5'", "paid"),
        ("UPDATE retrieval_deal SET price = x'01'", "price"),
        ("UPDATE retrieval_deal SET bytes = -1", "bytes"),
        ("UPDATE retrieval_deal SET message = x'00'", "message"),
        ("UPDATE retrieval_deal SET created_at = 'yesterday'", "created_at"),
    ])
    func aDamagedDealIsReportedByNameNotTrusted(damage: String, column: String) async throws {
        let store = try Self.store()
        let deal = Self.full()
        try await store.insert(deal)
        try await store.database.write { db in try db.execute(sql: damage) }
        // A damaged peer no longer matches the deal's key: that deal is only listed.
        if column != "peer" { await Self.expectCorrupt(column) { _ = try await store.deal(deal.key) } }
        await Self.expectCorrupt(column) { _ = try await store.deals() }
        await Self.expectCorrupt(column) { _ = try await store.unfinished(side: .client) }
        await Self.expectCorrupt(column) { _ = try await store.deals(ofRequest: 4) }
    }

    static func expectCorrupt(_ column: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        let error = await #expect(throws: CorruptRowError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.subject == "retrieval deal 7 (client)" && error?.column == column, "\(String(describing: error))",
                sourceLocation: sourceLocation)
    }

    @Test func aDamagedHistoryEntryIsReportedByItsDeal() async throws {
        let store = try Self.store()
        let deal = Self.full()
        try await store.insert(deal)
        try await store.database.write { db in try db.execute(sql: "UPDATE retrieval_deal_history SET status = 40") }
        let error = await #expect(throws: CorruptRowError.self) { try await store.history(deal.key) }
        #expect(error?.subject == "a history entry of deal c7" && error?.column == "status")
    }

    @Test(arguments: [
        ("UPDATE retrieval_request SET payload = 'not a CID'", "payload"),
        ("UPDATE retrieval_request SET status = 'paused'", "status"),
        ("UPDATE retrieval_request SET total_bytes = 'many'", "total_bytes"),
    ])
    func aDamagedRequestIsReportedByName(damage: String, column: String) async throws {
        let store = try Self.store()
        _ = try await store.insertRequest { Self.request($0) }
        try await store.database.write { db in try db.execute(sql: damage) }
        let error = await #expect(throws: CorruptRowError.self) { try await store.request(1) }
        #expect(error?.subject == "retrieval request 1" && error?.column == column)
        await #expect(throws: CorruptRowError.self) { try await store.requests() }
    }

    @Test func damagedTermsAreReported() async throws {
        let store = try Self.store()
        try await store.setTerms(.default)
        try await store.database.write { db in try db.execute(sql: "UPDATE provider_retrieval_terms SET unseal = 'lots'") }
        let error = await #expect(throws: CorruptRowError.self) { try await store.terms() }
        #expect(error?.column == "unseal")
    }
}
