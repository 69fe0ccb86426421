import Foundation
import GRDB
import Testing
@testable import NodeKit

/// A data directory written by the release before the storage rework (schema steps v1–v3,
/// import times as text) opens with today's code and keeps everything it held.
@Suite struct StoreUpgradeTests {
    /// The fixture's pieces as `filtop import` recorded them (times are UTC).
    private static let fixturePieces: [(piece: String, root: String, car: UInt64, padded: UInt64, payload: UInt64, source: String, importedAt: String)] = [
        ("baga6ea4seaqkc5dtqrpksga7kmsmkea3ay4vcma5tzstq6qhkjt7a3f5mu4zqnq", "bafkreidkakhw3ha2isahg5ibjp3nuromtpajhwqe7zv24ypgnqq6nvimn4",
         125, 128, 29, "alpha.txt", "2026-11-29T08:01:05.951Z"),
        ("baga6ea4seaqicfc53j5gnjpoqnoita3p643obocvnr75dh7z5ik6bqcp6d2jaoa", "bafkreidwmt6cgqlddix73mitzj6xqaz3zxzi4d6s2zkolk5i2achwvn5zm",
         5097, 8192, 5000, "beta.bin", "2026-11-29T08:01:06.088Z"),
    ]

    private static func date(_ iso: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return try #require(formatter.date(from: iso))
    }

    @Test func anOldDataDirectoryKeepsEveryPieceAndRegisterRecord() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let data = dir + "/data"
            try FileManager.default.copyItem(atPath: TestSupport.fixture("datadir-v3"), toPath: data)
            // A register record stored the old way (updated_at in Unix seconds, as a real).
            let key = KeyPair()
            let record = try NodeRecord(keyPair: key, roles: [.provider], addresses: ["127.0.0.1:7420"], region: "eu", country: "DE",
                                        paymentAddress: "f1abc", expiry: 4_000_000_000, sequence: 3)
            let old = try DatabaseQueue(path: data + "/node.sqlite")
            try old.write { db in
                try db.execute(
                    sql: "INSERT INTO known_node (node_id, record, roles, region, expiry, sequence, updated_at) VALUES (?, ?, 'provider', 'eu', 4000000000, 3, 1795939266.5)",
                    arguments: [record.nodeID.description, Data(record.cbor.encoded)])
            }
            try old.close()

            let store = try DataDirectory(path: data).openBlockstore()
            let pieces = try store.pieces()
            #expect(pieces.count == Self.fixturePieces.count)
            for expected in Self.fixturePieces {
                let piece = try #require(pieces.first { $0.pieceCID == expected.piece })
                #expect(piece.rootCID == expected.root && piece.carFile == expected.piece + ".car")
                #expect(piece.carSize == expected.car && piece.pieceSize == expected.padded && piece.payloadSize == expected.payload)
                #expect(piece.blockCount == 1 && piece.source == expected.source)
                #expect(abs(piece.importedAt.timeIntervalSince(try Self.date(expected.importedAt))) < 0.001)
                // The content itself is still served.
                let out = try FileSink(path: dir + "/out-" + expected.source)
                try UnixFSExporter(fetch: { try store.block($0) }).export(try CID(piece.rootCID), to: out)
                try out.close()
                #expect(try TestSupport.read(dir + "/out-" + expected.source) == TestSupport.read(TestSupport.fixture("datadir-v3/" + expected.source)))
            }
            // Newest first, by the converted times.
            #expect(pieces.map(\.source) == ["beta.bin", "alpha.txt"])
            // The upgrade rewrote the times, so the revision moved once per piece; the sums did not.
            #expect(try store.totals() == ContentTotals(revision: 4, pieceCount: 2, payloadBytes: 5029, carBytes: 5222, blockCount: 2))

            let register = RegisterStore(database: store.database, table: .localCopy)
            #expect(try register.record(record.nodeID) == record)
            let updated = try store.database.read { db in
                try Row.fetchOne(db, sql: "SELECT updated_at FROM known_node")
            }
            #expect(try StoredRow(try #require(updated), subject: "test").integer("updated_at") == 1_795_939_266_500)
        }
    }
}
