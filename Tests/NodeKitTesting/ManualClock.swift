import Foundation
import NodeKit

/// A clock that moves only when a test says so. `sleep(for:)` suspends until `advance`
/// carries the clock past the sleeper's deadline (or the sleeping task is cancelled), so
/// tests of timeouts, refresh loops and expiries need no real waiting.
public final class ManualClock: NodeClock {
    private struct Sleeper {
        let deadline: Date
        let continuation: CheckedContinuation<Void, Error>
    }

    private struct Watcher {
        let condition: @Sendable ([Date]) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Date
        var sleepers: [UInt64: Sleeper] = [:]
        var watchers: [UInt64: Watcher] = [:]
        var next: UInt64 = 0

        /// Removes and returns the watchers whose condition now holds.
        mutating func satisfiedWatchers() -> [CheckedContinuation<Void, Never>] {
            let deadlines = sleepers.values.map(\.deadline)
            let ready = watchers.filter { $0.value.condition(deadlines) }
            for id in ready.keys { watchers.removeValue(forKey: id) }
            return ready.values.map(\.continuation)
        }
    }

    private let state: Locked<State>

    public init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) { state = Locked(State(now: now)) }

    public var now: Date { state.withLock { $0.now } }

    public func sleep(for duration: Duration) async throws {
        let id = state.withLock { s -> UInt64 in s.next += 1; return s.next }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                let (resumeNow, watchers) = state.withLock { s -> (Bool, [CheckedContinuation<Void, Never>]) in
                    let deadline = s.now.addingTimeInterval(duration.seconds)
                    if deadline <= s.now || Task.isCancelled { return (true, []) }
                    s.sleepers[id] = Sleeper(deadline: deadline, continuation: c)
                    return (false, s.satisfiedWatchers())
                }
                for w in watchers { w.resume() }
                if resumeNow { Task.isCancelled ? c.resume(throwing: CancellationError()) : c.resume() }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock on by `duration`, waking every sleeper whose deadline has come.
    public func advance(by duration: Duration) {
        let due = state.withLock { s -> [CheckedContinuation<Void, Error>] in
            s.now = s.now.addingTimeInterval(duration.seconds)
            let ready = s.sleepers.filter { $0.value.deadline <= s.now }
            for id in ready.keys { s.sleepers.removeValue(forKey: id) }
            return ready.values.sorted { $0.deadline < $1.deadline }.map(\.continuation)
        }
        for c in due { c.resume() }
    }

    /// How many tasks sleep on this clock until exactly `deadline` now — with
    /// `waitForSleepers(_:until:)`, how a test waits for one more loop to reach a wait
    /// that other loops (a node's services) share.
    public func sleeperCount(until deadline: Date) -> Int {
        state.withLock { $0.sleepers.values.filter { $0.deadline == deadline }.count }
    }

    /// Suspends until at least `count` tasks sleep on this clock until exactly `deadline`
    /// — how a test knows several background loops have all reached their wait.
    public func waitForSleepers(_ count: Int, until deadline: Date) async {
        await waitUntil { $0.filter { $0 == deadline }.count >= count }
    }

    /// Suspends until at least `count` tasks sleep on this clock.
    public func waitForSleepers(_ count: Int) async {
        await waitUntil { $0.count >= count }
    }

    private func waitUntil(_ condition: @escaping @Sendable ([Date]) -> Bool) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let holds = state.withLock { s -> Bool in
                if condition(s.sleepers.values.map(\.deadline)) { return true }
                s.next += 1
                s.watchers[s.next] = Watcher(condition: condition, continuation: c)
                return false
            }
            if holds { c.resume() }
        }
    }
}
