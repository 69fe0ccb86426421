import Foundation
import NIOCore
@testable import NodeKit

/// A UnixFS file DAG built by hand with tiny chunks and a small fan-out, so a test gets a
/// deep, wide DAG with repeated blocks out of a few hundred bytes. Laid out like the
/// importer's: a balanced tree of dag-pb File nodes over raw leaves, written leaves first.
struct SmallDAG {
    let root: CID
    let file: [UInt8]
    /// Each distinct block once, parents after their children (the importer's CAR order).
    let written: [(cid: CID, data: [UInt8])]
    let blocks: [CID: [UInt8]]

    init(_ file: [UInt8], chunk: Int, fanout: Int) {
        var written: [(cid: CID, data: [UInt8])] = []
        var blocks: [CID: [UInt8]] = [:]
        func put(_ cid: CID, _ data: [UInt8]) {
            if blocks[cid] == nil { blocks[cid] = data; written.append((cid, data)) }
        }
        var level: [(cid: CID, size: UInt64, tsize: UInt64)] = stride(from: 0, to: max(file.count, 1), by: chunk).map { start in
            let data = Array(file[min(start, file.count)..<min(start + chunk, file.count)])
            let cid = CID.raw(data)
            put(cid, data)
            return (cid, UInt64(data.count), UInt64(data.count))
        }
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: fanout).map { start in
                let children = level[start..<min(start + fanout, level.count)]
                let size = children.reduce(UInt64(0)) { $0 + $1.size }
                let unixfs = UnixFSData(kind: .file, fileSize: size, blockSizes: children.map(\.size))
                let data = PBNode(links: children.map { PBLink(cid: $0.cid, tsize: $0.tsize) }, data: unixfs.encoded).encoded
                let cid = CID(.dagPB, Multihash.sha256(data))
                put(cid, data)
                return (cid, size, UInt64(data.count) + children.reduce(UInt64(0)) { $0 + $1.tsize })
            }
        }
        root = level[0].cid
        self.file = file
        self.written = written
        self.blocks = blocks
    }

    /// The transfer order worked out independently of `TransferOrder`: recursive pre-order,
    /// skipping any CID met before.
    var transferOrder: [CID] { transferOrder(from: root) }

    /// The transfer order of the subtree at `start`.
    func transferOrder(from start: CID) -> [CID] {
        var seen: Set<CID> = []
        var order: [CID] = []
        func visit(_ cid: CID) {
            guard seen.insert(cid).inserted else { return }
            order.append(cid)
            guard cid.codec == Multicodec.dagPB.rawValue, let data = blocks[cid], let node = try? PBNode(decoding: data[...]) else {
                return
            }
            for link in node.links { visit(link.cid) }
        }
        visit(start)
        return order
    }

    /// The blocks as sections, in transfer order.
    var sections: [BlockSection] { sections(from: root) }

    /// The sections of the subtree at `start`, in transfer order.
    func sections(from start: CID) -> [BlockSection] {
        transferOrder(from: start).map { BlockSection(cid: $0, data: blocks[$0]!) }
    }

    /// Writes the DAG as a CARv1 (leaves first), for `Blockstore.importCAR`.
    func writeCAR(to path: String) throws {
        let writer = try CARWriter(path: path, roots: [root])
        for (cid, data) in written { try data.withUnsafeBytes { _ = try writer.put(cid: cid, data: $0) } }
        try writer.finish()
    }

    /// A file of `count` bytes where chunks repeat (runs of the same few bytes), so its DAG
    /// has repeated leaves and repeated subtrees.
    static func repetitiveFile(_ count: Int, seed: UInt64) -> [UInt8] {
        let random = TestSupport.randomBytes(count, seed: seed)
        return (0..<count).map { i in (i / 9) % 3 == 0 ? random[i] : UInt8(i % 3) }
    }
}

/// The pieces of a transfer, joined as the deal engine joins them.
enum TransferPipeline {
    /// Everything a plan sends, chunk by chunk, with `maxBytes` for each chunk in turn.
    static func chunks(
        _ plan: inout TransferPlan, maxBytes: (Int) -> UInt64 = { _ in 1 << 20 }
    ) async throws -> [TransferPlan.Chunk] {
        var chunks: [TransferPlan.Chunk] = []
        while let chunk = try await plan.nextChunk(maxBytes: maxBytes(chunks.count)) { chunks.append(chunk) }
        return chunks
    }

    /// The stream's bytes cut at random places (some one-byte pieces), as a network might.
    static func randomSplits(_ bytes: [UInt8], seed: UInt64) -> [[UInt8]] {
        var rng = SeededGenerator(seed: seed)
        var pieces: [[UInt8]] = []
        var at = 0
        while at < bytes.count {
            let n = Int.random(in: 0..<4, using: &rng) == 0 ? 1 : Int.random(in: 1...(96 << 10), using: &rng)
            pieces.append(Array(bytes[at..<min(bytes.count, at + n)]))
            at += n
        }
        return pieces
    }

    /// The sections in `stream`, read through a `BlockSectionReader` fed random splits.
    static func sections(of stream: [UInt8], seed: UInt64) throws -> [BlockSection] {
        var reader = BlockSectionReader()
        var sections: [BlockSection] = []
        for piece in randomSplits(stream, seed: seed) { sections += try reader.feed(piece) }
        try reader.finish()
        return sections
    }

    /// All of a plan's chunks as one stream of bytes.
    static func stream(_ chunks: [TransferPlan.Chunk]) -> [UInt8] {
        chunks.flatMap { Array($0.sections.readableBytesView) }
    }
}

extension TestSupport {
    /// `count` bytes of distinct 256 KiB chunks, made quickly: one random chunk with each
    /// copy's index stamped at its start.
    static func distinctChunks(_ count: Int, seed: UInt64) -> [UInt8] {
        let base = randomBytes(UnixFSImporter.chunkSize, seed: seed)
        var out = [UInt8]()
        out.reserveCapacity(count)
        var index: UInt64 = 0
        while out.count < count {
            var chunk = Array(base.prefix(count - out.count))
            for k in 0..<min(8, chunk.count) { chunk[k] ^= UInt8(truncatingIfNeeded: index >> (8 * UInt64(k))) }
            out += chunk
            index += 1
        }
        return out
    }
}
