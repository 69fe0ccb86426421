/// A way for a test to stop a node at an exact deal status: called after each stored
/// status change of a client or provider deal on the node, before the change's effects
/// run. Nothing is called unless a test sets a body. A body that throws ends the step
/// there (nothing more of it runs or is stored), as a kill at that point would.
final class StatusChangeHook: Sendable {
    typealias Body = @Sendable (DealRecord) async throws -> Void

    private let body = Locked<Body?>(nil)

    /// Calls `body` after every stored status change from now on (`nil`: nothing is called).
    func set(_ body: Body?) { self.body.withLock { $0 = body } }

    /// Deal `record` was stored with a new status; its effects have not run yet.
    func changed(to record: DealRecord) async throws {
        guard let body = body.withLock({ $0 }) else { return }
        try await body(record)
    }
}
