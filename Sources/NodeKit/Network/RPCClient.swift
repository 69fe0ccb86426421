import NIOCore
import NIOPosix

/// A secure request/response connection to one peer.
///
/// Connecting runs the Noise XX handshake and refuses any peer other than `expectedPeer`.
/// Requests are multiplexed by request ID; each has a timeout, and every pending request
/// fails with `NetworkError.connectionClosed` the moment the connection drops, so a dead
/// peer never leaves a caller hanging.
public final class RPCClient: Sendable {
    public let peer: PublicKey
    private let channel: Channel
    public let defaultTimeout: TimeAmount

    private init(channel: Channel, peer: PublicKey, defaultTimeout: TimeAmount) {
        self.channel = channel
        self.peer = peer
        self.defaultTimeout = defaultTimeout
    }

    /// Connects to `host:port`, establishes the secure session and proves the peer is
    /// `expectedPeer` (any proven peer when nil). A refused or unanswered dial throws
    /// `NetworkError.cannotReach`; on any failure the connection is closed before throwing.
    public static func connect(
        host: String, port: Int, identity: KeyPair, expectedPeer: NodeID?,
        timeout: TimeAmount = .seconds(10), group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> RPCClient {
        let established = group.next().makePromise(of: PublicKey.self)
        let channel: Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            SecureChannelHandler(role: .initiator, identity: identity, expectedPeer: expectedPeer,
                                                 established: established),
                            StreamMultiplexer(service: nil),
                            EnvelopeCodecHandler(),
                            ResponseRouter(),
                        ])
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            let failure = NetworkError.dialFailure(error, address: "\(host):\(port)")
            established.fail(failure)
            throw failure
        }
        let handshakeTimeout = channel.eventLoop.scheduleTask(in: timeout) {
            established.fail(NetworkError.timedOut("establishing a secure session with \(host):\(port)"))
            channel.close(promise: nil)
        }
        do {
            let peer = try await established.futureResult.get()
            handshakeTimeout.cancel()
            return RPCClient(channel: channel, peer: peer, defaultTimeout: timeout)
        } catch {
            handshakeTimeout.cancel()
            try? await channel.close()
            throw error
        }
    }

    /// Sends a request and waits for its answer.
    public func request(_ type: MessageType, body: CBOR, timeout: TimeAmount? = nil) async throws -> Envelope {
        let promise = channel.eventLoop.makePromise(of: Envelope.self)
        let outgoing = OutgoingRequest(type: type, body: body, timeout: timeout ?? defaultTimeout, response: promise)
        channel.writeAndFlush(outgoing).whenFailure { promise.fail($0) }
        return try await promise.futureResult.get()
    }

    /// Sends a typed message and decodes the answer as `Answer` (`Envelope.answer(as:)`:
    /// a peer's `Refusal` is thrown as itself).
    public func call<Request: WireMessage, Answer: WireMessage>(
        _ message: Request, expecting _: Answer.Type, timeout: TimeAmount? = nil
    ) async throws -> Answer {
        try await request(Request.messageType, body: message.body, timeout: timeout).answer(as: Answer.self)
    }

    /// Opens an ordered stream: sends `type`/`body` as the stream's request, and returns
    /// the chunks the server streams back. The server may have at most `window` bytes
    /// (1 … 2^31−1) on their way or unread at any time; the stream shares the session with
    /// requests and other streams. Throws `NetworkError.connectionClosed` when the
    /// connection is already closed.
    public func openStream(_ type: MessageType, body: CBOR, window: Int = 1 << 20) async throws -> InboundStream {
        precondition((1...Int(Int32.max)).contains(window), "a stream window is 1 … 2^31−1 bytes")
        let channel = self.channel
        return try await channel.eventLoop.submit {
            // A closed channel's pipeline no longer holds its handlers.
            guard let multiplexer = try? channel.pipeline.syncOperations.handler(type: StreamMultiplexer.self) else {
                throw NetworkError.connectionClosed("before the stream opened")
            }
            return try multiplexer.open(Envelope(type: type, requestID: 0, body: body), window: window)
        }.get()
    }

    /// Closes the connection; pending requests fail.
    public func close() async {
        try? await channel.close()
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }
}

/// A request handed to the pipeline: the router gives it an ID and completes `response`.
struct OutgoingRequest: Sendable {
    let type: MessageType
    let body: CBOR
    let timeout: TimeAmount
    let response: EventLoopPromise<Envelope>
}

/// Matches answers to requests by request ID, times requests out, and fails all pending
/// requests when the connection closes.
final class ResponseRouter: ChannelDuplexHandler {
    typealias InboundIn = Envelope
    typealias OutboundIn = OutgoingRequest
    typealias OutboundOut = Envelope

    private var nextID: UInt64 = 1
    private var pending: [UInt64: (EventLoopPromise<Envelope>, Scheduled<Void>)] = [:]
    private var flushScheduled = false

    /// Coalesces flushes: requests written by many tasks in one turn of the event loop go
    /// out in one system call.
    func flush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let (router, context) = loopBound.value
            router.flushScheduled = false
            context.flush()
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        let id = nextID
        nextID += 1
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let timer = context.eventLoop.scheduleTask(in: request.timeout) {
            loopBound.value.expire(id, after: request.timeout)
        }
        pending[id] = (request.response, timer)
        context.write(wrapOutboundOut(Envelope(type: request.type, requestID: id, body: request.body)), promise: promise)
    }

    private func expire(_ id: UInt64, after timeout: TimeAmount) {
        guard let (promise, _) = pending.removeValue(forKey: id) else { return }
        promise.fail(NetworkError.timedOut("waiting \(timeout.nanoseconds / 1_000_000) ms for an answer to request \(id)"))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let (promise, timer) = pending.removeValue(forKey: envelope.requestID) else {
            // An answer to a request that already timed out: drop it.
            return
        }
        timer.cancel()
        promise.succeed(envelope)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(NetworkError.connectionClosed("while waiting for an answer"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: Error) {
        let all = pending
        pending = [:]
        for (_, (promise, timer)) in all {
            timer.cancel()
            promise.fail(error)
        }
    }
}
