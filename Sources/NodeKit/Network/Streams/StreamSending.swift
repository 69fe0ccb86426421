import NIOCore

/// The sending end of an ordered stream as a stream handler sees it, whatever the
/// transport (`StreamWriter` on a secure session; the in-memory transport's own).
///
/// `send` suspends while the receiver has no room for more (at most its window waits
/// unread), so a slow receiver slows the sender instead of growing a buffer. It throws
/// `NetworkError.streamCancelled` once the receiver abandoned the stream and
/// `NetworkError.connectionClosed` once the session is gone. Call `send` from one task at
/// a time; bytes arrive in the order sent. The stream ends when the handler returns.
public protocol StreamSending: Sendable {
    /// Sends `bytes` as the next part of the stream; returns once all of them are handed
    /// to the transport.
    func send(_ bytes: ByteBuffer) async throws
}

extension StreamSending {
    /// Sends `bytes` as the next part of the stream.
    public func send(_ bytes: [UInt8]) async throws {
        try await send(ByteBuffer(bytes: bytes))
    }
}
