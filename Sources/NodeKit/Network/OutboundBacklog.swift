import NIOCore

/// The bytes a server has written to its sessions that have not yet reached their sockets
/// (answers and stream data a peer has not read), and the bounds beyond which sessions
/// stop reading requests.
///
/// A session whose own backlog exceeds `perSessionLimit`, or any session while the sum
/// over all sessions exceeds `totalLimit`, reads nothing more from its peer until the
/// backlog drains below the bound; so a peer that pipelines requests and never reads the
/// answers stalls itself instead of growing the server's memory. The figures are live
/// counters, for metrics and tests.
public final class OutboundBacklog: Sendable {
    public let perSessionLimit: Int
    public let totalLimit: Int
    private let onPause: (@Sendable () -> Void)?
    private let state = Locked(State())

    private struct State {
        var bytes = 0
        var peak = 0
        var pauses = 0
        var waiting: [@Sendable () -> Void] = []
    }

    /// - Parameter onPause: called each time a session stops reading, or holds its stream
    ///   senders, because of the bounds (for logs or tests).
    public init(perSessionLimit: Int = 2 << 20, totalLimit: Int = 64 << 20, onPause: (@Sendable () -> Void)? = nil) {
        self.perSessionLimit = perSessionLimit
        self.totalLimit = totalLimit
        self.onPause = onPause
    }

    /// Bytes written and not yet on a socket, over all sessions.
    public var bytes: Int { state.withLock { $0.bytes } }
    /// The largest `bytes` seen.
    public var peakBytes: Int { state.withLock { $0.peak } }
    /// How many times a session stopped reading, or held its stream senders, because of the bounds.
    public var pauseCount: Int { state.withLock { $0.pauses } }

    var isOverTotal: Bool { state.withLock { $0.bytes > totalLimit } }

    func add(_ n: Int) {
        state.withLock {
            $0.bytes += n
            $0.peak = max($0.peak, $0.bytes)
        }
    }

    func remove(_ n: Int) {
        let wake: [@Sendable () -> Void] = state.withLock { s in
            s.bytes -= n
            guard s.bytes <= totalLimit else { return [] }
            defer { s.waiting = [] }
            return s.waiting
        }
        for w in wake { w() }
    }

    func paused() {
        state.withLock { $0.pauses += 1 }
        onPause?()
    }

    /// Calls `wake` once the total is back within its bound (at once if it already is).
    func whenTotalDrains(_ wake: @escaping @Sendable () -> Void) {
        let now: Bool = state.withLock {
            if $0.bytes <= totalLimit { return true }
            $0.waiting.append(wake)
            return false
        }
        if now { wake() }
    }
}

/// Counts a session's bytes between write and socket, and holds the session's reads while
/// its backlog, or the server's, is over the `OutboundBacklog` bounds. Requests already
/// read wait in the `RequestDispatcher` until `whenDrained` calls back.
final class BacklogGate: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer

    private let backlog: OutboundBacklog
    private var context: ChannelHandlerContext?
    private var sessionBytes = 0
    private var readHeld = false
    private var waitingForTotal = false
    private var drainWaiters: [() -> Void] = []

    init(_ backlog: OutboundBacklog) { self.backlog = backlog }

    /// Whether this session, or the server as a whole, is over its bound now.
    var isOver: Bool { sessionBytes > backlog.perSessionLimit || backlog.isOverTotal }

    /// Calls `waiter` on the event loop once the session is within its bounds again.
    func whenDrained(_ waiter: @escaping () -> Void) {
        drainWaiters.append(waiter)
        checkDrained()
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let n = unwrapOutboundIn(data).readableBytes
        sessionBytes += n
        backlog.add(n)
        let written = promise ?? context.eventLoop.makePromise()
        let gate = NIOLoopBound(self, eventLoop: context.eventLoop)
        written.futureResult.whenComplete { _ in
            gate.value.sessionBytes -= n
            gate.value.backlog.remove(n)
            gate.value.checkDrained()
        }
        context.write(data, promise: written)
    }

    /// Counts a pause of the session's stream senders (they wait with `whenDrained`).
    func holdingSender() { backlog.paused() }

    func read(context: ChannelHandlerContext) {
        guard isOver else { return context.read() }
        if !readHeld {
            readHeld = true
            backlog.paused()
        }
        checkDrained()
    }

    /// Resumes reading and wakes the waiters when within bounds; otherwise, if only the
    /// server's total is over, asks to be woken when it drains.
    private func checkDrained() {
        guard let context else { return }
        if isOver {
            guard sessionBytes <= backlog.perSessionLimit, !waitingForTotal, readHeld || !drainWaiters.isEmpty else { return }
            waitingForTotal = true
            let gate = NIOLoopBound(self, eventLoop: context.eventLoop)
            backlog.whenTotalDrains { [eventLoop = context.eventLoop] in
                eventLoop.execute {
                    gate.value.waitingForTotal = false
                    gate.value.checkDrained()
                }
            }
            return
        }
        let waiters = drainWaiters
        drainWaiters = []
        for w in waiters { w() }
        if readHeld, !isOver {
            readHeld = false
            context.read()
        }
    }
}
