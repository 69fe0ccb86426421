import Foundation
import GRDB

/// The cache's reads: sub-offers for find-offers, listings and counts for the console.
/// Joins are written `CROSS JOIN`, which SQLite never reorders, so each query starts from
/// its index (a Piece CID's links, a provider's offers). Offers expired at `now` are left
/// out, swept or not.
extension OfferCache {
    /// The sub-offers for `pieceCID` on a connection of the node's pool (`CacheLookup`'s
    /// statement and decoder).
    static func subOffers(for pieceCID: PieceCID, now: UInt64, limit: Int, _ db: Database) throws -> [SubOffer] {
        try CacheLookup.subOffers(try db.cachedStatement(sql: CacheLookup.sql).sqliteStatement, for: pieceCID, now: now, limit: limit)
    }

    static func list(_ query: OfferQuery, now: UInt64, _ db: Database) throws -> [CachedOffer] {
        guard query.limit > 0 else { return [] }
        if let pieceCID = query.pieceCID { return try list(for: pieceCID, provider: query.provider, now: now, limit: query.limit, db) }
        var filter = ""
        var arguments: StatementArguments = [OfferColumns.now(now)]
        if let provider = query.provider {
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM gateway_provider WHERE node_id = ?", arguments: [Data(provider.bytes)]) else {
                return []
            }
            filter = " AND o.provider = ?"
            arguments += [id]
        }
        let offers = try Row.fetchCursor(db, sql: """
            SELECT o.id, o.offer_id, o.price, o.expiry, o.latency, o.nonce, o.leaf_count, o.source, o.received_at, o.root, p.node_id
            FROM gateway_offer o CROSS JOIN gateway_provider p ON p.id = o.provider
            WHERE \(OfferColumns.live)\(filter) ORDER BY o.id DESC
            """, arguments: arguments)
        let isLinked = try db.cachedStatement(sql: "SELECT 1 FROM gateway_offer_cid WHERE commitment = ? AND offer = ?")
        var listed: [CachedOffer] = []
        while listed.count < query.limit, let row = try offers.next() {
            let r = StoredRow(row, subject: "a cached offer")
            let id = try r.integer("id"), leafCount = try r.leafCount()
            let leaves = try leaves(of: id, leafCount: leafCount, root: try r.blob("root", count: MerkleTree.nodeSize), db)
            for leaf in 0..<leafCount where listed.count < query.limit {
                let commitment = Array(leaves[leaf * MerkleTree.nodeSize..<(leaf + 1) * MerkleTree.nodeSize])
                guard try Bool.fetchOne(isLinked, arguments: [Data(commitment), id]) == true else { continue }
                listed.append(try cachedOffer(r, pieceCID: try pieceCID(commitment, r)))
            }
        }
        return listed
    }

    /// `list` for one Piece CID: straight from its links.
    private static func list(for pieceCID: PieceCID, provider: NodeID?, now: UInt64, limit: Int, _ db: Database) throws -> [CachedOffer] {
        var arguments: StatementArguments = [Data(pieceCID.commitment), OfferColumns.now(now)]
        if let provider { arguments += [Data(provider.bytes)] }
        arguments += [limit]
        let rows = try Row.fetchAll(db, sql: """
            SELECT o.offer_id, o.price, o.expiry, o.latency, o.nonce, o.source, o.received_at, p.node_id
            FROM gateway_offer_cid c CROSS JOIN gateway_offer o ON o.id = c.offer CROSS JOIN gateway_provider p ON p.id = o.provider
            WHERE c.commitment = ? AND \(OfferColumns.live)\(provider == nil ? "" : " AND p.node_id = ?")
            ORDER BY o.id DESC LIMIT ?
            """, arguments: arguments)
        return try rows.map { try cachedOffer(StoredRow($0, subject: "a cached offer for \(pieceCID)"), pieceCID: pieceCID) }
    }

    private static func cachedOffer(_ r: StoredRow, pieceCID: PieceCID) throws -> CachedOffer {
        CachedOffer(offerID: Array(try r.blob("offer_id", count: 32)), provider: try r.nodeID("node_id"), pieceCID: pieceCID,
                    terms: try r.offerTerms(), source: try r.text("source"), receivedAt: try r.time("received_at"))
    }

    private static func pieceCID(_ commitment: [UInt8], _ r: StoredRow) throws -> PieceCID {
        do { return try PieceCID(commitment: commitment) } catch {
            throw CorruptRowError(subject: r.subject, column: "root/levels", problem: "holds a leaf that is no Piece CID (\(error))")
        }
    }

    static func counts(now: UInt64, _ db: Database) throws -> (offers: Int, cids: Int) {
        // An aggregate without GROUP BY always yields one row.
        let totals = StoredRow(try Row.fetchOne(db, sql: """
            SELECT COALESCE(SUM(offers), 0) AS offers, COALESCE(SUM(cids), 0) AS cids FROM gateway_provider
            """) ?? Row(), subject: "the gateway providers' totals")
        let expired = StoredRow(try Row.fetchOne(db, sql: """
            SELECT COUNT(*) AS offers, COALESCE(SUM(cids), 0) AS cids FROM gateway_offer WHERE \(OfferColumns.expired)
            """, arguments: [OfferColumns.now(now)]) ?? Row(), subject: "the expired cached offers")
        let offers = try totals.count("offers") - expired.count("offers"), cids = try totals.count("cids") - expired.count("cids")
        guard offers >= 0, cids >= 0 else {
            throw CorruptRowError(subject: totals.subject, column: "offers/cids", problem: "count fewer than the expired offers alone")
        }
        return (offers, cids)
    }

    static func cidCountsByProvider(now: UInt64, _ db: Database) throws -> [NodeID: Int] {
        var counts: [Int64: (provider: NodeID, cids: Int)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, node_id, cids FROM gateway_provider WHERE cids > 0") {
            let r = StoredRow(row, subject: "a gateway provider")
            counts[try r.integer("id")] = (try r.nodeID("node_id"), try r.count("cids"))
        }
        let expired = try Row.fetchAll(db, sql: """
            SELECT provider, SUM(cids) AS cids FROM gateway_offer WHERE \(OfferColumns.expired) GROUP BY provider
            """, arguments: [OfferColumns.now(now)])
        for row in expired {
            let r = StoredRow(row, subject: "the expired cached offers")
            let id = try r.integer("provider"), cids = try r.count("cids")
            if cids == 0 { continue }
            guard let total = counts[id]?.cids, total >= cids else {
                throw CorruptRowError(subject: "a gateway provider", column: "cids", problem: "counts fewer than its expired offers alone")
            }
            counts[id]?.cids = total - cids
        }
        return Dictionary(uniqueKeysWithValues: counts.values.filter { $0.cids > 0 }.map { ($0.provider, $0.cids) })
    }

    static func lastStored(_ db: Database) throws -> [NodeID: Date] {
        var last: [NodeID: Date] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT node_id, last_stored_at FROM gateway_provider") {
            let r = StoredRow(row, subject: "a gateway provider")
            last[try r.nodeID("node_id")] = try r.time("last_stored_at")
        }
        return last
    }
}
