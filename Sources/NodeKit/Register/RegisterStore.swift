import Foundation
import GRDB

/// Node records kept in SQLite: the authoritative table of a node that hosts the register,
/// or the local copy every node keeps of the register it uses.
///
/// Records are stored in their signed wire form and verified again when read, so a
/// tampered database row is reported, never trusted.
public struct RegisterStore: Sendable {
    /// Which table: the register's own records, or this node's copy of a register.
    public enum Table: String, Sendable, CaseIterable {
        case authoritative = "register_record"
        case localCopy = "known_node"
    }

    private let database: NodeDatabase
    private let table: Table

    public init(database: NodeDatabase, table: Table) {
        self.database = database
        self.table = table
    }

    /// Stores `record`, replacing an older one of the same node. A record whose sequence
    /// is not newer than the stored one is refused as stale.
    @discardableResult
    public func upsert(_ record: NodeRecord) throws -> UInt64 {
        try database.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT sequence FROM \(table.rawValue) WHERE node_id = ?", arguments: [record.nodeID.description]),
               case let current = try StoredRow(row, subject: "node \(record.nodeID) in \(table.rawValue)").integer("sequence"),
               UInt64(current) >= record.sequence {
                throw RegisterError.stale("\(record.nodeID) already has sequence \(current) ≥ \(record.sequence)")
            }
            try insert(record, db)
            return record.sequence
        }
    }

    /// Replaces the whole table with `records` (a refresh of the local copy).
    public func replaceAll(_ records: [NodeRecord]) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM \(table.rawValue)")
            for r in records { try insert(r, db) }
        }
    }

    private func insert(_ record: NodeRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO \(table.rawValue) (node_id, record, roles, region, expiry, sequence, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.nodeID.description, Data(record.cbor.encoded), record.roles.sorted().map(\.rawValue).joined(separator: ","),
                record.region, Int64(clamping: record.expiry), Int64(clamping: record.sequence), StoredTime.milliseconds(Date()),
            ])
    }

    /// Removes a node's record; returns whether there was one.
    @discardableResult
    public func remove(_ node: NodeID) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "DELETE FROM \(table.rawValue) WHERE node_id = ?", arguments: [node.description])
            return db.changesCount > 0
        }
    }

    /// Live records (expiry after `now`), optionally filtered, ordered by node ID.
    public func list(role: NodeRecord.Role? = nil, region: String? = nil, now: UInt64) throws -> [NodeRecord] {
        try database.read { db in try records(db, role: role, region: region, now: now) }
    }

    /// `list` for async callers. The read runs on the database's own queue, so the task
    /// never blocks a thread of Swift's cooperative pool: a blocked pool thread can wait
    /// for a reader connection that an async read holds until the pool resumes it, and
    /// with every pool thread blocked so the node hangs (two threads on two cores did).
    public func list(role: NodeRecord.Role? = nil, region: String? = nil, now: UInt64) async throws -> [NodeRecord] {
        try await database.read { db in try records(db, role: role, region: region, now: now) }
    }

    private func records(_ db: Database, role: NodeRecord.Role?, region: String?, now: UInt64) throws -> [NodeRecord] {
        let rows = try Row.fetchAll(db, sql: "SELECT record, roles, region FROM \(table.rawValue) WHERE expiry > ? ORDER BY node_id",
                                    arguments: [Int64(clamping: now)])
        var out = [NodeRecord]()
        for row in rows {
            let stored = StoredRow(row, subject: "a node in \(table.rawValue)")
            let roles = try stored.text("roles"), rowRegion = try stored.text("region")
            if let role, !roles.split(separator: ",").contains(Substring(role.rawValue)) { continue }
            if let region, rowRegion != region { continue }
            out.append(try NodeRecord(cbor: try CBORDecoder.decode(Array(try stored.blob("record")))))
        }
        return out
    }

    /// One node's record, if stored (expired or not).
    public func record(_ node: NodeID) throws -> NodeRecord? {
        try database.read { db in try record(node, db) }
    }

    /// `record` for async callers, off the cooperative pool (see the async `list`).
    public func record(_ node: NodeID) async throws -> NodeRecord? {
        try await database.read { db in try record(node, db) }
    }

    private func record(_ node: NodeID, _ db: Database) throws -> NodeRecord? {
        let blob = try Row.fetchOne(db, sql: "SELECT record FROM \(table.rawValue) WHERE node_id = ?", arguments: [node.description])
            .map { try StoredRow($0, subject: "node \(node) in \(table.rawValue)").blob("record") }
        guard let blob else { return nil }
        return try NodeRecord(cbor: try CBORDecoder.decode(Array(blob)))
    }
}
