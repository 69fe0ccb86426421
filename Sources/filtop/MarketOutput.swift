import Foundation
import NodeKit

/// How the `provider`, `gateway` and `client` commands show asks (with the provider's
/// retrieval terms), publications, cached offers, provider standings, the gateway policy
/// and found offers: aligned lines and tables for people, one JSON document for scripts.
/// Amounts are FIL with the unit, exact to the attoFIL (as `PaymentOutput`); offer IDs are
/// hex, shown short in tables; an expiry comes with the time left.
enum MarketOutput {
    /// Unix seconds now, the reference for "time left".
    static var now: UInt64 { UInt64(Date().timeIntervalSince1970) }

    /// The first 12 hex digits of an offer ID.
    static func short(_ offerID: [UInt8]) -> String { String(Hex.encode(offerID).prefix(12)) }

    /// How long until `expiry` (Unix seconds): `2d 3h`, `5h 12m`, `42m`, `30s`, or `expired`.
    static func timeLeft(_ expiry: UInt64, now: UInt64 = now) -> String {
        guard expiry > now else { return "expired" }
        let s = expiry - now
        switch s {
        case 86_400...: return "\(s / 86_400)d \(s % 86_400 / 3_600)h"
        case 3_600...: return "\(s / 3_600)h \(s % 3_600 / 60)m"
        case 60...: return "\(s / 60)m"
        default: return "\(s)s"
        }
    }

    static func date(_ date: Date?) -> String { date.map { ISO8601DateFormatter().string(from: $0) } ?? "-" }

    static func dateJSON(_ date: Date?) -> JSONValue { date.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null }

    // MARK: - Provider

    /// The ask, then the retrieval terms a deal's proposal must meet.
    static func askLines(_ a: ProviderAsk, terms t: RetrievalTerms) {
        PaymentOutput.fieldLines([
            ("price per byte", "\(a.pricePerByte) (\(a.pricePerByte.attoFILDescription))"), ("qos", "\(a.latencyMillis) ms to first byte"),
            ("ttl", "\(a.ttlSeconds) s (offers signed now expire \(OfferArguments.date(now + a.ttlSeconds)))"),
            ("unseal price", "\(t.unsealPrice) (\(t.unsealPrice.attoFILDescription))"),
            ("payment interval", "\(ByteCount.format(t.paymentInterval)) (\(t.paymentInterval) B sent before the first payment)"),
            ("interval increase", "\(ByteCount.format(t.paymentIntervalIncrease)) (\(t.paymentIntervalIncrease) B more before each later payment)"),
        ])
    }

    /// The ask and the provider's retrieval terms in one object.
    static func askJSON(_ a: ProviderAsk, terms t: RetrievalTerms) -> JSONValue {
        .object([
            ("price_per_byte", .string("\(a.pricePerByte)")), ("qos_ms", .int(a.latencyMillis)), ("ttl_seconds", .int(a.ttlSeconds)),
            ("unseal_price", .string("\(t.unsealPrice)")), ("payment_interval", .int(t.paymentInterval)),
            ("payment_interval_increase", .int(t.paymentIntervalIncrease)),
        ])
    }

    static func publicationTable(_ publications: [Publication]) {
        var table = TextTable([
            .left("GATEWAY"), .left("OFFER"), .right("PIECES"), .right("PRICE/BYTE"), .left("EXPIRES"), .left("SENT"), .left("STATUS"),
        ])
        for p in publications {
            table.add([
                p.gateway.short, short(p.offerID), "\(p.pieceCount)", "\(p.terms.pricePerByte)",
                "\(OfferArguments.date(p.terms.expiry)) (\(timeLeft(p.terms.expiry)))", date(p.sentAt), status(p),
            ])
        }
        table.print()
    }

    /// `acknowledged`, or why not.
    static func status(_ p: Publication) -> String {
        if p.acknowledgedAt != nil { return "acknowledged" }
        return "not acknowledged: " + (p.error ?? "no answer")
    }

    static func publicationJSON(_ p: Publication) -> JSONValue {
        .object([
            ("gateway", .string(p.gateway.description)), ("offer", .string(Hex.encode(p.offerID))), ("pieces", .int(UInt64(p.pieceCount))),
            ("price_per_byte", .string("\(p.terms.pricePerByte)")), ("qos_ms", .int(p.terms.latencyMillis)), ("expiry", .int(p.terms.expiry)),
            ("nonce", .int(p.terms.nonce)), ("sent", dateJSON(p.sentAt)), ("acknowledged", dateJSON(p.acknowledgedAt)),
            ("error", p.error.map { .string($0) } ?? .null),
        ])
    }

    // MARK: - Gateway

    static func offerTable(_ offers: [CachedOffer]) {
        var table = TextTable([
            .left("PROVIDER"), .left("PIECE CID"), .right("PRICE/BYTE"), .right("QOS"), .left("EXPIRES IN"), .left("OFFER"), .left("RECEIVED"),
        ])
        for o in offers {
            table.add([
                o.provider.short, o.pieceCID.description, "\(o.terms.pricePerByte)", "\(o.terms.latencyMillis) ms", timeLeft(o.terms.expiry),
                short(o.offerID), date(o.receivedAt),
            ])
        }
        table.print()
    }

    static func offerJSON(_ o: CachedOffer) -> JSONValue {
        .object([
            ("provider", .string(o.provider.description)), ("piece_cid", .string(o.pieceCID.description)), ("offer", .string(Hex.encode(o.offerID))),
            ("price_per_byte", .string("\(o.terms.pricePerByte)")), ("qos_ms", .int(o.terms.latencyMillis)), ("expiry", .int(o.terms.expiry)),
            ("nonce", .int(o.terms.nonce)), ("source", .string(o.source)), ("received", dateJSON(o.receivedAt)),
        ])
    }

    static func standingTable(_ standings: [ProviderStanding]) {
        var table = TextTable([
            .left("PROVIDER"), .left("LISTING"), .right("REPUTATION"), .right("RTT"), .right("CACHED CIDS"), .left("KEPT"), .left("LAST PUBLISHED"),
            .left("LAST REFUSAL"),
        ])
        for s in standings {
            table.add([
                s.provider.description, s.listing.rawValue, "\(s.reputation)", s.rttMicros.map { "\($0 / 1000) ms" } ?? "-", "\(s.cachedCIDs)",
                s.isKept ? "yes" : "no", date(s.lastPublished), s.lastRefusal ?? "-",
            ])
        }
        table.print()
    }

    static func standingLines(_ s: ProviderStanding) {
        PaymentOutput.fieldLines([
            ("provider", s.provider.description), ("listing", s.listing.rawValue), ("reputation", "\(s.reputation)"),
            ("kept", s.isKept ? "yes: the gateway keeps and returns its offers" : "no: its offers are refused"),
            ("cached CIDs", "\(s.cachedCIDs)"), ("last published", date(s.lastPublished)),
        ])
    }

    static func standingJSON(_ s: ProviderStanding) -> JSONValue {
        .object([
            ("provider", .string(s.provider.description)), ("listing", .string(s.listing.rawValue)),
            ("reputation", .signed(s.reputation)), ("rtt_us", s.rttMicros.map { .int($0) } ?? .null),
            ("cached_cids", .int(UInt64(s.cachedCIDs))), ("kept", .bool(s.isKept)), ("last_published", dateJSON(s.lastPublished)),
            ("last_refusal", s.lastRefusal.map { .string($0) } ?? .null),
        ])
    }

    static func policyLines(_ p: GatewayPolicy) {
        func list(_ ids: [NodeID]) -> String { ids.isEmpty ? "none" : ids.map(\.description).joined(separator: ", ") }
        PaymentOutput.fieldLines([
            ("allowed", list(p.allowed)), ("blocked", list(p.blocked)),
            ("max provider latency", p.maxLatencyMillis == 0 ? "no limit" : "\(p.maxLatencyMillis) ms"),
            ("search fee", "\(p.fees.search) a request"), ("offers fee", "\(p.fees.offers) more when offers are returned"),
            ("cached offers", "\(p.cachedOffers)"), ("cached CIDs", "\(p.cachedCIDs)"),
        ])
    }

    static func policyJSON(_ p: GatewayPolicy) -> JSONValue {
        .object([
            ("allowed", .array(p.allowed.map { .string($0.description) })), ("blocked", .array(p.blocked.map { .string($0.description) })),
            ("max_latency_ms", .int(p.maxLatencyMillis)), ("search_fee", .string("\(p.fees.search)")), ("offers_fee", .string("\(p.fees.offers)")),
            ("cached_offers", .int(UInt64(p.cachedOffers))), ("cached_cids", .int(UInt64(p.cachedCIDs))),
        ])
    }

    // MARK: - Client

    static func foundTable(_ offers: [FoundOffer]) {
        var table = TextTable([.left("PROVIDER"), .right("PRICE/BYTE"), .right("QOS"), .left("EXPIRES IN"), .left("GATEWAY")])
        for f in offers {
            let t = f.offer.terms
            table.add([f.offer.providerID.description, "\(t.pricePerByte)", "\(t.latencyMillis) ms", timeLeft(t.expiry), f.gateway.short])
        }
        table.print()
    }

    static func answerTable(_ answers: [GatewayAnswer]) {
        var table = TextTable([.left("GATEWAY"), .right("PAID"), .right("OFFERS"), .right("REJECTED"), .left("ERROR")])
        for a in answers { table.add([a.gateway.short, "\(a.paid)", "\(a.offers)", "\(a.rejected.count)", a.error ?? "-"]) }
        table.print()
        for a in answers {
            for line in a.rejected { print("dropped from \(a.gateway.short): \(line)") }
        }
    }

    static func findJSON(_ r: FindResult) -> JSONValue {
        .object([
            ("piece_cid", .string(r.pieceCID.description)),
            ("offers", .array(r.offers.map { f in
                let t = f.offer.terms
                return .object([
                    ("provider", .string(f.offer.providerID.description)), ("price_per_byte", .string("\(t.pricePerByte)")),
                    ("qos_ms", .int(t.latencyMillis)), ("expiry", .int(t.expiry)), ("expires_in_seconds", .int(t.expiry > now ? t.expiry - now : 0)),
                    ("nonce", .int(t.nonce)), ("gateway", .string(f.gateway.description)), ("sub_offer", .string(Hex.encode(f.offer.encoded))),
                ])
            })),
            ("answers", .array(r.answers.map { a in
                .object([
                    ("gateway", .string(a.gateway.description)), ("paid", .string("\(a.paid)")), ("offers", .int(UInt64(a.offers))),
                    ("rejected", .array(a.rejected.map { .string($0) })), ("error", a.error.map { .string($0) } ?? .null),
                ])
            })),
        ])
    }
}
