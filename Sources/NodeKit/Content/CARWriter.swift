/// Writes a CARv1 file block by block, never holding more than one block in memory.
///
/// The header is written first. When the root is known only at the end (a streaming
/// import), start with a placeholder root of the same binary length and call
/// `finish(replacingRoots:)`: the header is patched in place.
///
/// Bytes reach the file through a background writer thread (`CARWritePipeline`); offsets
/// are known at once, and `finish` waits for everything to be written and synced.
///
/// With `computingPieceCommitment`, every byte written also streams into a
/// `PieceCommitmentHasher`, so the Piece CID of the finished CAR is known without reading
/// it back; a patched header (at most 127 bytes) is accounted for at `finish`.
public final class CARWriter: BlockSink {
    private let file: DirectFileWriter
    private var header: CARHeader
    private let headerLength: Int
    private let hasher: PieceCommitmentHasher?
    private let pipeline: CARWritePipeline
    private var offset: UInt64
    /// Blocks written so far.
    public private(set) var blockCount = 0
    /// The Piece CID and padded size of the finished CAR, when computed while writing.
    public private(set) var pieceCommitment: (pieceCID: PieceCID, size: PaddedPieceSize)?

    public init(path: String, roots: [CID], computingPieceCommitment: Bool = false) throws(IOError) {
        file = try DirectFileWriter(path: path)
        header = CARHeader(roots: roots)
        let h = header.encodedSection
        headerLength = h.count
        hasher = computingPieceCommitment && h.count <= PieceCommitmentHasher.chunkLength ? PieceCommitmentHasher() : nil
        pipeline = CARWritePipeline(file: file, hasher: hasher)
        offset = UInt64(h.count)
        try pipeline.append(h)
    }

    /// Bytes written so far.
    public var size: UInt64 { offset }
    public var path: String { file.path }

    /// Appends one section and returns its offset and length in the file: the offset of
    /// the section's varint, and the length of the CID plus data.
    @discardableResult
    public func put(cid: CID, data: UnsafeRawBufferPointer) throws(IOError) -> BlockLocation {
        let start = offset
        var prefix = [UInt8]()
        prefix.reserveCapacity(48)
        let sectionLength = cid.byteCount + data.count
        Varint.append(UInt64(sectionLength), to: &prefix)
        cid.appendBytes(to: &prefix)
        try pipeline.append(prefix)
        try pipeline.append(data)
        offset += UInt64(prefix.count + data.count)
        blockCount += 1
        return BlockLocation(sectionOffset: start, dataOffset: start + UInt64(prefix.count), dataLength: data.count)
    }

    /// Flushes, patches the header if new roots are given, and syncs the file.
    public func finish(replacingRoots roots: [CID]? = nil) throws(CARWriteError) {
        do { try pipeline.drain() } catch { throw .io(error) }
        var finalHeader = header.encodedSection
        if let roots {
            finalHeader = CARHeader(roots: roots).encodedSection
            guard finalHeader.count == headerLength else { throw .rootLengthChanged }
            do { try file.patch(finalHeader, at: 0) } catch { throw .io(error) }
            header.roots = roots
        }
        if let hasher {
            do { pieceCommitment = try hasher.finish(replacingFirstChunk: finalHeader) } catch { throw .content(error) }
        }
        do { try file.close() } catch { throw .io(error) }
    }
}

/// Why a CAR could not be finished.
public enum CARWriteError: Error, Sendable, CustomStringConvertible {
    case io(IOError)
    /// The CAR cannot form a piece (it is under 65 bytes).
    case content(ContentError)
    /// The replacement roots encode to a different length than the placeholder.
    case rootLengthChanged

    public var description: String {
        switch self {
        case .io(let e): return e.description
        case .content(let e): return e.description
        case .rootLengthChanged: return "the final CAR roots do not fit the header written at the start"
        }
    }
}

/// Where a block sits in a CAR file.
public struct BlockLocation: Hashable, Sendable {
    /// Offset of the section (its length varint) from the start of the CARv1 data.
    public var sectionOffset: UInt64
    /// Offset of the block's data.
    public var dataOffset: UInt64
    /// Length of the block's data.
    public var dataLength: Int
}

/// Something that takes blocks as they are produced.
public protocol BlockSink: AnyObject {
    @discardableResult
    func put(cid: CID, data: UnsafeRawBufferPointer) throws(IOError) -> BlockLocation
}
