import Foundation
import Testing
@testable import NodeKit

@Suite struct StoredRowTests {
    /// Regression: import times were written as text by the record encoder and read back
    /// as a number, so every piece showed as imported at 1970-01-01 00:33.
    @Test func aPieceImportedNowListsAsImportedNow() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            try TestSupport.write(TestSupport.randomBytes(700, seed: 9), to: dir + "/in")
            let before = Date()
            _ = try store.importFile(dir + "/in")
            var listed: [Date] = []
            try store.forEachPiece { listed.append($0.importedAt) }
            #expect(listed.count == 1)
            #expect(abs(try #require(listed.first).timeIntervalSince(before)) < 5)
        }
    }

    /// Regression: a negative size in a piece row trapped when converted to an unsigned size.
    @Test func aDamagedPieceRowIsATypedErrorNamingThePiece() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            try TestSupport.write(TestSupport.randomBytes(700, seed: 10), to: dir + "/in")
            let piece = try store.importFile(dir + "/in").piece
            try store.database.write { db in try db.execute(sql: "UPDATE piece SET car_size = -5") }
            let error = try #require(throws: CorruptRowError.self) { try store.pieces() }
            #expect(error.subject == "piece \(piece.pieceCID) (root \(piece.rootCID))")
            #expect(error.column == "car_size")
            #expect(error.description.contains("-5") && error.description.contains("Restore"))
            #expect(throws: CorruptRowError.self) { try store.block(try CID(piece.rootCID)) }
        }
    }

    /// Regression: a block length beyond its piece's CAR trapped (or read garbage) on export.
    @Test func aDamagedBlockRowIsATypedErrorNamingBlockAndPiece() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            try TestSupport.write(TestSupport.randomBytes(700, seed: 11), to: dir + "/in")
            let piece = try store.importFile(dir + "/in").piece
            for damage in ["data_length = -1", "data_length = 9223372036854775807", "data_offset = 'x'"] {
                try store.database.write { db in
                    try db.execute(sql: "UPDATE block SET data_offset = 0, data_length = 1")
                    try db.execute(sql: "UPDATE block SET \(damage)")
                }
                let error = try #require(throws: CorruptRowError.self, "\(damage)") {
                    try UnixFSExporter(fetch: { try store.block($0) }).export(try CID(piece.rootCID), to: FileSink(path: dir + "/out"))
                }
                #expect(error.subject.contains(piece.pieceCID) && error.subject.contains(piece.rootCID))
            }
        }
    }

    @Test func aTextTimeThatIsNoDateIsReportedNotReadAsANumber() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            try TestSupport.write(TestSupport.randomBytes(70, seed: 12), to: dir + "/in")
            _ = try store.importFile(dir + "/in")
            try store.database.write { db in try db.execute(sql: "UPDATE piece SET imported_at = '2026 or so'") }
            let error = try #require(throws: CorruptRowError.self) { try store.pieces() }
            #expect(error.column == "imported_at")
        }
    }
}

@Suite struct StoredRegisterRowTests {
    /// Regression: a negative stored sequence trapped when converted to an unsigned sequence.
    @Test func aDamagedRegisterRowIsATypedErrorNamingTheNode() throws {
        let database = try NodeDatabase()
        let store = RegisterStore(database: database, table: .authoritative)
        let key = KeyPair()
        let record = { (sequence: UInt64) in
            try NodeRecord(keyPair: key, roles: [.gateway], addresses: ["127.0.0.1:7420"], region: "eu", country: "DE",
                           paymentAddress: "f1abc", expiry: 4_000_000_000, sequence: sequence)
        }
        try store.upsert(try record(1))
        try database.write { db in try db.execute(sql: "UPDATE register_record SET sequence = -1") }
        let error = try #require(throws: CorruptRowError.self) { try store.upsert(try record(2)) }
        #expect(error.subject.contains(key.publicKey.nodeID.description) && error.column == "sequence")
        try database.write { db in try db.execute(sql: "UPDATE register_record SET record = 'text'") }
        #expect(throws: CorruptRowError.self) { try store.record(key.publicKey.nodeID) }
    }
}
