import Foundation
import NIOCore
import NodeKit

/// A transport inside one process, for tests of market logic: no sockets, no threads of
/// its own. Each request and answer still goes through the envelope codec (encoded,
/// framed and decoded), and the listener's handler sees the caller's public key as a
/// real session would prove it. Timeouts run on the given clock, so a test with a
/// `ManualClock` decides when one fires. Listeners get addresses `memory:1`, `memory:2`, …
///
/// Ordered streams keep a secure session's flow control (at most the window waits unread;
/// the sender suspends, on no clock) and its outcomes, error texts included
/// (`InMemoryStream`); closing a session or a listener ends its streams with
/// `NetworkError.connectionClosed`, and closing a listener fails the requests it is
/// answering the same way (their handlers are cancelled), as a stopped node's would.
public final class InMemoryTransport: Transport {
    fileprivate struct Endpoint {
        let identity: KeyPair
        let immediate: RPCServer.ImmediateHandler?
        let streams: StreamRequestHandler?
        let handler: RPCServer.Handler
        /// The streams this endpoint is serving.
        let openStreams = OpenStreams()
        /// Closed with the endpoint's listener: requests it is answering fail.
        let closing = ClosingSignal()
    }

    private struct State {
        var endpoints: [Int: Endpoint] = [:]
        var nextPort = 1
    }

    public static let host = "memory"
    private let state = Locked(State())
    let clock: any NodeClock
    /// Requests delivered so far, for tests that count traffic.
    public let delivered = Locked(0)
    /// Each time a stream's sender has to wait because the window is full, the bytes then
    /// waiting unread: for tests of flow control (the newest 64 wait for a late reader).
    public let sendersHeld: AsyncStream<Int>
    fileprivate let senderHeld: AsyncStream<Int>.Continuation

    public init(clock: any NodeClock = SystemClock()) {
        self.clock = clock
        (sendersHeld, senderHeld) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(64))
    }

    public func listen(on address: NodeAddress, identity: KeyPair, immediate: RPCServer.ImmediateHandler?,
                       streams: StreamRequestHandler?, handler: @escaping RPCServer.Handler) async throws -> any Listener {
        let port = try state.withLock { s -> Int in
            let port = address.port == 0 ? s.nextPort : address.port
            guard s.endpoints[port] == nil else { throw NetworkError.unreachable("\(Self.host):\(port) is already in use") }
            s.nextPort = max(s.nextPort, port) + 1
            s.endpoints[port] = Endpoint(identity: identity, immediate: immediate, streams: streams, handler: handler)
            return port
        }
        return InMemoryListener(transport: self, address: NodeAddress(host: Self.host, port: port))
    }

    public func connect(to address: NodeAddress, identity: KeyPair, expectedPeer: NodeID?, timeout: Duration) async throws -> any PeerSession {
        guard address.host == Self.host, let endpoint = endpoint(address.port) else {
            throw NetworkError.unreachable("cannot reach \(address): connection refused — is the node running?")
        }
        if let expectedPeer, endpoint.identity.publicKey.nodeID != expectedPeer {
            throw NetworkError.protocolViolation("\(address) proved identity \(endpoint.identity.publicKey.nodeID), not \(expectedPeer)")
        }
        return InMemorySession(transport: self, port: address.port, peer: endpoint.identity.publicKey, caller: identity.publicKey)
    }

    fileprivate func endpoint(_ port: Int) -> Endpoint? { state.withLock { $0.endpoints[port] } }
    fileprivate func remove(_ port: Int) {
        let endpoint = state.withLock { $0.endpoints.removeValue(forKey: port) }
        endpoint?.openStreams.close()
        endpoint?.closing.close()
    }

    /// Encodes, frames and decodes an envelope as the wire would.
    static func acrossTheWire(_ envelope: Envelope) throws -> Envelope {
        var decoder = FrameDecoder(maxBodySize: Frame.defaultMaxBodySize)
        decoder.append(envelope.framed)
        guard let body = try decoder.next() else { throw WireError.invalidMessage("frame did not decode") }
        return try Envelope(decoding: body)
    }
}

private struct InMemoryListener: Listener {
    let transport: InMemoryTransport
    let address: NodeAddress
    func close() async { transport.remove(address.port) }
}

private final class InMemorySession: PeerSession {
    let transport: InMemoryTransport
    let port: Int
    let peer: PublicKey
    let caller: PublicKey
    private let nextID = Locked<UInt64>(0)
    private let closed = Locked(false)
    private let openStreams = OpenStreams()

    init(transport: InMemoryTransport, port: Int, peer: PublicKey, caller: PublicKey) {
        self.transport = transport
        self.port = port
        self.peer = peer
        self.caller = caller
    }

    func request(_ type: MessageType, body: CBOR, timeout: Duration) async throws -> Envelope {
        guard !closed.withLock({ $0 }), let endpoint = transport.endpoint(port) else {
            throw NetworkError.connectionClosed("by \(InMemoryTransport.host):\(port)")
        }
        let id = nextID.withLock { $0 += 1; return $0 }
        let request = try InMemoryTransport.acrossTheWire(Envelope(type: type, requestID: id, body: body))
        transport.delivered.withLock { $0 += 1 }
        let clock = transport.clock
        let caller = self.caller
        // An immediate handler may block its thread (a session's event loop in the real
        // transport): it runs on a thread of its own here too, not on the task pool.
        if let immediate = endpoint.immediate {
            let answer = await withCheckedContinuation { (c: CheckedContinuation<Envelope?, Never>) in
                DispatchQueue.global().async { c.resume(returning: immediate(request, caller)) }
            }
            if let answer { return try InMemoryTransport.acrossTheWire(answer) }
        }
        // The handler is cancelled when the call times out or the listener closes first.
        let outcome: Outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask { .answered(await endpoint.handler(request, caller)) }
            group.addTask {
                try? await clock.sleep(for: timeout)
                return .timedOut
            }
            group.addTask {
                await endpoint.closing.wait()
                return .closed
            }
            let first = await group.next() ?? .closed
            group.cancelAll()
            return first
        }
        switch outcome {
        case .answered(let answer): return try InMemoryTransport.acrossTheWire(answer)
        case .timedOut: throw NetworkError.timedOut("waiting for \(type) from \(InMemoryTransport.host):\(port)")
        case .closed: throw NetworkError.connectionClosed("by \(InMemoryTransport.host):\(port) while answering \(type)")
        }
    }

    /// How a request ended.
    private enum Outcome: Sendable {
        case answered(Envelope)
        case timedOut
        case closed
    }

    /// Opens a stream served by a task of its own, as a session's server would run it.
    func openStream(_ type: MessageType, body: CBOR, window: Int) async throws -> ByteStream {
        precondition((1...Int(Int32.max)).contains(window), "a stream window is 1 … 2^31−1 bytes")
        let stream = InMemoryStream(window: window, senderHeld: { [held = transport.senderHeld] in held.yield($0) })
        guard let endpoint = transport.endpoint(port), openStreams.insert(stream) else {
            throw NetworkError.connectionClosed("before the stream opened")
        }
        guard endpoint.openStreams.insert(stream) else {
            openStreams.remove(stream)
            throw NetworkError.connectionClosed("before the stream opened")
        }
        let id = nextID.withLock { $0 += 1; return $0 }
        let (caller, sessionStreams) = (self.caller, self.openStreams)
        let serve = endpoint.streams ?? { _, _, _ in throw Refusal.streamsNotServed }
        Task {
            do {
                try await serve(try InMemoryTransport.acrossTheWire(Envelope(type: type, requestID: id, body: body)), caller, stream)
                stream.finish()
            } catch {
                stream.abandon(because: error)
            }
            sessionStreams.remove(stream)
            endpoint.openStreams.remove(stream)
        }
        return ByteStream(stream)
    }

    func close() async {
        closed.withLock { $0 = true }
        openStreams.close()
    }
}
