import GRDB

extension DealStore {
    /// Retrieval deals on both sides (`retrieval_deal`), each status change
    /// (`retrieval_deal_history`), the provider's standing terms (`provider_retrieval_terms`), what a gateway has been paid for each deal it brokers (`gateway_brokered_deal`), and the client's retrieval requests
    /// (`retrieval_request`). Node IDs and CIDs are text, amounts decimal attoFIL text,
    /// times Unix milliseconds. Released identifiers never change.
    static let migrations: [StoreMigration] = [
        StoreMigration(identifier: "v9-retrieval") { db in
            try db.execute(sql: """
                CREATE TABLE retrieval_deal (
                    side TEXT NOT NULL CHECK (side IN ('client', 'provider', 'broker')),
                    peer TEXT NOT NULL,
                    id INTEGER NOT NULL CHECK (id >= 0),
                    broker TEXT,
                    payload TEXT NOT NULL,
                    piece TEXT,
                    price TEXT NOT NULL,
                    unseal TEXT NOT NULL,
                    payment_interval INTEGER NOT NULL,
                    payment_increase INTEGER NOT NULL,
                    status INTEGER NOT NULL,
                    message TEXT NOT NULL,
                    total_bytes INTEGER NOT NULL,
                    total_blocks INTEGER NOT NULL,
                    blocks INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    paid TEXT NOT NULL,
                    channel TEXT,
                    lane INTEGER,
                    failed_block TEXT,
                    request INTEGER,
                    part_output TEXT,
                    part_offset INTEGER,
                    part_format INTEGER CHECK (part_format IN (0, 1, 2)),
                    checkpoint BLOB,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (side, peer, id)) WITHOUT ROWID;
                CREATE INDEX retrieval_deal_updated ON retrieval_deal (updated_at);
                CREATE TABLE retrieval_deal_history (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    side TEXT NOT NULL,
                    peer TEXT NOT NULL,
                    id INTEGER NOT NULL,
                    status INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    paid TEXT NOT NULL,
                    message TEXT NOT NULL);
                CREATE INDEX retrieval_deal_history_deal ON retrieval_deal_history (side, peer, id, seq);
                CREATE TABLE provider_retrieval_terms (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    unseal TEXT NOT NULL,
                    payment_interval INTEGER NOT NULL,
                    payment_increase INTEGER NOT NULL);
                CREATE TABLE gateway_brokered_deal (
                    client TEXT NOT NULL,
                    provider TEXT NOT NULL,
                    deal INTEGER NOT NULL,
                    gross TEXT NOT NULL,
                    channel TEXT,
                    lane INTEGER,
                    PRIMARY KEY (client, provider, deal)) WITHOUT ROWID;
                CREATE TABLE retrieval_request (
                    id INTEGER PRIMARY KEY,
                    payload TEXT NOT NULL,
                    piece TEXT,
                    output TEXT NOT NULL,
                    car INTEGER NOT NULL,
                    total_bytes INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    message TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL);
                """)
        },
    ]
}
