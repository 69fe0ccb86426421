import Foundation
import Testing
@testable import NodeKit

/// Collects blocks in memory, for tests.
final class MemorySink: BlockSink {
    var blocks: [CID: [UInt8]] = [:]
    var order: [CID] = []
    private var offset: UInt64 = 0

    func put(cid: CID, data: UnsafeRawBufferPointer) throws(IOError) -> BlockLocation {
        blocks[cid] = Array(data)
        order.append(cid)
        defer { offset += UInt64(data.count) }
        return BlockLocation(sectionOffset: offset, dataOffset: offset, dataLength: data.count)
    }
}

@Suite struct UnixFSTests {
    private func importBytes(_ bytes: [UInt8]) throws -> (UnixFSImporter.Result, MemorySink) {
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir + "/f"
            try TestSupport.write(bytes, to: path)
            let sink = MemorySink()
            return (try UnixFSImporter.importFile(FileSource(path: path), into: sink), sink)
        }
    }

    /// content-addressing.md §2.4: `ipfs add --cid-version=1` roots.
    @Test func publishedRoots() throws {
        #expect(try importBytes(Array("hello world\n".utf8)).0.root.description == "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4")
        #expect(try importBytes([]).0.root.description == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
        #expect(try importBytes([UInt8](repeating: 0, count: 1 << 20)).0.root.description
            == "bafybeiggzq4ryi7hscq5hzvzcnk4urnxt3asp37dhgvnjilf7exskximla")
    }

    @Test func oneChunkIsARawLeafAndOneMoreByteMakesANode() throws {
        let chunk = UnixFSImporter.chunkSize
        let exact = try importBytes(TestSupport.randomBytes(chunk, seed: 1)).0
        #expect(exact.root.codec == Multicodec.raw.rawValue && exact.blocks.count == 1)
        let plus = try importBytes(TestSupport.randomBytes(chunk + 1, seed: 1)).0
        #expect(plus.root.codec == Multicodec.dagPB.rawValue && plus.blocks.count == 3)
    }

    @Test func balancedLayoutPastOneNode() throws {
        // 175 leaves: a root over a full 174-link node and a node holding the last leaf.
        let leaves = 175
        let (result, sink) = try importBytes(TestSupport.randomBytes((leaves - 1) * UnixFSImporter.chunkSize + 10, seed: 175))
        let root = try PBNode(decoding: sink.blocks[result.root]![...])
        #expect(root.links.count == 2)
        let first = try PBNode(decoding: sink.blocks[root.links[0].cid]![...])
        let second = try PBNode(decoding: sink.blocks[root.links[1].cid]![...])
        #expect(first.links.count == 174 && second.links.count == 1)
        let data = try UnixFSData(decoding: root.data![...])
        #expect(data.fileSize == UInt64((leaves - 1) * UnixFSImporter.chunkSize + 10))
        #expect(data.blockSizes == [UInt64(174 * UnixFSImporter.chunkSize), 10])
        // Tsize of a link = the child's block size + its children's Tsize.
        #expect(root.links[1].tsize == UInt64(sink.blocks[root.links[1].cid]!.count) + 10)
        // Every block was written once, and each parent after its children.
        #expect(sink.order.last == result.root)
        #expect(Set(sink.order).count == sink.order.count)
    }

    @Test func repeatedChunksAreStoredOnce() throws {
        let (result, sink) = try importBytes([UInt8](repeating: 0, count: 200 * UnixFSImporter.chunkSize))
        // One zero leaf, one full 174-link node, one 26-link node, the root.
        #expect(sink.order.count == 4 && result.blocks.count == 4)
    }

    @Test func dagPBEncodingIsByteExact() throws {
        let leaf = CID.raw([1, 2, 3])
        let node = PBNode(links: [PBLink(cid: leaf, name: "", tsize: 3)], data: UnixFSData(kind: .file, fileSize: 3, blockSizes: [3]).encoded)
        let bytes = node.encoded
        // Links (field 2) first; Hash, empty Name, Tsize; then Data (field 1).
        let expected: [UInt8] = [0x12, 0x2a, 0x0a, 0x24] + leaf.bytes + [0x12, 0x00, 0x18, 0x03]
            + [0x0a, 0x06, 0x08, 0x02, 0x18, 0x03, 0x20, 0x03]
        #expect(bytes == expected)
        #expect(try PBNode(decoding: bytes[...]) == node)
    }

    @Test func rejectsMalformedDagPB() {
        let bad: [[UInt8]] = [
            [0x0a, 0x05, 0x01],                  // Data length past the end
            [0x0a, 0x00, 0x12, 0x00],            // Links after Data
            [0x12, 0x02, 0x18, 0x01],            // link without Hash
            [0x1a, 0x00],                        // unknown field
            [0x0d, 0, 0, 0, 0],                  // fixed32 wire type
            [0x12, 0x03, 0x0a, 0x01, 0x00],      // link Hash is not a CID
        ]
        for b in bad { #expect(throws: ContentError.self) { try PBNode(decoding: b[...]) } }
    }

    @Test func exporterRebuildsAndVerifies() throws {
        for size in [0, 1, 1000, UnixFSImporter.chunkSize, UnixFSImporter.chunkSize * 3 + 17] {
            let bytes = TestSupport.randomBytes(size, seed: UInt64(size) + 1)
            let (result, sink) = try importBytes(bytes)
            try TestSupport.withTemporaryDirectory { dir in
                let out = try FileSink(path: dir + "/out")
                try UnixFSExporter(fetch: { sink.blocks[$0] }).export(result.root, to: out)
                try out.close()
                #expect(try TestSupport.read(dir + "/out") == bytes)
            }
        }
    }

    @Test func exporterRefusesTamperedBlocks() throws {
        let (result, sink) = try importBytes(TestSupport.randomBytes(UnixFSImporter.chunkSize + 5, seed: 9))
        let leaf = sink.order[0]
        sink.blocks[leaf]![0] ^= 1
        try TestSupport.withTemporaryDirectory { dir in
            let out = try FileSink(path: dir + "/out")
            #expect(throws: ContentError.hashMismatch(cid: leaf.description)) {
                try UnixFSExporter(fetch: { sink.blocks[$0] }).export(result.root, to: out)
            }
        }
    }
}
