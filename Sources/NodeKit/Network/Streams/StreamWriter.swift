import NIOCore

/// The sending end of an ordered stream, handed to a server's stream handler.
///
/// `send` suspends while the receiver has granted no room, so a slow receiver slows the
/// sender instead of growing a buffer; it throws `NetworkError.streamCancelled` once the
/// receiver abandoned the stream and `NetworkError.connectionClosed` once the session
/// is gone. Call `send` from one task at a time; bytes arrive in the order sent. The
/// stream ends when the handler returns (or is abandoned, with the error's text as the
/// reason, when it throws).
public final class StreamWriter: Sendable {
    /// The stream's ID (the opener's request ID).
    public let id: UInt64
    private let multiplexer: NIOLoopBound<StreamMultiplexer>

    init(id: UInt64, multiplexer: NIOLoopBound<StreamMultiplexer>) {
        self.id = id
        self.multiplexer = multiplexer
    }

    /// The session's event loop as a task executor: a handler that does little work per
    /// `send` may run under `withTaskExecutorPreference(writer.executor)`, so a send takes
    /// no thread hop (see `SessionExecutor` for what such code must not do).
    public var executor: SessionExecutor { SessionExecutor(multiplexer.eventLoop) }

    /// Sends `bytes` as the next part of the stream; returns once all of them are handed
    /// to the session.
    public func send(_ bytes: ByteBuffer) async throws {
        let (id, multiplexer) = (self.id, self.multiplexer)
        if multiplexer.eventLoop.inEventLoop {
            let promise = multiplexer.eventLoop.makePromise(of: Void.self)
            multiplexer.value.send(id, bytes, promise: promise)
            return try await promise.futureResult.get()
        }
        try await multiplexer.eventLoop.flatSubmit {
            let promise = multiplexer.eventLoop.makePromise(of: Void.self)
            multiplexer.value.send(id, bytes, promise: promise)
            return promise.futureResult
        }.get()
    }

    /// Sends `bytes` as the next part of the stream.
    public func send(_ bytes: [UInt8]) async throws {
        try await send(ByteBuffer(bytes: bytes))
    }

    func finish() {
        let (id, multiplexer) = (self.id, self.multiplexer)
        multiplexer.eventLoop.execute { multiplexer.value.finish(id) }
    }

    func abort(_ reason: String) {
        let (id, multiplexer) = (self.id, self.multiplexer)
        multiplexer.eventLoop.execute { multiplexer.value.abort(id, reason: reason) }
    }
}
