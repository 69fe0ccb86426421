import Foundation
import GRDB

/// The cache's writes: storing an offer under the replacement rule, and dropping offers.
/// Each keeps `gateway_offer.cids` and the provider's totals in step with the links.
extension OfferCache {
    /// Stores `offer` (see `Outcome`), applying `OfferPolicy` per Piece CID against the
    /// offers of its provider already linked to that CID.
    static func store(_ offer: CIDOffer, source: String, receivedAt: Date, _ db: Database) throws -> Outcome {
        let offerID = Data(offer.id)
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM gateway_offer WHERE offer_id = ?"), arguments: [offerID]) == true {
            return .duplicate
        }
        let nodeID = offer.providerID
        let known = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM gateway_provider WHERE node_id = ?"),
                                       arguments: [Data(nodeID.bytes)])
        var linked: [Int] = []
        var unlinks: [(commitment: Data, offer: Int64)] = []
        // Links each replaced older offer has left, once this offer has taken its share.
        var remaining: [Int64: Int] = [:]
        for leaf in 0..<offer.cidCount {
            let commitment = Data(offer.commitment(at: leaf))
            guard let known else {
                linked.append(leaf)
                continue
            }
            let kept = try keptOffers(for: commitment, provider: known, db)
            if kept.contains(where: { OfferPolicy.replaces((offer.provider, $0.terms), (offer.provider, offer.terms)) }) { continue }
            linked.append(leaf)
            for older in kept where OfferPolicy.replaces((offer.provider, offer.terms), (offer.provider, older.terms)) {
                unlinks.append((commitment, older.id))
                remaining[older.id, default: older.cids] -= 1
            }
        }
        if linked.isEmpty { return .superseded }

        let receivedMillis = StoredTime.milliseconds(receivedAt)
        let provider = try known ?? insertProvider(offer.provider, nodeID: nodeID, db)
        let row = try insertOffer(offer, id: offerID, provider: provider, cids: linked.count, source: source, receivedMillis: receivedMillis, db)
        let link = try db.cachedStatement(sql: "INSERT INTO gateway_offer_cid (commitment, offer, leaf) VALUES (?, ?, ?)")
        for leaf in linked { try link.execute(arguments: [Data(offer.commitment(at: leaf)), row, leaf]) }
        let unlink = try db.cachedStatement(sql: "DELETE FROM gateway_offer_cid WHERE commitment = ? AND offer = ?")
        for (commitment, older) in unlinks { try unlink.execute(arguments: [commitment, older]) }
        var emptied = 0
        for (older, left) in remaining {
            if left == 0 {
                try db.execute(sql: "DELETE FROM gateway_offer WHERE id = ?", arguments: [older])
                emptied += 1
            } else {
                try db.execute(sql: "UPDATE gateway_offer SET cids = ? WHERE id = ?", arguments: [left, older])
            }
        }
        try db.cachedStatement(sql: """
            UPDATE gateway_provider SET offers = offers + ?, cids = cids + ?, last_stored_at = MAX(last_stored_at, ?) WHERE id = ?
            """).execute(arguments: [1 - emptied, linked.count - unlinks.count, receivedMillis, provider])
        return .stored(linked: linked.count, unlinked: unlinks.count)
    }

    /// An offer of the storing offer's provider linked to the same Piece CID.
    private struct KeptOffer {
        let id: Int64
        let terms: OfferTerms
        let cids: Int
    }

    private static func keptOffers(for commitment: Data, provider: Int64, _ db: Database) throws -> [KeptOffer] {
        // CROSS JOIN keeps the commitment's links as the outer loop (SQLite never reorders it).
        let statement = try db.cachedStatement(sql: """
            SELECT o.id, o.price, o.expiry, o.latency, o.nonce, o.cids
            FROM gateway_offer_cid c CROSS JOIN gateway_offer o ON o.id = c.offer
            WHERE c.commitment = ? AND o.provider = ?
            """)
        return try Row.fetchAll(statement, arguments: [commitment, provider]).map { row in
            let r = StoredRow(row, subject: "a cached offer")
            return KeptOffer(id: try r.integer("id"), terms: try r.offerTerms(), cids: try r.count("cids"))
        }
    }

    private static func insertProvider(_ key: PublicKey, nodeID: NodeID, _ db: Database) throws -> Int64 {
        try db.execute(sql: "INSERT INTO gateway_provider (node_id, public_key, offers, cids, last_stored_at) VALUES (?, ?, 0, 0, 0)",
                       arguments: [Data(nodeID.bytes), Data(key.bytes)])
        return db.lastInsertedRowID
    }

    private static func insertOffer(_ offer: CIDOffer, id: Data, provider: Int64, cids: Int, source: String, receivedMillis: Int64,
                                    _ db: Database) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO gateway_offer (offer_id, provider, price, expiry, latency, nonce, leaf_count, cids, source, received_at, root, signature)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                id, provider, OfferColumns.price(offer.terms.pricePerByte), OfferColumns.unsigned64(offer.terms.expiry),
                OfferColumns.unsigned64(offer.terms.latencyMillis), OfferColumns.unsigned64(offer.terms.nonce), offer.cidCount, cids,
                source, receivedMillis, Data(offer.root), Data(offer.signature.bytes),
            ])
        let row = db.lastInsertedRowID
        if !offer.isSingle {
            try db.cachedStatement(sql: "INSERT INTO gateway_offer_tree (offer, levels) VALUES (?, ?)")
                .execute(arguments: [row, Data(MerkleTree(flatLeaves: offer.flatCommitments).flatLevels)])
        }
        return row
    }

    /// Drops every offer of `provider`; returns the Piece CIDs that were linked to them.
    static func removeOffers(of provider: NodeID, _ db: Database) throws -> Int {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM gateway_provider WHERE node_id = ?", arguments: [Data(provider.bytes)]) else {
            return 0
        }
        let offers = try Row.fetchAll(db, sql: "SELECT id, leaf_count, cids, root FROM gateway_offer WHERE provider = ?", arguments: [id])
        var unlinked = 0
        for row in offers { unlinked += try delete(row, db) }
        try db.execute(sql: "UPDATE gateway_provider SET offers = 0, cids = 0 WHERE id = ?", arguments: [id])
        return unlinked
    }

    /// Deletes the offers expired at `now`; returns how many.
    static func sweepExpired(now: UInt64, _ db: Database) throws -> Int {
        let offers = try Row.fetchAll(db, sql: "SELECT id, provider, leaf_count, cids, root FROM gateway_offer WHERE \(OfferColumns.expired)",
                                      arguments: [OfferColumns.now(now)])
        var dropped: [Int64: (offers: Int, cids: Int)] = [:]
        for row in offers {
            let cids = try delete(row, db)
            let provider = try StoredRow(row, subject: "a cached offer").integer("provider")
            dropped[provider, default: (0, 0)].offers += 1
            dropped[provider, default: (0, 0)].cids += cids
        }
        for (provider, less) in dropped {
            try db.execute(sql: "UPDATE gateway_provider SET offers = offers - ?, cids = cids - ? WHERE id = ?",
                           arguments: [less.offers, less.cids, provider])
        }
        return offers.count
    }

    /// Deletes the offer of `row` (its `id`, `leaf_count`, `cids` and `root`) with its
    /// links, found from its leaves, and its tree; returns how many links it had.
    private static func delete(_ row: Row, _ db: Database) throws -> Int {
        let r = StoredRow(row, subject: "a cached offer")
        let id = try r.integer("id"), cids = try r.count("cids")
        if cids > 0 {
            let leaves = try self.leaves(of: id, leafCount: try r.leafCount(), root: try r.blob("root", count: MerkleTree.nodeSize), db)
            let unlink = try db.cachedStatement(sql: "DELETE FROM gateway_offer_cid WHERE commitment = ? AND offer = ?")
            for start in stride(from: 0, to: leaves.count, by: MerkleTree.nodeSize) {
                try unlink.execute(arguments: [Data(leaves[start..<start + MerkleTree.nodeSize]), id])
            }
        }
        try db.execute(sql: "DELETE FROM gateway_offer WHERE id = ?", arguments: [id])
        return cids
    }

    /// The flat leaves of offer `id`: its root when it is a single CID offer, else the
    /// first level of its stored tree.
    static func leaves(of id: Int64, leafCount: Int, root: Data, _ db: Database) throws -> [UInt8] {
        if leafCount == 1 { return Array(root) }
        return Array(try treeLevels(of: id, leafCount: leafCount, db).prefix(leafCount * MerkleTree.nodeSize))
    }

    /// The stored Merkle levels of group offer `id`, checked against its leaf count.
    static func treeLevels(of id: Int64, leafCount: Int, _ db: Database) throws -> Data {
        let subject = "the Merkle tree of cached offer row \(id)"
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT levels FROM gateway_offer_tree WHERE offer = ?"), arguments: [id]) else {
            throw CorruptRowError(subject: subject, column: "levels", problem: "is missing for an offer of \(leafCount) Piece CIDs")
        }
        return try StoredRow(row, subject: subject).blob("levels", count: MerkleTree.flatLevelsByteCount(leafCount: leafCount))
    }
}

extension StoredRow {
    /// An offer's `leaf_count`: 1 to `OfferLimits.maxCIDsPerOffer`.
    func leafCount() throws -> Int {
        let n = try count("leaf_count")
        guard n >= 1, n <= OfferLimits.maxCIDsPerOffer else {
            throw CorruptRowError(subject: subject, column: "leaf_count", problem: "holds \(n), outside 1…\(OfferLimits.maxCIDsPerOffer)")
        }
        return n
    }
}
