import NIOCore
import Testing
@testable import NodeKit

/// The stream layer's parser, fed the same plaintext cut at every kind of boundary.
@Suite struct StreamFrameReaderTests {
    /// Envelope bytes, then a data frame, a credit frame, an end frame and another envelope.
    private static func session() -> (bytes: [UInt8], data: [UInt8]) {
        let alloc = ByteBufferAllocator()
        let data = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var out = ByteBuffer()
        out.writeInteger(UInt32(5))
        out.writeBytes([1, 2, 3, 4, 5])
        let frame = StreamFrame(kind: .data, stream: 9, payload: ByteBuffer(bytes: data))
        out.writeImmutableBuffer(frame.header(alloc))
        out.writeBytes(data)
        out.writeImmutableBuffer(StreamFrame(kind: .credit, stream: 9, payload: StreamFrame.count(42, alloc)).encoded(alloc))
        out.writeImmutableBuffer(StreamFrame(kind: .end, stream: 9, payload: ByteBuffer()).encoded(alloc))
        out.writeInteger(UInt32(2))
        out.writeBytes([6, 7])
        return (out.readBytes(length: out.readableBytes)!, data)
    }

    @Test(arguments: [1, 2, 3, 5, 13, 4096, 65_536, 1 << 20])
    func partsAreTheSameHoweverTheBytesAreCut(readSize: Int) throws {
        let (bytes, data) = Self.session()
        var reader = StreamFrameReader()
        var envelope: [UInt8] = [], received: [UInt8] = [], events: [String] = []
        var offset = 0
        while offset < bytes.count {
            var read = ByteBuffer(bytes: bytes[offset..<min(offset + readSize, bytes.count)])
            offset += read.readableBytes
            while let part = try reader.next(from: &read) {
                switch part {
                case .envelope(var b): envelope += b.readBytes(length: b.readableBytes)!
                case .dataHeader(let stream, let length): events.append("data \(stream) \(length)")
                case .data(let stream, var b, let ends):
                    #expect(stream == 9)
                    received += b.readBytes(length: b.readableBytes)!
                    #expect(ends == (received.count == data.count))
                case .frame(let f): events.append("\(f.kind) \(f.stream) \(f.payload.readableBytes)")
                }
            }
        }
        #expect(envelope == [0, 0, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0, 2, 6, 7])
        #expect(received == data)
        #expect(events == ["data 9 70000", "credit 9 4", "end 9 0"])
    }

    @Test func anOversizedOrUnknownFrameIsRefused() {
        var oversized = ByteBuffer()
        oversized.writeInteger(StreamFrame.marker | UInt32(StreamFrame.maxBody + 1))
        var reader = StreamFrameReader()
        #expect(throws: NetworkError.self) { try reader.next(from: &oversized) }

        var unknown = ByteBuffer()
        unknown.writeInteger(StreamFrame.marker | 9)
        unknown.writeInteger(UInt8(77))
        unknown.writeInteger(UInt64(1))
        var fresh = StreamFrameReader()
        #expect(throws: NetworkError.self) { try fresh.next(from: &unknown) }
    }
}
