/// A gateway's signed receipt for offers it verified and accepted: the provider keeps it
/// as proof of publication. Body `{sig, offers, gateway, received}`; `offers` is the
/// concatenated 32-byte offer IDs (SHA-256 of each offer's signed bytes).
///
/// Signed bytes: `"filtop/offer-ack/v1\0"` (20) ‖ gateway public key (32) ‖ received (8,
/// Unix seconds, big-endian) ‖ offer count (8, big-endian) ‖ offer IDs (32 each).
public struct OfferAcknowledgement: WireMessage, Hashable {
    public static let messageType = MessageType.offerAcknowledgement
    public static let domain: [UInt8] = Array("filtop/offer-ack/v1".utf8) + [0]
    public let gateway: PublicKey
    public let offerIDs: [[UInt8]]
    public let received: UInt64
    public let signature: Signature

    public init(gateway: PublicKey, offerIDs: [[UInt8]], received: UInt64, signature: Signature) {
        self.gateway = gateway
        self.offerIDs = offerIDs
        self.received = received
        self.signature = signature
    }

    /// The gateway acknowledges `offers` at `received`.
    public static func sign(offers: [CIDOffer], received: UInt64, by gateway: KeyPair) -> OfferAcknowledgement {
        let ids = offers.map(\.id)
        let message = signedBytes(gateway: gateway.publicKey, offerIDs: ids, received: received)
        return OfferAcknowledgement(gateway: gateway.publicKey, offerIDs: ids, received: received, signature: gateway.sign(message))
    }

    public static func signedBytes(gateway: PublicKey, offerIDs: [[UInt8]], received: UInt64) -> [UInt8] {
        var out = domain + gateway.bytes
        OfferSigning.appendBigEndian(received, to: &out)
        OfferSigning.appendBigEndian(UInt64(offerIDs.count), to: &out)
        for id in offerIDs { out += id }
        return out
    }

    public var signedBytes: [UInt8] {
        OfferAcknowledgement.signedBytes(gateway: gateway, offerIDs: offerIDs, received: received)
    }

    public var body: CBOR {
        .map([
            "sig": .bytes(signature.bytes), "offers": .bytes(offerIDs.flatMap { $0 }),
            "gateway": .bytes(gateway.bytes), "received": .unsigned(received),
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "OfferAcknowledgement", keys: ["sig", "offers", "gateway", "received"])
        signature = try f.signature("sig")
        gateway = try f.publicKey("gateway")
        received = try f.unsigned("received")
        let flat = try f.bytes("offers")
        guard !flat.isEmpty, flat.count % 32 == 0, flat.count / 32 <= OfferLimits.maxSingleOffersPerPublish else {
            throw .invalidMessage("OfferAcknowledgement.offers must be 1 to \(OfferLimits.maxSingleOffersPerPublish) 32-byte offer IDs")
        }
        offerIDs = stride(from: 0, to: flat.count, by: 32).map { Array(flat[$0..<$0 + 32]) }
    }

    /// The provider's check: signed by `expectedGateway` (when known) and covering `offer`.
    public func verify(covers offer: CIDOffer, expectedGateway: NodeID?) throws(WireError) {
        if let expectedGateway, gateway.nodeID != expectedGateway {
            throw .mismatch("acknowledged by \(gateway.nodeID), expected gateway \(expectedGateway)")
        }
        guard gateway.verify(signature, over: signedBytes) else { throw .badSignature("OfferAcknowledgement from \(gateway.nodeID)") }
        guard offerIDs.contains(offer.id) else { throw .mismatch("the acknowledgement does not list offer \(Hex.encode(offer.id))") }
    }
}
