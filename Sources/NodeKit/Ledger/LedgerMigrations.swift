import GRDB

extension DevnetLedger {
    /// The devnet ledger's tables (`ledger_meta`, `ledger_account`, `ledger_channel`,
    /// `ledger_lane`). Amounts are decimal attoFIL text. Released identifiers never change.
    static let migrations: [StoreMigration] = [
        StoreMigration(identifier: "v6-devnet-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE ledger_meta (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    genesis_ms INTEGER NOT NULL);
                CREATE TABLE ledger_account (
                    account TEXT PRIMARY KEY,
                    balance TEXT NOT NULL,
                    nonce INTEGER NOT NULL);
                CREATE TABLE ledger_channel (
                    id TEXT PRIMARY KEY,
                    payer BLOB NOT NULL,
                    payee TEXT NOT NULL,
                    funds TEXT NOT NULL,
                    settling_at INTEGER,
                    min_settle INTEGER NOT NULL,
                    collected INTEGER NOT NULL,
                    created_epoch INTEGER NOT NULL);
                CREATE TABLE ledger_lane (
                    channel TEXT NOT NULL REFERENCES ledger_channel(id),
                    lane INTEGER NOT NULL,
                    nonce INTEGER NOT NULL,
                    redeemed TEXT NOT NULL,
                    PRIMARY KEY (channel, lane)) WITHOUT ROWID;
                """)
        },
    ]
}
