/// A provider publishing one CID Group Offer to a gateway. Body `{offer}`, the offer in
/// its `CIDOffer` encoding (a nested map).
public struct PublishGroupOffer: WireMessage, Hashable {
    public static let messageType = MessageType.publishGroupOffer
    public let offer: CIDOffer

    public init(offer: CIDOffer) { self.offer = offer }

    public var body: CBOR { .map(["offer": offer.cborValue]) }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "PublishGroupOffer", keys: ["offer"])
        do { offer = try CIDOffer(cbor: f.value("offer")) } catch { throw .invalidMessage("PublishGroupOffer.offer: \(error)") }
    }
}

/// A provider publishing Single CID Offers to a DHT gateway: 1 to 64 offers of one Piece
/// CID each. Body `{offers}`, an array of `CIDOffer` maps.
public struct PublishSingleOffers: WireMessage, Hashable {
    public static let messageType = MessageType.publishSingleOffers
    public let offers: [CIDOffer]

    public init(offers: [CIDOffer]) { self.offers = offers }

    public var body: CBOR { .map(["offers": .array(offers.map(\.cborValue))]) }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "PublishSingleOffers", keys: ["offers"])
        guard let items = f.value("offers").arrayValue, !items.isEmpty, items.count <= OfferLimits.maxSingleOffersPerPublish else {
            throw .invalidMessage("PublishSingleOffers.offers must be an array of 1 to \(OfferLimits.maxSingleOffersPerPublish) offers")
        }
        var offers = [CIDOffer]()
        for (i, item) in items.enumerated() {
            let offer: CIDOffer
            do { offer = try CIDOffer(cbor: item) } catch { throw .invalidMessage("PublishSingleOffers.offers[\(i)]: \(error)") }
            guard offer.isSingle else { throw .invalidMessage("PublishSingleOffers.offers[\(i)] lists \(offer.cidCount) CIDs, not 1") }
            offers.append(offer)
        }
        self.offers = offers
    }
}

extension CIDOffer {
    /// The offer as a CBOR value, for nesting in message bodies.
    public var cborValue: CBOR {
        .map([
            "qos": .unsigned(terms.latencyMillis), "sig": .bytes(signature.bytes), "cids": .bytes(flatCommitments),
            "root": .bytes(root), "nonce": .unsigned(terms.nonce), "price": .bytes(terms.pricePerByte.encoded),
            "expiry": .unsigned(terms.expiry), "provider": .bytes(provider.bytes),
        ])
    }
}
