import Foundation
import GRDB
import GRDBSQLite

/// The find-offers lookup on SQLite's own API: one prepared statement, columns read in
/// place, only a proof's siblings copied out of the stored Merkle levels.
///
/// `CacheLookup.subOffers(_:…)` decodes the rows of a prepared lookup statement, for both
/// ways the cache runs it: on a reader connection of the node's pool (async callers), and
/// on the cache's own lookup connections (`CacheLookup`), which a session's event loop
/// uses without the pool's locks and queue hops — the hottest path a gateway has.
final class CacheLookup: @unchecked Sendable {
    static let sql = """
        SELECT c.leaf, o.leaf_count, o.price, o.expiry, o.latency, o.nonce, o.root, o.signature, p.public_key, t.levels
        FROM gateway_offer_cid c CROSS JOIN gateway_offer o ON o.id = c.offer CROSS JOIN gateway_provider p ON p.id = o.provider
        LEFT JOIN gateway_offer_tree t ON t.offer = o.id
        WHERE c.commitment = ?1 AND (o.expiry > ?2 OR o.expiry < 0)
        ORDER BY o.price, o.id DESC LIMIT ?3
        """
    /// Idle connections kept (each caller thread takes one; more are opened if needed).
    static let keptConnections = 4

    /// A connection of its own with the lookup statement prepared on it.
    private final class Connection {
        let db: OpaquePointer
        let statement: OpaquePointer

        init(path: String) throws {
            var db: OpaquePointer?
            guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db else {
                let why = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
                sqlite3_close(db)
                throw CorruptRowError(subject: "the offer cache", column: "(database)", problem: "cannot be opened for lookups: \(why)")
            }
            sqlite3_busy_timeout(db, 5000)
            var statement: OpaquePointer?
            guard sqlite3_prepare_v3(db, CacheLookup.sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
                let why = String(cString: sqlite3_errmsg(db))
                sqlite3_close(db)
                throw CorruptRowError(subject: "the offer cache", column: "(schema)", problem: "its lookup does not prepare: \(why)")
            }
            self.db = db
            self.statement = statement
        }

        deinit {
            sqlite3_finalize(statement)
            sqlite3_close(db)
        }
    }

    private let path: String
    private let idle = Locked<[Connection]>([])

    init(path: String) { self.path = path }

    /// `subOffers` on one of this lookup's connections, on the calling thread.
    func subOffers(for pieceCID: PieceCID, now: UInt64, limit: Int) throws -> [SubOffer] {
        let connection = try idle.withLock { $0.popLast() } ?? Connection(path: path)
        defer { idle.withLock { if $0.count < Self.keptConnections { $0.append(connection) } } }
        return try Self.subOffers(connection.statement, for: pieceCID, now: now, limit: limit)
    }

    /// Runs the prepared lookup `statement` (`sql`) for `pieceCID` and decodes its rows,
    /// checking each value's type and size: a damaged row is a `CorruptRowError`.
    static func subOffers(_ statement: OpaquePointer, for pieceCID: PieceCID, now: UInt64, limit: Int) throws -> [SubOffer] {
        guard limit > 0 else { return [] }
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        var offers: [SubOffer] = []
        try pieceCID.commitment.withUnsafeBytes { commitment in
            sqlite3_bind_blob(statement, 1, commitment.baseAddress, Int32(commitment.count), nil)
            sqlite3_bind_int64(statement, 2, OfferColumns.now(now))
            sqlite3_bind_int64(statement, 3, Int64(limit))
            while true {
                let step = sqlite3_step(statement)
                if step == SQLITE_DONE { break }
                guard step == SQLITE_ROW else {
                    throw CorruptRowError(subject: "a cached offer", column: "(lookup)", problem: "failed: \(String(cString: sqlite3_errstr(step)))")
                }
                offers.append(try subOffer(statement, pieceCID: pieceCID))
            }
        }
        return offers
    }

    private static func subOffer(_ s: OpaquePointer, pieceCID: PieceCID) throws -> SubOffer {
        let row = RawRow(statement: s)
        let leafCount = try row.integer(1, "leaf_count", in: 1...Int64(OfferLimits.maxCIDsPerOffer))
        let leaf = try row.integer(0, "leaf", in: 0...leafCount - 1)
        let root = try row.bytes(6, "root", count: MerkleTree.nodeSize)
        let levels = row.blob(9)
        guard leafCount == 1 || levels.count == MerkleTree.flatLevelsByteCount(leafCount: Int(leafCount)) else {
            throw row.corrupt("levels", "is \(levels.count) bytes for an offer of \(leafCount) Piece CIDs")
        }
        let at = Int(leaf) * MerkleTree.nodeSize
        let leafMatches = leafCount == 1 ? root == pieceCID.commitment : levels[at..<at + MerkleTree.nodeSize].elementsEqual(pieceCID.commitment)
        guard leafMatches else { throw row.corrupt("leaf", "holds \(leaf), where the offer has another Piece CID") }
        var atto: UInt128 = 0
        for b in try row.bytes(2, "price", count: 16) { atto = atto << 8 | UInt128(b) }
        guard let price = try? TokenAmount(attoFIL: atto) else { throw row.corrupt("price", "holds \(atto) attoFIL, over the maximum amount") }
        let terms = OfferTerms(pricePerByte: price, expiry: try row.unsigned64(3, "expiry"), latencyMillis: try row.unsigned64(4, "latency"),
                               nonce: try row.unsigned64(5, "nonce"))
        return SubOffer(
            provider: PublicKey(unchecked: try row.bytes(8, "public_key", count: PublicKey.byteCount)), pieceCID: pieceCID,
            proof: MerkleTree.proof(at: Int(leaf), leafCount: Int(leafCount), flatLevels: levels), root: root, terms: terms,
            signature: Signature(unchecked: try row.bytes(7, "signature", count: Signature.byteCount)))
    }

    /// The current row of a statement, read by column index with its type checked.
    private struct RawRow {
        let statement: OpaquePointer

        func corrupt(_ column: String, _ problem: String) -> CorruptRowError {
            CorruptRowError(subject: "a cached offer", column: column, problem: problem)
        }

        func integer(_ i: Int32, _ column: String, in range: ClosedRange<Int64>) throws -> Int64 {
            guard sqlite3_column_type(statement, i) == SQLITE_INTEGER else { throw corrupt(column, "holds no whole number") }
            let n = sqlite3_column_int64(statement, i)
            guard range.contains(n) else { throw corrupt(column, "holds \(n), outside \(range.lowerBound)…\(range.upperBound)") }
            return n
        }

        /// A `UInt64` stored as the `Int64` of the same bits (`OfferColumns.unsigned64`).
        func unsigned64(_ i: Int32, _ column: String) throws -> UInt64 {
            guard sqlite3_column_type(statement, i) == SQLITE_INTEGER else { throw corrupt(column, "holds no whole number") }
            return UInt64(bitPattern: sqlite3_column_int64(statement, i))
        }

        /// The blob in column `i` where it lies (valid until the next step); empty for NULL.
        func blob(_ i: Int32) -> UnsafeRawBufferPointer {
            guard sqlite3_column_type(statement, i) == SQLITE_BLOB, let p = sqlite3_column_blob(statement, i) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, i)))
        }

        func bytes(_ i: Int32, _ column: String, count: Int) throws -> [UInt8] {
            let b = blob(i)
            guard b.count == count else { throw corrupt(column, "holds no \(count)-byte blob") }
            return Array(b)
        }
    }
}
