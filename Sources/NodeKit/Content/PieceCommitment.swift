import CSHA256
import Dispatch

/// Streams bytes into a Filecoin piece commitment (CommP), exactly as Lotus and
/// go-fil-commp-hashhash compute it: zero-pad to `127·2^k`, Fr32-expand, and hash a binary
/// SHA-256 tree whose nodes have their top two bits cleared.
///
/// Whole batches of input are hashed as subtrees on all cores; a stack of subtree roots
/// keeps memory bounded by one batch regardless of the payload size.
///
/// The first 127 bytes may be replaced at the end (`finish(replacingFirstChunk:)`): the
/// hasher remembers the right-hand sibling of every node on the tree's left edge, so a
/// streaming writer can hash a file whose header is only known once the rest is written.
public final class PieceCommitmentHasher {
    /// Go-fil-commp-hashhash and Lotus refuse payloads smaller than this.
    public static let minimumPayload: UInt64 = 65
    /// Bytes that `finish(replacingFirstChunk:)` can replace.
    public static let chunkLength = 127

    /// 127-byte chunks per batch: 2^15 chunks = 4 MiB of payload, 2^17 leaves.
    private static let batchChunks = 1 << 15
    private static let batchLevel = 17
    private static let workers = 2

    private var input: [UInt8]
    private var filled = 0
    private var leaves: [UInt8]
    private var stack: [(level: Int, hash: [UInt8])] = []
    /// `leftSiblings[l]`: the right child of the left-edge node at level `l + 1`.
    private var leftSiblings: [[UInt8]] = []
    /// The first chunk as hashed (zero-filled if the payload is shorter).
    private var firstChunk: [UInt8] = []
    public private(set) var payloadSize: UInt64 = 0
    private var hashedChunks = 0

    public init() {
        input = [UInt8](repeating: 0, count: Self.batchChunks * 127)
        leaves = [UInt8](repeating: 0, count: Self.batchChunks * 128)
    }

    /// Whether this CPU's SHA extensions are in use.
    public static var isAccelerated: Bool { filtop_sha256_accelerated() != 0 }

    /// Adds payload bytes.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        var rest = bytes
        payloadSize += UInt64(bytes.count)
        while !rest.isEmpty {
            let n = min(rest.count, input.count - filled)
            let at = filled
            input.withUnsafeMutableBytes { dst in
                (dst.baseAddress! + at).copyMemory(from: rest.baseAddress!, byteCount: n)
            }
            filled += n
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            if filled == input.count { hashBatch() }
        }
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Reads from `source` into the free part of the batch buffer, hashing the batch when
    /// it fills; returns the bytes read (0 at end of file).
    func readIntoBatch(_ source: FileSource) throws(IOError) -> Int {
        let start = filled
        let read: Result<Int, IOError> = input.withUnsafeMutableBytes { buf in
            Result { () throws(IOError) -> Int in try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[start...])) }
        }
        let n = try read.get()
        filled += n
        payloadSize += UInt64(n)
        if filled == input.count { hashBatch() }
        return n
    }

    /// Finishes and returns the Piece CID and padded size. Throws for payloads under 65 bytes.
    public func finish() throws(ContentError) -> (pieceCID: PieceCID, size: PaddedPieceSize) {
        try finish(replacingFirstChunk: nil)
    }

    /// Finishes as if the payload's first bytes had been `prefix` (at most 127 bytes)
    /// instead of what was streamed.
    public func finish(replacingFirstChunk prefix: [UInt8]?) throws(ContentError) -> (pieceCID: PieceCID, size: PaddedPieceSize) {
        guard payloadSize >= Self.minimumPayload else {
            throw .invalidPieceSize("payload of \(payloadSize) bytes is under the minimum of \(Self.minimumPayload) bytes")
        }
        let size = try PaddedPieceSize.fitting(payload: payloadSize)
        if filled > 0 { hashRemainder() }
        let target = size.treeHeight
        while !(stack.count == 1 && stack[0].level == target) {
            let top = stack.removeLast()
            let zero = ZeroCommitments.shared.at(level: top.level)
            if stack.isEmpty { recordLeftSibling(zero, level: top.level) }
            push(level: top.level + 1, hash: Self.node(top.hash, zero))
        }
        guard let prefix, prefix != Array(firstChunk.prefix(prefix.count)) else {
            return (try PieceCID(commitment: stack[0].hash), size)
        }
        guard prefix.count <= Self.chunkLength, UInt64(prefix.count) <= payloadSize else {
            throw .invalidPieceSize("a replacement prefix of \(prefix.count) bytes is longer than the first chunk")
        }
        var chunk = firstChunk
        chunk.replaceSubrange(0..<prefix.count, with: prefix)
        var hash = chunk.withUnsafeBytes { c in
            leaves.withUnsafeMutableBytes { l in Self.subtree(input: c.baseAddress!, leaves: l.baseAddress!, chunks: 1, spine: nil) }
        }
        for level in 2..<target { hash = Self.node(hash, leftSiblings[level]) }
        return (try PieceCID(commitment: hash), size)
    }

    private func recordLeftSibling(_ hash: [UInt8], level: Int) {
        while leftSiblings.count <= level { leftSiblings.append([]) }
        leftSiblings[level] = hash
    }

    private func push(level: Int, hash: [UInt8]) {
        var level = level, hash = hash
        while let last = stack.last, last.level == level {
            stack.removeLast()
            if stack.isEmpty { recordLeftSibling(hash, level: level) }
            hash = Self.node(last.hash, hash)
            level += 1
        }
        stack.append((level, hash))
    }

    /// Hashes a full batch as one subtree, splitting it over the worker threads.
    private func hashBatch() {
        let chunksPerWorker = Self.batchChunks / Self.workers
        let first = hashedChunks == 0
        if first { firstChunk = Array(input[0..<Self.chunkLength]) }
        let (roots, spine) = input.withUnsafeBytes { inBuf in
            leaves.withUnsafeMutableBytes { leafBuf in
                Self.parallelSubtrees(input: inBuf, leaves: leafBuf, chunksPerPart: chunksPerWorker, parts: Self.workers, recordSpine: first)
            }
        }
        if first {
            for (level, sibling) in spine.enumerated() { recordLeftSibling(sibling, level: level) }
            recordLeftSibling(roots[1], level: Self.batchLevel - 1)
        }
        push(level: Self.batchLevel, hash: Self.node(roots[0], roots[1]))
        hashedChunks += Self.batchChunks
        filled = 0
    }

    /// Hashes the final partial batch: zero-fill to whole 127-byte chunks, then push
    /// aligned power-of-two subtrees from the left.
    private func hashRemainder() {
        let chunks = (filled + 126) / 127
        let used = filled
        input.withUnsafeMutableBytes { buf in
            (buf.baseAddress! + used).initializeMemory(as: UInt8.self, repeating: 0, count: chunks * 127 - used)
            return
        }
        if hashedChunks == 0 { firstChunk = Array(input[0..<Self.chunkLength]) }
        var start = 0
        while start < chunks {
            var span = 1
            while span * 2 <= chunks - start { span *= 2 }
            let onLeftEdge = hashedChunks == 0 && start == 0
            var spine: [[UInt8]] = []
            let root = input.withUnsafeBytes { inBuf in
                leaves.withUnsafeMutableBytes { leafBuf in
                    let from = inBuf.baseAddress! + start * 127
                    return onLeftEdge
                        ? Self.subtree(input: from, leaves: leafBuf.baseAddress!, chunks: span, spine: &spine)
                        : Self.subtree(input: from, leaves: leafBuf.baseAddress!, chunks: span, spine: nil)
                }
            }
            for (level, sibling) in spine.enumerated() { recordLeftSibling(sibling, level: level) }
            push(level: span.trailingZeroBitCount + 2, hash: root)
            start += span
        }
        hashedChunks += chunks
        filled = 0
    }

    private static func parallelSubtrees(
        input: UnsafeRawBufferPointer, leaves: UnsafeMutableRawBufferPointer, chunksPerPart: Int, parts: Int,
        recordSpine: Bool
    ) -> (roots: [[UInt8]], spine: [[UInt8]]) {
        let inAddress = UInt(bitPattern: input.baseAddress!)
        let leafAddress = UInt(bitPattern: leaves.baseAddress!)
        let spine = SpineRecord()
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            // Each part reads and writes a disjoint range of the caller's buffers, which
            // outlive this call; its root lands in the first 32 bytes of its leaf range.
            let inp = UnsafeRawPointer(bitPattern: inAddress)! + part * chunksPerPart * 127
            let out = UnsafeMutableRawPointer(bitPattern: leafAddress)! + part * chunksPerPart * 128
            if part == 0 && recordSpine {
                var siblings: [[UInt8]] = []
                _ = subtree(input: inp, leaves: out, chunks: chunksPerPart, spine: &siblings)
                spine.siblings = siblings
            } else {
                _ = subtree(input: inp, leaves: out, chunks: chunksPerPart, spine: nil)
            }
        }
        let roots = (0..<parts).map { part in
            Array(UnsafeRawBufferPointer(rebasing: leaves[(part * chunksPerPart * 128)..<(part * chunksPerPart * 128 + 32)]))
        }
        return (roots, spine.siblings)
    }

    /// Fr32-expands `chunks` (a power of two) 127-byte chunks into `leaves` and reduces
    /// them to one root in place. With `spine`, appends the right sibling of the left-most
    /// node of every level below the root.
    private static func subtree(
        input: UnsafeRawPointer, leaves: UnsafeMutableRawPointer, chunks: Int, spine: UnsafeMutablePointer<[[UInt8]]>?
    ) -> [UInt8] {
        let base = leaves.assumingMemoryBound(to: UInt8.self)
        filtop_fr32_expand(input.assumingMemoryBound(to: UInt8.self), base, chunks)
        var nodes = chunks * 4
        while nodes > 1 {
            spine?.pointee.append(Array(UnsafeBufferPointer(start: base + 32, count: 32)))
            nodes /= 2
            filtop_sha256_trunc254_pairs(base, base, nodes)
        }
        return Array(UnsafeBufferPointer(start: base, count: 32))
    }

    /// The tree's node function: SHA-256 of the two children with the top two bits cleared.
    static func node(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var buf = left + right
        buf.withUnsafeMutableBufferPointer { b in filtop_sha256_trunc254_pairs(b.baseAddress!, b.baseAddress!, 1) }
        return Array(buf[0..<32])
    }
}

/// The left-edge siblings found by worker 0 of a `concurrentPerform`.
private final class SpineRecord: @unchecked Sendable {
    // Sendable: only worker 0 writes, and the value is read after concurrentPerform has
    // returned, which orders the write before the read.
    var siblings: [[UInt8]] = []
}

/// Commitments of all-zero subtrees: `Z0` is 32 zero bytes and `Z(i+1) = node(Zi, Zi)`.
public struct ZeroCommitments: Sendable {
    public static let shared = ZeroCommitments()
    private let table: [[UInt8]]

    private init() {
        var t = [[UInt8](repeating: 0, count: 32)]
        for i in 0..<63 { t.append(PieceCommitmentHasher.node(t[i], t[i])) }
        table = t
    }

    /// The root of an all-zero subtree with `2^level` leaves.
    public func at(level: Int) -> [UInt8] { table[level] }
}

extension PieceCommitmentHasher {
    /// Feeds the rest of `source` into the hasher, reading straight into its batch buffer.
    public func consume(_ source: FileSource, progress: ((UInt64) -> Void)? = nil) throws(IOError) {
        while true {
            let n = try readIntoBatch(source)
            progress?(payloadSize)
            if n == 0 { return }
        }
    }

    /// The Piece CID of a whole file's bytes, as Lotus `client commP` computes it.
    public static func pieceCID(ofFile path: String, progress: ((UInt64) -> Void)? = nil) throws -> (pieceCID: PieceCID, size: PaddedPieceSize, payloadSize: UInt64) {
        let hasher = PieceCommitmentHasher()
        try hasher.consume(try FileSource(path: path), progress: progress)
        let (cid, size) = try hasher.finish()
        return (cid, size, hasher.payloadSize)
    }
}
