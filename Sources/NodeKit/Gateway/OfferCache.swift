import Foundation
import GRDB

/// The gateway's cache of the offers providers published to it, in the node's database:
/// what find-offers answers come from.
///
/// It keeps offers the caller has already verified (`CIDOffer.verify(at:)`) and checks no
/// signature or root itself. Per Piece CID it applies `OfferPolicy`: a provider's offer
/// that replaces an older one of the same provider takes that CID from it, and an offer
/// left with no CIDs is dropped; otherwise both are kept. Expired offers are never
/// returned, and `sweepExpired` deletes them.
///
/// Everything is in SQLite, so the memory it takes is SQLite's page cache whatever the
/// number of offers. A sub-offer's inclusion proof is copied from the offer's stored
/// Merkle levels: a lookup hashes nothing. Writes are committed but not flushed to the
/// disk before they return: a killed process loses nothing, a power cut may lose the
/// last ones (their providers publish again).
///
///     let cache = OfferCache(database: database)
///     try offer.verify(at: now)
///     _ = try await cache.store(offer, source: "publish", receivedAt: Date())
///     let answers = try await cache.subOffers(for: pieceCID, now: now, limit: 16)
public final class OfferCache: Sendable {
    /// What storing one offer did.
    public enum Outcome: Sendable, Equatable {
        /// The offer is kept for `linked` of its Piece CIDs (the others already have a
        /// kept offer of its provider that replaces it), and it took `unlinked` links
        /// from older offers it replaces.
        case stored(linked: Int, unlinked: Int)
        /// An offer with the same ID is already cached: nothing changed.
        case duplicate
        /// Every one of its Piece CIDs has a kept offer of its provider that replaces it
        /// (an older offer arriving late): not kept.
        case superseded
    }

    let database: NodeDatabase
    private let arrivals: BatchedWrites<Arrival, Outcome>
    /// The lookup's own connections, for a file database (an in-memory one has only the pool).
    private let lookup: CacheLookup?

    /// One offer to store, as `store(_:source:receivedAt:)` was given it.
    private struct Arrival: Sendable {
        let offer: CIDOffer
        let source: String
        let receivedAt: Date
    }

    public init(database: NodeDatabase) {
        self.database = database
        lookup = database.path == ":memory:" ? nil : CacheLookup(path: database.path)
        arrivals = BatchedWrites(database: database, durable: false, label: "filtop.offer-cache") { db, arrivals in
            try arrivals.map { .success(try OfferCache.store($0.offer, source: $0.source, receivedAt: $0.receivedAt, db)) }
        }
    }

    /// Stores `offer`, verified by the caller, as received at `receivedAt` by way of
    /// `source` (e.g. "publish"). Offers stored at the same time by other callers share
    /// one transaction.
    public func store(_ offer: CIDOffer, source: String, receivedAt: Date) async throws -> Outcome {
        try await arrivals.submit(Arrival(offer: offer, source: source, receivedAt: receivedAt))
    }

    /// Stores `offers` in order in one transaction (bulk ingestion); one outcome each.
    public func store(_ offers: [CIDOffer], source: String, receivedAt: Date) async throws -> [Outcome] {
        try await database.write { db in
            try offers.map { try OfferCache.store($0, source: source, receivedAt: receivedAt, db) }
        }
    }

    /// The sub-offers for `pieceCID` of offers still valid at `now` (Unix seconds), at
    /// most `limit`, cheapest first (the newest first among equal prices).
    public func subOffers(for pieceCID: PieceCID, now: UInt64, limit: Int) async throws -> [SubOffer] {
        try await database.read { db in try OfferCache.subOffers(for: pieceCID, now: now, limit: limit, db) }
    }

    /// `subOffers(for:now:limit:)` on the calling thread, on a connection of the cache's
    /// own (no pool, no queue): for a caller on a thread of its own (a request handler on
    /// its session's event loop), which it blocks for the lookup. Not for tasks on Swift's
    /// cooperative pool.
    public func subOffersNow(for pieceCID: PieceCID, now: UInt64, limit: Int) throws -> [SubOffer] {
        if let lookup { return try lookup.subOffers(for: pieceCID, now: now, limit: limit) }
        return try database.read { db in try OfferCache.subOffers(for: pieceCID, now: now, limit: limit, db) }
    }

    /// Drops every offer of `provider` (blocked, or gone); returns how many Piece CIDs
    /// were linked to them.
    public func removeOffers(of provider: NodeID) async throws -> Int {
        try await database.write { db in try OfferCache.removeOffers(of: provider, db) }
    }

    /// Deletes every offer expired at `now` (Unix seconds); returns how many.
    public func sweepExpired(now: UInt64) async throws -> Int {
        try await database.write { db in try OfferCache.sweepExpired(now: now, db) }
    }

    /// Cached offers valid at `now`, one per (offer, Piece CID), of `query.provider` and
    /// for `query.pieceCID` when given: the most recently stored offers first, an offer's
    /// CIDs in its order; at most `query.limit`.
    public func list(_ query: OfferQuery, now: UInt64) async throws -> [CachedOffer] {
        try await database.read { db in try OfferCache.list(query, now: now, db) }
    }

    /// How many offers valid at `now` the cache holds, and how many Piece CIDs are linked
    /// to them. Reads one row per provider and the expired offers not yet swept.
    public func counts(now: UInt64) async throws -> (offers: Int, cids: Int) {
        try await database.read { db in try OfferCache.counts(now: now, db) }
    }

    /// Per provider with any, the Piece CIDs linked to its offers valid at `now`.
    public func cidCountsByProvider(now: UInt64) async throws -> [NodeID: Int] {
        try await database.read { db in try OfferCache.cidCountsByProvider(now: now, db) }
    }

    /// Per provider that ever had an offer stored here, when the last one was (its
    /// `receivedAt`), kept after its offers expire or are removed.
    public func lastStored() async throws -> [NodeID: Date] {
        try await database.read { db in try OfferCache.lastStored(db) }
    }
}
