import Foundation
import NodeKit

/// Tells waiters that an endpoint closed: `wait()` returns once `close()` has been called
/// (at once after it), or when the waiting task is cancelled.
final class ClosingSignal: Sendable {
    private let state = Locked<(closed: Bool, waiters: [UUID: CheckedContinuation<Void, Never>])>((false, [:]))

    /// Returns once closed or cancelled.
    func wait() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.closed || Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Wakes every waiter, and any that waits later.
    func close() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.closed = true
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for w in waiters { w.resume() }
    }
}
