import Foundation

/// One market request of the admin protocol (`MarketControl`). Body `{ask, gateway,
/// action, gateways, limit, listing, piece, provider}`: `action` names the `MarketControl`
/// call (`Action`); `ask`, `gateway`, `listing`, `piece` and `provider` are null when the
/// action does not use them; `gateways` is empty and `limit` zero when unused.
///
/// `gateways` carries the 32-byte node IDs concatenated (at most `maxGateways`), so a
/// long list is one byte string rather than many array items. `limit` is at most
/// `ControlMarketAnswer.maxItems`: the answer cannot carry more rows.
public struct ControlMarketRequest: WireMessage, Equatable {
    public static let messageType = MessageType.controlMarketRequest
    /// Gateways one publish may name.
    public static let maxGateways = 1000

    public enum Action: String, Sendable, CaseIterable {
        case ask, setAsk = "set-ask", publish, publications, offers, providers, setListing = "set-listing", policy, find
    }

    public var action: Action
    public var ask: ProviderAsk?
    public var gateways: [NodeID]
    public var provider: NodeID?
    public var gateway: NodeID?
    public var pieceCID: PieceCID?
    public var listing: ProviderListing?
    public var limit: UInt64

    public init(_ action: Action, ask: ProviderAsk? = nil, gateways: [NodeID] = [], provider: NodeID? = nil, gateway: NodeID? = nil,
                pieceCID: PieceCID? = nil, listing: ProviderListing? = nil, limit: UInt64 = 0) {
        self.action = action
        self.ask = ask
        self.gateways = gateways
        self.provider = provider
        self.gateway = gateway
        self.pieceCID = pieceCID
        self.listing = listing
        self.limit = min(limit, UInt64(ControlMarketAnswer.maxItems))
    }

    /// The request for `cachedOffers(query)`; the limit is capped at what one answer carries.
    public init(offers query: OfferQuery) {
        self.init(.offers, provider: query.provider, pieceCID: query.pieceCID, limit: UInt64(query.limit))
    }

    /// The offer query an `offers` request asks.
    public var offerQuery: OfferQuery { OfferQuery(provider: provider, pieceCID: pieceCID, limit: Int(limit)) }

    public var body: CBOR {
        .map([
            "action": .text(action.rawValue), "ask": ask?.cbor ?? .null, "gateways": .bytes(gateways.flatMap(\.bytes)),
            "provider": provider.map { .bytes($0.bytes) } ?? .null, "gateway": gateway.map { .bytes($0.bytes) } ?? .null,
            "piece": pieceCID.map { .bytes($0.commitment) } ?? .null, "listing": listing.map { .text($0.rawValue) } ?? .null,
            "limit": .unsigned(limit),
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlMarketRequest", keys: [
            "action", "ask", "gateways", "provider", "gateway", "piece", "listing", "limit",
        ])
        let name = try f.text("action", maxLength: 32)
        guard let action = Action(rawValue: name) else { throw .invalidMessage("ControlMarketRequest.action '\(name)' is not a market action") }
        self.action = action
        ask = f.value("ask") == .null ? nil : try ProviderAsk(cbor: f.value("ask"), "ControlMarketRequest.ask")
        gateways = try f.nodeIDs("gateways", max: Self.maxGateways)
        provider = f.value("provider") == .null ? nil : try f.nodeID("provider")
        gateway = f.value("gateway") == .null ? nil : try f.nodeID("gateway")
        pieceCID = f.value("piece") == .null ? nil : try f.pieceCID("piece")
        if f.value("listing") == .null {
            listing = nil
        } else {
            let text = try f.text("listing", maxLength: 16)
            guard let listing = ProviderListing(rawValue: text) else {
                throw .invalidMessage("ControlMarketRequest.listing '\(text)' is not allowed, blocked or unlisted")
            }
            self.listing = listing
        }
        limit = try f.unsigned("limit")
        guard limit <= UInt64(ControlMarketAnswer.maxItems) else {
            throw .invalidMessage("ControlMarketRequest.limit must be at most \(ControlMarketAnswer.maxItems), got \(limit)")
        }
    }

    /// The field an action needs, or a refusal naming it.
    func required<T>(_ value: T?, _ name: String) throws(WireError) -> T {
        guard let value else { throw .invalidMessage("\(action.rawValue) needs a \(name)") }
        return value
    }
}

/// The answer to a `ControlMarketRequest`. Body `{ask, found, offers, policy, standings,
/// publications}`: whichever the action produces is filled, the rest empty lists or null.
///
/// Lists hold at most `maxItems` rows: the envelope allows 256 items per array. At their
/// widest, 200 cached-offer rows take about 57 KB, 200 publications 143 KB, and a find
/// result of 200 sub-offers and 200 gateway answers 522 KB — all within the 1 MiB frame. A longer list is cut to its first `maxItems` rows and
/// free text to its limit (`bounded`), so what is sent is what the decoder accepts.
public struct ControlMarketAnswer: WireMessage, Equatable {
    public static let messageType = MessageType.controlMarketAnswer
    public static let maxItems = 200

    public var ask: ProviderAsk?
    public var publications: [Publication] = []
    public var offers: [CachedOffer] = []
    public var standings: [ProviderStanding] = []
    public var policy: GatewayPolicy?
    public var found: FindResult?

    public init(ask: ProviderAsk? = nil, publications: [Publication] = [], offers: [CachedOffer] = [], standings: [ProviderStanding] = [],
                policy: GatewayPolicy? = nil, found: FindResult? = nil) {
        self.ask = ask
        self.publications = publications.prefix(Self.maxItems).map(\.bounded)
        self.offers = offers.prefix(Self.maxItems).map(\.bounded)
        self.standings = standings.prefix(Self.maxItems).map(\.bounded)
        self.policy = policy?.bounded
        self.found = found?.bounded
    }

    public var body: CBOR {
        .map([
            "ask": ask?.cbor ?? .null, "publications": .array(publications.map(\.cbor)), "offers": .array(offers.map(\.cbor)),
            "standings": .array(standings.map(\.cbor)), "policy": policy?.cbor ?? .null, "found": found?.cbor ?? .null,
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "ControlMarketAnswer", keys: ["ask", "publications", "offers", "standings", "policy", "found"])
        ask = f.value("ask") == .null ? nil : try ProviderAsk(cbor: f.value("ask"), "ControlMarketAnswer.ask")
        for p in try f.list("publications", max: Self.maxItems) { publications.append(try Publication(cbor: p)) }
        for o in try f.list("offers", max: Self.maxItems) { offers.append(try CachedOffer(cbor: o)) }
        for s in try f.list("standings", max: Self.maxItems) { standings.append(try ProviderStanding(cbor: s)) }
        policy = f.value("policy") == .null ? nil : try GatewayPolicy(cbor: f.value("policy"))
        found = f.value("found") == .null ? nil : try FindResult(cbor: f.value("found"))
    }
}

extension MessageFields {
    /// 32-byte node IDs concatenated in one byte string, at most `max` of them.
    func nodeIDs(_ key: String, max: Int) throws(WireError) -> [NodeID] {
        let all = try bytes(key)
        guard all.count % NodeID.byteCount == 0, all.count / NodeID.byteCount <= max else {
            throw .invalidMessage("\(key) must be at most \(max) node IDs of \(NodeID.byteCount) bytes concatenated, got \(all.count) bytes")
        }
        var ids: [NodeID] = []
        for i in stride(from: 0, to: all.count, by: NodeID.byteCount) {
            do { ids.append(try NodeID(bytes: Array(all[i..<(i + NodeID.byteCount)]))) } catch { throw .invalidMessage("\(key): \(error)") }
        }
        return ids
    }

    /// A Piece CID as its 32-byte commitment (as in a sub-offer's `cid`).
    func pieceCID(_ key: String) throws(WireError) -> PieceCID {
        let commitment = try bytes(key, count: 32)
        do { return try PieceCID(commitment: commitment) } catch { throw .invalidMessage("\(key): \(error)") }
    }

    func int(_ key: String) throws(WireError) -> Int64 {
        guard let v = value(key).intValue else { throw .invalidMessage("\(key) must be an integer") }
        return v
    }

    func optionalDate(_ key: String) throws(WireError) -> Date? { try optionalUnsigned(key).map(Date.init(unixMillis:)) }
}
