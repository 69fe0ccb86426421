import NIOCore

/// The receiving end of an ordered stream opened through a `PeerSession`, whatever the
/// transport: the chunks the server's handler sends, in order.
///
/// At most the `window` given at opening waits unread; the server's `send` suspends
/// beyond it. Iteration ends normally (nil) when the server's handler returns, after every
/// chunk it sent. Otherwise it throws (after the chunks that arrived, unless this side
/// abandoned the stream):
/// - the server's `Refusal`, as itself (as `PeerSession.call` throws it): its service
///   refused the stream or gave it up — no handler for the type (`notServed`), a request
///   that does not decode (`invalidMessage`), or the handler's own refusal;
/// - `NetworkError.streamCancelled` when the stream was abandoned without a typed reason:
///   by `cancel()` here ("by this side"), or by the server with a reason text;
/// - `NetworkError.connectionClosed` when the session or the server's listener closed;
/// - `CancellationError` when the iterating task is cancelled, which abandons the stream.
///
/// So a caller tells the server's decision from a transport failure by type: `Refusal`
/// (act on its `code`) against `NetworkError` (the session or stream failed; retry or
/// try another peer). Abandoning the stream here makes the server's next `send` throw
/// `NetworkError.streamCancelled`.
public struct ByteStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    private enum Source: Sendable {
        case session(InboundStream)
        case other(any ByteStreamSource)
    }

    private let source: Source

    /// A stream on a secure session: iterating it is iterating `stream` itself (its
    /// chunks are the buffers the session decrypted; no task hop per chunk).
    public init(_ stream: InboundStream) { source = .session(stream) }

    /// A stream whose chunks come from another transport's `source`.
    public init(_ source: any ByteStreamSource) { self.source = .other(source) }

    /// Abandons the stream: the server is told, and iteration ends with
    /// `NetworkError.streamCancelled("by this side")`.
    public func cancel() {
        switch source {
        case .session(let stream): stream.cancel()
        case .other(let source): source.cancel()
        }
    }

    public func makeAsyncIterator() -> Iterator {
        switch source {
        case .session(let stream): Iterator(base: .session(stream.makeAsyncIterator()))
        case .other(let source): Iterator(base: .other(source))
        }
    }

    public struct Iterator: AsyncIteratorProtocol {
        fileprivate enum Base {
            case session(InboundStream.Iterator)
            case other(any ByteStreamSource)
        }

        fileprivate var base: Base

        public mutating func next() async throws -> ByteBuffer? {
            switch base {
            case .session(var iterator):
                let chunk: ByteBuffer?
                do {
                    chunk = try await iterator.next()
                } catch NetworkError.streamCancelled(let reason) where reason == "by this side" && Task.isCancelled {
                    // The task's cancellation abandoned the stream: report the cancellation.
                    throw CancellationError()
                }
                base = .session(iterator)
                // A session's stream ends quietly when its consumer is cancelled; that is
                // no complete stream.
                if chunk == nil { try Task.checkCancellation() }
                return chunk
            case .other(let source):
                return try await source.next()
            }
        }
    }
}

/// Where a `ByteStream`'s chunks come from when not from a secure session: another
/// transport's receiving end (the in-process transport of the tests is one).
///
/// An implementation keeps `ByteStream`'s contract exactly — the same errors, with the
/// same texts, as a secure session gives — so code above the `Transport` cannot tell the
/// transports apart.
public protocol ByteStreamSource: Sendable {
    /// The next chunk, in order; nil once the server's handler returned and every chunk
    /// was taken. When the calling task is cancelled, abandons the stream and throws
    /// `CancellationError`.
    func next() async throws -> ByteBuffer?
    /// Abandons the stream from the receiving side (`ByteStream.cancel()`).
    func cancel()
}
