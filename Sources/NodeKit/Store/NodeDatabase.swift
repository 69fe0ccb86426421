import Foundation
import GRDB

/// The node's SQLite database: one file in the data directory, schema changed only
/// through the ordered migrations registered here.
public final class NodeDatabase: Sendable {
    public let writer: DatabaseQueue
    public let path: String

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        writer = try DatabaseQueue(path: path, configuration: config)
        self.path = path
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        try Self.migrator.migrate(writer)
    }

    /// An in-memory database, for tests.
    public init() throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        writer = try DatabaseQueue(configuration: config)
        path = ":memory:"
        try Self.migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-blockstore") { db in
            try db.create(table: "piece") { t in
                t.primaryKey("piece_cid", .text)
                t.column("root_cid", .text).notNull().indexed()
                t.column("car_file", .text).notNull()
                t.column("car_size", .integer).notNull()
                t.column("piece_size", .integer).notNull()
                t.column("payload_size", .integer).notNull()
                t.column("block_count", .integer).notNull()
                t.column("source", .text).notNull()
                t.column("imported_at", .double).notNull()
            }
            try db.create(table: "block", options: [.withoutRowID]) { t in
                t.column("cid", .blob).notNull()
                t.column("piece_cid", .text).notNull().references("piece", onDelete: .cascade)
                t.column("data_offset", .integer).notNull()
                t.column("data_length", .integer).notNull()
                t.primaryKey(["cid", "piece_cid"])
            }
            try db.create(index: "block_piece", on: "block", columns: ["piece_cid"])
        }
        m.registerMigration("v2-register") { db in
            for table in ["register_record", "known_node"] {
                try db.create(table: table) { t in
                    t.primaryKey("node_id", .text)
                    t.column("record", .blob).notNull()
                    t.column("roles", .text).notNull()
                    t.column("region", .text).notNull()
                    t.column("expiry", .integer).notNull()
                    t.column("sequence", .integer).notNull()
                    t.column("updated_at", .double).notNull()
                }
            }
        }
        m.registerMigration("v3-content-totals") { db in
            try db.execute(sql: """
                CREATE TABLE content_totals (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    revision INTEGER NOT NULL,
                    piece_count INTEGER NOT NULL,
                    payload_bytes INTEGER NOT NULL,
                    car_bytes INTEGER NOT NULL,
                    block_count INTEGER NOT NULL);
                INSERT INTO content_totals
                    SELECT 1, COUNT(*), COUNT(*), COALESCE(SUM(payload_size), 0), COALESCE(SUM(car_size), 0), COALESCE(SUM(block_count), 0)
                    FROM piece;
                CREATE TRIGGER piece_added AFTER INSERT ON piece BEGIN
                    UPDATE content_totals SET revision = revision + 1, piece_count = piece_count + 1,
                        payload_bytes = payload_bytes + NEW.payload_size, car_bytes = car_bytes + NEW.car_size,
                        block_count = block_count + NEW.block_count;
                END;
                CREATE TRIGGER piece_removed AFTER DELETE ON piece BEGIN
                    UPDATE content_totals SET revision = revision + 1, piece_count = piece_count - 1,
                        payload_bytes = payload_bytes - OLD.payload_size, car_bytes = car_bytes - OLD.car_size,
                        block_count = block_count - OLD.block_count;
                END;
                CREATE TRIGGER piece_changed AFTER UPDATE ON piece BEGIN
                    UPDATE content_totals SET revision = revision + 1,
                        payload_bytes = payload_bytes - OLD.payload_size + NEW.payload_size,
                        car_bytes = car_bytes - OLD.car_size + NEW.car_size,
                        block_count = block_count - OLD.block_count + NEW.block_count;
                END;
                """)
        }
        return m
    }
}
