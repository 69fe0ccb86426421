/// The shared state of a crash test while it runs: how many operations were
/// acknowledged, whether the node the test kills is up, and whether the run has stopped.
/// Workers count their acknowledgements here and, after a failure, wait until the node
/// is back; the killer waits here for the moment to kill. `stop()` releases every waiter,
/// so neither side can wait for ever on the other.
actor CrashRun {
    private(set) var acknowledged = 0
    private(set) var stopped = false
    private var up = true
    private var ackWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var upWaiters: [CheckedContinuation<Void, Never>] = []

    /// Counts one acknowledged operation.
    func acknowledge() {
        acknowledged += 1
        let ready = ackWaiters.filter { $0.count <= acknowledged }
        ackWaiters.removeAll { $0.count <= acknowledged }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Waits until `count` operations have been acknowledged; false if the run stopped first.
    func waitForAcknowledged(_ count: Int) async -> Bool {
        if acknowledged < count, !stopped {
            await withCheckedContinuation { ackWaiters.append((count, $0)) }
        }
        return acknowledged >= count
    }

    /// The killed node is down: workers that fail from now on wait for `markUp()`.
    func markDown() { up = false }

    /// The node is back and answering.
    func markUp() {
        up = true
        releaseUpWaiters()
    }

    /// Waits until the node is up; false if the run stopped.
    func waitUntilUp() async -> Bool {
        if !up, !stopped {
            await withCheckedContinuation { upWaiters.append($0) }
        }
        return !stopped
    }

    /// Ends the run: workers finish, every waiter returns.
    func stop() {
        stopped = true
        for waiter in ackWaiters { waiter.continuation.resume() }
        ackWaiters = []
        releaseUpWaiters()
    }

    private func releaseUpWaiters() {
        for waiter in upWaiters { waiter.resume() }
        upWaiters = []
    }
}
