import Testing
@testable import NodeKit

@Suite struct CBORTests {
    @Test func encodesShortestIntegers() {
        #expect(CBOR.unsigned(0).encoded == [0x00])
        #expect(CBOR.unsigned(23).encoded == [0x17])
        #expect(CBOR.unsigned(24).encoded == [0x18, 0x18])
        #expect(CBOR.unsigned(255).encoded == [0x18, 0xff])
        #expect(CBOR.unsigned(256).encoded == [0x19, 0x01, 0x00])
        #expect(CBOR.unsigned(65536).encoded == [0x1a, 0x00, 0x01, 0x00, 0x00])
        #expect(CBOR.unsigned(UInt64.max).encoded == [0x1b] + [UInt8](repeating: 0xff, count: 8))
        #expect(CBOR.int(-1).encoded == [0x20])
        #expect(CBOR.int(-500).encoded == [0x39, 0x01, 0xf3])
    }

    @Test func sortsMapKeysByLengthThenBytes() {
        let v = CBOR.map(["version": .unsigned(1), "roots": .array([]), "b": .null, "aa": .bool(true)])
        let e = v.encoded
        // b, aa, roots, version
        #expect(e == [0xa4, 0x61, 0x62, 0xf6, 0x62, 0x61, 0x61, 0xf5, 0x65] + Array("roots".utf8) + [0x80, 0x67] + Array("version".utf8) + [0x01])
    }

    @Test func carHeaderMatchesTheSpecBytes() {
        let cid = CID.raw(Array("hello world".utf8))
        let expected = TestSupport.hex("3a a2 65 726f6f7473 81 d8 2a 58 25 00 01551220 b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9 67 76657273696f6e 01")
        #expect(CARHeader(roots: [cid]).encodedSection == expected)
        var e = CBOREncoder()
        e.encode(.map(["roots": .array([.link(cid)]), "version": .unsigned(1)]))
        #expect([UInt8(e.bytes.count)] + e.bytes == expected)
    }

    @Test func roundTripsEveryKind() throws {
        let value = CBOR.map([
            "u": .unsigned(1 << 40), "n": .negative(77), "b": .bytes([1, 2, 3]), "t": .text("héllo ✓"),
            "a": .array([.null, .bool(false), .float(1.5), .link(CID.raw([9]))]), "m": .map(["x": .unsigned(0)]),
        ])
        #expect(try CBORDecoder.decode(value.encoded) == value)
    }

    @Test func rejectsWhatDAGCBORForbids() {
        let cases: [(String, [UInt8])] = [
            ("non-shortest integer", [0x18, 0x05]),
            ("non-shortest 16-bit", [0x19, 0x00, 0x10]),
            ("indefinite array", [0x9f, 0xff]),
            ("unsorted keys", [0xa2, 0x62, 0x61, 0x61, 0x01, 0x61, 0x62, 0x02]),
            ("duplicate keys", [0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02]),
            ("integer key", [0xa1, 0x01, 0x02]),
            ("tag other than 42", [0xc1, 0x01]),
            ("32-bit float", [0xfa, 0x3f, 0xc0, 0x00, 0x00]),
            ("NaN", [0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]),
            ("undefined", [0xf7]),
            ("invalid UTF-8", [0x62, 0xff, 0xfe]),
            ("trailing bytes", [0x01, 0x02]),
            ("truncated string", [0x65, 0x61]),
            ("tag 42 without the 00 prefix", [0xd8, 0x2a, 0x42, 0x01, 0x55]),
            ("huge declared array", [0x9b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        ]
        for (name, bytes) in cases {
            #expect(throws: ContentError.self, "\(name)") { try CBORDecoder.decode(bytes) }
        }
    }

    @Test func boundsNestingDepth() {
        let deep = [UInt8](repeating: 0x81, count: 1000) + [0x00]
        #expect(throws: ContentError.limitExceeded(what: "CBOR nesting depth", limit: 64)) { try CBORDecoder.decode(deep) }
    }

    @Test func randomAndMutatedInputNeverCrashes() {
        var rng = SeededGenerator(seed: 99)
        let seed = CBOR.map(["roots": .array([.link(CID.raw([1]))]), "version": .unsigned(1), "x": .text("abc")]).encoded
        for i in 0..<50_000 {
            var bytes: [UInt8]
            if i % 2 == 0 {
                bytes = (0..<Int(rng.next() % 32)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                bytes = seed
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1))))
            }
            if let v = try? CBORDecoder.decode(bytes) {
                // Anything accepted is canonical: it re-encodes to the same bytes.
                #expect(v.encoded == bytes)
            }
        }
    }
}
