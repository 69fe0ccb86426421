/// Length-prefixed framing: a 4-byte big-endian body length, then the body.
///
/// `FrameDecoder` takes bytes as they arrive and yields whole bodies; it rejects a
/// declared length above its limit as soon as the 4 length bytes are in, before buffering
/// anything more, so a peer cannot make the node allocate beyond `maxBodySize`.
public enum Frame {
    public static let headerSize = 4
    /// The default largest body: 1 MiB.
    public static let defaultMaxBodySize = 1 << 20

    /// Frames `body`.
    public static func encode(_ body: [UInt8]) -> [UInt8] {
        let n = UInt32(truncatingIfNeeded: body.count)
        return [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + body
    }

    /// Decodes exactly one frame that fills `bytes`.
    public static func decodeOne(_ bytes: [UInt8], maxBodySize: Int = defaultMaxBodySize) throws(WireError) -> [UInt8] {
        var decoder = FrameDecoder(maxBodySize: maxBodySize)
        decoder.append(bytes)
        guard let body = try decoder.next() else { throw .invalidMessage("frame truncated: \(bytes.count) bytes") }
        guard decoder.bufferedByteCount == 0 else {
            throw .invalidMessage("\(decoder.bufferedByteCount) bytes after the frame")
        }
        return body
    }
}

/// Splits a byte stream into frame bodies (see `Frame`).
public struct FrameDecoder: Sendable {
    public let maxBodySize: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(maxBodySize: Int = Frame.defaultMaxBodySize) { self.maxBodySize = maxBodySize }

    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole body, nil if more bytes are needed; throws on a bad length.
    public mutating func next() throws(WireError) -> [UInt8]? {
        guard bufferedByteCount >= Frame.headerSize else { return nil }
        var length = 0
        for i in 0..<Frame.headerSize { length = length << 8 | Int(buffer[start + i]) }
        guard length > 0 else { throw .emptyFrame }
        guard length <= maxBodySize else { throw .frameTooLarge(length: length, limit: maxBodySize) }
        guard bufferedByteCount - Frame.headerSize >= length else { return nil }
        let bodyStart = start + Frame.headerSize
        let body = Array(buffer[bodyStart..<bodyStart + length])
        start = bodyStart + length
        return body
    }
}
