import Foundation
import GRDB

/// One imported piece: a CAR file in the data directory and what it holds.
public struct PieceRecord: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "piece"

    public var pieceCID: String
    public var rootCID: String
    /// The CAR's file name inside the blockstore's pieces directory.
    public var carFile: String
    public var carSize: UInt64
    public var pieceSize: UInt64
    /// The size of the original file (UnixFS imports) or of the CAR's blocks.
    public var payloadSize: UInt64
    public var blockCount: Int
    /// What the piece was imported from (a file name).
    public var source: String
    public var importedAt: Date

    enum CodingKeys: String, CodingKey {
        case pieceCID = "piece_cid", rootCID = "root_cid", carFile = "car_file", carSize = "car_size"
        case pieceSize = "piece_size", payloadSize = "payload_size", blockCount = "block_count"
        case source, importedAt = "imported_at"
    }
}

/// One row of the block index: where a block's bytes sit inside a piece's CAR.
struct BlockRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "block"
    var cid: Data
    var pieceCID: String
    var dataOffset: UInt64
    var dataLength: Int

    enum CodingKeys: String, CodingKey {
        case cid, pieceCID = "piece_cid", dataOffset = "data_offset", dataLength = "data_length"
    }
}
