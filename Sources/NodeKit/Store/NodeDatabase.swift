import Foundation
import GRDB

/// The node's SQLite database: one file in the data directory, in WAL mode, read through
/// a small pool of reader connections that run concurrently with the one writer.
///
/// Its schema changes only through the migrations listed in `Schema`. Callers inside
/// NodeKit reach SQLite through `read` and `write`; nothing of the SQLite library shows
/// in NodeKit's public API.
public final class NodeDatabase: Sendable {
    /// How many reader connections the pool opens at most (readers beyond wait their turn).
    public static let maximumReaderCount = 3

    /// The database file, or `:memory:` for an in-memory database.
    public let path: String
    private let connection: any DatabaseWriter
    private let releaseCache: @Sendable () -> Void

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws {
        var config = Self.configuration
        config.maximumReaderCount = Self.maximumReaderCount
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool = try DatabasePool(path: path, configuration: config)
        connection = pool
        releaseCache = { pool.releaseMemory() }
        self.path = path
        try Schema.migrator.migrate(pool)
    }

    /// An in-memory database, for tests: one connection, no pool.
    public init() throws {
        let queue = try DatabaseQueue(configuration: Self.configuration)
        connection = queue
        releaseCache = { queue.releaseMemory() }
        path = ":memory:"
        try Schema.migrator.migrate(queue)
    }

    private static var configuration: Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        return config
    }

    /// Runs `body` on a reader connection, in a snapshot that concurrent writes do not change.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try connection.read(body)
    }

    /// Runs `body` in a transaction on the writer connection; a thrown error rolls it back.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try connection.write(body)
    }

    /// Like `write`, but the commit is flushed to the disk (SQLite `synchronous = FULL`)
    /// before this returns: for what the node promises a peer it has kept (an
    /// acknowledged voucher, an applied ledger message), which must outlive a power cut,
    /// not only a killed process.
    func writeDurably<T>(_ body: (Database) throws -> T) throws -> T {
        try connection.writeWithoutTransaction { db in try Self.durably(db, body) }
    }

    /// `body` in one transaction whose commit is flushed to the disk.
    private static func durably<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        try db.execute(sql: "PRAGMA synchronous = FULL")
        defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
        var result: T?
        try db.inTransaction {
            result = try body(db)
            return .commit
        }
        return result!
    }

    /// `read` for async callers: the work runs on the database's own queue, so a task
    /// never blocks a thread of Swift's cooperative pool (nor grows its stack) on SQLite.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await connection.read(body)
    }

    /// `write` for async callers (see the async `read`).
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await connection.write(body)
    }

    /// `writeDurably` for async callers (see the async `read`).
    func writeDurably<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await connection.writeWithoutTransaction { db in try Self.durably(db, body) }
    }

    /// Gives back the page caches of every connection (SQLite refills them on demand), for
    /// a front end that listed many rows once and does not need them kept in memory.
    public func releaseMemory() {
        releaseCache()
    }
}
