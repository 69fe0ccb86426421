import Testing
@testable import NodeKit

@Suite struct VarintTests {
    @Test func encodesKnownValues() {
        #expect(Varint.encode(0) == [0x00])
        #expect(Varint.encode(1) == [0x01])
        #expect(Varint.encode(127) == [0x7f])
        #expect(Varint.encode(128) == [0x80, 0x01])
        #expect(Varint.encode(255) == [0xff, 0x01])
        #expect(Varint.encode(300) == [0xac, 0x02])
        #expect(Varint.encode(16384) == [0x80, 0x80, 0x01])
        #expect(Varint.encode(0xf101) == [0x81, 0xe2, 0x03])
        #expect(Varint.encode(0x1012) == [0x92, 0x20])
    }

    @Test func roundTripsAcrossTheRange() throws {
        var rng = SeededGenerator(seed: 7)
        for shift in 0..<63 {
            let v = (rng.next() >> UInt64(shift)) & 0x7fff_ffff_ffff_ffff
            let e = Varint.encode(v)
            #expect(e.count == Varint.size(of: v))
            let (d, n) = try Varint.decode(e)
            #expect(d == v && n == e.count)
        }
    }

    @Test func rejectsMalformedInput() {
        #expect(throws: ContentError.truncatedVarint) { try Varint.decode([UInt8]()) }
        #expect(throws: ContentError.truncatedVarint) { try Varint.decode([0x80, 0x80]) }
        #expect(throws: ContentError.varintNotMinimal) { try Varint.decode([0x81, 0x00]) }
        #expect(throws: ContentError.varintOverflow) { try Varint.decode([UInt8](repeating: 0xff, count: 10)) }
    }
}
