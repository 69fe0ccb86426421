import Crypto
import Dispatch

/// Imports a file as a UnixFS DAG exactly as `ipfs add --cid-version=1` does: raw leaves
/// of 262144 bytes, a balanced tree of dag-pb nodes with at most 174 links each, CIDv1.
///
/// The file is streamed: memory holds one batch of chunks and one pending link list per
/// tree level, never the file. Leaves of a batch are hashed on all cores.
public struct UnixFSImporter {
    public static let chunkSize = 262_144
    public static let maxLinks = 174
    /// Chunks read and hashed together.
    static let batchChunks = 16

    /// What an import produced.
    public struct Result: Sendable {
        public let root: CID
        public let fileSize: UInt64
        /// Every distinct block written, in order, with its place in the sink.
        public let blocks: [(cid: CID, location: BlockLocation)]
    }

    private struct PendingLink {
        let cid: CID
        let tsize: UInt64
        let fileSize: UInt64
    }

    private let sink: BlockSink
    private var levels: [[PendingLink]] = [[]]
    private var blocks: [(cid: CID, location: BlockLocation)] = []
    /// CIDs already written, so repeated content (runs of zeros…) is stored once.
    private var written: Set<CID> = []
    private var fileSize: UInt64 = 0

    public init(sink: BlockSink) { self.sink = sink }

    /// Reads `source` to its end and writes the DAG's blocks to `sink` (leaves first, each
    /// parent after its children). `progress` receives the bytes read so far.
    public static func importFile(
        _ source: FileSource, into sink: BlockSink, progress: ((UInt64) -> Void)? = nil
    ) throws -> Result {
        var importer = UnixFSImporter(sink: sink)
        var buffer = [UInt8](repeating: 0, count: chunkSize * batchChunks)
        var sawData = false
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 && sawData { break }
            sawData = true
            try buffer.withUnsafeBytes { try importer.addChunks(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            progress?(importer.fileSize)
            if n < buffer.count { break }
        }
        return try importer.finish()
    }

    /// Adds a run of file bytes: whole 262144-byte chunks, and a shorter one only at the
    /// end of the file. An empty run adds the single empty leaf of an empty file.
    mutating func addChunks(_ bytes: UnsafeRawBufferPointer) throws {
        let count = max(1, (bytes.count + Self.chunkSize - 1) / Self.chunkSize)
        let digests = Self.hashChunks(bytes, count: count)
        for i in 0..<count {
            let start = i * Self.chunkSize
            let end = min(bytes.count, start + Self.chunkSize)
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            let cid = CID(.raw, Multihash(unchecked: Multicodec.sha2_256.rawValue, digest: digests[i]))
            if written.insert(cid).inserted {
                blocks.append((cid, try sink.put(cid: cid, data: chunk)))
            }
            fileSize += UInt64(chunk.count)
            try push(PendingLink(cid: cid, tsize: UInt64(chunk.count), fileSize: UInt64(chunk.count)), level: 0)
        }
    }

    /// SHA-256 of each chunk, split across two threads when there is more than one chunk.
    private static func hashChunks(_ bytes: UnsafeRawBufferPointer, count: Int) -> [[UInt8]] {
        let digests = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: count * 32)
        defer { digests.deallocate() }
        let base = UInt(bitPattern: bytes.baseAddress)
        let total = bytes.count
        let out = UInt(bitPattern: digests.baseAddress!)
        let parts = count > 1 ? 2 : 1
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            // Each part hashes a disjoint set of chunks and writes disjoint digest slots;
            // both buffers outlive concurrentPerform.
            for i in stride(from: part, to: count, by: parts) {
                let start = i * chunkSize
                let len = min(total, start + chunkSize) - start
                let chunk = UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: base).map { $0 + start }, count: len)
                let digest = SHA256.hash(data: chunk)
                let dst = UnsafeMutableRawPointer(bitPattern: out)! + i * 32
                digest.withUnsafeBytes { dst.copyMemory(from: $0.baseAddress!, byteCount: 32) }
            }
        }
        return (0..<count).map { Array(digests[($0 * 32)..<($0 * 32 + 32)]) }
    }

    private mutating func push(_ link: PendingLink, level: Int) throws {
        if levels.count == level { levels.append([]) }
        levels[level].append(link)
        if levels[level].count == Self.maxLinks {
            let parent = try writeNode(levels[level])
            levels[level].removeAll(keepingCapacity: true)
            try push(parent, level: level + 1)
        }
    }

    /// Writes a dag-pb File node over `links` and returns the link to it.
    private mutating func writeNode(_ links: [PendingLink]) throws -> PendingLink {
        let total = links.reduce(UInt64(0)) { $0 + $1.fileSize }
        let unixfs = UnixFSData(kind: .file, fileSize: total, blockSizes: links.map(\.fileSize))
        let node = PBNode(links: links.map { PBLink(cid: $0.cid, name: "", tsize: $0.tsize) }, data: unixfs.encoded)
        let bytes = node.encoded
        let cid = CID(.dagPB, Multihash.sha256(bytes))
        if written.insert(cid).inserted {
            blocks.append((cid, try bytes.withUnsafeBytes { try sink.put(cid: cid, data: $0) }))
        }
        let tsize = UInt64(bytes.count) + links.reduce(UInt64(0)) { $0 + $1.tsize }
        return PendingLink(cid: cid, tsize: tsize, fileSize: total)
    }

    /// Closes every partial level bottom-up; the single link left at the top is the root.
    mutating func finish() throws -> Result {
        var level = 0
        while level < levels.count {
            let isTop = level == levels.count - 1
            let pending = levels[level]
            if isTop {
                if pending.count == 1 {
                    return Result(root: pending[0].cid, fileSize: fileSize, blocks: blocks)
                }
                levels.append([])
            }
            if !pending.isEmpty {
                let parent = try writeNode(pending)
                levels[level].removeAll()
                levels[level + 1].append(parent)
            }
            level += 1
        }
        preconditionFailure("a UnixFS import always ends with one root")
    }
}
