import Foundation
import Testing
@testable import NodeKit

@Suite struct CARTests {
    private func blocks(_ path: String, verify: Bool = true) throws -> [CARBlock] {
        let r = try CARReader(path: path)
        var out = [CARBlock]()
        while let b = try r.next(verify: verify) { out.append(b) }
        return out
    }

    @Test func readsTheSpecV1Fixture() throws {
        let path = TestSupport.fixture("car/carv1-basic.car")
        let r = try CARReader(path: path)
        #expect(r.v2Header == nil)
        #expect(r.header.roots.map(\.description) == [
            "bafyreihyrpefhacm6kkp4ql6j6udakdit7g3dmkzfriqfykhjw6cad5lrm",
            "bafyreidj5idub6mapiupjwjsyyxhyhedxycv4vihfsicm2vt46o7morwlm",
        ])
        let all = try blocks(path)
        #expect(all.count == 8)
        #expect(all.contains { $0.cid.version == 0 } && all.contains { $0.cid.codec == Multicodec.raw.rawValue })
    }

    @Test func readsTheSpecV2Fixture() throws {
        let path = TestSupport.fixture("car/carv2-basic.car")
        let r = try CARReader(path: path)
        let v2 = try #require(r.v2Header)
        #expect(v2.dataOffset == 51 && v2.dataSize == 448 && v2.indexOffset == 499)
        #expect(r.header.roots.map(\.description) == ["QmfEoLyB5NndqeKieExd1rtJzTduQUPEV8TwAYcUiy3H5Z"])
        #expect(try blocks(path).count == 5)
    }

    @Test func writesTheSpecsMinimalCAR() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let data = Array("hello world".utf8)
            let cid = CID.raw(data)
            let w = try CARWriter(path: dir + "/a.car", roots: [cid])
            try data.withUnsafeBytes { _ = try w.put(cid: cid, data: $0) }
            try w.finish()
            let expected = TestSupport.hex("""
                3a a2 65 726f6f7473 81 d8 2a 58 25 00 01551220 b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9
                67 76657273696f6e 01 2f 01551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9 68656c6c6f20776f726c64
                """)
            #expect(try TestSupport.read(dir + "/a.car") == expected)
            #expect(expected.count == 107)
        }
    }

    @Test func placeholderRootIsPatched() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let placeholder = CID(.dagPB, try Multihash(code: 0x12, digest: [UInt8](repeating: 0, count: 32)))
            let w = try CARWriter(path: dir + "/a.car", roots: [placeholder])
            let data: [UInt8] = [1, 2, 3]
            try data.withUnsafeBytes { _ = try w.put(cid: CID.raw(data), data: $0) }
            try w.finish(replacingRoots: [CID.raw(data)])
            #expect(try CARReader(path: dir + "/a.car").header.roots == [CID.raw(data)])
            #expect(throws: CARWriteError.self) {
                let w2 = try CARWriter(path: dir + "/b.car", roots: [placeholder])
                try w2.finish(replacingRoots: [placeholder, placeholder])
            }
        }
    }

    /// Every truncation of a valid CAR is either read as a shorter valid CAR (cut exactly
    /// between sections) or reported as an error: never a crash, never a wrong block.
    @Test func everyTruncationIsCaught() throws {
        let original = try TestSupport.read(TestSupport.fixture("car/carv1-basic.car"))
        let full = try blocks(TestSupport.fixture("car/carv1-basic.car"))
        try TestSupport.withTemporaryDirectory { dir in
            for cut in 0..<original.count {
                let path = dir + "/t.car"
                try TestSupport.write(Array(original.prefix(cut)), to: path)
                do {
                    let got = try blocks(path)
                    #expect(got.count < full.count)
                    #expect(zip(got, full).allSatisfy { $0.cid == $1.cid && $0.data == $1.data })
                } catch is ContentError {
                } catch is IOError {
                }
            }
        }
    }

    @Test func detectsCorruptBlocksAndHostileLengths() throws {
        let original = try TestSupport.read(TestSupport.fixture("car/carv1-basic.car"))
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir + "/bad.car"
            // Flip the last byte: the last block no longer matches its CID.
            var flipped = original
            flipped[flipped.count - 1] ^= 0x01
            try TestSupport.write(flipped, to: path)
            #expect(throws: ContentError.self) { _ = try blocks(path) }
            // A section declaring 2^40 bytes.
            let header = CARHeader(roots: [CID.raw([1])]).encodedSection
            try TestSupport.write(header + Varint.encode(1 << 40) + [1, 2, 3], to: path)
            #expect(throws: ContentError.self) { _ = try blocks(path) }
            // A section running past the end of the file.
            try TestSupport.write(header + Varint.encode(100) + CID.raw([1]).bytes, to: path)
            #expect(throws: ContentError.self) { _ = try blocks(path) }
            // A header that is not a CAR header.
            try TestSupport.write([0x01, 0x01], to: path)
            #expect(throws: ContentError.self) { _ = try blocks(path) }
            // A CARv2 whose payload runs past the end.
            var v2 = try TestSupport.read(TestSupport.fixture("car/carv2-basic.car"))
            v2[11 + 24] = 0xff
            try TestSupport.write(v2, to: path)
            #expect(throws: ContentError.self) { _ = try blocks(path) }
        }
    }

    @Test func mutatedCARsNeverCrash() throws {
        let original = try TestSupport.read(TestSupport.fixture("car/carv2-basic.car"))
        var rng = SeededGenerator(seed: 1234)
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir + "/m.car"
            for _ in 0..<2000 {
                var bytes = original
                for _ in 0..<(1 + rng.next() % 4) {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
                try TestSupport.write(bytes, to: path)
                _ = try? blocks(path)
            }
        }
    }
}
