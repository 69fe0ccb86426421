import NIOCore

/// The sending end of an ordered stream on a secure session, handed to a server's stream
/// handler (`StreamSending` states the contract).
///
/// `send` suspends while the receiver has granted no room. The stream ends when the
/// handler returns; when it throws, the stream is abandoned: a `RefusalConvertible`
/// error reaches the opener as its typed `Refusal`, any other as its text.
public final class StreamWriter: StreamSending {
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

    func finish() {
        let (id, multiplexer) = (self.id, self.multiplexer)
        multiplexer.eventLoop.execute { multiplexer.value.finish(id) }
    }

    func abort(because error: any Error) {
        let (id, multiplexer) = (self.id, self.multiplexer)
        multiplexer.eventLoop.execute { multiplexer.value.abort(id, because: error) }
    }
}
