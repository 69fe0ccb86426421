import Foundation
import GRDB

/// The node's reputation scores (`ReputationView`), moved by `ReputationEvent`s.
///
/// Scores live in memory for the hot paths (every find-offers answer moves a provider's
/// score) and reach SQLite in `flush`, which the market's housekeeping calls every second
/// and at stop; a kill -9 loses at most the last second of moves. The table holds one row
/// per peer that had an event; peers are nodes of the register (a gateway refuses offers
/// of unregistered providers), so it is bounded by the register's size.
public final class ReputationBook: Sendable {
    struct Key: Hashable, Sendable {
        let view: ReputationView
        let peer: NodeID
    }

    private let database: NodeDatabase
    private let clock: any NodeClock
    private let scores: Locked<[Key: Int64]>
    private let dirty = Locked<Set<Key>>([])

    /// Loads every stored score.
    init(database: NodeDatabase, clock: any NodeClock) throws {
        self.database = database
        self.clock = clock
        let rows = try database.read { db in try Row.fetchAll(db, sql: "SELECT view, peer, score FROM market_reputation") }
        var loaded: [Key: Int64] = [:]
        for row in rows {
            let stored = StoredRow(row, subject: "a reputation row")
            guard let view = ReputationView(rawValue: try stored.text("view")) else { continue }
            loaded[Key(view: view, peer: try stored.textNodeID("peer"))] = try stored.integer("score", in: view.bounds)
        }
        scores = Locked(loaded)
    }

    /// `peer`'s score in `view` (its view's initial score if it never had an event).
    public func score(_ view: ReputationView, _ peer: NodeID) -> Int64 {
        scores.withLock { $0[Key(view: view, peer: peer)] } ?? view.initial
    }

    /// Whether `peer` ever had an event in `view`.
    public func isKnown(_ view: ReputationView, _ peer: NodeID) -> Bool {
        scores.withLock { $0[Key(view: view, peer: peer)] != nil }
    }

    /// Moves `peer`'s score by the event's delta, clamped to its view's bounds; returns the new score.
    @discardableResult
    public func record(_ event: ReputationEvent, for peer: NodeID, times: Int64 = 1) -> Int64 {
        let key = Key(view: event.view, peer: peer)
        let score = scores.withLock { table -> Int64 in
            let old = table[key] ?? event.view.initial
            let moved = old.addingReportingOverflow(event.delta.multipliedReportingOverflow(by: times).partialValue).partialValue
            let new = min(max(moved, event.view.bounds.lowerBound), event.view.bounds.upperBound)
            table[key] = new
            return new
        }
        _ = dirty.withLock { $0.insert(key) }
        return score
    }

    /// Every score of `view`, by peer.
    public func scores(_ view: ReputationView) -> [NodeID: Int64] {
        scores.withLock { table in
            Dictionary(uniqueKeysWithValues: table.filter { $0.key.view == view }.map { ($0.key.peer, $0.value) })
        }
    }

    /// Writes the scores changed since the last flush.
    public func flush() async throws {
        let keys = dirty.withLock { d -> Set<Key> in defer { d = [] }; return d }
        guard !keys.isEmpty else { return }
        let rows = scores.withLock { table in keys.map { ($0, table[$0] ?? $0.view.initial) } }
        let now = StoredTime.milliseconds(clock.now)
        do {
            try await database.write { db in
                for (key, score) in rows {
                    try db.execute(
                        sql: """
                            INSERT INTO market_reputation (view, peer, score, updated_at) VALUES (?, ?, ?, ?)
                            ON CONFLICT (view, peer) DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at
                            """, arguments: [key.view.rawValue, key.peer.description, score, now])
                }
            }
        } catch {
            dirty.withLock { $0.formUnion(keys) }
            throw error
        }
    }
}
