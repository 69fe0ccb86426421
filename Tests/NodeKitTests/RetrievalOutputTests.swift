import Foundation
import Testing
@testable import NodeKit

@Suite struct RetrievalOutputTests {
    /// Imports `bytes` as a UnixFS file and returns the store, the root and the sections its
    /// transfer sends, read back through a `BlockSectionReader` from random splits.
    private func transfer(_ bytes: [UInt8], in dir: String) async throws -> (root: CID, sections: [BlockSection]) {
        let store = try DataDirectory(path: dir + "/data").openBlockstore()
        try TestSupport.write(bytes, to: dir + "/in")
        let root = try CID(try store.importFile(dir + "/in").piece.rootCID)
        var plan = try await TransferPlan(blockstore: store, root: root)
        let stream = TransferPipeline.stream(try await TransferPipeline.chunks(&plan))
        return (root, try TransferPipeline.sections(of: stream, seed: UInt64(bytes.count)))
    }

    @Test func retrievesFilesAndCARsOfEveryShape() async throws {
        let chunk = UnixFSImporter.chunkSize
        let files: [[UInt8]] = [
            [], [42], TestSupport.distinctChunks(chunk, seed: 6), TestSupport.distinctChunks(3 * chunk + 5, seed: 7),
            TestSupport.distinctChunks(175 * chunk + 10, seed: 8), [UInt8](repeating: 0, count: 200 * chunk),
        ]
        for bytes in files {
            try await TestSupport.withTemporaryDirectoryAsync { dir in
                let (root, sections) = try await transfer(bytes, in: dir)
                let file = try RetrievalOutput.create(path: dir + "/out", root: root, format: .file, overwrite: false)
                let car = try RetrievalOutput.create(path: dir + "/out.car", root: root, format: .car, overwrite: false)
                for section in sections {
                    try file.accept(section)
                    try car.accept(section)
                }
                try file.finish()
                try car.finish()
                #expect(try TestSupport.read(dir + "/out") == bytes)
                #expect(!RetrievalOutput.isPartial(path: dir + "/out", format: .file))
                let reader = try CARReader(path: dir + "/out.car")
                #expect(reader.header.roots == [root])
                var read: [CID] = []
                while let block = try reader.next(verify: true) { read.append(block.cid) }
                #expect(read == sections.map(\.cid))
                #expect(file.verifier.bytesAccepted == UInt64(sections.reduce(0) { $0 + $1.data.count }))
            }
        }
    }

    @Test func refusedBlocksStopTheOutputWithoutWritingThem() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let (root, sections) = try await transfer(TestSupport.distinctChunks(3 * UnixFSImporter.chunkSize + 5, seed: 9), in: dir)
            func fresh() throws -> RetrievalOutput {
                try RetrievalOutput.create(path: dir + "/out", root: root, format: .file, overwrite: true)
            }
            let swapped = try fresh()
            try swapped.accept(sections[0])
            #expect(throws: TransferError.unexpectedBlock(expected: sections[1].cid, got: sections[2].cid)) {
                try swapped.accept(sections[2])
            }
            #expect(try swapped.checkpoint().outputOffset == 0)
            let flipped = try fresh()
            try flipped.accept(sections[0])
            var data = Array(sections[1].data)
            data[7] ^= 0x10
            #expect(throws: TransferError.hashMismatch(sections[1].cid)) {
                try flipped.accept(BlockSection(cid: sections[1].cid, data: data))
            }
            let extra = try fresh()
            for section in sections { try extra.accept(section) }
            #expect(throws: TransferError.extraneousBlock(sections[1].cid)) { try extra.accept(sections[1]) }
            try extra.finish()
            let stream = sections.flatMap(\.bytes)
            var reader = BlockSectionReader()
            _ = try reader.feed(Array(stream.dropLast(3)))
            #expect(throws: TransferError.truncatedStream(bufferedBytes: sections.last!.bytes.count - 3)) { try reader.finish() }
        }
    }

    @Test func resumesFromEveryCheckpointDiscardingUnsyncedBytes() throws {
        let dag = SmallDAG(SmallDAG.repetitiveFile(160, seed: 10), chunk: 3, fanout: 3)
        let sections = dag.sections
        try TestSupport.withTemporaryDirectory { dir in
            for format in [RetrievalOutput.Format.file, .car] {
                let reference = dir + "/reference"
                let whole = try RetrievalOutput.create(path: reference, root: dag.root, format: format, overwrite: true)
                for section in sections { try whole.accept(section) }
                try whole.finish()
                let expected = try TestSupport.read(reference)
                if format == .file { #expect(expected == dag.file) }
                for stop in 0...sections.count {
                    let path = dir + "/out"
                    let checkpoint: TransferCheckpoint
                    do {
                        let output = try RetrievalOutput.create(path: path, root: dag.root, format: format, overwrite: true)
                        for section in sections.prefix(stop) { try output.accept(section) }
                        checkpoint = try output.checkpoint()
                        // Accepted after the checkpoint, then killed: these bytes may or may not reach the disk.
                        for section in sections.dropFirst(stop).prefix(2) { try output.accept(section) }
                        _ = try? output.checkpoint()
                    }
                    for file in [path, path + ".filtop-partial"] {
                        let handle = try #require(FileHandle(forWritingAtPath: file))
                        handle.seekToEndOfFile()
                        handle.write(Data("garbage".utf8))
                        try handle.close()
                    }
                    #expect(RetrievalOutput.isPartial(path: path, format: format))
                    let resumed = try RetrievalOutput.resume(path: path, root: dag.root, format: format, checkpoint: checkpoint)
                    #expect(resumed.verifier.blocksAccepted == stop)
                    for section in sections.dropFirst(stop) { try resumed.accept(section) }
                    try resumed.finish()
                    #expect(try TestSupport.read(path) == expected, "format \(format), resumed after \(stop) blocks")
                    #expect(!RetrievalOutput.isPartial(path: path, format: format))
                }
            }
        }
    }

    @Test func resumeRefusesFilesThatDoNotMatchTheCheckpoint() throws {
        let dag = SmallDAG(SmallDAG.repetitiveFile(60, seed: 11), chunk: 3, fanout: 3)
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir + "/out"
            let output = try RetrievalOutput.create(path: path, root: dag.root, format: .file, overwrite: false)
            for section in dag.sections.prefix(5) { try output.accept(section) }
            let checkpoint = try output.checkpoint()
            func isDamaged(_ error: any Error) -> Bool {
                if case .partialOutputDamaged(path, _) = error as? TransferError { return true }
                return false
            }
            var wrong = checkpoint
            wrong.blocks += 1
            #expect { try RetrievalOutput.resume(path: path, root: dag.root, format: .file, checkpoint: wrong) } throws: { isDamaged($0) }
            wrong = checkpoint
            wrong.sidecarOffset -= 1
            #expect { try RetrievalOutput.resume(path: path, root: dag.root, format: .file, checkpoint: wrong) } throws: { isDamaged($0) }
            let other = SmallDAG([1, 2, 3, 4], chunk: 2, fanout: 2)
            #expect {
                try RetrievalOutput.resume(path: path, root: other.root, format: .file, checkpoint: checkpoint)
            } throws: { isDamaged($0) }
            #expect(throws: TransferError.partialOutputDamaged(path: dir + "/none", reason: "its .filtop-partial file is missing")) {
                try RetrievalOutput.resume(path: dir + "/none", root: dag.root, format: .file, checkpoint: checkpoint)
            }
            // The right checkpoint still resumes.
            let resumed = try RetrievalOutput.resume(path: path, root: dag.root, format: .file, checkpoint: checkpoint)
            for section in dag.sections.dropFirst(5) { try resumed.accept(section) }
            try resumed.finish()
            #expect(try TestSupport.read(path) == dag.file)
        }
    }

    @Test func writesOnlyWhereItIsAllowedTo() throws {
        let dag = SmallDAG([1, 2, 3, 4, 5], chunk: 2, fanout: 2)
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir + "/out"
            try TestSupport.write([9], to: path)
            #expect(throws: OutputPathError(path: path, reason: .exists)) {
                try RetrievalOutput.create(path: path, root: dag.root, format: .file, overwrite: false)
            }
            #expect(!RetrievalOutput.isPartial(path: path, format: .file))
            #expect(throws: OutputPathError(path: dir, reason: .notRegular(.directory))) {
                try RetrievalOutput.create(path: dir, root: dag.root, format: .file, overwrite: true)
            }
            try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: path)
            #expect(throws: OutputPathError(path: dir + "/link", reason: .notRegular(.symbolicLink))) {
                try RetrievalOutput.create(path: dir + "/link", root: dag.root, format: .file, overwrite: true)
            }
            let output = try RetrievalOutput.create(path: path, root: dag.root, format: .file, overwrite: true)
            #expect(RetrievalOutput.isPartial(path: path, format: .file))
            let mode = try FileManager.default.attributesOfItem(atPath: path + ".filtop-partial")[.posixPermissions] as? Int
            #expect(mode == 0o600)
            try output.accept(dag.sections[0])
            #expect(throws: TransferError.incomplete(next: dag.sections[1].cid)) { try output.finish() }
            for section in dag.sections.dropFirst() { try output.accept(section) }
            try output.finish()
            #expect(try TestSupport.read(path) == dag.file)
        }
    }

    @Test func subtreesFillRegionsOfASharedFile() throws {
        let dag = SmallDAG(SmallDAG.repetitiveFile(100, seed: 12), chunk: 3, fanout: 4)
        let root = try PBNode(decoding: dag.blocks[dag.root]![...])
        let sizes = try UnixFSData(decoding: root.data![...]).blockSizes
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir + "/shared"
            try TestSupport.write([UInt8](repeating: 0xee, count: dag.file.count), to: path)
            var offset: UInt64 = 0
            // Fetch the subtrees last to first, each as its own retrieval.
            let parts = zip(root.links, sizes).map { link, size in defer { offset += size }; return (link.cid, offset) }
            for (cid, start) in parts.reversed() {
                let output = try RetrievalOutput.create(path: path, root: cid, format: .fileRegion(offset: start), overwrite: false)
                #expect(RetrievalOutput.isPartial(path: path, format: .fileRegion(offset: start)))
                for section in dag.sections(from: cid) { try output.accept(section) }
                try output.finish()
            }
            #expect(try TestSupport.read(path) == dag.file)
        }
    }
}
