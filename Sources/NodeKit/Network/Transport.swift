/// How a node reaches other nodes and is reached: secure, identity-proven sessions that
/// carry request/response envelopes and ordered streams.
///
/// `TCPTransport` is the real one (Noise XX over SwiftNIO sockets); tests use an
/// in-memory transport (`NodeKitTesting`) so market logic runs without sockets. Both
/// deliver each request, and each stream's opening request, to the listener's handlers
/// with the caller's proven public key, and both keep `ByteStream`'s contract.
public protocol Transport: Sendable {
    /// Listens on `address` (port 0: any free port) as `identity`, answering every
    /// request with `immediate` where it answers (synchronously, on the session's own
    /// thread, with no task started), else with `handler`, and serving every stream with
    /// `streams` (when nil, each is refused with `Refusal.streamsNotServed`).
    func listen(on address: NodeAddress, identity: KeyPair, immediate: RPCServer.ImmediateHandler?,
                streams: StreamRequestHandler?, handler: @escaping RPCServer.Handler) async throws -> any Listener
    /// Opens a session to `address` as `identity`; the peer must prove it is
    /// `expectedPeer` (any proven peer when nil).
    func connect(to address: NodeAddress, identity: KeyPair, expectedPeer: NodeID?, timeout: Duration) async throws -> any PeerSession
}

/// Serves an ordered stream a proven peer opened with a request, whatever the transport:
/// sends the stream's bytes through the sender. The stream ends when it returns; when it
/// throws, the stream is abandoned: a `RefusalConvertible` error reaches the opener as its
/// typed `Refusal`, any other as its text (`NetworkError.streamCancelled`).
public typealias StreamRequestHandler = @Sendable (Envelope, PublicKey, any StreamSending) async throws -> Void

/// A listening endpoint.
public protocol Listener: Sendable {
    /// The address actually bound.
    var address: NodeAddress { get }
    /// Stops listening and closes every session (their streams fail with
    /// `NetworkError.connectionClosed` on both ends).
    func close() async
}

/// An open session with one proven peer.
public protocol PeerSession: Sendable {
    var peer: PublicKey { get }
    /// Sends a request and waits for its answer (up to `timeout`).
    func request(_ type: MessageType, body: CBOR, timeout: Duration) async throws -> Envelope
    /// Opens an ordered stream: sends `type`/`body` as the stream's request and returns
    /// the chunks the peer's stream handler sends back (`ByteStream` says how it ends). At
    /// most `window` bytes (1 … 2^31−1) are on their way or unread at any time; the stream
    /// shares the session with requests and other streams. Throws
    /// `NetworkError.connectionClosed` when the session is already closed.
    func openStream(_ type: MessageType, body: CBOR, window: Int) async throws -> ByteStream
    /// Closes the session; its pending requests and open streams fail with
    /// `NetworkError.connectionClosed`.
    func close() async
}

extension Transport {
    /// Listens answering every request with `handler` and serving no streams.
    public func listen(on address: NodeAddress, identity: KeyPair, handler: @escaping RPCServer.Handler) async throws -> any Listener {
        try await listen(on: address, identity: identity, immediate: nil, streams: nil, handler: handler)
    }

    /// Listens answering requests with `immediate` where it answers, else with `handler`,
    /// and serving no streams.
    public func listen(on address: NodeAddress, identity: KeyPair, immediate: RPCServer.ImmediateHandler?,
                       handler: @escaping RPCServer.Handler) async throws -> any Listener {
        try await listen(on: address, identity: identity, immediate: immediate, streams: nil, handler: handler)
    }
}

extension PeerSession {
    /// Sends `message` and reads the answer as `Answer`; a peer's `Refusal` is thrown as
    /// itself (`Envelope.answer(as:)`).
    public func call<Request: WireMessage, Answer: WireMessage>(
        _ message: Request, expecting _: Answer.Type, timeout: Duration = .seconds(10)
    ) async throws -> Answer {
        try await request(Request.messageType, body: message.body, timeout: timeout).answer(as: Answer.self)
    }

    /// Opens an ordered stream with `message` as its request (`openStream`); a peer's
    /// `Refusal` is thrown as itself while iterating.
    public func stream<Request: WireMessage>(_ message: Request, window: Int = 1 << 20) async throws -> ByteStream {
        try await openStream(Request.messageType, body: message.body, window: window)
    }
}
