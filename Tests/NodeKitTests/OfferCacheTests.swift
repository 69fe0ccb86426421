import Foundation
import GRDB
import Testing
@testable import NodeKit

@Suite struct OfferCacheTests {
    static let now: UInt64 = 1_800_000_000
    static let receivedAt = Date(unixMillis: 1_800_000_000_000)

    /// Piece CIDs from seeded random commitments (top two bits of the last byte clear).
    static func pieceCIDs(_ count: Int, seed: UInt64) -> [PieceCID] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            var commitment = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            commitment[31] &= 0x3f
            return try! PieceCID(commitment: commitment)
        }
    }

    /// A verified offer; `price` is attoFIL per byte (`pricePerByte`, when given, instead).
    static func offer(_ cids: [PieceCID], by provider: KeyPair, price: UInt64 = 100, pricePerByte: TokenAmount? = nil, expiresIn: UInt64 = 3600,
                      nonce: UInt64 = 1, latency: UInt64 = 50) throws -> CIDOffer {
        let amount = try pricePerByte ?? TokenAmount(attoFIL: UInt128(price))
        let terms = OfferTerms(pricePerByte: amount, expiry: now + expiresIn, latencyMillis: latency, nonce: nonce)
        let offer = try CIDOffer.sign(pieceCIDs: cids, terms: terms, by: provider)
        try offer.verify(at: now)
        return offer
    }

    private func store(_ offer: CIDOffer, in cache: OfferCache, at receivedAt: Date = OfferCacheTests.receivedAt) async throws -> OfferCache.Outcome {
        try await cache.store(offer, source: "publish", receivedAt: receivedAt)
    }

    /// The offer IDs the cache answers with for `pieceCID`, in answer order.
    private func answers(_ cache: OfferCache, _ pieceCID: PieceCID, now: UInt64 = OfferCacheTests.now) async throws -> [[UInt8]] {
        try await cache.subOffers(for: pieceCID, now: now, limit: 100).map {
            OfferSigning.offerID(signedBytes: $0.signedBytes)
        }
    }

    // MARK: - Storing and finding

    @Test(arguments: [1, 2, 3, 100, 128])
    func everyPieceCIDOfAStoredOfferIsFoundWithAProofThatVerifies(count: Int) async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let cids = Self.pieceCIDs(count, seed: UInt64(count))
        let offer = try Self.offer(cids, by: KeyPair())
        #expect(try await store(offer, in: cache) == .stored(linked: count, unlinked: 0))
        for cid in cids {
            let found = try await cache.subOffers(for: cid, now: Self.now, limit: 10)
            #expect(found.count == 1)
            try found[0].verify(covering: cid, at: Self.now)
            #expect(found[0] == (try offer.subOffer(for: cid)))
            #expect(try cache.subOffersNow(for: cid, now: Self.now, limit: 10) == found)
        }
        #expect(try await cache.subOffers(for: Self.pieceCIDs(1, seed: 999)[0], now: Self.now, limit: 10).isEmpty)
        #expect(try await cache.subOffers(for: cids[0], now: Self.now, limit: 0).isEmpty)
        #expect(try await cache.counts(now: Self.now) == (offers: 1, cids: count))
    }

    @Test func answersAreCheapestFirstAndAtMostTheLimit() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let cid = Self.pieceCIDs(1, seed: 1)[0]
        // Their wire forms are of different lengths: the order must still be by amount.
        let prices = [TokenAmount(unchecked: 300), TokenAmount(unchecked: 2), TokenAmount(unchecked: 256), try TokenAmount(fil: 1_000_000)]
        var byPrice: [TokenAmount: [UInt8]] = [:]
        for price in prices {
            let offer = try Self.offer([cid], by: KeyPair(), pricePerByte: price)
            _ = try await store(offer, in: cache)
            byPrice[price] = offer.id
        }
        #expect(try await answers(cache, cid) == prices.sorted().map { byPrice[$0]! })
        let two = try await cache.subOffers(for: cid, now: Self.now, limit: 2)
        #expect(two.map(\.terms.pricePerByte) == [TokenAmount(unchecked: 2), TokenAmount(unchecked: 256)])
        // Among equal prices, the most recently stored first.
        let again = try Self.offer([cid], by: KeyPair(), price: 2)
        _ = try await store(again, in: cache)
        #expect(try await answers(cache, cid).prefix(2) == [again.id, byPrice[TokenAmount(unchecked: 2)]!])
    }

    /// Expiry, latency and nonce are signed as unsigned 64-bit values; ones past
    /// `Int64.max` come back exactly, so the sub-offer still verifies, and never expire.
    @Test func termsPastInt64MaxRoundTrip() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let cid = Self.pieceCIDs(1, seed: 2)[0]
        let terms = OfferTerms(pricePerByte: TokenAmount.max, expiry: .max, latencyMillis: .max - 1, nonce: .max)
        let offer = try CIDOffer.sign(pieceCIDs: [cid], terms: terms, by: KeyPair())
        _ = try await store(offer, in: cache)
        let found = try await cache.subOffers(for: cid, now: Self.now, limit: 1)
        #expect(found.first?.terms == terms)
        try found.first?.verify(covering: cid, at: Self.now)
        #expect(try await cache.sweepExpired(now: .max - 1) == 0)
        #expect(try await cache.list(OfferQuery(), now: Self.now).map(\.terms) == [terms])
    }

    // MARK: - The replacement rule, per Piece CID

    @Test func aCheaperLaterOfferReplacesTheOlderOne() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let provider = KeyPair(), cids = Self.pieceCIDs(2, seed: 3)
        let older = try Self.offer(cids, by: provider, price: 10, nonce: 1)
        let newer = try Self.offer(cids, by: provider, price: 9, expiresIn: 7200, nonce: 2)
        #expect(try await store(older, in: cache) == .stored(linked: 2, unlinked: 0))
        #expect(try await store(newer, in: cache) == .stored(linked: 2, unlinked: 2))
        for cid in cids { #expect(try await answers(cache, cid) == [newer.id]) }
        #expect(try await cache.counts(now: Self.now) == (offers: 1, cids: 2))
        #expect(try await cache.list(OfferQuery(), now: Self.now).allSatisfy { $0.offerID == newer.id })
    }

    @Test func aPriceRiseKeepsBoth() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let provider = KeyPair(), cids = Self.pieceCIDs(2, seed: 4)
        let older = try Self.offer(cids, by: provider, price: 10, nonce: 1)
        let dearer = try Self.offer(cids, by: provider, price: 11, expiresIn: 7200, nonce: 2)
        _ = try await store(older, in: cache)
        #expect(try await store(dearer, in: cache) == .stored(linked: 2, unlinked: 0))
        #expect(try await answers(cache, cids[0]) == [older.id, dearer.id])
        #expect(try await cache.counts(now: Self.now) == (offers: 2, cids: 4))
    }

    @Test func aCheaperOfferWithAnEarlierExpiryKeepsBoth() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let provider = KeyPair(), cids = Self.pieceCIDs(1, seed: 5)
        let longer = try Self.offer(cids, by: provider, price: 10, expiresIn: 7200, nonce: 1)
        let shorter = try Self.offer(cids, by: provider, price: 9, expiresIn: 3600, nonce: 2)
        _ = try await store(longer, in: cache)
        #expect(try await store(shorter, in: cache) == .stored(linked: 1, unlinked: 0))
        #expect(try await answers(cache, cids[0]) == [shorter.id, longer.id])
    }

    @Test func anOlderOfferReplayedAfterTheNewerIsSuperseded() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let provider = KeyPair(), cids = Self.pieceCIDs(3, seed: 6)
        let older = try Self.offer(cids, by: provider, price: 10, nonce: 1)
        let newer = try Self.offer(cids, by: provider, price: 9, nonce: 2)
        _ = try await store(newer, in: cache)
        #expect(try await store(older, in: cache) == .superseded)
        #expect(try await answers(cache, cids[1]) == [newer.id])
        #expect(try await cache.counts(now: Self.now) == (offers: 1, cids: 3))
    }

    @Test func theSameOfferTwiceIsADuplicate() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let offer = try Self.offer(Self.pieceCIDs(4, seed: 7), by: KeyPair())
        _ = try await store(offer, in: cache)
        #expect(try await store(offer, in: cache) == .duplicate)
        #expect(try await cache.store([offer, offer], source: "publish", receivedAt: Self.receivedAt) == [.duplicate, .duplicate])
        #expect(try await cache.counts(now: Self.now) == (offers: 1, cids: 4))
    }

    /// Only the shared Piece CIDs move to the newer offer; an offer left with none is dropped.
    @Test func aPartialOverlapUnlinksOnlyTheSharedCIDs() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let provider = KeyPair(), cids = Self.pieceCIDs(4, seed: 8)
        let first = try Self.offer(Array(cids[0...2]), by: provider, price: 10, nonce: 1)
        let second = try Self.offer(Array(cids[2...3]), by: provider, price: 10, nonce: 2)
        let third = try Self.offer(Array(cids[0...1]), by: provider, price: 10, nonce: 3)
        _ = try await store(first, in: cache)
        #expect(try await store(second, in: cache) == .stored(linked: 2, unlinked: 1))
        #expect(try await answers(cache, cids[0]) == [first.id])
        #expect(try await answers(cache, cids[2]) == [second.id])
        #expect(try await cache.counts(now: Self.now) == (offers: 2, cids: 4))
        #expect(try await store(third, in: cache) == .stored(linked: 2, unlinked: 2))
        #expect(try await cache.counts(now: Self.now) == (offers: 2, cids: 4))
        let listed = try await cache.list(OfferQuery(), now: Self.now)
        #expect(!listed.contains { $0.offerID == first.id })
        #expect(Set(listed.map(\.pieceCID)) == Set(cids))
        // The dropped offer's row and tree are gone, not only its links.
        let rows = try await cache.database.read { db in
            try [Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gateway_offer"), Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gateway_offer_tree")]
        }
        #expect(rows == [2, 2])
    }

    /// A kept offer that replaces the new one for some of its CIDs keeps those; the new
    /// offer is linked for the rest.
    @Test func aNewOfferIsLinkedOnlyWhereNothingKeptReplacesIt() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let provider = KeyPair(), cids = Self.pieceCIDs(2, seed: 9)
        let kept = try Self.offer([cids[0]], by: provider, price: 5, expiresIn: 7200, nonce: 5)
        let late = try Self.offer(cids, by: provider, price: 6, nonce: 3)
        _ = try await store(kept, in: cache)
        #expect(try await store(late, in: cache) == .stored(linked: 1, unlinked: 0))
        #expect(try await answers(cache, cids[0]) == [kept.id])
        #expect(try await answers(cache, cids[1]) == [late.id])
        try await cache.subOffers(for: cids[1], now: Self.now, limit: 1)[0].verify(covering: cids[1], at: Self.now)
    }

    @Test func anotherProvidersOfferNeverReplaces() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let cids = Self.pieceCIDs(2, seed: 10)
        let a = try Self.offer(cids, by: KeyPair(), price: 10, nonce: 1)
        let b = try Self.offer(cids, by: KeyPair(), price: 1, expiresIn: 9000, nonce: 9)
        _ = try await store(a, in: cache)
        #expect(try await store(b, in: cache) == .stored(linked: 2, unlinked: 0))
        #expect(try await answers(cache, cids[0]) == [b.id, a.id])
    }

    @Test func aBulkStoreAppliesTheRuleInOrder() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let provider = KeyPair(), cids = Self.pieceCIDs(3, seed: 11)
        let older = try Self.offer(cids, by: provider, price: 10, nonce: 1)
        let newer = try Self.offer(cids, by: provider, price: 8, nonce: 2)
        let outcomes = try await cache.store([older, newer, older], source: "publish", receivedAt: Self.receivedAt)
        #expect(outcomes == [.stored(linked: 3, unlinked: 0), .stored(linked: 3, unlinked: 3), .superseded])
        #expect(try await answers(cache, cids[2]) == [newer.id])
    }

    /// Stores from many callers at once (they share transactions) each get their own outcome.
    @Test func concurrentStoresEachGetTheirOutcome() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let cids = Self.pieceCIDs(40, seed: 12)
        let offers = try cids.map { try Self.offer([$0], by: KeyPair()) }
        let outcomes = try await withThrowingTaskGroup(of: OfferCache.Outcome.self) { group in
            for offer in offers + offers { group.addTask { try await cache.store(offer, source: "publish", receivedAt: Self.receivedAt) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .stored(linked: 1, unlinked: 0) }.count == 40)
        #expect(outcomes.filter { $0 == .duplicate }.count == 40)
        #expect(try await cache.counts(now: Self.now) == (offers: 40, cids: 40))
    }

    // MARK: - Dropping offers

    @Test func removingAProvidersOffersLeavesTheOthers() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let cids = Self.pieceCIDs(5, seed: 13)
        let gone = KeyPair(), stays = KeyPair()
        _ = try await store(try Self.offer(Array(cids[0...2]), by: gone), in: cache)
        _ = try await store(try Self.offer(Array(cids[3...4]), by: gone, nonce: 2), in: cache)
        let kept = try Self.offer(Array(cids[2...4]), by: stays)
        _ = try await store(kept, in: cache)
        #expect(try await cache.removeOffers(of: gone.nodeID) == 5)
        #expect(try await cache.removeOffers(of: gone.nodeID) == 0)
        #expect(try await cache.removeOffers(of: KeyPair().nodeID) == 0)
        #expect(try await answers(cache, cids[0]).isEmpty)
        #expect(try await answers(cache, cids[3]) == [kept.id])
        #expect(try await cache.counts(now: Self.now) == (offers: 1, cids: 3))
        #expect(try await cache.cidCountsByProvider(now: Self.now) == [stays.nodeID: 3])
        let links = try await cache.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gateway_offer_cid") }
        #expect(links == 3)
        // Its last publication is remembered after its offers are gone.
        #expect(try await cache.lastStored()[gone.nodeID] == Self.receivedAt)
    }

    @Test func expiredOffersAreNeverReturnedAndSweepingDeletesThem() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let provider = KeyPair(), cids = Self.pieceCIDs(3, seed: 14)
        let short = try Self.offer(Array(cids[0...1]), by: provider, expiresIn: 60)
        let long = try Self.offer([cids[2]], by: provider, expiresIn: 600, nonce: 2)
        _ = try await store(short, in: cache)
        _ = try await store(long, in: cache)
        let later = Self.now + 60
        #expect(try await answers(cache, cids[0], now: later).isEmpty)
        #expect(try await cache.list(OfferQuery(), now: later).map(\.offerID) == [long.id])
        #expect(try await cache.list(OfferQuery(pieceCID: cids[0]), now: later).isEmpty)
        #expect(try await cache.counts(now: later) == (offers: 1, cids: 1))
        #expect(try await cache.cidCountsByProvider(now: later) == [provider.nodeID: 1])
        #expect(try await cache.counts(now: Self.now) == (offers: 2, cids: 3))

        #expect(try await cache.sweepExpired(now: later) == 1)
        #expect(try await cache.sweepExpired(now: later) == 0)
        #expect(try await cache.counts(now: Self.now) == (offers: 1, cids: 1))
        #expect(try await answers(cache, cids[2], now: later) == [long.id])
        #expect(try await cache.sweepExpired(now: Self.now + 600) == 1)
        #expect(try await cache.counts(now: Self.now) == (offers: 0, cids: 0))
        #expect(try await cache.cidCountsByProvider(now: Self.now).isEmpty)
        let rows = try await cache.database.read { db in
            try [Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gateway_offer_cid"), Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gateway_offer_tree")]
        }
        #expect(rows == [0, 0])
    }

    // MARK: - Listing and counting

    @Test func listingFiltersByProviderAndPieceCIDNewestFirstWithinTheLimit() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let cids = Self.pieceCIDs(4, seed: 15)
        let p = KeyPair(), q = KeyPair()
        let first = try Self.offer(Array(cids[0...2]), by: p)
        let second = try Self.offer(Array(cids[2...3]), by: q)
        _ = try await store(first, in: cache, at: Date(unixMillis: 1_000))
        _ = try await store(second, in: cache, at: Date(unixMillis: 2_000))

        let all = try await cache.list(OfferQuery(), now: Self.now)
        #expect(all.map(\.pieceCID) == [cids[2], cids[3], cids[0], cids[1], cids[2]])
        #expect(all.map(\.offerID) == [second.id, second.id, first.id, first.id, first.id])
        #expect(all[0] == CachedOffer(offerID: second.id, provider: q.nodeID, pieceCID: cids[2], terms: second.terms, source: "publish",
                                      receivedAt: Date(unixMillis: 2_000)))
        #expect(try await cache.list(OfferQuery(limit: 3), now: Self.now) == Array(all.prefix(3)))
        #expect(try await cache.list(OfferQuery(limit: 0), now: Self.now).isEmpty)
        #expect(try await cache.list(OfferQuery(provider: p.nodeID), now: Self.now) == Array(all.suffix(3)))
        #expect(try await cache.list(OfferQuery(provider: KeyPair().nodeID), now: Self.now).isEmpty)
        #expect(try await cache.list(OfferQuery(pieceCID: cids[2]), now: Self.now).map(\.offerID) == [second.id, first.id])
        #expect(try await cache.list(OfferQuery(pieceCID: cids[2], limit: 1), now: Self.now).map(\.offerID) == [second.id])
        #expect(try await cache.list(OfferQuery(provider: p.nodeID, pieceCID: cids[2]), now: Self.now) == [all[4]])
        #expect(try await cache.list(OfferQuery(provider: q.nodeID, pieceCID: cids[0]), now: Self.now).isEmpty)
    }

    @Test func countsPerProviderAndLastStored() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let cids = Self.pieceCIDs(6, seed: 16)
        let p = KeyPair(), q = KeyPair()
        _ = try await store(try Self.offer(Array(cids[0...3]), by: p, nonce: 1), in: cache, at: Date(unixMillis: 5_000))
        _ = try await store(try Self.offer(Array(cids[2...5]), by: p, price: 50, nonce: 2), in: cache, at: Date(unixMillis: 4_000))
        _ = try await store(try Self.offer([cids[0]], by: q), in: cache, at: Date(unixMillis: 7_000))
        #expect(try await cache.counts(now: Self.now) == (offers: 3, cids: 7))
        #expect(try await cache.cidCountsByProvider(now: Self.now) == [p.nodeID: 6, q.nodeID: 1])
        // The latest receivedAt, not the latest stored.
        #expect(try await cache.lastStored() == [p.nodeID: Date(unixMillis: 5_000), q.nodeID: Date(unixMillis: 7_000)])
    }

    @Test func aReopenedDatabaseKeepsTheCache() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let path = dir + "/node.sqlite"
            let provider = KeyPair(), cids = Self.pieceCIDs(5, seed: 17)
            let offer = try Self.offer(cids, by: provider)
            do {
                let cache = OfferCache(database: try NodeDatabase(path: path))
                _ = try await store(offer, in: cache)
            }
            let cache = OfferCache(database: try NodeDatabase(path: path))
            for cid in cids {
                let found = try await cache.subOffers(for: cid, now: Self.now, limit: 1)
                try #require(found.count == 1)
                try found[0].verify(covering: cid, at: Self.now)
            }
            #expect(try await cache.counts(now: Self.now) == (offers: 1, cids: 5))
            #expect(try await cache.store(offer, source: "publish", receivedAt: Self.receivedAt) == .duplicate)
            #expect(try await cache.lastStored() == [provider.nodeID: Self.receivedAt])
        }
    }

    // MARK: - Damaged rows

    @Test(arguments: [
        "UPDATE gateway_offer SET price = x'0102'",
        "UPDATE gateway_offer SET leaf_count = 200",
        "UPDATE gateway_offer SET signature = 'text'",
        "UPDATE gateway_offer_tree SET levels = substr(levels, 1, 64)",
        "DELETE FROM gateway_offer_tree",
        "UPDATE gateway_offer_cid SET leaf = (leaf + 1) % 3",
        "UPDATE gateway_provider SET public_key = x'00'",
    ])
    func aDamagedRowIsReportedNotTrusted(damage: String) async throws {
        let cache = OfferCache(database: try NodeDatabase())
        let cids = Self.pieceCIDs(3, seed: 18)
        _ = try await store(try Self.offer(cids, by: KeyPair()), in: cache)
        try await cache.database.write { db in try db.execute(sql: damage) }
        await #expect(throws: CorruptRowError.self) { try await cache.subOffers(for: cids[1], now: Self.now, limit: 1) }
    }

    @Test func damagedTotalsAreReported() async throws {
        let cache = OfferCache(database: try NodeDatabase())
        _ = try await store(try Self.offer(Self.pieceCIDs(2, seed: 19), by: KeyPair(), expiresIn: 10), in: cache)
        try await cache.database.write { db in try db.execute(sql: "UPDATE gateway_provider SET cids = 1") }
        await #expect(throws: CorruptRowError.self) { try await cache.counts(now: Self.now + 10) }
        await #expect(throws: CorruptRowError.self) { try await cache.cidCountsByProvider(now: Self.now + 10) }
    }

    // MARK: - Size on disk

    /// Prints the bytes the cache takes per cached Piece CID for 100 offers of 128 CIDs;
    /// checks only that it is sane.
    @Test func bytesPerCachedPieceCID() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let database = try NodeDatabase(path: dir + "/node.sqlite")
            let cache = OfferCache(database: database)
            // Pages in use, those still in the write-ahead log included.
            let pages: () async throws -> Int = {
                try await database.read { db in
                    try Int.fetchOne(db, sql: """
                        SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, pragma_freelist_count, pragma_page_size
                        """) ?? 0
                }
            }
            let empty = try await pages()
            let provider = KeyPair()
            let offers = try (0..<100).map { i in try Self.offer(Self.pieceCIDs(128, seed: 1000 + UInt64(i)), by: provider, nonce: UInt64(i)) }
            let outcomes = try await cache.store(offers, source: "publish", receivedAt: Self.receivedAt)
            #expect(outcomes.allSatisfy { $0 == .stored(linked: 128, unlinked: 0) })
            let perCID = Double(try await pages() - empty) / 12_800
            print("offer cache: \(String(format: "%.1f", perCID)) bytes per cached Piece CID (100 offers × 128 CIDs)")
            #expect(perCID > 32 && perCID < 1000)
        }
    }
}
