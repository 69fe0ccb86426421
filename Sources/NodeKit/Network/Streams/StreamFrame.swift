import NIOCore

/// A frame of the ordered-stream layer, sent inside the secure session beside envelope
/// frames (docs/PROTOCOL.md §5.1).
///
/// Layout: a 4-byte big-endian word whose top bit is set (envelope frames never set it,
/// their length is at most 1 MiB), holding the length of what follows; then the kind
/// (1 byte), the stream ID (8 bytes, big-endian) and the kind's payload.
struct StreamFrame: Equatable {
    enum Kind: UInt8 {
        /// Opener → server: payload = 4-byte initial credit in bytes ‖ the request envelope (DAG-CBOR).
        case open = 1
        /// Server → opener: payload = the next bytes of the stream, in order.
        case data = 2
        /// Opener → server: payload = 4-byte number of further bytes the server may send.
        case credit = 3
        /// Server → opener: the stream is complete; empty payload.
        case end = 4
        /// Either side: the stream is abandoned; payload = UTF-8 reason.
        case cancel = 5
        /// Server → opener: the server's service refuses the stream (or gives it up) with a
        /// typed reason; payload = a `Refusal` envelope (DAG-CBOR, its request = the stream ID).
        case refuse = 6
    }

    static let marker: UInt32 = 1 << 31
    static let headerSize = 4 + 1 + 8
    /// Largest data payload per frame.
    static let maxData = 1 << 18
    /// Data payload per frame this side sends: as many whole transport messages of the
    /// secure session as fit in `maxData`, so no frame ends in a short message.
    static let sendData = maxData / SecureChannelHandler.sendPlaintext * SecureChannelHandler.sendPlaintext
    /// Largest frame body (kind, ID, payload) a receiver accepts.
    static let maxBody = 1 + 8 + maxData

    let kind: Kind
    let stream: UInt64
    var payload: ByteBuffer

    /// The frame's header (length word, kind, stream ID), to write before its payload.
    func header(_ allocator: ByteBufferAllocator) -> ByteBuffer {
        var out = allocator.buffer(capacity: Self.headerSize)
        writeHeader(to: &out)
        return out
    }

    /// The whole frame's bytes, for writing to a channel.
    func encoded(_ allocator: ByteBufferAllocator) -> ByteBuffer {
        var out = allocator.buffer(capacity: Self.headerSize + payload.readableBytes)
        writeHeader(to: &out)
        out.writeImmutableBuffer(payload)
        return out
    }

    private func writeHeader(to out: inout ByteBuffer) {
        out.writeInteger(Self.marker | UInt32(1 + 8 + payload.readableBytes))
        out.writeInteger(kind.rawValue)
        out.writeInteger(stream)
    }

    /// A credit or open payload's leading 4-byte count.
    static func count(_ n: Int, _ allocator: ByteBufferAllocator) -> ByteBuffer {
        var b = allocator.buffer(capacity: 4)
        b.writeInteger(UInt32(clamping: n))
        return b
    }
}
