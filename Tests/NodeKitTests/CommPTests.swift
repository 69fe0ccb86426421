import CSHA256
import Crypto
import Testing
@testable import NodeKit

@Suite struct CommPTests {
    private func pieceCID(_ bytes: [UInt8]) throws -> (PieceCID, PaddedPieceSize) {
        let h = PieceCommitmentHasher()
        h.update(bytes)
        return try h.finish()
    }

    /// content-addressing.md §2.1: CommP of all-zero pieces (go-commp-utils zerocomm).
    @Test(arguments: [
        (128, "3731bb99ac689f66eef5973e4a94da188f4ddcae580724fc6f3fd60dfd488333"),
        (256, "642a607ef886b004bf2c1978463ae1d4693ac0f410eb2d1b7a47fe205e5e750f"),
        (512, "57a2381a28652bf47f6bef7aca679be4aede5871ab5cf3eb2c08114488cb8526"),
        (1024, "1f7ac9595510e09ea41c460b176430bb322cd6fb412ec57cb17d989a4310372f"),
        (2048, "fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833"),
        (4096, "08c47b38ee13bc43f41b915c0eed9911a26086b3ed62401bf9d58b8d19dff624"),
        (8192, "b2e47bfb11facd941f62af5c750f3ea5cc4df517d5c4f16db2b4d77baec1a32f"),
        (65536, "fee378cef16404b199ede0b13e11b624ff9d784fbbed878d83297e795e024f02"),
        (1 << 20, "d99887b973573a96e11393645236c17b1f4c7034d723c7a99f709bb4da61162b"),
        (16 << 20, nil as String?),
    ] as [(Int, String?)])
    func zeroPieces(padded: Int, commitment: String?) throws {
        let payload = [UInt8](repeating: 0, count: padded / 128 * 127)
        let (cid, size) = try pieceCID(payload)
        #expect(size.bytes == UInt64(padded))
        // Hashing the zero bytes must agree with the closed-form zero-subtree table.
        #expect(cid.commitment == ZeroCommitments.shared.at(level: size.treeHeight))
        if let commitment { #expect(cid.commitment.hexString == commitment) }
    }

    @Test func zeroTableAtLargeSizes() throws {
        // 1 GiB, 32 GiB and 64 GiB rows of the published table.
        #expect(ZeroCommitments.shared.at(level: 25).hexString == "ccc3c012f5b05e811a2bbfdd0f6833b84275b47bf229c0052a82484f3c1a5b3d")
        #expect(try PieceCID(commitment: ZeroCommitments.shared.at(level: 30)).description
            == "baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq")
        #expect(try PieceCID(commitment: ZeroCommitments.shared.at(level: 31)).description
            == "baga6ea4seaqomqafu276g53zko4k23xzh4h4uecjwicbmvhsuqi7o4bhthhm4aq")
    }

    /// content-addressing.md §2.2.
    @Test func publishedInputs() throws {
        let cat = Array("i am the biggest cat, what do you think about that".utf8) + [UInt8](repeating: 0, count: 127 - 51)
        #expect(try pieceCID(cat).0.description == "baga6ea4seaqozp3abki6vgdf7ztbipcycmxfyt2o64cpuyvdkczsjxsg7bqmioi")
        var d = [UInt8]()
        for b in 0..<4 { d += [UInt8](repeating: UInt8(b), count: 127) }
        #expect(try pieceCID(d).0.description == "baga6ea4seaqes3nobte6ezpp4wqan2age2s5yxcatzotcvobhgcmv5wi2xh5mbi")
        #expect(try pieceCID(d + [UInt8](repeating: 0, count: 508)).0.description
            == "baga6ea4seaqn42av3szurbbscwuu3zjssvfwbpsvbjf6y3tukvlgl2nf5rha6pa")
        // Zero padding is implicit: the unpadded 51 bytes... are refused (< 65), 508 bytes pad to 512.
        #expect(try pieceCID(Array(d.prefix(500)) + [UInt8](repeating: 3, count: 8)).1.bytes == 512)
    }

    @Test func implicitZeroPaddingEqualsExplicit() throws {
        let data = TestSupport.randomBytes(100_000, seed: 5)
        let size = try PaddedPieceSize.fitting(payload: 100_000)
        let explicit = data + [UInt8](repeating: 0, count: Int(size.unpadded) - data.count)
        #expect(try pieceCID(data).0 == pieceCID(explicit).0)
    }

    @Test func streamingSplitsDoNotMatter() throws {
        // Larger than one 4 MiB batch so batch, remainder and padding paths all run.
        let data = TestSupport.randomBytes(9 << 20 + 12345, seed: 11)
        let whole = try pieceCID(data)
        let h = PieceCommitmentHasher()
        var i = 0, step = 1
        while i < data.count {
            let n = min(step, data.count - i)
            h.update(Array(data[i..<i + n]))
            i += n
            step = step * 3 + 7
        }
        #expect(try h.finish().pieceCID == whole.0)
        #expect(whole.1.bytes == 16 << 20)
    }

    /// Hashing with a placeholder first chunk and replacing it at the end gives the same
    /// Piece CID as hashing the real bytes, on every path: one chunk, remainder only,
    /// exactly one batch, several batches with a remainder.
    @Test(arguments: [65, 127, 128, 1000, 127 * 4096 + 5, 4 * 1024 * 1024 / 128 * 127, 9 * 1024 * 1024 + 77])
    func replacingTheFirstChunkMatchesHashingTheRealBytes(size: Int) throws {
        let real = TestSupport.randomBytes(size, seed: UInt64(size))
        let prefixLength = min(59, size)
        var streamed = real
        for i in 0..<prefixLength { streamed[i] = 0xAA }
        let h = PieceCommitmentHasher()
        h.update(streamed)
        let patched = try h.finish(replacingFirstChunk: Array(real.prefix(prefixLength)))
        #expect(patched.pieceCID == (try pieceCID(real)).0)
        #expect(patched.pieceCID != (try pieceCID(streamed)).0)
    }

    @Test func refusesTinyPayloads() {
        #expect(throws: ContentError.self) { try pieceCID([UInt8](repeating: 1, count: 64)) }
        #expect(throws: Never.self) { try pieceCID([UInt8](repeating: 1, count: 65)) }
    }

    @Test func sizes() throws {
        #expect(try PaddedPieceSize.fitting(payload: 65).bytes == 128)
        #expect(try PaddedPieceSize.fitting(payload: 127).bytes == 128)
        #expect(try PaddedPieceSize.fitting(payload: 128).bytes == 256)
        #expect(try PaddedPieceSize.fitting(payload: 1_040_384).bytes == 1 << 20)
        #expect(try PaddedPieceSize.fitting(payload: 34_091_302_912).bytes == 32 << 30)
        #expect(try PaddedPieceSize(64 << 30).unpadded == 68_182_605_824)
        #expect(throws: ContentError.self) { try PaddedPieceSize(300) }
    }

    /// The accelerated node function agrees with swift-crypto's SHA-256 on random input,
    /// for both the interleaved pair path and the single trailing message.
    @Test func nodeFunctionMatchesReferenceSHA256() {
        for count in [1, 2, 3, 8, 33] {
            let input = TestSupport.randomBytes(64 * count, seed: UInt64(count))
            var out = [UInt8](repeating: 0, count: 32 * count)
            input.withUnsafeBufferPointer { i in
                out.withUnsafeMutableBufferPointer { o in filtop_sha256_trunc254_pairs(i.baseAddress!, o.baseAddress!, count) }
            }
            var plain = [UInt8](repeating: 0, count: 32 * count)
            input.withUnsafeBufferPointer { i in
                plain.withUnsafeMutableBufferPointer { o in filtop_sha256_pairs(i.baseAddress!, o.baseAddress!, count) }
            }
            for k in 0..<count {
                var expected = Array(SHA256.hash(data: input[(64 * k)..<(64 * k + 64)]))
                #expect(Array(plain[(32 * k)..<(32 * k + 32)]) == expected)
                expected[31] &= 0x3f
                #expect(Array(out[(32 * k)..<(32 * k + 32)]) == expected)
            }
        }
    }

    @Test func fr32MatchesTheBitDefinition() {
        let input = TestSupport.randomBytes(127 * 3, seed: 3)
        var out = [UInt8](repeating: 0, count: 128 * 3)
        input.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { o in filtop_fr32_expand(i.baseAddress!, o.baseAddress!, 3) } }
        for chunk in 0..<3 {
            for word in 0..<4 {
                for bit in 0..<256 {
                    let outBit = (out[chunk * 128 + word * 32 + bit / 8] >> (bit % 8)) & 1
                    var expected: UInt8 = 0
                    if bit < 254 {
                        let src = word * 254 + bit
                        expected = (input[chunk * 127 + src / 8] >> (src % 8)) & 1
                    }
                    #expect(outBit == expected)
                    if outBit != expected { return }
                }
            }
        }
    }
}
