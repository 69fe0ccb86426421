import GRDB

/// What the blockstore holds, in sum, and a revision that changes whenever a piece is
/// added, removed or rewritten. Kept in one row by triggers on the piece table, so reading
/// it costs the same for ten pieces or ten million, and a front end can tell whether its
/// list of pieces is stale without fetching it.
public struct ContentTotals: Sendable, Equatable, FetchableRecord, Decodable {
    public var revision: Int64
    public var pieceCount: Int
    public var payloadBytes: UInt64
    public var carBytes: UInt64
    public var blockCount: Int

    enum CodingKeys: String, CodingKey {
        case revision
        case pieceCount = "piece_count"
        case payloadBytes = "payload_bytes"
        case carBytes = "car_bytes"
        case blockCount = "block_count"
    }
}
