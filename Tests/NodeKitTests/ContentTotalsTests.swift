import Foundation
import GRDB
import Testing
@testable import NodeKit

@Suite struct ContentTotalsTests {
    @Test func totalsFollowImportsAndTheRevisionMovesOnlyOnChange() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            #expect(try store.totals() == ContentTotals(revision: 0, pieceCount: 0, payloadBytes: 0, carBytes: 0, blockCount: 0))
            for (i, size) in [1, 300_000, 2 << 20].enumerated() {
                try TestSupport.write(TestSupport.randomBytes(size, seed: UInt64(40 + i)), to: dir + "/in\(i)")
                _ = try store.importFile(dir + "/in\(i)")
            }
            let pieces = try store.pieces()
            let totals = try store.totals()
            #expect(totals.revision == 3 && totals.pieceCount == 3)
            #expect(totals.payloadBytes == pieces.reduce(0) { $0 + $1.payloadSize })
            #expect(totals.carBytes == pieces.reduce(0) { $0 + $1.carSize })
            #expect(totals.blockCount == pieces.reduce(0) { $0 + $1.blockCount })
            // The same file again is the same piece: nothing changes, not even the revision.
            _ = try store.importFile(dir + "/in1")
            #expect(try store.totals() == totals)
            // Removing a piece (its blocks go with it) moves the revision and the sums.
            let gone = pieces[0]
            try store.database.write { db in try db.execute(sql: "DELETE FROM piece WHERE piece_cid = ?", arguments: [gone.pieceCID]) }
            let after = try store.totals()
            #expect(after.revision == 4 && after.pieceCount == 2)
            #expect(after.payloadBytes == totals.payloadBytes - gone.payloadSize && after.blockCount == totals.blockCount - gone.blockCount)
        }
    }

    @Test func upgradingADatabaseCountsThePiecesItAlreadyHolds() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir + "/node.sqlite"
            let queue = try DatabaseQueue(path: path)
            // The schema as it was before content totals: the first step of each feature.
            var before = DatabaseMigrator()
            for step in [Blockstore.migrations[0], RegisterStore.migrations[0]] {
                before.registerMigration(step.identifier, migrate: step.apply)
            }
            try before.migrate(queue)
            try queue.write { db in
                for (i, size) in [100, 2000].enumerated() {
                    try db.execute(
                        sql: """
                            INSERT INTO piece (piece_cid, root_cid, car_file, car_size, piece_size, payload_size, block_count, source, imported_at)
                            VALUES (?, 'root', 'car', ?, 4096, ?, ?, 'src', 0)
                            """,
                        arguments: ["piece\(i)", size + 100, size, i + 1])
                }
            }
            try queue.close()
            let store = try Blockstore(directory: dir + "/pieces", database: NodeDatabase(path: path))
            #expect(try store.totals() == ContentTotals(revision: 2, pieceCount: 2, payloadBytes: 2100, carBytes: 2300, blockCount: 3))
        }
    }
}
