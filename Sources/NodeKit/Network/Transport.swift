/// How a node reaches other nodes and is reached: secure, identity-proven sessions that
/// carry request/response envelopes.
///
/// `TCPTransport` is the real one (Noise XX over SwiftNIO sockets); tests use an
/// in-memory transport (`NodeKitTesting`) so market logic runs without sockets. Both
/// deliver each request to the listener's handler with the caller's proven public key.
public protocol Transport: Sendable {
    /// Listens on `address` (port 0: any free port) as `identity`, answering every
    /// request with `immediate` where it answers (synchronously, on the session's own
    /// thread, with no task started), else with `handler`.
    func listen(on address: NodeAddress, identity: KeyPair, immediate: RPCServer.ImmediateHandler?,
                handler: @escaping RPCServer.Handler) async throws -> any Listener
    /// Opens a session to `address` as `identity`; the peer must prove it is
    /// `expectedPeer` (any proven peer when nil).
    func connect(to address: NodeAddress, identity: KeyPair, expectedPeer: NodeID?, timeout: Duration) async throws -> any PeerSession
}

/// A listening endpoint.
public protocol Listener: Sendable {
    /// The address actually bound.
    var address: NodeAddress { get }
    /// Stops listening and closes every session.
    func close() async
}

/// An open session with one proven peer.
public protocol PeerSession: Sendable {
    var peer: PublicKey { get }
    /// Sends a request and waits for its answer (up to `timeout`).
    func request(_ type: MessageType, body: CBOR, timeout: Duration) async throws -> Envelope
    func close() async
}

extension Transport {
    /// Listens answering every request with `handler`.
    public func listen(on address: NodeAddress, identity: KeyPair, handler: @escaping RPCServer.Handler) async throws -> any Listener {
        try await listen(on: address, identity: identity, immediate: nil, handler: handler)
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
}
