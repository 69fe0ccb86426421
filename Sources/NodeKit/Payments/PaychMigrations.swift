import GRDB

extension PaychStore {
    /// The node's own payment channels (`paych_channel`) and lanes (`paych_lane`), as
    /// payer and as payee. Amounts are decimal attoFIL text. Released identifiers never change.
    static let migrations: [StoreMigration] = [
        StoreMigration(identifier: "v6-paych") { db in
            try db.execute(sql: """
                CREATE TABLE paych_channel (
                    id TEXT PRIMARY KEY,
                    direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
                    peer TEXT NOT NULL,
                    payer BLOB NOT NULL,
                    funds TEXT NOT NULL,
                    redeemed TEXT NOT NULL,
                    settling_at INTEGER,
                    collected INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL);
                CREATE INDEX paych_channel_peer ON paych_channel (peer, direction);
                CREATE TABLE paych_lane (
                    channel TEXT NOT NULL REFERENCES paych_channel(id),
                    lane INTEGER NOT NULL,
                    nonce INTEGER NOT NULL,
                    amount TEXT NOT NULL,
                    voucher BLOB NOT NULL,
                    redeemed TEXT NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (channel, lane)) WITHOUT ROWID;
                """)
        },
    ]
}
