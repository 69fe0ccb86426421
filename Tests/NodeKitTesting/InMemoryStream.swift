import NIOCore
import NodeKit

/// One ordered stream of the in-memory transport: the server's handler sends into it and
/// the opener's `ByteStream` takes from it, with a secure session's flow control and
/// outcomes.
///
/// At most `window` bytes wait unread: `send` hands over what fits and suspends — on a
/// continuation, no timer, no task — until the consumer takes enough for the rest. Every
/// end is reported with the error, and the text, the TCP transport gives (`ByteStream`):
/// chunks already sent are taken before a server's end, a refusal or a closed session is
/// seen; abandoning the stream on the receiving side drops them.
final class InMemoryStream: ByteStreamSource, StreamSending {
    private enum End {
        case finished
        case failed(any Error)
    }

    private struct State {
        /// Chunks sent and not taken, from `head` on.
        var chunks: [ByteBuffer] = []
        var head = 0
        var unread = 0
        /// How iteration ends once the chunks are taken; nil while the stream is open.
        var end: End?
        /// Why `send` fails from now on; nil while it may go on.
        var sendFailure: NetworkError?
        var consumer: CheckedContinuation<ByteBuffer?, any Error>?
        var senders: [CheckedContinuation<Void, any Error>] = []
    }

    private let window: Int
    private let state = Locked(State())
    /// Told the bytes waiting unread each time a sender has to wait for room.
    private let senderHeld: @Sendable (Int) -> Void

    init(window: Int, senderHeld: @escaping @Sendable (Int) -> Void) {
        self.window = window
        self.senderHeld = senderHeld
    }

    // MARK: Sending (the server's handler)

    func send(_ bytes: ByteBuffer) async throws {
        var rest = bytes
        repeat {
            let unread = try state.withLock { s -> Int? in
                if let failure = s.sendFailure { throw failure }
                guard rest.readableBytes > 0 else { return nil }   // nothing to hand over, as on a session
                let room = window - s.unread
                guard room > 0 else { return s.unread }
                let piece = rest.readSlice(length: min(room, rest.readableBytes))!
                if let consumer = s.consumer {
                    s.consumer = nil
                    consumer.resume(returning: piece)
                } else {
                    s.chunks.append(piece)
                    s.unread += piece.readableBytes
                }
                return nil
            }
            if let unread {
                senderHeld(unread)
                try await waitForRoom()
            }
        } while rest.readableBytes > 0
    }

    /// Returns once the consumer took some of the window, or throws once sends fail.
    private func waitForRoom() async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            state.withLock { s in
                if let failure = s.sendFailure { return c.resume(throwing: failure) }
                guard s.unread >= window else { return c.resume() }
                s.senders.append(c)
            }
        }
    }

    /// The handler returned: the consumer takes what is left, then the stream ends.
    func finish() {
        end(.finished, sendFailure: .streamCancelled("stream is already over"), dropping: false)
    }

    /// The handler threw `error`: the consumer takes what is left, then gets the error as a
    /// secure session would deliver it.
    func abandon(because error: any Error) {
        let outcome: any Error
        if let refusal = (error as? any RefusalConvertible)?.refusal {
            outcome = (try? InMemoryTransport.acrossTheWire(Envelope(refusal, requestID: 0)).message(as: Refusal.self)) ?? refusal
        } else {
            outcome = NetworkError.streamCancelled("by the peer: " + String("\(error)".prefix(512)))
        }
        end(.failed(outcome), sendFailure: .streamCancelled("stream is already over"), dropping: false)
    }

    /// The session or the listener closed.
    func connectionClosed() {
        end(.failed(NetworkError.connectionClosed("while receiving a stream")),
            sendFailure: .connectionClosed("while sending a stream"), dropping: false)
    }

    // MARK: Receiving (the opener)

    func next() async throws -> ByteBuffer? {
        guard !Task.isCancelled else { throw cancelledByTheConsumer() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<ByteBuffer?, any Error>) in
                state.withLock { s in
                    guard s.head == s.chunks.count else {
                        let chunk = s.chunks[s.head]
                        s.head += 1
                        if s.head * 2 >= s.chunks.count {   // taken chunks go once they are half the array
                            s.chunks.removeFirst(s.head)
                            s.head = 0
                        }
                        s.unread -= chunk.readableBytes
                        for sender in s.senders { sender.resume() }
                        s.senders = []
                        return c.resume(returning: chunk)
                    }
                    switch s.end {
                    case .finished?: c.resume(returning: nil)
                    case .failed(let error)?: c.resume(throwing: error)
                    case nil: s.consumer = c
                    }
                }
            }
        } onCancel: {
            _ = cancelledByTheConsumer()
        }
    }

    /// The consuming task was cancelled: the stream is abandoned (unless it already ended).
    private func cancelledByTheConsumer() -> CancellationError {
        end(.failed(CancellationError()), sendFailure: .streamCancelled("by the peer: cancelled by the receiver"), dropping: true)
        return CancellationError()
    }

    func cancel() {
        end(.failed(NetworkError.streamCancelled("by this side")),
            sendFailure: .streamCancelled("by the peer: cancelled by the receiver"), dropping: true)
    }

    /// Ends the stream — unless it already ended — with `end` for the consumer and
    /// `sendFailure` for any further send, waking whoever waits; `dropping` discards the
    /// chunks not yet taken.
    private func end(_ end: End, sendFailure: NetworkError, dropping: Bool) {
        state.withLock { s in
            guard s.end == nil else { return }
            s.end = end
            s.sendFailure = sendFailure
            if dropping { (s.chunks, s.head, s.unread) = ([], 0, 0) }
            switch end {
            case .finished: s.consumer?.resume(returning: nil)
            case .failed(let error): s.consumer?.resume(throwing: error)
            }
            for sender in s.senders { sender.resume(throwing: sendFailure) }
            (s.consumer, s.senders) = (nil, [])
        }
    }
}

/// The in-memory streams open on one session, or served by one listener, so that closing
/// it ends them as a closed connection would.
final class OpenStreams: Sendable {
    private let state = Locked<(closed: Bool, streams: [ObjectIdentifier: InMemoryStream])>((false, [:]))

    /// Adds `stream`; false (and not added) once closed.
    func insert(_ stream: InMemoryStream) -> Bool {
        state.withLock { s in
            guard !s.closed else { return false }
            s.streams[ObjectIdentifier(stream)] = stream
            return true
        }
    }

    func remove(_ stream: InMemoryStream) {
        _ = state.withLock { $0.streams.removeValue(forKey: ObjectIdentifier(stream)) }
    }

    /// Ends every open stream with `NetworkError.connectionClosed`, and any added later.
    func close() {
        let open = state.withLock { s -> [InMemoryStream] in
            s.closed = true
            defer { s.streams = [:] }
            return Array(s.streams.values)
        }
        for stream in open { stream.connectionClosed() }
    }
}
