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
        if let existing = try piece(record.pieceCID), FileManager.default.fileExists(atPath: finalPath) {
            // Same Piece CID means byte-identical CAR: keep the stored one.
            return ImportSummary(piece: existing, carPath: finalPath)
        }
        guard rename(temp, finalPath) == 0 else { throw IOError(path: finalPath, operation: "move the new piece to") }
        try database.write { db in
            try record.save(db)
            for (cid, location) in blocks {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO block (cid, piece_cid, data_offset, data_length) VALUES (?, ?, ?, ?)",
                    arguments: [Data(cid.bytes), record.pieceCID, Int64(clamping: location.dataOffset), location.dataLength])
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
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: ContentTotals.query) else {
                throw CorruptRowError(
                    subject: "the content totals", column: "content_totals",
                    problem: "is missing its only row (\(database.path))")
            }
            return try ContentTotals(row: row)
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
        try database.read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT \(PieceRecord.columns) FROM piece ORDER BY imported_at DESC")
            while let row = try rows.next() { try body(try PieceRecord(row: row)) }
        }
        database.releaseMemory()
    }

    /// The Piece CIDs of every piece, as text — for async callers (the work runs on the
    /// database's queue, never blocking a thread of Swift's cooperative pool).
    public func pieceCIDs() async throws -> [String] {
        try await database.read { db in try String.fetchAll(db, sql: "SELECT piece_cid FROM piece ORDER BY piece_cid") }
    }

    /// The piece with this Piece CID, if imported.
    public func piece(_ pieceCID: String) throws -> PieceRecord? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(PieceRecord.columns) FROM piece WHERE piece_cid = ?", arguments: [pieceCID])
                .map(PieceRecord.init(row:))
        }
    }

    /// Reads a block by CID from whichever piece holds it, verifying its hash.
    /// Returns nil when no piece holds it.
    public func block(_ cid: CID) throws -> [UInt8]? {
        let found = try database.read { db -> (piece: PieceRecord, offset: UInt64, length: Int)? in
            guard let row = try Row.fetchOne(
                db, sql: """
                    SELECT \(PieceRecord.columns), data_offset, data_length
                    FROM block JOIN piece USING (piece_cid) WHERE cid = ? LIMIT 1
                    """, arguments: [Data(cid.bytes)])
            else { return nil }
            let piece = try PieceRecord(row: row)
            let stored = StoredRow(row, subject: "block \(cid) of piece \(piece.pieceCID) (root \(piece.rootCID))")
            let offset = try stored.integer("data_offset", maximum: Int64(clamping: piece.carSize))
            let length = try stored.integer("data_length", maximum: Int64(clamping: piece.carSize) - offset)
            return (piece, UInt64(offset), Int(length))
        }
        guard let (piece, offset, length) = found else { return nil }
        let source = try FileSource(path: piecesDirectory + "/" + piece.carFile)
        let data = try source.read(at: offset, count: length)
        guard data.count == length else {
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
