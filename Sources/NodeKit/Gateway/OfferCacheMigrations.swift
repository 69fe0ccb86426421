import GRDB

extension OfferCache {
    /// The gateway's offer cache. Released identifiers never change (see `StoreMigration`).
    ///
    /// - `gateway_provider`: one row per provider that ever had an offer stored: its node
    ///   ID and key, when an offer of it was last stored, and running totals of its cached
    ///   offers and linked Piece CIDs (expired ones included until swept), so counting
    ///   reads one row per provider, not the cache.
    /// - `gateway_offer`: one row per offer: its signed fields (price as 16 big-endian
    ///   bytes, which sort like the amounts; expiry, latency and nonce as the 64 bits of
    ///   their unsigned value), how it arrived, and `cids`, how many Piece CIDs are still
    ///   linked to it. Newest first is descending `id`: SQLite gives a new row an `id`
    ///   above every present one.
    /// - `gateway_offer_tree`: a group offer's Merkle levels below the root
    ///   (`MerkleTree.flatLevels`), leaves first, for proofs without hashing; a single
    ///   CID offer has none (its root is its leaf). Kept apart so scans of offers never
    ///   read these kilobytes.
    /// - `gateway_offer_cid`: which offer answers for which Piece CID commitment, and at
    ///   which leaf: the lookup table, ordered by commitment. It has no index by offer,
    ///   which would repeat every commitment: an offer's links are found from its leaves.
    static let migrations: [StoreMigration] = [
        StoreMigration(identifier: "v7-gateway-offer-cache") { db in
            try db.execute(sql: """
                CREATE TABLE gateway_provider (
                    id INTEGER PRIMARY KEY,
                    node_id BLOB NOT NULL UNIQUE,
                    public_key BLOB NOT NULL,
                    offers INTEGER NOT NULL,
                    cids INTEGER NOT NULL,
                    last_stored_at INTEGER NOT NULL);
                CREATE TABLE gateway_offer (
                    id INTEGER PRIMARY KEY,
                    offer_id BLOB NOT NULL UNIQUE,
                    provider INTEGER NOT NULL REFERENCES gateway_provider(id),
                    price BLOB NOT NULL,
                    expiry INTEGER NOT NULL,
                    latency INTEGER NOT NULL,
                    nonce INTEGER NOT NULL,
                    leaf_count INTEGER NOT NULL,
                    cids INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    root BLOB NOT NULL,
                    signature BLOB NOT NULL);
                CREATE INDEX gateway_offer_provider ON gateway_offer (provider);
                CREATE INDEX gateway_offer_expiry ON gateway_offer (expiry);
                CREATE TABLE gateway_offer_tree (
                    offer INTEGER PRIMARY KEY REFERENCES gateway_offer(id) ON DELETE CASCADE,
                    levels BLOB NOT NULL);
                CREATE TABLE gateway_offer_cid (
                    commitment BLOB NOT NULL,
                    offer INTEGER NOT NULL,
                    leaf INTEGER NOT NULL,
                    PRIMARY KEY (commitment, offer)) WITHOUT ROWID;
                """)
        },
    ]
}
