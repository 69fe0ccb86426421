import Foundation

// The maps `ControlMarketRequest` and `ControlMarketAnswer` carry, one per value type of
// `MarketControl` (docs/PROTOCOL.md, "Market control actions"). Amounts are big-integer
// bytes, node IDs and offer IDs 32 bytes, Piece CIDs their 32-byte commitment, times
// Unix milliseconds, expiries Unix seconds. `bounded` cuts free text (and lists) to what
// the decoder accepts; `ControlMarketAnswer` applies it to every row it carries.

extension ProviderAsk {
    /// `{price, qos, ttl}`: token amount per byte, milliseconds, seconds.
    var cbor: CBOR { .map(["price": .bytes(pricePerByte.encoded), "qos": .unsigned(latencyMillis), "ttl": .unsigned(ttlSeconds)]) }

    init(cbor: CBOR, _ what: String) throws(WireError) {
        let f = try MessageFields(cbor, what, keys: ["price", "qos", "ttl"])
        self.init(pricePerByte: try f.amount("price"), latencyMillis: try f.unsigned("qos"), ttlSeconds: try f.unsigned("ttl"))
    }
}

extension Publication {
    static let maxErrorLength = 512

    /// The publication with its error cut to `maxErrorLength` bytes.
    var bounded: Publication {
        var out = self
        out.error = error?.prefix(utf8Bytes: Self.maxErrorLength)
        return out
    }

    /// `{gateway, offer, pieces, price, expiry, qos, nonce, sent_ms, acked_ms, error}`;
    /// `acked_ms` and `error` may be null.
    var cbor: CBOR {
        .map([
            "gateway": .bytes(gateway.bytes), "offer": .bytes(offerID), "pieces": .unsigned(UInt64(pieceCount)),
            "price": .bytes(terms.pricePerByte.encoded), "expiry": .unsigned(terms.expiry), "qos": .unsigned(terms.latencyMillis),
            "nonce": .unsigned(terms.nonce), "sent_ms": .unsigned(sentAt.unixMillis),
            "acked_ms": acknowledgedAt.map { .unsigned($0.unixMillis) } ?? .null,
            "error": error.map { .text($0) } ?? .null,
        ])
    }

    init(cbor: CBOR) throws(WireError) {
        let f = try MessageFields(cbor, "ControlMarketAnswer.publications[]", keys: [
            "gateway", "offer", "pieces", "price", "expiry", "qos", "nonce", "sent_ms", "acked_ms", "error",
        ])
        self.init(
            gateway: try f.nodeID("gateway"), offerID: try f.bytes("offer", count: 32), pieceCount: try f.count("pieces"), terms: try f.terms(),
            sentAt: Date(unixMillis: try f.unsigned("sent_ms")), acknowledgedAt: try f.optionalDate("acked_ms"),
            error: try f.optionalText("error", maxLength: Self.maxErrorLength))
    }
}

extension CachedOffer {
    static let maxSourceLength = 64

    /// The row with its source cut to `maxSourceLength` bytes.
    var bounded: CachedOffer {
        var out = self
        out.source = source.prefix(utf8Bytes: Self.maxSourceLength)
        return out
    }

    /// `{offer, provider, piece, price, expiry, qos, nonce, source, received_ms}`.
    var cbor: CBOR {
        .map([
            "offer": .bytes(offerID), "provider": .bytes(provider.bytes), "piece": .bytes(pieceCID.commitment),
            "price": .bytes(terms.pricePerByte.encoded), "expiry": .unsigned(terms.expiry), "qos": .unsigned(terms.latencyMillis),
            "nonce": .unsigned(terms.nonce), "source": .text(source),
            "received_ms": .unsigned(receivedAt.unixMillis),
        ])
    }

    init(cbor: CBOR) throws(WireError) {
        let f = try MessageFields(cbor, "ControlMarketAnswer.offers[]", keys: [
            "offer", "provider", "piece", "price", "expiry", "qos", "nonce", "source", "received_ms",
        ])
        self.init(
            offerID: try f.bytes("offer", count: 32), provider: try f.nodeID("provider"), pieceCID: try f.pieceCID("piece"), terms: try f.terms(),
            source: try f.text("source", maxLength: Self.maxSourceLength), receivedAt: Date(unixMillis: try f.unsigned("received_ms")))
    }
}

extension ProviderStanding {
    static let maxRefusalLength = 512

    /// The standing with its last refusal cut to `maxRefusalLength` bytes.
    var bounded: ProviderStanding {
        var out = self
        out.lastRefusal = lastRefusal?.prefix(utf8Bytes: Self.maxRefusalLength)
        return out
    }

    /// `{provider, listing, reputation (signed), rtt_us, cached, published_ms, refusal}`;
    /// `rtt_us`, `published_ms` and `refusal` may be null.
    var cbor: CBOR {
        .map([
            "provider": .bytes(provider.bytes), "listing": .text(listing.rawValue), "reputation": .int(reputation),
            "rtt_us": rttMicros.map { .unsigned($0) } ?? .null, "cached": .unsigned(UInt64(cachedCIDs)),
            "published_ms": lastPublished.map { .unsigned($0.unixMillis) } ?? .null,
            "refusal": lastRefusal.map { .text($0) } ?? .null,
        ])
    }

    init(cbor: CBOR) throws(WireError) {
        let f = try MessageFields(cbor, "ControlMarketAnswer.standings[]", keys: [
            "provider", "listing", "reputation", "rtt_us", "cached", "published_ms", "refusal",
        ])
        let name = try f.text("listing", maxLength: 16)
        guard let listing = ProviderListing(rawValue: name) else {
            throw .invalidMessage("ControlMarketAnswer.standings[].listing '\(name)' is not allowed, blocked or unlisted")
        }
        self.init(
            provider: try f.nodeID("provider"), listing: listing, reputation: try f.int("reputation"), rttMicros: try f.optionalUnsigned("rtt_us"),
            cachedCIDs: try f.count("cached"), lastPublished: try f.optionalDate("published_ms"),
            lastRefusal: try f.optionalText("refusal", maxLength: Self.maxRefusalLength))
    }
}

extension GatewayPolicy {
    /// Node IDs per list (allowed, blocked) one answer carries: 320 KB each.
    public static let maxListed = 10_000

    /// The policy with its lists cut to `maxListed`.
    var bounded: GatewayPolicy {
        var out = self
        out.allowed = Array(allowed.prefix(Self.maxListed))
        out.blocked = Array(blocked.prefix(Self.maxListed))
        return out
    }

    /// `{allowed, blocked (node IDs concatenated), max_latency_ms, search_fee, offers_fee,
    /// cached_offers, cached_cids}`.
    var cbor: CBOR {
        .map([
            "allowed": .bytes(allowed.flatMap(\.bytes)), "blocked": .bytes(blocked.flatMap(\.bytes)), "max_latency_ms": .unsigned(maxLatencyMillis),
            "search_fee": .bytes(fees.search.encoded), "offers_fee": .bytes(fees.offers.encoded),
            "cached_offers": .unsigned(UInt64(cachedOffers)), "cached_cids": .unsigned(UInt64(cachedCIDs)),
        ])
    }

    init(cbor: CBOR) throws(WireError) {
        let f = try MessageFields(cbor, "ControlMarketAnswer.policy", keys: [
            "allowed", "blocked", "max_latency_ms", "search_fee", "offers_fee", "cached_offers", "cached_cids",
        ])
        self.init(
            allowed: try f.nodeIDs("allowed", max: Self.maxListed), blocked: try f.nodeIDs("blocked", max: Self.maxListed),
            maxLatencyMillis: try f.unsigned("max_latency_ms"),
            fees: DiscoveryFees(search: try f.amount("search_fee"), offers: try f.amount("offers_fee")),
            cachedOffers: try f.count("cached_offers"), cachedCIDs: try f.count("cached_cids"))
    }
}

extension FindResult {
    /// Lines of `GatewayAnswer.rejected` one answer carries per gateway, and their length.
    public static let maxRejectedLines = 8
    public static let maxLineLength = 200

    /// The result cut to what one answer carries: `ControlMarketAnswer.maxItems` offers and
    /// gateway answers; past `maxRejectedLines` rejections, the last line counts the rest.
    var bounded: FindResult {
        var out = self
        out.offers = Array(offers.prefix(ControlMarketAnswer.maxItems))
        out.answers = answers.prefix(ControlMarketAnswer.maxItems).map { a in
            var a = a
            if a.rejected.count > Self.maxRejectedLines {
                let kept = Self.maxRejectedLines - 1
                a.rejected = Array(a.rejected.prefix(kept)) + ["and \(a.rejected.count - kept) more offers rejected"]
            }
            a.rejected = a.rejected.map { $0.prefix(utf8Bytes: Self.maxLineLength) }
            a.error = a.error?.prefix(utf8Bytes: Publication.maxErrorLength)
            return a
        }
        return out
    }

    /// `{piece, offers: [{offer (a sub-offer's encoding, §3), gateway}], answers: [{gateway,
    /// offers, rejected (array of text), paid, error}]}`.
    var cbor: CBOR {
        .map([
            "piece": .bytes(pieceCID.commitment),
            "offers": .array(offers.map { .map(["offer": .bytes($0.offer.encoded), "gateway": .bytes($0.gateway.bytes)]) }),
            "answers": .array(answers.map { a in
                .map([
                    "gateway": .bytes(a.gateway.bytes), "offers": .unsigned(UInt64(a.offers)), "rejected": .array(a.rejected.map { .text($0) }),
                    "paid": .bytes(a.paid.encoded), "error": a.error.map { .text($0) } ?? .null,
                ])
            }),
        ])
    }

    init(cbor: CBOR) throws(WireError) {
        let f = try MessageFields(cbor, "ControlMarketAnswer.found", keys: ["piece", "offers", "answers"])
        var offers: [FoundOffer] = []
        for item in try f.list("offers", max: ControlMarketAnswer.maxItems) {
            let o = try MessageFields(item, "ControlMarketAnswer.found.offers[]", keys: ["offer", "gateway"])
            let sub: SubOffer
            do { sub = try SubOffer(encoded: try o.bytes("offer")) } catch { throw .invalidMessage("ControlMarketAnswer.found.offers[].offer: \(error)") }
            offers.append(FoundOffer(offer: sub, gateway: try o.nodeID("gateway")))
        }
        var answers: [GatewayAnswer] = []
        for item in try f.list("answers", max: ControlMarketAnswer.maxItems) {
            let a = try MessageFields(item, "ControlMarketAnswer.found.answers[]", keys: ["gateway", "offers", "rejected", "paid", "error"])
            var rejected: [String] = []
            for line in try a.list("rejected", max: Self.maxRejectedLines) {
                guard let text = line.textValue, text.utf8.count <= Self.maxLineLength else {
                    throw .invalidMessage("ControlMarketAnswer.found.answers[].rejected must hold text of at most \(Self.maxLineLength) bytes")
                }
                rejected.append(text)
            }
            answers.append(GatewayAnswer(
                gateway: try a.nodeID("gateway"), offers: try a.count("offers"), rejected: rejected, paid: try a.amount("paid"),
                error: try a.optionalText("error", maxLength: Publication.maxErrorLength)))
        }
        self.init(pieceCID: try f.pieceCID("piece"), offers: offers, answers: answers)
    }
}

extension MessageFields {
    /// Offer terms kept flat in a row: `price`, `expiry`, `qos`, `nonce`.
    func terms() throws(WireError) -> OfferTerms {
        OfferTerms(pricePerByte: try amount("price"), expiry: try unsigned("expiry"), latencyMillis: try unsigned("qos"), nonce: try unsigned("nonce"))
    }
}
