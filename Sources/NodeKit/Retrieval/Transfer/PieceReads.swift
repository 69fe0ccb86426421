import Dispatch
import NIOCore

/// Reads sections out of pieces' CAR files off Swift's cooperative pool: on a private
/// concurrent queue, so a transfer waiting on the disk blocks none of the pool's threads.
enum PieceReads {
    /// One contiguous range of a CAR file, holding one or more whole sections.
    struct Range: Sendable {
        let file: FileSource
        let piece: String
        let offset: UInt64
        var length: Int
    }

    /// A section expected at `at` in the bytes read: its CID and header, to check that the
    /// CAR holds what the index says.
    struct Expected: Sendable {
        let at: Int
        let cid: CID
        let piece: String
        let header: [UInt8]
    }

    private static let queue = DispatchQueue(label: "filtop.piece-reads", qos: .userInitiated, attributes: .concurrent)

    /// Reads `ranges` back to back into one buffer and checks that every expected section
    /// header is where the index puts it (`TransferError.damagedPiece` if not).
    static func read(_ ranges: [Range], total: Int, expecting expected: [Expected]) async throws -> ByteBuffer {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try readNow(ranges, total: total, expecting: expected) })
            }
        }
    }

    private static func readNow(_ ranges: [Range], total: Int, expecting expected: [Expected]) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: total)
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { target in
            var at = 0
            for range in ranges {
                let slice = UnsafeMutableRawBufferPointer(rebasing: target[at..<(at + range.length)])
                let got = try range.file.read(at: range.offset, into: slice)
                guard got == range.length else {
                    let end = range.offset + UInt64(got)
                    throw TransferError.damagedPiece(
                        piece: range.piece, reason: "its CAR file ends at \(end), before the block the index puts at \(range.offset)")
                }
                at += range.length
            }
            for section in expected {
                let found = UnsafeRawBufferPointer(rebasing: target[section.at..<(section.at + section.header.count)])
                guard found.elementsEqual(section.header) else {
                    throw TransferError.damagedPiece(
                        piece: section.piece, reason: "its CAR file does not hold block \(section.cid) where the index puts it")
                }
            }
            return total
        }
        return buffer
    }
}
