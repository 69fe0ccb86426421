import Foundation

/// A deal being worked on: its record, changed one step at a time, each step persisted
/// before the next begins and before the caller acts on it; and a way to wait until the
/// record reaches some condition (a payment arriving, a cancel) without polling.
final class LiveDeal: Sendable {
    private struct State {
        var record: DealRecord
        var version: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
        /// The transfer now serving or fetching this deal; a newer one supersedes it.
        var transfer: UInt64 = 0
    }

    private let state: Locked<State>
    private let steps = SerialWork()
    /// Serialises the deal's payments (each reads the credit, then adds to it).
    let payments = SerialWork()

    init(_ record: DealRecord) { state = Locked(State(record: record)) }

    /// The deal as last changed.
    var record: DealRecord { state.withLock { $0.record } }

    /// Runs `change` on the record, one change at a time: `persist` stores the result
    /// (given the status before) before anyone sees it; then waiters wake. If `change` or
    /// `persist` throws, the record is left as it was.
    func change<T: Sendable>(
        _ change: @escaping @Sendable (inout DealRecord) throws -> T,
        persist: @escaping @Sendable (DealRecord, DealStatus) async throws -> Void
    ) async throws -> T {
        let outcome: Result<T, any Error> = await steps.run { [self] in
            var copy = record
            let before = copy.status
            do {
                let value = try change(&copy)
                try await persist(copy, before)
                let woken = state.withLock { s -> [CheckedContinuation<Void, Never>] in
                    s.record = copy
                    s.version += 1
                    defer { s.waiters.removeAll() }
                    return Array(s.waiters.values)
                }
                for w in woken { w.resume() }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// Sets the record's transfer counters in memory, at once: the progress a deal's run
    /// reports between its stored steps (nothing to persist, so no turn through `change`'s
    /// serial work). Waiters wake as after a change. Only for the task that makes the
    /// deal's changes, between them: a `change` under way would overwrite these counters
    /// with the record it started from.
    func progress(blocks: UInt64, bytes: UInt64) {
        let woken = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            (s.record.blocks, s.record.bytes) = (blocks, bytes)
            s.version += 1
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for w in woken { w.resume() }
    }

    /// Returns once `condition` holds of the record (at once if it does now), or once a
    /// transfer newer than `transfer` began; throws `CancellationError` when the task is
    /// cancelled. Wake-ups come from `change`, `beginTransfer` and `poke`. `condition` runs
    /// under the deal's lock: it must not call back into the deal.
    func wait(superseding transfer: UInt64? = nil, until condition: @escaping @Sendable (DealRecord) -> Bool) async throws {
        let condition: @Sendable (State) -> Bool = { s in condition(s.record) || transfer.map { s.transfer != $0 } ?? false }
        while true {
            try Task.checkCancellation()
            let id: UInt64? = state.withLock { s in
                if condition(s) { return nil }
                s.nextWaiter += 1
                return s.nextWaiter
            }
            guard let id else { return }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s -> Bool in
                        if condition(s) || Task.isCancelled { return true }
                        s.waiters[id] = c
                        return false
                    }
                    if resumeNow { c.resume() }
                }
            } onCancel: {
                let c = state.withLock { $0.waiters.removeValue(forKey: id) }
                c?.resume()
            }
        }
    }

    /// Wakes every waiter to re-check its condition (a transfer superseded, a timer).
    func poke() {
        let woken = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for w in woken { w.resume() }
    }

    /// Starts a new transfer for the deal, superseding any before it; returns its number.
    func beginTransfer() -> UInt64 {
        let n = state.withLock { s -> UInt64 in
            s.transfer += 1
            return s.transfer
        }
        poke()
        return n
    }

    /// Whether `transfer` is still the deal's current one.
    func isCurrent(_ transfer: UInt64) -> Bool { state.withLock { $0.transfer == transfer } }
}
