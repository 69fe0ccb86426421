import GRDB

extension MarketStores {
    /// The market roles' own tables: reputation (`market_reputation`), the gateway's
    /// provider listings and clients' discovery accounts, the provider's ask, current
    /// offers and publications. Node IDs are their text form, amounts decimal attoFIL
    /// text, times Unix milliseconds. Released identifiers never change.
    static let migrations: [StoreMigration] = [
        StoreMigration(identifier: "v8-market") { db in
            try db.execute(sql: """
                CREATE TABLE market_reputation (
                    view TEXT NOT NULL,
                    peer TEXT NOT NULL,
                    score INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (view, peer)) WITHOUT ROWID;
                CREATE TABLE gateway_provider_listing (
                    provider TEXT PRIMARY KEY,
                    listing TEXT NOT NULL CHECK (listing IN ('allowed', 'blocked', 'unlisted')),
                    changed_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE gateway_discovery_account (
                    client TEXT PRIMARY KEY,
                    paid TEXT NOT NULL,
                    charged TEXT NOT NULL,
                    updated_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE provider_ask (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    price TEXT NOT NULL,
                    qos INTEGER NOT NULL,
                    ttl INTEGER NOT NULL,
                    last_nonce INTEGER NOT NULL);
                CREATE TABLE provider_offer (
                    offer_id BLOB PRIMARY KEY,
                    encoded BLOB NOT NULL,
                    expiry INTEGER NOT NULL,
                    signed_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE provider_publication (
                    gateway TEXT NOT NULL,
                    offer_id BLOB NOT NULL,
                    piece_count INTEGER NOT NULL,
                    price TEXT NOT NULL,
                    expiry INTEGER NOT NULL,
                    qos INTEGER NOT NULL,
                    nonce INTEGER NOT NULL,
                    sent_at INTEGER NOT NULL,
                    acknowledged_at INTEGER,
                    acknowledgement BLOB,
                    error TEXT,
                    PRIMARY KEY (gateway, offer_id)) WITHOUT ROWID;
                """)
        },
    ]
}

/// The namespace of the market roles' tables (see `migrations`).
enum MarketStores {}
