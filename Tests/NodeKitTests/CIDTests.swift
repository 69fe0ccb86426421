import Testing
@testable import NodeKit

@Suite struct CIDTests {
    /// content-addressing.md §2.3: raw-block CIDs agreed on by several implementations.
    @Test(arguments: [
        ("hello world", "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"),
        ("hello world\n", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"),
        ("hello\n", "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am"),
        ("", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"),
    ])
    func rawBlockCIDs(input: String, expected: String) throws {
        let cid = CID.raw(Array(input.utf8))
        #expect(cid.description == expected)
        #expect(try CID(expected) == cid)
    }

    @Test func helloWorldBinaryForm() {
        let cid = CID.raw(Array("hello world".utf8))
        #expect(cid.bytes.hexString == "01551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
    }

    @Test(arguments: [
        "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o",
        "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH",
        "QmfEoLyB5NndqeKieExd1rtJzTduQUPEV8TwAYcUiy3H5Z",
        "bafybeiggzq4ryi7hscq5hzvzcnk4urnxt3asp37dhgvnjilf7exskximla",
        "bafyreihyrpefhacm6kkp4ql6j6udakdit7g3dmkzfriqfykhjw6cad5lrm",
        "baga6ea4seaqdomn3tgwgrh3g532zopskstnbrd2n3sxfqbze7rxt7vqn7veigmy",
        "baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq",
    ])
    func roundTripsRealCIDStrings(text: String) throws {
        let cid = try CID(text)
        #expect(cid.description == text)
        #expect(try CID(bytes: cid.bytes) == cid)
        #expect(cid.byteCount == cid.bytes.count)
    }

    @Test func v0IsDagPBAndConvertsToV1() throws {
        let v0 = try CID("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")
        #expect(v0.version == 0 && v0.codec == Multicodec.dagPB.rawValue)
        #expect(v0.v1.description.hasPrefix("bafybei"))
        #expect(v0.bytes.prefix(2) == [0x12, 0x20])
    }

    @Test func base58MultibaseFormOfV1() throws {
        let cid = CID.raw(Array("hello world".utf8))
        let z = cid.string(in: .base58btc)
        #expect(z.hasPrefix("z"))
        #expect(try CID(z) == cid)
        #expect(try CID(cid.description.uppercased().replacingOccurrences(of: "B", with: "B")) == cid)
    }

    @Test func pieceCIDPrefix() throws {
        let p = try PieceCID("baga6ea4seaqdomn3tgwgrh3g532zopskstnbrd2n3sxfqbze7rxt7vqn7veigmy")
        #expect(p.cid.bytes.prefix(7).map { $0 } == [0x01, 0x81, 0xe2, 0x03, 0x92, 0x20, 0x20])
        #expect(p.cid.bytes.count == 39)
        #expect(p.commitment.hexString == "3731bb99ac689f66eef5973e4a94da188f4ddcae580724fc6f3fd60dfd488333")
        #expect(throws: ContentError.self) { try PieceCID("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e") }
    }

    @Test func rejectsMalformedText() {
        #expect(throws: ContentError.self) { try CID("") }
        #expect(throws: ContentError.unsupportedMultibase("x")) { try CID("xyz") }
        #expect(throws: ContentError.invalidBaseCharacter(base: "base32", character: "1")) {
            try CID("bafkrei1zjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")
        }
        #expect(throws: ContentError.invalidBaseCharacter(base: "base58btc", character: "0")) {
            try CID("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff50")
        }
        // Truncated: the digest is shorter than declared.
        #expect(throws: ContentError.self) { try CID("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n") }
        // Version 2 does not exist.
        #expect(throws: ContentError.unsupportedCIDVersion(2)) { try CID(bytes: [0x02, 0x55, 0x00, 0x00]) }
        // Trailing bytes after a complete CID.
        #expect(throws: ContentError.self) { try CID(bytes: CID.raw([1]).bytes + [0]) }
        // sha2-256 with a wrong digest length.
        #expect(throws: ContentError.invalidDigestLength(code: 0x12, length: 3)) { try CID(bytes: [0x01, 0x55, 0x12, 0x03, 1, 2, 3]) }
    }

    @Test func detectsBlocksThatDoNotMatchTheirCID() throws {
        let cid = CID.raw(Array("hello world".utf8))
        #expect(try cid.multihash.matches(Array("hello world".utf8)))
        #expect(try !cid.multihash.matches(Array("hello worle".utf8)))
    }

    @Test func randomBytesNeverCrashTheDecoder() {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 48)
            var bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if n > 0 && rng.next() % 2 == 0 { bytes[0] = 0x01 }
            _ = try? CID.decode(bytes[...])
            _ = try? CID(Multibase.base32.encode(bytes))
        }
    }
}
