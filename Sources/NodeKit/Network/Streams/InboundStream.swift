import NIOCore

/// The receiving end of an ordered stream: the chunks the server sends, in order.
///
/// Taking chunks grants the server room for as many bytes again, in steps of a quarter of
/// the `window` (given when the stream was opened), so at most `window` bytes wait here
/// unread and the session's event loop hears from the consumer once per step, not per chunk. Iteration ends normally
/// when the server ends the stream; it throws the server's `Refusal` when the server
/// refuses it with a typed reason, `NetworkError.streamCancelled` when the server abandons
/// it otherwise, and `NetworkError.connectionClosed` when the session dies.
/// Cancelling the iterating task, or calling `cancel()`, abandons the stream.
public struct InboundStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    /// Routes the consumer's grants and cancellation to the session's event loop.
    struct Control: Sendable {
        let id: UInt64
        /// Bytes the consumer takes before they are granted back: a quarter of the window.
        let grantStep: Int
        let multiplexer: NIOLoopBound<StreamMultiplexer>

        func consumed(_ n: Int) {
            let (id, multiplexer) = (self.id, self.multiplexer)
            multiplexer.eventLoop.execute { multiplexer.value.consumed(id, n) }
        }

        func cancel() {
            let (id, multiplexer) = (self.id, self.multiplexer)
            multiplexer.eventLoop.execute { multiplexer.value.cancelReceiving(id) }
        }
    }

    let base: AsyncThrowingStream<ByteBuffer, Error>
    let control: Control

    /// The stream's ID (its request ID on the session).
    public var id: UInt64 { control.id }

    /// The session's event loop as a task executor: a consumer that does little work per
    /// chunk may iterate under `withTaskExecutorPreference(stream.executor)`, so it wakes on
    /// the loop that delivers the chunks (see `SessionExecutor` for what such code must not do).
    public var executor: SessionExecutor { SessionExecutor(control.multiplexer.eventLoop) }

    /// Abandons the stream: the server is told, and iteration ends with
    /// `NetworkError.streamCancelled`.
    public func cancel() { control.cancel() }

    public func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator(), control: control) }

    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<ByteBuffer, Error>.AsyncIterator
        let control: Control
        /// Bytes taken and not yet granted back.
        var taken = 0

        public mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            taken += chunk.readableBytes
            if taken >= control.grantStep {
                control.consumed(taken)
                taken = 0
            }
            return chunk
        }
    }
}
