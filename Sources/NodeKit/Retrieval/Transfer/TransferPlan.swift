import NIOCore

/// The provider's side of a transfer: a DAG's blocks from the blockstore, in transfer order
/// (`TransferOrder`), as ready-to-send CAR sections, chunk by chunk.
///
/// The plan learns the DAG as it goes: it reads each dag-pb node (checking its hash) to
/// learn its links and looks up where all of them are stored in one query. Leaves are
/// neither read apart nor hashed — the client verifies every block — and sections that lie
/// back to back in the same CAR file (a node's leaves, as the importer writes them) are
/// read in one go. SQLite and file reads run off Swift's cooperative pool.
///
/// Errors: `TransferError.missingBlock` when the traversal reaches a block the blockstore
/// does not hold, `.blockTooLarge`, `.damagedPiece`, `.cannotTraverse`, `.dagTooLarge`;
/// `IOError` and `CorruptRowError` from the store. A plan is not used after an error.
///
///     var plan = try await TransferPlan(blockstore: store, root: root, startingAt: resumedBlocks)
///     while let chunk = try await plan.nextChunk(maxBytes: owedBeforeNextPayment) {
///         try await stream.send(chunk.sections)
///     }
public struct TransferPlan: Sendable {
    /// Sections ready to send.
    public struct Chunk: Sendable {
        /// Whole CAR sections, back to back.
        public let sections: ByteBuffer
        /// How many blocks `sections` holds.
        public let blocks: Int
        /// The sum of their data lengths: what the deal charges for.
        public let bytes: UInt64
        /// How many file reads the sections took (sections back to back in a CAR file are
        /// read together).
        public let reads: Int
    }

    /// The default most section bytes one chunk holds.
    public static let defaultChunkCapacity = 1 << 20

    public let root: CID
    private let blockstore: Blockstore
    private let chunkCapacity: Int
    private var order: TransferOrder
    /// Where the blocks waiting on the traversal's stack are stored; a waiting CID absent
    /// here is missing from the blockstore.
    private var places: [CID: BlockPlace]
    private var files: [String: FileSource] = [:]
    private let preferredPiece: String?
    /// Blocks passed so far, including those before the starting block (which an earlier
    /// connection sent).
    public private(set) var blocksSent = 0
    /// The sum of their data lengths.
    public private(set) var bytesSent: UInt64 = 0

    /// Plans the transfer of the DAG at `root`, to start at block `startingAt` of the
    /// transfer order (0 for a new deal; a resumed deal's count of verified blocks). The
    /// blocks before it are skipped by walking the dag-pb nodes, without reading leaves.
    public init(
        blockstore: Blockstore, root: CID, startingAt start: Int = 0, chunkCapacity: Int = Self.defaultChunkCapacity,
        limits: TransferLimits = TransferLimits()
    ) async throws {
        self.root = root
        self.blockstore = blockstore
        self.chunkCapacity = chunkCapacity
        order = try TransferOrder(root: root, limits: limits)
        places = try await blockstore.places(of: [root], preferring: nil)
        preferredPiece = places[root]?.piece
        while blocksSent < start, let cid = order.next {
            let place = try self.place(of: cid)
            try await pass(cid, place)
            blocksSent += 1
            bytesSent += UInt64(place.dataLength)
        }
    }

    /// Whether every block has been sent.
    public var isComplete: Bool { order.next == nil }

    /// The next blocks in transfer order: as many as fit in `maxBytes` of block data and in
    /// the plan's chunk capacity of section bytes, never splitting a block, and at least one
    /// (however large); nil once every block has been sent. `maxBytes` is what the client
    /// may receive before its next payment falls due.
    public mutating func nextChunk(maxBytes: UInt64) async throws -> Chunk? {
        var ranges: [PieceReads.Range] = []
        var expected: [PieceReads.Expected] = []
        var blocks = 0
        var bytes: UInt64 = 0
        var total = 0
        while let cid = order.next {
            let place: BlockPlace
            do { place = try self.place(of: cid) } catch {
                // The blocks before it are still sent; the next call reports it.
                if blocks > 0 { break }
                throw error
            }
            if blocks > 0, bytes + UInt64(place.dataLength) > maxBytes || total + place.sectionLength > chunkCapacity { break }
            try await pass(cid, place)
            expected.append(PieceReads.Expected(at: total, cid: cid, piece: place.piece, header: place.header(of: cid)))
            if let last = ranges.last, last.file.path == place.carPath, last.offset + UInt64(last.length) == place.sectionOffset {
                ranges[ranges.count - 1].length += place.sectionLength
            } else {
                ranges.append(PieceReads.Range(
                    file: try file(place.carPath), piece: place.piece, offset: place.sectionOffset, length: place.sectionLength))
            }
            blocks += 1
            bytes += UInt64(place.dataLength)
            total += place.sectionLength
        }
        guard blocks > 0 else { return nil }
        let sections = try await PieceReads.read(ranges, total: total, expecting: expected)
        blocksSent += blocks
        bytesSent += bytes
        return Chunk(sections: sections, blocks: blocks, bytes: bytes, reads: ranges.count)
    }

    /// Where the block due next is stored, or why it cannot be sent.
    private func place(of cid: CID) throws(TransferError) -> BlockPlace {
        guard let place = places[cid] else { throw .missingBlock(cid) }
        guard place.dataLength <= BlockSection.maxDataLength else {
            throw .blockTooLarge(cid, length: place.dataLength, limit: BlockSection.maxDataLength)
        }
        return place
    }

    /// Moves the traversal past `cid`: a dag-pb node is read and hashed, its links' places
    /// looked up.
    private mutating func pass(_ cid: CID, _ place: BlockPlace) async throws {
        places[cid] = nil
        guard cid.codec == Multicodec.dagPB.rawValue else {
            _ = try order.passLeaf()
            return
        }
        let data = try await readNode(cid, place)
        let node: PBNode
        do { node = try PBNode(decoding: data[...]) } catch { throw TransferError.malformedBlock(cid, reason: error.description) }
        let links = node.links.map(\.cid)
        let unknown = links.filter { places[$0] == nil && !order.hasReached($0) }
        places.merge(try await blockstore.places(of: unknown, preferring: preferredPiece)) { old, _ in old }
        _ = try order.passNode(links: links)
    }

    /// Reads a dag-pb node's data and checks its hash.
    private mutating func readNode(_ cid: CID, _ place: BlockPlace) async throws -> [UInt8] {
        let file = try file(place.carPath)
        let range = PieceReads.Range(file: file, piece: place.piece, offset: place.dataOffset, length: place.dataLength)
        let buffer = try await PieceReads.read([range], total: place.dataLength, expecting: [])
        let data = Array(buffer.readableBytesView)
        guard try cid.multihash.matches(data) else {
            throw TransferError.damagedPiece(piece: place.piece, reason: "block \(cid) does not hash to its CID")
        }
        return data
    }

    private mutating func file(_ path: String) throws -> FileSource {
        if let open = files[path] { return open }
        let file = try FileSource(path: path)
        files[path] = file
        return file
    }
}
