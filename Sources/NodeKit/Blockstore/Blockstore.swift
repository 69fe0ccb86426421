import Foundation
import GRDB

/// Imported content: each piece kept as its CAR file under `pieces/`, with a SQLite index
/// from block CID to (piece, offset, length) so any block is read without loading its piece.
///
/// Files are written under a temporary name and renamed only once complete and indexed,
/// so a crash mid-import leaves no half piece in the index.
public final class Blockstore: Sendable {
    public let directory: String
    public let database: NodeDatabase

    /// Opens the blockstore rooted at `directory` (its CARs live in `directory/pieces`).
    public init(directory: String, database: NodeDatabase) throws {
        self.directory = directory
        self.database = database
        try FileManager.default.createDirectory(atPath: piecesDirectory, withIntermediateDirectories: true)
    }

    public var piecesDirectory: String { directory + "/pieces" }

    /// What importing produced.
    public struct ImportSummary: Sendable {
        public let piece: PieceRecord
        public let carPath: String
    }

    /// Imports a file as UnixFS (`ipfs add --cid-version=1` layout) into a new CAR piece.
    public func importFile(
        _ path: String, progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) throws -> ImportSummary {
        let source = try FileSource(path: path)
        let temp = temporaryPath()
        defer { TemporaryFiles.unregister(temp); try? FileManager.default.removeItem(atPath: temp) }
        let placeholder = CID(.dagPB, Multihash(unchecked: Multicodec.sha2_256.rawValue, digest: [UInt8](repeating: 0, count: 32)))
        let writer = try CARWriter(path: temp, roots: [placeholder], computingPieceCommitment: true)
        let total = source.size
        let result = try UnixFSImporter.importFile(source, into: writer) { done in
            progress?(ImportProgress(phase: .importing, done: done, total: total))
        }
        try writer.finish(replacingRoots: [result.root])
        guard let commP = writer.pieceCommitment else {
            throw ContentError.invalidPieceSize("the CAR header is too long to compute its Piece CID while writing")
        }
        return try store(
            temp: temp, root: result.root, commP: commP.pieceCID, pieceSize: commP.size, carSize: writer.size,
            payloadSize: result.fileSize, blocks: result.blocks, source: (path as NSString).lastPathComponent)
    }

    /// Imports an existing CAR (v1 or v2) made by any IPLD tool: every block is verified
    /// against its CID and the blocks are stored as a CARv1 piece with the same roots.
    public func importCAR(_ path: String) throws -> ImportSummary {
        let reader = try CARReader(path: path)
        guard let root = reader.header.roots.first else { throw ContentError.invalidCAR("the CAR has no root") }
        let temp = temporaryPath()
        defer { TemporaryFiles.unregister(temp); try? FileManager.default.removeItem(atPath: temp) }
        let writer = try CARWriter(path: temp, roots: reader.header.roots, computingPieceCommitment: true)
        var blocks: [(cid: CID, location: BlockLocation)] = []
        var payload: UInt64 = 0
        while let block = try reader.next(verify: true) {
            let location = try block.data.withUnsafeBytes { try writer.put(cid: block.cid, data: $0) }
            blocks.append((block.cid, location))
            payload += UInt64(block.data.count)
        }
        try writer.finish()
        let commP: (pieceCID: PieceCID, size: PaddedPieceSize)
        if let computed = writer.pieceCommitment {
            commP = computed
        } else {
            let r = try PieceCommitmentHasher.pieceCID(ofFile: temp)
            commP = (r.pieceCID, r.size)
        }
        return try store(
            temp: temp, root: root, commP: commP.pieceCID, pieceSize: commP.size, carSize: writer.size,
            payloadSize: payload, blocks: blocks, source: (path as NSString).lastPathComponent)
    }

    private func store(
        temp: String, root: CID, commP: PieceCID, pieceSize: PaddedPieceSize, carSize: UInt64,
        payloadSize: UInt64, blocks: [(cid: CID, location: BlockLocation)], source: String
    ) throws -> ImportSummary {
        let carFile = commP.description + ".car"
        let finalPath = piecesDirectory + "/" + carFile
        let record = PieceRecord(
            pieceCID: commP.description, rootCID: root.description, carFile: carFile, carSize: carSize,
            pieceSize: pieceSize.bytes, payloadSize: payloadSize, blockCount: blocks.count, source: source,
            importedAt: Date())
        let existing = try database.writer.read { db in try PieceRecord.fetchOne(db, key: record.pieceCID) }
        if let existing, FileManager.default.fileExists(atPath: finalPath) {
            // Same Piece CID means byte-identical CAR: keep the stored one.
            return ImportSummary(piece: existing, carPath: finalPath)
        }
        guard rename(temp, finalPath) == 0 else { throw IOError(path: finalPath, operation: "move the new piece to") }
        try database.writer.write { db in
            try record.insert(db, onConflict: .replace)
            for (cid, location) in blocks {
                try BlockRecord(
                    cid: Data(cid.bytes), pieceCID: record.pieceCID, dataOffset: location.dataOffset,
                    dataLength: location.dataLength
                ).insert(db, onConflict: .ignore)
            }
        }
        return ImportSummary(piece: record, carPath: finalPath)
    }

    /// A new piece's temporary name, registered for removal if the run is interrupted;
    /// it carries this process's ID so that `DataDirectory` can sweep the leftovers of
    /// processes that died.
    private func temporaryPath() -> String {
        let path = piecesDirectory + "/.import-\(getpid())-\(UUID().uuidString).car.part"
        TemporaryFiles.register(path)
        return path
    }

    /// How many pieces, blocks and bytes the store holds, and its content revision.
    public func totals() throws -> ContentTotals {
        try database.writer.read { db in
            guard let totals = try ContentTotals.fetchOne(db, sql: "SELECT revision, piece_count, payload_bytes, car_bytes, block_count FROM content_totals") else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "the content_totals row is missing from \(database.path)")
            }
            return totals
        }
    }

    /// All pieces, newest first.
    public func pieces() throws -> [PieceRecord] {
        var pieces: [PieceRecord] = []
        try forEachPiece { pieces.append($0) }
        return pieces
    }

    /// Calls `body` with every piece, newest first, one row at a time, so listing ten
    /// thousand pieces builds no array of records; then gives back the page cache the
    /// listing filled, which a node does not need to keep.
    public func forEachPiece(_ body: (PieceRecord) throws -> Void) throws {
        try database.writer.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT piece_cid, root_cid, car_file, car_size, piece_size, payload_size, block_count, source, imported_at
                FROM piece ORDER BY imported_at DESC
                """)
            while let row = try rows.next() {
                try body(PieceRecord(
                    pieceCID: row[0], rootCID: row[1], carFile: row[2], carSize: row[3], pieceSize: row[4], payloadSize: row[5],
                    blockCount: row[6], source: row[7], importedAt: Date(timeIntervalSince1970: row[8])))
            }
        }
        database.writer.releaseMemory()
    }

    /// The piece with this Piece CID, if imported.
    public func piece(_ pieceCID: String) throws -> PieceRecord? {
        try database.writer.read { db in try PieceRecord.fetchOne(db, key: pieceCID) }
    }

    /// Reads a block by CID from whichever piece holds it, verifying its hash.
    /// Returns nil when no piece holds it.
    public func block(_ cid: CID) throws -> [UInt8]? {
        let found = try database.writer.read { db -> (BlockRecord, PieceRecord)? in
            guard let b = try BlockRecord.filter(Column("cid") == Data(cid.bytes)).fetchOne(db),
                  let p = try PieceRecord.fetchOne(db, key: b.pieceCID) else { return nil }
            return (b, p)
        }
        guard let (location, piece) = found else { return nil }
        let source = try FileSource(path: piecesDirectory + "/" + piece.carFile)
        let data = try source.read(at: location.dataOffset, count: location.dataLength)
        guard data.count == location.dataLength else {
            throw ContentError.invalidCAR("piece \(piece.pieceCID) is shorter than its index says (block \(cid))")
        }
        guard try cid.multihash.matches(data) else { throw ContentError.hashMismatch(cid: cid.description) }
        return data
    }
}

/// How far an import has got, for progress displays.
public struct ImportProgress: Sendable {
    public enum Phase: String, Sendable { case importing }
    public let phase: Phase
    public let done: UInt64
    public let total: UInt64
}
