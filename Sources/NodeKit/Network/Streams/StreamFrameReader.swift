import NIOCore

/// Splits a session's plaintext, as it arrives, into envelope bytes and stream frames
/// (docs/PROTOCOL.md §5.1).
///
/// Envelope bytes and stream data come out as slices of the buffers read, never copied,
/// however the frames fall across reads: a data frame's payload comes out piece by piece
/// as it arrives. Only a frame header, or a whole frame of another kind, that spans reads
/// is gathered into a buffer of its own. A stream frame with an unknown kind or a body
/// outside 9 … 9 + `StreamFrame.maxData` bytes is an error; envelope lengths are left to
/// the envelope codec.
struct StreamFrameReader {
    enum Part {
        /// The next bytes of envelope frames, for the envelope codec.
        case envelope(ByteBuffer)
        /// A data frame begins: `length` payload bytes for `stream` follow as `data` parts.
        case dataHeader(stream: UInt64, length: Int)
        /// The next bytes of the current data frame's payload; `ends` on its last bytes.
        case data(stream: UInt64, ByteBuffer, ends: Bool)
        /// A whole stream frame of any kind but data.
        case frame(StreamFrame)
    }

    private enum State {
        case frameStart
        case envelope(left: Int)
        case streamHeader(length: Int)
        case body(StreamFrame.Kind, stream: UInt64, length: Int)
        case data(stream: UInt64, left: Int)
    }

    private var state = State.frameStart
    /// The beginning of a header or frame that spans reads.
    private var staged = ByteBuffer()

    /// The next part found in `bytes` (taking its bytes from it), or nil once `bytes` holds
    /// no further whole part (what it held is kept for the next call).
    mutating func next(from bytes: inout ByteBuffer) throws(NetworkError) -> Part? {
        while true {
            switch state {
            case .envelope(let left):
                guard let piece = slice(upTo: left, from: &bytes) else { return nil }
                state = piece.readableBytes == left ? .frameStart : .envelope(left: left - piece.readableBytes)
                return .envelope(piece)
            case .data(let stream, let left):
                guard let piece = slice(upTo: left, from: &bytes) else { return nil }
                let ends = piece.readableBytes == left
                state = ends ? .frameStart : .data(stream: stream, left: left - piece.readableBytes)
                return .data(stream: stream, piece, ends: ends)
            case .frameStart:
                guard let word = take(4, from: &bytes) else { return nil }
                let value = word.getInteger(at: word.readerIndex, as: UInt32.self)!
                if value & StreamFrame.marker == 0 {
                    // An envelope frame: the codec checks its length as soon as it sees it.
                    state = value == 0 ? .frameStart : .envelope(left: Int(value))
                    return .envelope(word)
                }
                let length = Int(value & ~StreamFrame.marker)
                guard (9...StreamFrame.maxBody).contains(length) else {
                    throw .protocolViolation("stream frame of \(length) bytes (at most \(StreamFrame.maxBody))")
                }
                state = .streamHeader(length: length)
            case .streamHeader(let length):
                guard var header = take(9, from: &bytes) else { return nil }
                guard let kind = StreamFrame.Kind(rawValue: header.readInteger(as: UInt8.self)!) else {
                    throw .protocolViolation("unknown stream frame kind")
                }
                let stream = header.readInteger(as: UInt64.self)!
                guard kind == .data else {
                    state = .body(kind, stream: stream, length: length - 9)
                    continue
                }
                state = length == 9 ? .frameStart : .data(stream: stream, left: length - 9)
                return .dataHeader(stream: stream, length: length - 9)
            case .body(let kind, let stream, let length):
                guard let payload = take(length, from: &bytes) else { return nil }
                state = .frameStart
                return .frame(StreamFrame(kind: kind, stream: stream, payload: payload))
            }
        }
    }

    /// Up to `limit` bytes from the front of `bytes`, uncopied; nil when it is empty.
    private func slice(upTo limit: Int, from bytes: inout ByteBuffer) -> ByteBuffer? {
        bytes.readableBytes == 0 ? nil : bytes.readSlice(length: min(limit, bytes.readableBytes))
    }

    /// The next `n` bytes as one buffer: a slice of `bytes` when they all lie there,
    /// otherwise gathered in `staged` across calls (nil until all `n` have arrived).
    private mutating func take(_ n: Int, from bytes: inout ByteBuffer) -> ByteBuffer? {
        if staged.readableBytes == 0, bytes.readableBytes >= n { return bytes.readSlice(length: n) }
        var piece = bytes.readSlice(length: min(n - staged.readableBytes, bytes.readableBytes))!
        staged.writeBuffer(&piece)
        guard staged.readableBytes == n else { return nil }
        defer { staged = ByteBuffer() }
        return staged
    }
}
