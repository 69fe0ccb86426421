import GRDB

extension Blockstore {
    /// The blockstore's tables (`piece`, `block`, `content_totals`), step by step.
    /// Released identifiers never change (see `StoreMigration`).
    static let migrations: [StoreMigration] = [
        StoreMigration(identifier: "v1-blockstore") { db in
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
        },
        StoreMigration(identifier: "v3-content-totals") { db in
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
        },
        // Before this step pieces' import times were stored as UTC text
        // ("YYYY-MM-DD HH:MM:SS.SSS"); they become integer Unix milliseconds (`StoredTime`).
        StoreMigration(identifier: "v4-piece-times-in-milliseconds") { db in
            try db.execute(sql: """
                UPDATE piece SET imported_at = CAST(ROUND((julianday(imported_at) - 2440587.5) * 86400000) AS INTEGER)
                    WHERE typeof(imported_at) = 'text' AND julianday(imported_at) IS NOT NULL
                """)
        },
    ]
}
