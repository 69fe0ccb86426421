/// A client's paid find-offers request (standard discovery). Body `{piece, voucher}`:
/// `piece` is the 32-byte Piece CID commitment; `voucher` (a `Voucher` map, or null) pays
/// the gateway on the client's channel to it. The voucher may pay ahead for many
/// requests: what it adds to its lane is credited to the client, and each request is
/// charged from that credit (`DiscoveryFees`).
public struct FindOffers: WireMessage, Hashable {
    public static let messageType = MessageType.findOffers
    public let pieceCID: PieceCID
    public let voucher: Voucher?

    public init(pieceCID: PieceCID, voucher: Voucher?) {
        self.pieceCID = pieceCID
        self.voucher = voucher
    }

    public var body: CBOR { .map(["piece": .bytes(pieceCID.commitment), "voucher": voucher?.cbor ?? .null]) }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "FindOffers", keys: ["piece", "voucher"])
        do { pieceCID = try PieceCID(commitment: try f.bytes("piece", count: 32)) } catch let e as WireError { throw e } catch {
            throw .invalidMessage("FindOffers.piece: \(error)")
        }
        if f.value("voucher") == .null {
            voucher = nil
        } else {
            do { voucher = try Voucher(cbor: f.value("voucher")) } catch { throw .invalidMessage("FindOffers.voucher: \(error)") }
        }
    }
}

/// The gateway's answer to `FindOffers`. Body `{offers, charged, credit, owed, required,
/// search, found}`:
/// - `required` non-zero: the request was NOT answered; the client must pay at least
///   that much more (the `paymentRequired` answer). `offers` is then empty.
/// - otherwise `offers` holds up to `maxOffers` sub-offers (each in its `SubOffer`
///   encoding, as a byte string), cheapest first; `charged` is what this request cost.
/// - `credit` is what the client has paid ahead and not yet spent, `owed` what it was
///   charged and has not yet paid (at most one of them is non-zero).
/// - `search` and `found` are the gateway's fee schedule (`DiscoveryFees`).
/// Amounts are big-integer bytes.
public struct FindOffersAnswer: WireMessage, Hashable {
    public static let messageType = MessageType.findOffersAnswer
    /// Sub-offers in one answer, at most (64 × 640 bytes fits any frame).
    public static let maxOffers = 64

    public let offers: [SubOffer]
    public let charged: TokenAmount
    public let credit: TokenAmount
    public let owed: TokenAmount
    public let required: TokenAmount
    public let fees: DiscoveryFees

    public init(offers: [SubOffer], charged: TokenAmount, credit: TokenAmount, owed: TokenAmount, required: TokenAmount, fees: DiscoveryFees) {
        self.offers = Array(offers.prefix(Self.maxOffers))
        self.charged = charged
        self.credit = credit
        self.owed = owed
        self.required = required
        self.fees = fees
    }

    public var body: CBOR {
        .map([
            "offers": .array(offers.map { .bytes($0.encoded) }), "charged": .bytes(charged.encoded), "credit": .bytes(credit.encoded),
            "owed": .bytes(owed.encoded), "required": .bytes(required.encoded), "search": .bytes(fees.search.encoded),
            "found": .bytes(fees.offers.encoded),
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "FindOffersAnswer", keys: ["offers", "charged", "credit", "owed", "required", "search", "found"])
        guard let items = f.value("offers").arrayValue, items.count <= Self.maxOffers else {
            throw .invalidMessage("FindOffersAnswer.offers must be an array of at most \(Self.maxOffers) sub-offers")
        }
        var offers: [SubOffer] = []
        for (i, item) in items.enumerated() {
            guard let bytes = item.bytesValue else { throw .invalidMessage("FindOffersAnswer.offers[\(i)] must be a byte string") }
            do { offers.append(try SubOffer(encoded: bytes)) } catch { throw .invalidMessage("FindOffersAnswer.offers[\(i)]: \(error)") }
        }
        self.offers = offers
        charged = try f.amount("charged")
        credit = try f.amount("credit")
        owed = try f.amount("owed")
        required = try f.amount("required")
        fees = DiscoveryFees(search: try f.amount("search"), offers: try f.amount("found"))
        guard credit == .zero || owed == .zero else { throw .invalidMessage("FindOffersAnswer: credit and owed cannot both be non-zero") }
    }
}
