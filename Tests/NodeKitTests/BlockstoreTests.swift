import Foundation
import Testing
@testable import NodeKit

@Suite struct BlockstoreTests {
    @Test func importExportRoundTripsAndIndexesEveryBlock() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            for (i, size) in [0, 1, 65, UnixFSImporter.chunkSize, UnixFSImporter.chunkSize + 1, 3 << 20].enumerated() {
                let bytes = TestSupport.randomBytes(size, seed: UInt64(i + 100))
                try TestSupport.write(bytes, to: dir + "/in")
                let summary = try store.importFile(dir + "/in")
                let piece = summary.piece
                // The Piece CID recorded is the CommP of the CAR on disk.
                let recomputed = try PieceCommitmentHasher.pieceCID(ofFile: summary.carPath)
                #expect(piece.pieceCID == recomputed.pieceCID.description)
                #expect(piece.carSize == recomputed.payloadSize && piece.pieceSize == recomputed.size.bytes)
                #expect(try CARReader(path: summary.carPath).header.roots.map(\.description) == [piece.rootCID])
                // Every block is readable by CID through the index.
                let reader = try CARReader(path: summary.carPath)
                while let b = try reader.next(verify: true) { #expect(try store.block(b.cid) == b.data) }
                let out = try FileSink(path: dir + "/out")
                try UnixFSExporter(fetch: { try store.block($0) }).export(try CID(piece.rootCID), to: out)
                try out.close()
                #expect(try TestSupport.read(dir + "/out") == bytes)
            }
            #expect(try store.pieces().count == 6)
            // No temporary files are left behind.
            let names = try FileManager.default.contentsOfDirectory(atPath: store.piecesDirectory)
            #expect(names.allSatisfy { $0.hasSuffix(".car") && $0.hasPrefix("baga6ea4seaq") })
        }
    }

    @Test func reimportingTheSameFileKeepsOnePiece() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            try TestSupport.write(TestSupport.randomBytes(5000, seed: 1), to: dir + "/in")
            let a = try store.importFile(dir + "/in")
            let b = try store.importFile(dir + "/in")
            #expect(a.piece.pieceCID == b.piece.pieceCID)
            #expect(try store.pieces().count == 1)
        }
    }

    @Test func importsForeignCARs() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            let v2 = try store.importCAR(TestSupport.fixture("car/carv2-basic.car"))
            #expect(v2.piece.rootCID == "QmfEoLyB5NndqeKieExd1rtJzTduQUPEV8TwAYcUiy3H5Z")
            #expect(v2.piece.blockCount == 5)
            let v1 = try store.importCAR(TestSupport.fixture("car/carv1-basic.car"))
            #expect(v1.piece.blockCount == 8)
            // Bad input is refused and nothing already stored is touched.
            var corrupt = try TestSupport.read(TestSupport.fixture("car/carv1-basic.car"))
            corrupt[corrupt.count - 1] ^= 1
            try TestSupport.write(corrupt, to: dir + "/corrupt.car")
            #expect(throws: ContentError.self) { try store.importCAR(dir + "/corrupt.car") }
            #expect(try store.pieces().count == 2)
            #expect(try store.block(try CID("QmfEoLyB5NndqeKieExd1rtJzTduQUPEV8TwAYcUiy3H5Z")) != nil)
        }
    }

    @Test func missingBlocksAndTamperedPiecesAreReported() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let store = try DataDirectory(path: dir + "/data").openBlockstore()
            #expect(try store.block(CID.raw([1, 2, 3])) == nil)
            try TestSupport.write(TestSupport.randomBytes(1000, seed: 2), to: dir + "/in")
            let s = try store.importFile(dir + "/in")
            var car = try TestSupport.read(s.carPath)
            car[car.count - 1] ^= 1
            try TestSupport.write(car, to: s.carPath)
            #expect(throws: ContentError.self) { try store.block(try CID(s.piece.rootCID)) }
        }
    }
}
