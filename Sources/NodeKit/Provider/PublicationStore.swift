import Foundation
import GRDB

/// The provider's side of publishing, in SQLite: its ask (with the last offer nonce it
/// signed), the offers it currently publishes, and each gateway's answer to each of them
/// (the signed acknowledgement, kept as proof of publication, or the refusal).
struct PublicationStore: Sendable {
    let database: NodeDatabase

    /// The stored ask and last nonce; the default ask and 0 before the first `setAsk`.
    func ask() async throws -> (ask: ProviderAsk, lastNonce: UInt64) {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT price, qos, ttl, last_nonce FROM provider_ask WHERE id = 1") else {
                return (ProviderAsk.default, 0)
            }
            let r = StoredRow(row, subject: "the provider's ask")
            return (ProviderAsk(pricePerByte: try r.amount("price"), latencyMillis: UInt64(try r.integer("qos")),
                                ttlSeconds: UInt64(try r.integer("ttl"))), UInt64(try r.integer("last_nonce")))
        }
    }

    func setAsk(_ ask: ProviderAsk) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO provider_ask (id, price, qos, ttl, last_nonce) VALUES (1, ?, ?, ?, 0)
                    ON CONFLICT (id) DO UPDATE SET price = excluded.price, qos = excluded.qos, ttl = excluded.ttl
                    """, arguments: [ask.pricePerByte.attoFIL.description, Int64(ask.latencyMillis), Int64(ask.ttlSeconds)])
        }
    }

    /// The offers currently published.
    func currentOffers() async throws -> [CIDOffer] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT encoded FROM provider_offer ORDER BY signed_at, offer_id").map { row in
                let bytes = try StoredRow(row, subject: "a published offer").blob("encoded")
                do { return try CIDOffer(encoded: Array(bytes)) } catch {
                    throw CorruptRowError(subject: "a published offer", column: "encoded", problem: "does not decode: \(error)")
                }
            }
        }
    }

    /// Replaces the current offers with `offers`, signed with nonces up to `lastNonce`.
    func replaceOffers(_ offers: [CIDOffer], lastNonce: UInt64, at time: Date) async throws {
        let now = StoredTime.milliseconds(time)
        try await database.write { db in
            try db.execute(sql: "DELETE FROM provider_offer")
            for offer in offers {
                try db.execute(sql: "INSERT INTO provider_offer (offer_id, encoded, expiry, signed_at) VALUES (?, ?, ?, ?)",
                               arguments: [Data(offer.id), Data(offer.encoded), Int64(clamping: offer.terms.expiry), now])
            }
            try db.execute(sql: "INSERT INTO provider_ask (id, price, qos, ttl, last_nonce) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET last_nonce = excluded.last_nonce",
                           arguments: [ProviderAsk.default.pricePerByte.attoFIL.description, Int64(ProviderAsk.default.latencyMillis),
                                       Int64(ProviderAsk.default.ttlSeconds), Int64(clamping: lastNonce)])
            // Publications of offers no longer current are history; the newest per gateway stay.
            try db.execute(sql: "DELETE FROM provider_publication WHERE offer_id NOT IN (SELECT offer_id FROM provider_offer) AND sent_at < ?",
                           arguments: [now])
        }
    }

    /// Records how `gateway` answered `offer`: its acknowledgement, or the refusal.
    func record(_ offer: CIDOffer, gateway: NodeID, sentAt: Date, acknowledgement: OfferAcknowledgement?, error: String?) async throws {
        let ack = acknowledgement.map { a -> Data in
            var e = CBOREncoder(capacity: 160)
            e.encode(a.body)
            return Data(e.bytes)
        }
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO provider_publication (gateway, offer_id, piece_count, price, expiry, qos, nonce, sent_at, acknowledged_at, acknowledgement, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (gateway, offer_id) DO UPDATE SET sent_at = excluded.sent_at, acknowledged_at = excluded.acknowledged_at,
                        acknowledgement = excluded.acknowledgement, error = excluded.error
                    """,
                arguments: [gateway.description, Data(offer.id), offer.cidCount, offer.terms.pricePerByte.attoFIL.description,
                            Int64(clamping: offer.terms.expiry), Int64(clamping: offer.terms.latencyMillis), Int64(clamping: offer.terms.nonce),
                            StoredTime.milliseconds(sentAt), acknowledgement.map { Int64(clamping: $0.received) * 1000 }, ack, error])
        }
    }

    /// The gateways that acknowledged every one of `offers`.
    func acknowledging(_ offers: [CIDOffer]) async throws -> Set<NodeID> {
        let ids = offers.map { Data($0.id) }
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            let rows = try Row.fetchAll(db, sql: """
                SELECT gateway FROM provider_publication WHERE acknowledged_at IS NOT NULL AND offer_id IN (\(marks))
                GROUP BY gateway HAVING COUNT(*) = ?
                """, arguments: StatementArguments(ids + [ids.count]))
            return Set(try rows.map { try StoredRow($0, subject: "a publication").textNodeID("gateway") })
        }
    }

    /// Every publication, newest first.
    func publications() async throws -> [Publication] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT gateway, offer_id, piece_count, price, expiry, qos, nonce, sent_at, acknowledged_at, error
                FROM provider_publication ORDER BY sent_at DESC, gateway LIMIT 1000
                """).map { row in
                let r = StoredRow(row, subject: "a publication")
                return Publication(
                    gateway: try r.textNodeID("gateway"), offerID: Array(try r.blob("offer_id")), pieceCount: try r.count("piece_count"),
                    terms: OfferTerms(pricePerByte: try r.amount("price"), expiry: UInt64(try r.integer("expiry")),
                                      latencyMillis: UInt64(try r.integer("qos")), nonce: UInt64(try r.integer("nonce"))),
                    sentAt: try r.time("sent_at"), acknowledgedAt: try r.optionalInteger("acknowledged_at").map(StoredTime.date(milliseconds:)),
                    error: row["error"])
            }
        }
    }
}
