import Foundation
import GRDB

/// Many small writes in few transactions: each `submit` joins the batch being
/// collected; one transaction on the database's writer applies the whole batch in
/// submission order, and only after it commits is each caller answered. Under load the
/// cost of a commit (a disk flush, for `durable` batches) is shared by every waiting
/// caller; a lone caller waits for no one.
///
/// Batches are applied on a private serial queue, never on Swift's cooperative pool.
/// At most `maxBatch` items go into one transaction; the callers waiting is bounded by
/// whatever bounds the callers (a session's requests in flight).
final class BatchedWrites<Item: Sendable, Output: Sendable>: Sendable {
    /// Applies a batch inside one transaction: one result per item, in order. A thrown
    /// error rolls back the whole batch and fails every item with it.
    typealias Apply = @Sendable (Database, [Item]) throws -> [Result<Output, any Error>]

    private struct Waiting {
        let item: Item
        let continuation: CheckedContinuation<Output, any Error>
    }

    private let database: NodeDatabase
    private let durable: Bool
    private let maxBatch: Int
    private let apply: Apply
    private let queue: DispatchQueue
    private let pending = Locked<(waiting: [Waiting], flushing: Bool)>(([], false))

    init(database: NodeDatabase, durable: Bool, maxBatch: Int = 512, label: String, apply: @escaping Apply) {
        self.database = database
        self.durable = durable
        self.maxBatch = maxBatch
        self.apply = apply
        queue = DispatchQueue(label: label)
    }

    /// Applies `item` with whatever else is waiting and returns its result once committed.
    func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Output, any Error>) in
            let start = pending.withLock { p -> Bool in
                p.waiting.append(Waiting(item: item, continuation: c))
                defer { p.flushing = true }
                return !p.flushing
            }
            if start { queue.async { self.drain() } }
        }
    }

    /// Runs on `queue`: applies batch after batch until none is waiting.
    private func drain() {
        while true {
            let batch = pending.withLock { p -> [Waiting] in
                let take = Array(p.waiting.prefix(maxBatch))
                p.waiting.removeFirst(take.count)
                if take.isEmpty { p.flushing = false }
                return take
            }
            if batch.isEmpty { return }
            let items = batch.map(\.item)
            var results: [Result<Output, any Error>]
            do {
                let body: (Database) throws -> [Result<Output, any Error>] = { db in try self.apply(db, items) }
                results = durable ? try database.writeDurably(body) : try database.write(body)
                precondition(results.count == batch.count, "a batch needs one result per item")
            } catch {
                results = batch.map { _ in .failure(error) }
            }
            for (waiting, result) in zip(batch, results) { waiting.continuation.resume(with: result) }
        }
    }
}
