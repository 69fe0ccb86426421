import Foundation
import GRDB

/// One imported piece: a CAR file in the data directory and what it holds.
public struct PieceRecord: Hashable, Sendable {
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
    /// When the piece was imported (stored to the millisecond).
    public var importedAt: Date
}

extension PieceRecord {
    /// The columns `init(row:)` reads, in table order.
    static let columns = "piece_cid, root_cid, car_file, car_size, piece_size, payload_size, block_count, source, imported_at"

    /// Decodes a `piece` row, checking every value: a damaged row throws a
    /// `CorruptRowError` naming the piece.
    init(row: Row) throws {
        var stored = StoredRow(row, subject: "a piece")
        let pieceCID = try stored.text("piece_cid")
        stored.subject = "piece \(pieceCID)"
        let rootCID = try stored.text("root_cid")
        stored.subject = "piece \(pieceCID) (root \(rootCID))"
        self.init(
            pieceCID: pieceCID, rootCID: rootCID, carFile: try stored.text("car_file"), carSize: try stored.size("car_size"),
            pieceSize: try stored.size("piece_size"), payloadSize: try stored.size("payload_size"),
            blockCount: try stored.count("block_count"), source: try stored.text("source"),
            importedAt: try stored.time("imported_at"))
    }

    /// Inserts or replaces this piece's row.
    func save(_ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO piece (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                pieceCID, rootCID, carFile, Int64(clamping: carSize), Int64(clamping: pieceSize), Int64(clamping: payloadSize),
                blockCount, source, StoredTime.milliseconds(importedAt),
            ])
    }
}
