import Foundation
import GRDB

/// Where a block's CAR section lies in a piece's CAR file, as the blockstore's index says.
///
/// The index records where the block's data starts; `CARWriter` lays each section out as
/// `varint(len(cid) + len(data)) ‖ cid ‖ data`, so the section starts `len(cid)` plus the
/// varint's size before the data.
struct BlockPlace: Sendable, Equatable {
    /// The Piece CID of the piece holding the block, for messages.
    let piece: String
    let carPath: String
    let dataOffset: UInt64
    let dataLength: Int
    let cidLength: Int

    /// The section's length: prefix, CID and data.
    var sectionLength: Int { Varint.size(of: UInt64(cidLength + dataLength)) + cidLength + dataLength }

    /// Where the section starts in the CAR file.
    var sectionOffset: UInt64 { dataOffset - UInt64(sectionLength - dataLength) }

    /// The bytes the section must start with: its length varint and `cid`.
    func header(of cid: CID) -> [UInt8] {
        var header = [UInt8]()
        header.reserveCapacity(sectionLength - dataLength)
        Varint.append(UInt64(cidLength + dataLength), to: &header)
        cid.appendBytes(to: &header)
        return header
    }
}

extension Blockstore {
    /// The most CIDs looked up in one query.
    static let placesPerQuery = 500

    /// Where each of `cids` is stored, looked up in one query per `placesPerQuery` CIDs on
    /// the database's queue. A CID in no piece is absent from the result; one that several
    /// pieces hold is taken from `preferredPiece` when that is one of them, so that a DAG's
    /// sections come from one file and can be read together.
    func places(of cids: [CID], preferring preferredPiece: String?) async throws -> [CID: BlockPlace] {
        guard !cids.isEmpty else { return [:] }
        let directory = piecesDirectory
        return try await database.read { db in
            var places: [CID: BlockPlace] = [:]
            var start = 0
            while start < cids.count {
                let batch = cids[start..<min(cids.count, start + Self.placesPerQuery)]
                start += batch.count
                let byBytes = Dictionary(batch.map { (Data($0.bytes), $0) }, uniquingKeysWith: { a, _ in a })
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT cid, piece_cid, car_file, car_size, data_offset, data_length
                        FROM block JOIN piece USING (piece_cid)
                        WHERE cid IN (\(Array(repeating: "?", count: byBytes.count).joined(separator: ",")))
                        """,
                    arguments: StatementArguments(Array(byBytes.keys)))
                while let row = try rows.next() {
                    let key: Data = row["cid"]
                    guard let cid = byBytes[key] else { continue }
                    let place = try Self.place(row, cid: cid, directory: directory)
                    if places[cid] == nil || place.piece == preferredPiece { places[cid] = place }
                }
            }
            return places
        }
    }

    /// Decodes one row of `places(of:preferring:)`, checking its offsets against the CAR.
    private static func place(_ row: Row, cid: CID, directory: String) throws -> BlockPlace {
        var stored = StoredRow(row, subject: "block \(cid)")
        let piece = try stored.text("piece_cid")
        stored.subject = "block \(cid) of piece \(piece)"
        let carSize = try stored.integer("car_size")
        let offset = try stored.integer("data_offset", maximum: carSize)
        let length = try stored.integer("data_length", maximum: carSize - offset)
        let place = BlockPlace(
            piece: piece, carPath: directory + "/" + (try stored.text("car_file")), dataOffset: UInt64(offset),
            dataLength: Int(length), cidLength: cid.byteCount)
        guard place.dataOffset >= UInt64(place.sectionLength - place.dataLength) else {
            throw TransferError.damagedPiece(piece: piece, reason: "the index puts block \(cid) at offset \(offset), inside the CAR header")
        }
        return place
    }
}
