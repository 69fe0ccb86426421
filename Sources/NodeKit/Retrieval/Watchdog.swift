/// Watches a transfer for silence: when no `progress()` is noted for a whole `limit`,
/// it runs `expire` once (which stops the transfer) and reports `fired`. Runs on the
/// node's clock, so tests decide when a limit passes.
final class Watchdog: Sendable {
    private struct State {
        var moved = false
        var fired = false
    }

    private let state = Locked(State())
    private let task: Task<Void, Never>

    init(clock: any NodeClock, limit: Duration, expire: @escaping @Sendable () -> Void) {
        let state = self.state
        task = Task {
            while !Task.isCancelled {
                do { try await clock.sleep(for: limit) } catch { return }
                let silent = state.withLock { s -> Bool in
                    defer { s.moved = false }
                    if !s.moved { s.fired = true }
                    return !s.moved
                }
                if silent {
                    expire()
                    return
                }
            }
        }
    }

    /// Notes that the transfer moved.
    func progress() { state.withLock { $0.moved = true } }

    /// Whether the watchdog expired the transfer.
    var fired: Bool { state.withLock { $0.fired } }

    func stop() { task.cancel() }
}
