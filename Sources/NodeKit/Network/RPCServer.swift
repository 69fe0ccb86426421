import Foundation
import NIOCore
import NIOPosix

/// Accepts secure connections and answers requests.
///
/// Every connection must complete the Noise XX handshake with a proven identity within
/// `handshakeTimeout` or is closed (so half-open and silent sockets cannot pile up).
/// Each request runs `handler` off the event loop; at most `maxInFlight` requests per
/// connection run at once, and further ones are refused with InvalidMessage instead of
/// queueing without bound. Bad bytes from one peer close that peer's connection only.
/// Peers may also open ordered streams (`streams`), at most `maxStreamsPerSession` at
/// once per session. A session with no bytes either way for `idleTimeout` is closed, and
/// one proven peer holds at most `maxSessionsPerPeer` sessions at once (a session beyond
/// that is told so with InvalidMessage and closed). Sessions stop reading while the
/// bytes written to them and not yet on their sockets exceed the `backlog` bounds.
public final class RPCServer: Sendable {
    /// Answers one request from a proven peer.
    public typealias Handler = @Sendable (Envelope, PublicKey) async -> Envelope
    /// Answers a request at once on the connection's event loop, or returns nil to pass
    /// it to the asynchronous `Handler`. For quick, non-blocking answers only.
    public typealias ImmediateHandler = @Sendable (Envelope, PublicKey) -> Envelope?
    /// Serves an ordered stream opened by a proven peer with a request: writes the
    /// stream's bytes to the writer; the stream ends when it returns, and is abandoned
    /// when it throws: a `RefusalConvertible` error reaches the opener as its typed
    /// `Refusal`, any other as its text (`NetworkError.streamCancelled`).
    public typealias StreamHandler = @Sendable (Envelope, PublicKey, StreamWriter) async throws -> Void

    private let channel: Channel
    private let connections: ConnectionSet
    /// The port actually bound (useful with port 0).
    public let port: Int

    private init(channel: Channel, port: Int, connections: ConnectionSet) {
        self.channel = channel
        self.port = port
        self.connections = connections
    }

    /// Listens on `host:port` (port 0 picks a free one).
    public static func start(
        host: String, port: Int, identity: KeyPair, allowedPeers: Set<NodeID>? = nil,
        handshakeTimeout: TimeAmount = .seconds(10), maxInFlight: Int = 256,
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        streams: StreamHandler? = nil, maxStreamsPerSession: Int = 64,
        idleTimeout: TimeAmount = .minutes(5), maxSessionsPerPeer: Int = 16, backlog: OutboundBacklog = OutboundBacklog(),
        immediate: ImmediateHandler? = nil, handler: @escaping Handler
    ) async throws -> RPCServer {
        let connections = ConnectionSet()
        let perPeer = PeerSessionCounter(limit: maxSessionsPerPeer)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { child in
                connections.insert(child)
                child.closeFuture.whenComplete { _ in connections.remove(child) }
                return child.eventLoop.makeCompletedFuture {
                    let established = child.eventLoop.makePromise(of: PublicKey.self)
                    let timer = child.eventLoop.scheduleTask(in: handshakeTimeout) { child.close(promise: nil) }
                    established.futureResult.whenComplete { _ in timer.cancel() }
                    established.futureResult.whenSuccess { peer in
                        if let allowedPeers, !allowedPeers.contains(peer.nodeID) { return child.close(promise: nil) }
                        guard perPeer.admit(peer.nodeID) else {
                            let refusal = Envelope(Refusal(.busy, "more than \(maxSessionsPerPeer) sessions from \(peer.nodeID.short); close one and retry"), requestID: 0)
                            return child.writeAndFlush(refusal).whenComplete { _ in child.close(promise: nil) }
                        }
                        child.closeFuture.whenComplete { _ in perPeer.release(peer.nodeID) }
                    }
                    let gate = BacklogGate(backlog)
                    try child.pipeline.syncOperations.addHandlers([
                        IdleStateHandler(allTimeout: idleTimeout),
                        IdleSessionCloser(),
                        gate,
                        SecureChannelHandler(role: .responder, identity: identity, expectedPeer: nil, established: established),
                        StreamMultiplexer(service: .init(handler: streams ?? { _, _, _ in throw Refusal.streamsNotServed },
                                                         established: established.futureResult,
                                                         maxStreams: maxStreamsPerSession, gate: gate)),
                        EnvelopeCodecHandler(answersBadInput: true),
                        RequestDispatcher(established: established.futureResult, gate: gate, maxInFlight: maxInFlight,
                                          immediate: immediate, handler: handler),
                    ])
                }
            }
            .bind(host: host, port: port).get()
        guard let bound = channel.localAddress?.port else {
            throw NetworkError.unreachable("could not bind \(host):\(port)")
        }
        return RPCServer(channel: channel, port: bound, connections: connections)
    }

    /// Open connections right now.
    public var connectionCount: Int { connections.count }

    /// Stops accepting connections and closes every open one; their pending requests fail
    /// on the peer's side with `NetworkError.connectionClosed`.
    public func close() async {
        try? await channel.close()
        for child in connections.all { try? await child.close() }
    }
}

extension Refusal {
    /// What a server without a stream handler answers every stream with.
    public static let streamsNotServed = Refusal(.notServed, "this node serves no streams")
}

/// The server's open child channels, for shutdown and counting.
struct ConnectionSet: Sendable {
    private let channels = Locked<[ObjectIdentifier: Channel]>([:])

    func insert(_ c: Channel) { channels.withLock { $0[ObjectIdentifier(c)] = c } }
    func remove(_ c: Channel) { _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(c)) } }
    var all: [Channel] { channels.withLock { Array($0.values) } }
    var count: Int { channels.withLock { $0.count } }
}

/// Runs each request through the handler and writes the answer with the same request ID.
final class RequestDispatcher: ChannelInboundHandler {
    typealias InboundIn = Envelope

    private let established: EventLoopFuture<PublicKey>
    private let gate: BacklogGate
    /// Requests read while the session's outbound backlog was over its bound, in order.
    private var held: [Envelope] = []
    private let handler: RPCServer.Handler
    private let immediate: RPCServer.ImmediateHandler?
    private let maxInFlight: Int
    private var inFlight = 0
    private var peer: PublicKey?
    private var unflushed = false

    init(established: EventLoopFuture<PublicKey>, gate: BacklogGate, maxInFlight: Int, immediate: RPCServer.ImmediateHandler?,
         handler: @escaping RPCServer.Handler) {
        self.established = established
        self.gate = gate
        self.maxInFlight = maxInFlight
        self.immediate = immediate
        self.handler = handler
        established.whenSuccess { [self] in peer = $0 }
    }

    /// Answers written during one read burst go out in one flush.
    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = unwrapInboundIn(data)
        guard held.isEmpty, !gate.isOver else {
            held.append(request)
            if held.count == 1 { waitForDrain(context: context) }
            return
        }
        dispatch(request, context: context)
    }

    /// Answers the held requests as far as the backlog allows, then waits again if some remain.
    private func waitForDrain(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        gate.whenDrained {
            let (dispatcher, context) = loopBound.value
            var next = 0
            while next < dispatcher.held.count, !dispatcher.gate.isOver {
                dispatcher.dispatch(dispatcher.held[next], context: context)
                next += 1
            }
            dispatcher.held.removeFirst(next)
            if dispatcher.unflushed {
                dispatcher.unflushed = false
                context.flush()
            }
            if !dispatcher.held.isEmpty { dispatcher.waitForDrain(context: context) }
        }
    }

    private func dispatch(_ request: Envelope, context: ChannelHandlerContext) {
        let channel = context.channel
        guard inFlight < maxInFlight else {
            let refusal = Envelope(Refusal(.busy, "more than \(maxInFlight) requests in flight on this session; wait for answers before sending more"), requestID: request.requestID)
            context.writeAndFlush(NIOAny(refusal), promise: nil)
            return
        }
        if let immediate, let peer, let answer = immediate(request, peer) {
            let reply = Envelope(type: answer.type, requestID: request.requestID, body: answer.body, version: answer.version)
            context.write(NIOAny(reply), promise: nil)
            unflushed = true
            return
        }
        inFlight += 1
        let handler = self.handler
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        established.whenSuccess { peer in
            Task {
                let answer = await handler(request, peer)
                let reply = Envelope(type: answer.type, requestID: request.requestID, body: answer.body, version: answer.version)
                channel.eventLoop.execute { loopBound.value.inFlight -= 1 }
                channel.writeAndFlush(reply, promise: nil)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
