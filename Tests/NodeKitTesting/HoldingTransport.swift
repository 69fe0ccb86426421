import Foundation
import NIOCore
import NodeKit

/// A transport that passes every call to another one, except the calls a test holds
/// (`hold`): a request before it is sent or once it is answered (the answer not yet
/// returned), a stream before it opens, once some of its bytes were read, or before its
/// end is read. A held call waits until the test releases it, its task is cancelled (its
/// node stopping), or the test cuts the transport; so a test can stop a node at an exact
/// point of a deal with no race — "the client has signed its voucher and not sent it" —
/// knowing the node got there (`Hold.reached`).
///
/// `cut()` is what a killed process does to its connections: every held call and every
/// call after it fails with `NetworkError.connectionClosed`. Streams opened through this
/// transport get `streamWindow` bytes of window instead of the caller's when it is set,
/// so a provider whose client holds its stream stops in its `send`.
public final class HoldingTransport: Transport {
    public let inner: any Transport
    public let streamWindow: Int?
    private let holds = Locked<[Hold]>([])
    private let isCut = Locked(false)

    public init(_ inner: any Transport, streamWindow: Int? = nil) {
        self.inner = inner
        self.streamWindow = streamWindow
    }

    /// Holds the first call of `type` that reaches `point` (and whose request `matches`)
    /// from now on.
    @discardableResult
    public func hold<M: WireMessage>(_ type: M.Type, at point: Hold.Point, where matches: @escaping @Sendable (M) -> Bool = { _ in true }) -> Hold {
        let hold = Hold(type: M.messageType, point: point) { body in (try? M(body: body)).map(matches) ?? false }
        holds.withLock { $0.append(hold) }
        return hold
    }

    /// Fails every held call and every call from now on, as a killed node's connections fail.
    public func cut() {
        isCut.withLock { $0 = true }
        for hold in holds.withLock({ $0 }) { hold.fail() }
    }

    /// Lets a call through `point`, holding it there when a hold takes it.
    fileprivate func pass(_ type: MessageType, _ point: Hold.Point, _ body: CBOR) async throws {
        try checkNotCut()
        let taker = holds.withLock { $0.first { $0.takes(type, at: point, body: body) } }
        try await taker?.wait()
        try checkNotCut()
    }

    private func checkNotCut() throws {
        if isCut.withLock({ $0 }) { throw NetworkError.connectionClosed("the test cut this node's connections") }
    }

    public func listen(on address: NodeAddress, identity: KeyPair, immediate: RPCServer.ImmediateHandler?,
                streams: StreamRequestHandler?, handler: @escaping RPCServer.Handler) async throws -> any Listener {
        try await inner.listen(on: address, identity: identity, immediate: immediate, streams: streams, handler: handler)
    }

    public func connect(to address: NodeAddress, identity: KeyPair, expectedPeer: NodeID?, timeout: Duration) async throws -> any PeerSession {
        try checkNotCut()
        return HoldingSession(inner: try await inner.connect(to: address, identity: identity, expectedPeer: expectedPeer, timeout: timeout),
                              transport: self)
    }
}

/// One point where `HoldingTransport` holds the first call that reaches it.
public final class Hold: Sendable {
    public enum Point: Sendable, Equatable {
        /// A request, before it is sent.
        case request
        /// A request the peer has answered, before the answer is returned: a caller stopped
        /// here never learns the answer.
        case answer
        /// A stream, before its request is sent.
        case streamOpen
        /// A stream whose reader has read at least this many bytes, before it reads more.
        case streamBytes(Int)
        /// A stream whose sender has ended it, before the reader learns the end.
        case streamEnd
    }

    private struct State {
        var taken = false
        var released = false
        var cut = false
        var held: CheckedContinuation<Void, any Error>?
        var watchers: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    public let type: MessageType
    public let point: Point
    private let matches: @Sendable (CBOR) -> Bool
    private let state = Locked(State())

    fileprivate init(type: MessageType, point: Point, matches: @escaping @Sendable (CBOR) -> Bool) {
        self.type = type
        self.point = point
        self.matches = matches
    }

    /// Returns once a call is held here; throws `CancellationError` if the waiting task is
    /// cancelled first.
    public func reached() async throws {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.taken || Task.isCancelled { return true }
                    s.watchers[id] = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            state.withLock { $0.watchers.removeValue(forKey: id) }?.resume()
        }
        try Task.checkCancellation()
    }

    /// Lets the held call go on.
    public func release() {
        let held = state.withLock { s -> CheckedContinuation<Void, any Error>? in
            s.released = true
            defer { s.held = nil }
            return s.held
        }
        held?.resume()
    }

    /// Fails the held call (and the call this hold takes later) with
    /// `NetworkError.connectionClosed`, as a dropped connection would.
    public func fail() {
        let held = state.withLock { s -> CheckedContinuation<Void, any Error>? in
            s.cut = true
            defer { s.held = nil }
            return s.held
        }
        held?.resume(throwing: NetworkError.connectionClosed("the test cut this node's connections"))
    }

    /// Whether this hold takes a call of `type` at `point` (the first one that matches).
    fileprivate func takes(_ type: MessageType, at point: Point, body: CBOR) -> Bool {
        guard type == self.type else { return false }
        switch (self.point, point) {
        case (.streamBytes(let least), .streamBytes(let read)): guard read >= least else { return false }
        default: guard self.point == point else { return false }
        }
        guard matches(body) else { return false }
        let watchers = state.withLock { s -> [CheckedContinuation<Void, Never>]? in
            guard !s.taken else { return nil }
            s.taken = true
            defer { s.watchers = [:] }
            return Array(s.watchers.values)
        }
        guard let watchers else { return false }
        for w in watchers { w.resume() }
        return true
    }

    /// Waits until released, cut or cancelled.
    fileprivate func wait() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { s -> Result<Void, any Error>? in
                    if s.cut { return .failure(NetworkError.connectionClosed("the test cut this node's connections")) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if s.released { return .success(()) }
                    s.held = c
                    return nil
                }
                if let outcome { c.resume(with: outcome) }
            }
        } onCancel: {
            let held = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                defer { s.held = nil }
                return s.held
            }
            held?.resume(throwing: CancellationError())
        }
    }
}

/// A session of `HoldingTransport`: the inner session's calls, through the holds.
private struct HoldingSession: PeerSession {
    let inner: any PeerSession
    let transport: HoldingTransport

    var peer: PublicKey { inner.peer }

    func request(_ type: MessageType, body: CBOR, timeout: Duration) async throws -> Envelope {
        try await transport.pass(type, .request, body)
        let answer = try await inner.request(type, body: body, timeout: timeout)
        try await transport.pass(type, .answer, body)
        return answer
    }

    func openStream(_ type: MessageType, body: CBOR, window: Int) async throws -> ByteStream {
        try await transport.pass(type, .streamOpen, body)
        let stream = try await inner.openStream(type, body: body, window: transport.streamWindow ?? window)
        return ByteStream(HeldStream(stream, type: type, body: body, transport: transport))
    }

    func close() async { await inner.close() }
}

/// A stream of `HoldingTransport`: the inner stream's chunks, through the holds.
///
/// `@unchecked Sendable`: `chunks` and `read` belong to the stream's one reader, which
/// calls `next()` one call at a time (`ByteStream`'s contract); `cancel()` touches only
/// the immutable `stream`.
private final class HeldStream: ByteStreamSource, @unchecked Sendable {
    private let stream: ByteStream
    private var chunks: ByteStream.Iterator
    private let type: MessageType
    private let body: CBOR
    private let transport: HoldingTransport
    private var read = 0

    init(_ stream: ByteStream, type: MessageType, body: CBOR, transport: HoldingTransport) {
        self.stream = stream
        chunks = stream.makeAsyncIterator()
        self.type = type
        self.body = body
        self.transport = transport
    }

    func next() async throws -> ByteBuffer? {
        do {
            try await transport.pass(type, .streamBytes(read), body)
            let chunk = try await chunks.next()
            if chunk == nil { try await transport.pass(type, .streamEnd, body) }
            read += chunk?.readableBytes ?? 0
            return chunk
        } catch {
            stream.cancel()
            throw error
        }
    }

    func cancel() { stream.cancel() }
}
