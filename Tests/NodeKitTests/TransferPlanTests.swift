import Foundation
import NIOCore
import Testing
@testable import NodeKit

@Suite struct TransferPlanTests {
    /// A blockstore holding `dag`, imported as a CAR laid out as the importer lays it out.
    private func store(_ dag: SmallDAG, in dir: String) throws -> Blockstore {
        let store = try DataDirectory(path: dir + "/data").openBlockstore()
        try dag.writeCAR(to: dir + "/dag.car")
        _ = try store.importCAR(dir + "/dag.car")
        return store
    }

    private let dag = SmallDAG(SmallDAG.repetitiveFile(300, seed: 4), chunk: 3, fanout: 4)

    @Test func sizeCountsEveryDistinctBlockOnce() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            for (i, bytes) in [[], [1], TestSupport.distinctChunks(3 * UnixFSImporter.chunkSize + 5, seed: 5),
                               [UInt8](repeating: 0, count: 200 * UnixFSImporter.chunkSize)].enumerated() {
                try TestSupport.write(bytes, to: dir + "/in\(i)")
                let summary = try store.importFile(dir + "/in\(i)")
                let reader = try CARReader(path: summary.carPath)
                var blocks = 0, bytes: UInt64 = 0
                while let block = try reader.next() { blocks += 1; bytes += UInt64(block.data.count) }
                #expect(try await TransferPlan.size(of: CID(summary.piece.rootCID), in: store) == DAGSize(blocks: blocks, bytes: bytes))
            }
            let small = try self.store(dag, in: dir)
            #expect(try await TransferPlan.size(of: dag.root, in: small)
                == DAGSize(blocks: dag.blocks.count, bytes: UInt64(dag.blocks.values.reduce(0) { $0 + $1.count })))
        }
    }

    @Test func placesMatchTheCARLayout() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let store = try self.store(dag, in: dir)
            let car = try store.pieces()[0]
            let reader = try CARReader(path: store.piecesDirectory + "/" + car.carFile)
            var cids: [CID] = [], locations: [CID: BlockLocation] = [:]
            while let block = try reader.next() { cids.append(block.cid); locations[block.cid] = block.location }
            let places = try await store.places(of: cids, preferring: nil)
            #expect(places.count == cids.count)
            for (cid, place) in places {
                #expect(place.sectionOffset == locations[cid]!.sectionOffset && place.dataLength == locations[cid]!.dataLength)
            }
        }
    }

    @Test func chunksFollowTheTransferOrderAndNeverSplitABlock() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let store = try self.store(dag, in: dir)
            var plan = try await TransferPlan(blockstore: store, root: dag.root, chunkCapacity: 400)
            let limits: [UInt64] = [1, 10, 0, 1 << 20, 7]
            let chunks = try await TransferPipeline.chunks(&plan) { limits[$0 % limits.count] }
            var sent: [CID] = []
            var reader = BlockSectionReader()
            for (i, chunk) in chunks.enumerated() {
                let sections = try reader.feed(chunk.sections)
                #expect(reader.bufferedBytes == 0 && sections.count == chunk.blocks)
                #expect(chunk.bytes == UInt64(sections.reduce(0) { $0 + $1.data.count }))
                #expect(chunk.blocks == 1 || (chunk.bytes <= limits[i % limits.count] && chunk.sections.readableBytes <= 400))
                sent += sections.map(\.cid)
                #expect(sections.allSatisfy { (try? $0.cid.multihash.matches(Array($0.data))) == true })
            }
            #expect(sent == dag.transferOrder)
            #expect(chunks.contains { $0.blocks > 1 })
            #expect(plan.isComplete && plan.blocksSent == sent.count)
            #expect(try await plan.nextChunk(maxBytes: 1 << 20) == nil)
        }
    }

    @Test func sectionsBackToBackInAPieceAreReadTogether() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            try TestSupport.write(TestSupport.distinctChunks(3 * UnixFSImporter.chunkSize + 5, seed: 13), to: dir + "/in")
            let root = try CID(try store.importFile(dir + "/in").piece.rootCID)
            // The importer writes the four leaves, then the root; the transfer sends the root first.
            var plan = try await TransferPlan(blockstore: store, root: root, chunkCapacity: 2 << 20)
            let chunk = try #require(try await plan.nextChunk(maxBytes: 2 << 20))
            #expect(chunk.blocks == 5 && chunk.reads == 2 && plan.isComplete)
        }
    }

    @Test func startsAtAnyBlock() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let store = try self.store(dag, in: dir)
            let order = dag.transferOrder
            for start in 0...order.count {
                var plan = try await TransferPlan(blockstore: store, root: dag.root, startingAt: start)
                #expect(plan.blocksSent == start)
                #expect(plan.bytesSent == UInt64(order.prefix(start).reduce(0) { $0 + dag.blocks[$1]!.count }))
                let stream = TransferPipeline.stream(try await TransferPipeline.chunks(&plan))
                #expect(try TransferPipeline.sections(of: stream, seed: UInt64(start)).map(\.cid) == Array(order.dropFirst(start)))
            }
        }
    }

    @Test func aMissingBlockIsNamedWhenTheTraversalReachesIt() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let store = try self.store(dag, in: dir)
            let order = dag.transferOrder
            let missing = order[order.count / 2]
            let key = Data(missing.bytes)
            try await store.database.write { db in try db.execute(sql: "DELETE FROM block WHERE cid = ?", arguments: [key]) }
            await #expect(throws: TransferError.missingBlock(missing)) { try await TransferPlan.size(of: dag.root, in: store) }
            var plan = try await TransferPlan(blockstore: store, root: dag.root)
            var sent = 0
            await #expect(throws: TransferError.missingBlock(missing)) {
                while let chunk = try await plan.nextChunk(maxBytes: 1) { sent += chunk.blocks }
            }
            #expect(sent == order.count / 2)
            await #expect(throws: TransferError.missingBlock(CID.raw([9]))) {
                var absent = try await TransferPlan(blockstore: store, root: CID.raw([9]))
                _ = try await absent.nextChunk(maxBytes: 1)
            }
        }
    }

    @Test func aDamagedPieceIsReportedNotSent() async throws {
        try await TestSupport.withTemporaryDirectoryAsync { dir in
            let store = try self.store(dag, in: dir)
            let path = store.piecesDirectory + "/" + (try store.pieces()[0].carFile)
            var car = try TestSupport.read(path)
            // Shift every section by one byte: the index no longer points at the sections.
            car.insert(0, at: CARHeader(roots: [dag.root]).encodedSection.count)
            try TestSupport.write(car, to: path)
            var plan = try await TransferPlan(blockstore: store, root: dag.root)
            await #expect {
                try await plan.nextChunk(maxBytes: 1 << 20)
            } throws: { error in
                if case .damagedPiece = error as? TransferError { return true }
                return false
            }
        }
    }
}
