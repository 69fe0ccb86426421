import Foundation
import NIOCore
import Testing
@testable import NodeKit

@Suite struct BlockSectionTests {
    private let sections = [
        BlockSection(cid: CID.raw([]), data: []),
        BlockSection(cid: CID.raw([1, 2, 3]), data: [1, 2, 3]),
        BlockSection(cid: CID.raw(TestSupport.randomBytes(300_000, seed: 3)), data: TestSupport.randomBytes(300_000, seed: 3)),
        BlockSection(cid: try! CID(v0: Multihash.sha256([7])), data: [7]),
    ]

    private var stream: [UInt8] { sections.flatMap(\.bytes) }

    @Test func aSectionIsACARv1Section() throws {
        let section = sections[1]
        #expect(section.bytes == Varint.encode(UInt64(36 + 3)) + CID.raw([1, 2, 3]).bytes + [1, 2, 3])
        #expect(Array(section.data) == [1, 2, 3] && section.header.count == 1 + 36)
    }

    @Test func anyChunkingGivesTheSameSections() throws {
        for seed in 1...20 as ClosedRange<UInt64> {
            #expect(try TransferPipeline.sections(of: stream, seed: seed) == sections)
        }
        var byteByByte = BlockSectionReader()
        var found: [BlockSection] = []
        for byte in stream.prefix(100) { found += try byteByByte.feed([byte]) }
        #expect(found == Array(sections.prefix(2)))
        var whole = BlockSectionReader()
        #expect(try whole.feed(ByteBuffer(bytes: stream)) == sections)
        try whole.finish()
    }

    @Test func aStreamEndingInsideASectionIsTruncated() throws {
        var reader = BlockSectionReader()
        #expect(try reader.feed(Array(stream.dropLast())) == Array(sections.prefix(3)))
        #expect(throws: TransferError.truncatedStream(bufferedBytes: sections[3].bytes.count - 1)) { try reader.finish() }
        var inPrefix = BlockSectionReader()
        _ = try inPrefix.feed([0x80])
        #expect(throws: TransferError.truncatedStream(bufferedBytes: 1)) { try inPrefix.finish() }
    }

    @Test func anOversizedSectionIsRefusedFromItsPrefix() throws {
        var reader = BlockSectionReader()
        let declared = UInt64(BlockSection.maxLength + 1)
        #expect(throws: TransferError.sectionTooLarge(length: declared, limit: BlockSection.maxLength)) {
            try reader.feed(Varint.encode(declared))
        }
    }

    @Test func malformedSectionsAreRefused() throws {
        for bad: [UInt8] in [[0x00], [2, 0x02, 0x55], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], [0x81, 0x00]] {
            var reader = BlockSectionReader()
            #expect {
                try reader.feed(bad)
            } throws: { error in
                if case .malformedSection = error as? TransferError { return true }
                return false
            }
        }
    }
}
