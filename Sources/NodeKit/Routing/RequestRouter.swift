import Logging

/// Dispatches each request to the handler installed for its message type.
///
/// Services install their handlers while the node is being built
/// (`router.on(ListNodes.self) { message, peer in … }`); after that the router is only
/// read, so any number of requests are answered concurrently — nothing serialises them
/// on one actor. A request whose type has no handler is refused with `notServed`; one
/// whose body does not decode with `invalidMessage`; a handler's error becomes a
/// `Refusal` (`RefusalConvertible`), and any other error is logged here and refused with
/// `failed` without its internals.
///
/// Ordered streams are routed the same way (`onStream`, `answerStream`): one stream
/// handler per message type, the same refusals — thrown, so the transport sends them to
/// the opener as typed `Refusal`s — and "X is not served as a stream by this node" for a
/// type without one.
public final class RequestRouter: Sendable {
    /// Answers one decoded request from a proven peer.
    public typealias Handler<M: WireMessage> = @Sendable (M, PublicKey) async throws -> any WireMessage

    /// Answers one decoded request at once, on the session's own thread, or declines
    /// (nil) and leaves it to the type's `Handler`. For answers that take microseconds and
    /// never wait (a lookup in a warm cache); starting a task for them costs more than
    /// the answer.
    public typealias ImmediateHandler<M: WireMessage> = @Sendable (M, PublicKey) throws -> (any WireMessage)?

    /// Serves one ordered stream a proven peer opened with a decoded request: sends its
    /// bytes through the sender; the stream ends when it returns.
    public typealias StreamHandler<M: WireMessage> = @Sendable (M, PublicKey, any StreamSending) async throws -> Void

    private typealias Erased = @Sendable (Envelope, PublicKey) async throws -> any WireMessage
    private typealias ErasedImmediate = @Sendable (Envelope, PublicKey) throws -> (any WireMessage)?
    private typealias ErasedStream = @Sendable (Envelope, PublicKey, any StreamSending) async throws -> Void
    private let handlers = Locked<[MessageType: Erased]>([:])
    private let immediates = Locked<[MessageType: ErasedImmediate]>([:])
    private let streams = Locked<[MessageType: ErasedStream]>([:])
    private let logger: Logger

    public init(logger: Logger = Logger(label: "filtop.router")) { self.logger = logger }

    /// Installs the handler of `M`. Each message type has exactly one owner: installing a
    /// second handler for the same type is a programming error.
    public func on<M: WireMessage>(_ type: M.Type, _ handler: @escaping Handler<M>) {
        let erased: Erased = { envelope, peer in try await handler(try envelope.message(as: M.self), peer) }
        handlers.withLock { table in
            precondition(table[M.messageType] == nil, "\(M.messageType) already has a handler")
            table[M.messageType] = erased
        }
    }

    /// Installs an immediate handler for `M`, which must also have a `Handler` (for the
    /// requests the immediate one declines).
    public func onImmediate<M: WireMessage>(_ type: M.Type, _ handler: @escaping ImmediateHandler<M>) {
        let erased: ErasedImmediate = { envelope, peer in try handler(try envelope.message(as: M.self), peer) }
        immediates.withLock { table in
            precondition(table[M.messageType] == nil, "\(M.messageType) already has an immediate handler")
            table[M.messageType] = erased
        }
    }

    /// Installs the stream handler of `M`: requests of type `M` opened as streams go to it.
    /// Each message type has at most one stream handler: installing a second is a
    /// programming error.
    public func onStream<M: WireMessage>(_ type: M.Type, _ handler: @escaping StreamHandler<M>) {
        let erased: ErasedStream = { envelope, peer, sender in try await handler(try envelope.message(as: M.self), peer, sender) }
        streams.withLock { table in
            precondition(table[M.messageType] == nil, "\(M.messageType) already has a stream handler")
            table[M.messageType] = erased
        }
    }

    /// The message types this router answers.
    public var served: Set<MessageType> { handlers.withLock { Set($0.keys) } }

    /// Answers `request` from `peer` at once if its type's immediate handler does; nil
    /// otherwise (then `answer` must). Refusals are answered like `answer`'s.
    public func answerImmediately(_ request: Envelope, from peer: PublicKey) -> Envelope? {
        guard let handler = immediates.withLock({ $0[request.type] }) else { return nil }
        do {
            guard let answer = try handler(request, peer) else { return nil }
            return Envelope(type: type(of: answer).messageType, requestID: request.requestID, body: answer.body)
        } catch {
            return refusal(error, to: request, from: peer)
        }
    }

    /// Answers `request` from `peer`; the answer carries the request's ID.
    public func answer(_ request: Envelope, from peer: PublicKey) async -> Envelope {
        guard let handler = handlers.withLock({ $0[request.type] }) else {
            return Envelope(Refusal(.notServed, "\(request.type) is not served by this node"), requestID: request.requestID)
        }
        do {
            let answer = try await handler(request, peer)
            return Envelope(type: type(of: answer).messageType, requestID: request.requestID, body: answer.body)
        } catch {
            return refusal(error, to: request, from: peer)
        }
    }

    /// Serves the stream `request` from `peer` opened, through `sender`; for a transport's
    /// `StreamRequestHandler`. Returns when the stream's handler has sent all; otherwise
    /// throws a `Refusal` for the transport to send: `notServed` when the type has no
    /// stream handler, `invalidMessage` when the body does not decode, the handler's own
    /// refusal (`RefusalConvertible`), or `failed` for any other error (logged here). A
    /// handler's `NetworkError.streamCancelled` or `connectionClosed` — the stream already
    /// ended under it — is rethrown as it is.
    public func answerStream(_ request: Envelope, from peer: PublicKey, to sender: any StreamSending) async throws {
        guard let handler = streams.withLock({ $0[request.type] }) else {
            throw Refusal(.notServed, "\(request.type) is not served as a stream by this node")
        }
        do {
            try await handler(request, peer, sender)
        } catch let error as NetworkError {
            switch error {
            case .streamCancelled, .connectionClosed: throw error
            default: throw refusal(for: error, to: request, from: peer)
            }
        } catch {
            throw refusal(for: error, to: request, from: peer)
        }
    }

    private func refusal(_ error: any Error, to request: Envelope, from peer: PublicKey) -> Envelope {
        Envelope(refusal(for: error, to: request, from: peer), requestID: request.requestID)
    }

    /// What `peer` is told of `error`: its refusal, or — for an error that is none, logged
    /// here — `failed` without its internals.
    private func refusal(for error: any Error, to request: Envelope, from peer: PublicKey) -> Refusal {
        if let error = error as? any RefusalConvertible { return error.refusal }
        logger.error("\(request.type) from \(peer.nodeID.short) failed: \(error)")
        return Refusal(.failed, "\(request.type) failed on the node; its log says why")
    }
}
