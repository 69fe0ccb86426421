import GRDB

/// What the blockstore holds, in sum, and a revision that changes whenever a piece is
/// added, removed or rewritten. Kept in one row by triggers on the piece table, so reading
/// it costs the same for ten pieces or ten million, and a front end can tell whether its
/// list of pieces is stale without fetching it.
public struct ContentTotals: Sendable, Equatable {
    public var revision: Int64
    public var pieceCount: Int
    public var payloadBytes: UInt64
    public var carBytes: UInt64
    public var blockCount: Int
}

extension ContentTotals {
    static let query = "SELECT revision, piece_count, payload_bytes, car_bytes, block_count FROM content_totals"

    /// Decodes the `content_totals` row; a damaged value throws a `CorruptRowError`.
    init(row: Row) throws {
        let stored = StoredRow(row, subject: "the content totals")
        self.init(
            revision: try stored.integer("revision"), pieceCount: try stored.count("piece_count"),
            payloadBytes: try stored.size("payload_bytes"), carBytes: try stored.size("car_bytes"),
            blockCount: try stored.count("block_count"))
    }
}
