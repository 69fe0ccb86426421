import Foundation
import Testing
@testable import NodeKit

/// Holds a node's deal at an exact status: the first step of a deal on `side` that stores
/// `status` waits there (after it is stored, before its effects run) until its task is
/// cancelled or the test abandons it; then the step throws `CancellationError`, so nothing
/// more of it runs — what a kill there leaves behind. Later steps pass.
final class StatusGate: Sendable {
    private struct State {
        var taken = false
        var abandoned = false
        var held: CheckedContinuation<Void, any Error>?
        var watchers: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    let status: DealStatus
    let side: DealSide
    private let state = Locked(State())

    /// Sets the gate on `node`'s deal steps.
    init(_ status: DealStatus, side: DealSide, on node: Node) {
        self.status = status
        self.side = side
        node.retrieval.afterStatusChange.set { [self] record in try await self.pass(record) }
    }

    /// Returns once a step is held here; throws `CancellationError` if the waiting task is
    /// cancelled first.
    func reached() async throws {
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

    /// Ends the held step (and one that reaches the gate later) with `CancellationError`:
    /// for a step its node's stop does not cancel (a provider's transfer).
    func abandon() {
        let held = state.withLock { s -> CheckedContinuation<Void, any Error>? in
            s.abandoned = true
            defer { s.held = nil }
            return s.held
        }
        held?.resume(throwing: CancellationError())
    }

    private func pass(_ record: DealRecord) async throws {
        guard record.side == side, record.status == status else { return }
        let watchers = state.withLock { s -> [CheckedContinuation<Void, Never>]? in
            guard !s.taken else { return nil }
            s.taken = true
            defer { s.watchers = [:] }
            return Array(s.watchers.values)
        }
        guard let watchers else { return }
        for w in watchers { w.resume() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let ended = state.withLock { s -> Bool in
                    if s.abandoned || Task.isCancelled { return true }
                    s.held = c
                    return false
                }
                if ended { c.resume(throwing: CancellationError()) }
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
