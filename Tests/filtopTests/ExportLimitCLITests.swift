import Foundation
import NodeKit
import Testing

/// A small CAR whose DAG names the same blocks over and over must not make `export`
/// write its enormous expansion.
@Suite struct ExportLimitCLITests {
    /// Writes a CAR of one 100-byte leaf and `levels` dag-pb nodes, each linking
    /// `fanOut` times to the node below: 100 × fanOut^levels bytes of file.
    static func linkRepeatingCAR(at path: String, levels: Int, fanOut: Int, leafSize: Int = 100) throws -> CID {
        let leafData = [UInt8](repeating: 0x78, count: leafSize)
        let leaf = CID(.raw, Multihash.sha256(leafData))
        var blocks: [(CID, [UInt8])] = [(leaf, leafData)]
        var child = leaf, childSize = UInt64(leafSize)
        for _ in 0..<levels {
            let unixfs = UnixFSData(kind: .file, fileSize: childSize * UInt64(fanOut), blockSizes: Array(repeating: childSize, count: fanOut))
            let node = PBNode(links: Array(repeating: PBLink(cid: child, tsize: childSize), count: fanOut), data: unixfs.encoded)
            let bytes = node.encoded
            child = CID(.dagPB, Multihash.sha256(bytes))
            childSize *= UInt64(fanOut)
            blocks.append((child, bytes))
        }
        let writer = try CARWriter(path: path, roots: [child])
        for (cid, data) in blocks { _ = try data.withUnsafeBytes { try writer.put(cid: cid, data: $0) } }
        try writer.finish()
        return child
    }

    @Test func linkRepeatingDAGIsRefusedBeforeWriting() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let root = try Self.linkRepeatingCAR(at: dir + "/hostile.car", levels: 3, fanOut: 2000)
        let size = try FileManager.default.attributesOfItem(atPath: dir + "/hostile.car")[.size] as? Int ?? 0
        #expect(size < 310_000)
        let i = try CLI.run(["car", "import", dir + "/hostile.car", "--data-dir", dir + "/data"])
        #expect(i.status == 0, "\(i.stderr)")
        let e = try CLI.run(["export", root.description, "-o", dir + "/out", "--data-dir", dir + "/data"], timeout: 60)
        #expect(!e.timedOut)
        #expect(e.status != 0 && e.stderr.contains("refusing to export") && e.stderr.contains("linked over and over")
                && e.stderr.contains("nothing was written"), "\(e.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.hasSuffix(".part") })
    }

    @Test func maxSizeBoundsAnExportAndLetsASmallerOneThrough() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let root = try Self.linkRepeatingCAR(at: dir + "/small.car", levels: 2, fanOut: 10)
        #expect(try CLI.run(["car", "import", dir + "/small.car", "--data-dir", dir + "/data"]).status == 0)
        let refused = try CLI.run(["export", root.description, "-o", dir + "/out", "--max-size", "9999", "--data-dir", dir + "/data"])
        #expect(refused.status != 0 && refused.stderr.contains("10000 bytes, over the limit of 9999"), "\(refused.stderr)")
        let allowed = try CLI.run(["export", root.description, "-o", dir + "/out", "--max-size", "10000", "--data-dir", dir + "/data"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/out")) == Data(repeating: 0x78, count: 10_000))
    }
}
