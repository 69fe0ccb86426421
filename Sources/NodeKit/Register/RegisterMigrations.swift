import GRDB

extension RegisterStore {
    /// The register's tables (`register_record`, `known_node`), step by step.
    /// Released identifiers never change (see `StoreMigration`).
    static let migrations: [StoreMigration] = [
        StoreMigration(identifier: "v2-register") { db in
            for table in Table.allCases {
                try db.create(table: table.rawValue) { t in
                    t.primaryKey("node_id", .text)
                    t.column("record", .blob).notNull()
                    t.column("roles", .text).notNull()
                    t.column("region", .text).notNull()
                    t.column("expiry", .integer).notNull()
                    t.column("sequence", .integer).notNull()
                    t.column("updated_at", .double).notNull()
                }
            }
        },
        // Before this step `updated_at` held Unix seconds as a real number; it becomes
        // integer Unix milliseconds (`StoredTime`), like every stored time.
        StoreMigration(identifier: "v5-register-times-in-milliseconds") { db in
            for table in Table.allCases {
                try db.execute(sql: """
                    UPDATE \(table.rawValue) SET updated_at = CAST(ROUND(updated_at * 1000) AS INTEGER)
                        WHERE typeof(updated_at) IN ('real', 'integer')
                    """)
            }
        },
    ]
}
