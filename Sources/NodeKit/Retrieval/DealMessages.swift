/// A client's proposal of a retrieval deal (go-fil-markets' `DealProposal`). Body `{deal,
/// payload, piece, price, unseal, interval, increase, broker}`: `deal` the client's ID for
/// the deal (unique per client); `payload` the root CID's bytes; `piece` a Piece CID's text
/// or null; `price` and `unseal` token amounts; `interval` and `increase` bytes; `broker`
/// the node ID of the gateway that will pay for the client, or null when the client pays
/// the provider directly. Answered with `DealResponse`. Proposing a deal ID the provider
/// already holds from this client with the same terms answers its current status (so a
/// client that lost the answer may propose again); with other terms it is refused.
public struct DealProposal: WireMessage, Hashable {
    public static let messageType = MessageType.dealProposal
    public let deal: UInt64
    public let payload: CID
    public let pieceCID: String?
    public let params: DealParams
    public let broker: NodeID?

    public init(deal: UInt64, payload: CID, pieceCID: String?, params: DealParams, broker: NodeID?) {
        self.deal = deal
        self.payload = payload
        self.pieceCID = pieceCID
        self.params = params
        self.broker = broker
    }

    public var body: CBOR {
        .map([
            "deal": .unsigned(deal), "payload": .bytes(payload.bytes), "piece": pieceCID.map { .text($0) } ?? .null,
            "price": .bytes(params.pricePerByte.encoded), "unseal": .bytes(params.unsealPrice.encoded),
            "interval": .unsigned(params.paymentInterval), "increase": .unsigned(params.paymentIntervalIncrease),
            "broker": broker.map { .bytes($0.bytes) } ?? .null,
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "DealProposal", keys: ["deal", "payload", "piece", "price", "unseal", "interval", "increase", "broker"])
        deal = try f.unsigned("deal")
        payload = try f.cid("payload")
        pieceCID = f.value("piece") == .null ? nil : try f.text("piece", maxLength: 128)
        params = DealParams(pricePerByte: try f.amount("price"), unsealPrice: try f.amount("unseal"),
                            paymentInterval: try f.unsigned("interval"), paymentIntervalIncrease: try f.unsigned("increase"))
        broker = f.value("broker") == .null ? nil : try f.nodeID("broker")
    }
}

/// The provider's word on a deal (go-fil-markets' `DealResponse`): the answer to
/// `DealProposal` and `DealCancel`. Body `{deal, status, paid, size, blocks, message}`:
/// `status` the provider's `DealStatus` number (Rejected = 9 with the reason in
/// `message`, DealNotFound = 16); `paid` what the provider has been credited; `size` and
/// `blocks` the DAG's block bytes and block count.
public struct DealResponse: WireMessage, Hashable {
    public static let messageType = MessageType.dealResponse
    public let deal: UInt64
    public let status: DealStatus
    public let paid: TokenAmount
    public let size: UInt64
    public let blocks: UInt64
    public let message: String

    public init(deal: UInt64, status: DealStatus, paid: TokenAmount = .zero, size: UInt64 = 0, blocks: UInt64 = 0, message: String = "") {
        self.deal = deal
        self.status = status
        self.paid = paid
        self.size = size
        self.blocks = blocks
        self.message = message.prefix(utf8Bytes: 512)
    }

    public var body: CBOR {
        .map([
            "deal": .unsigned(deal), "status": .unsigned(status.rawValue), "paid": .bytes(paid.encoded), "size": .unsigned(size),
            "blocks": .unsigned(blocks), "message": .text(message),
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "DealResponse", keys: ["deal", "status", "paid", "size", "blocks", "message"])
        deal = try f.unsigned("deal")
        guard let status = DealStatus(rawValue: try f.unsigned("status")) else { throw .invalidMessage("DealResponse.status is not a DealStatus") }
        self.status = status
        paid = try f.amount("paid")
        size = try f.unsigned("size")
        blocks = try f.unsigned("blocks")
        message = try f.text("message", maxLength: 512)
    }
}

/// Opens a deal's transfer as a stream (the client's request; the provider answers with
/// the stream). Body `{deal, from}`: the client's deal ID, and how many blocks of the
/// transfer order the client has verified already (0 at first; more when it resumes).
/// The stream carries CAR sections (`varint(length) || CID || data`) in the transfer
/// order from block `from` on; the provider pauses at each payment threshold and ends
/// the stream once the last block is sent and paid for.
public struct DealTransfer: WireMessage, Hashable {
    public static let messageType = MessageType.dealTransfer
    public let deal: UInt64
    public let from: UInt64

    public init(deal: UInt64, from: UInt64) {
        self.deal = deal
        self.from = from
    }

    public var body: CBOR { .map(["deal": .unsigned(deal), "from": .unsigned(from)]) }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "DealTransfer", keys: ["deal", "from"])
        deal = try f.unsigned("deal")
        from = try f.unsigned("from")
    }
}

/// A payment for a deal (go-fil-markets' `DealPayment`). Body `{deal, client, voucher,
/// gross, fee}`:
/// - from the client (direct): `client` null, `voucher` on the client's channel to the
///   provider, cumulative on the deal's lane; `gross` is what the voucher's lane now
///   holds, `fee` 0;
/// - from the broker (the gateway named in the proposal): `client` the client's node ID,
///   `voucher` on the gateway's channel to the provider; `gross` is what the client has
///   paid the gateway for the deal in all, and `fee` the gateway's brokerage in basis
///   points (0…10000): the voucher's lane must hold at least gross − ⌊gross × fee /
///   10000⌋, and the provider credits the deal with `gross`.
/// Answered with `DealPaymentAnswer`.
public struct DealPayment: WireMessage, Hashable {
    public static let messageType = MessageType.dealPayment
    public let deal: UInt64
    public let client: NodeID?
    public let voucher: Voucher
    public let gross: TokenAmount
    public let feeBasisPoints: UInt64

    public init(deal: UInt64, client: NodeID?, voucher: Voucher, gross: TokenAmount, feeBasisPoints: UInt64) {
        self.deal = deal
        self.client = client
        self.voucher = voucher
        self.gross = gross
        self.feeBasisPoints = feeBasisPoints
    }

    public var body: CBOR {
        .map([
            "deal": .unsigned(deal), "client": client.map { .bytes($0.bytes) } ?? .null, "voucher": voucher.cbor,
            "gross": .bytes(gross.encoded), "fee": .unsigned(feeBasisPoints),
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "DealPayment", keys: ["deal", "client", "voucher", "gross", "fee"])
        deal = try f.unsigned("deal")
        client = f.value("client") == .null ? nil : try f.nodeID("client")
        do { voucher = try Voucher(cbor: f.value("voucher")) } catch { throw .invalidMessage("DealPayment.voucher: \(error)") }
        gross = try f.amount("gross")
        feeBasisPoints = try f.unsigned("fee")
        guard feeBasisPoints <= 10_000 else { throw .invalidMessage("DealPayment.fee must be 0…10000 basis points") }
    }
}

/// The provider's receipt for a payment. Body `{deal, status, paid, total, limit, sent,
/// size}`: the deal's status after the payment, what it is credited in all (gross), what
/// the whole deal costs (size × price + unseal price), the byte position up to which the
/// provider now sends, the bytes it has sent so far and the DAG's size (so a broker can
/// follow the deal it pays for: paid = total means paid in full).
public struct DealPaymentAnswer: WireMessage, Hashable {
    public static let messageType = MessageType.dealPaymentAnswer
    public let deal: UInt64
    public let status: DealStatus
    public let paid: TokenAmount
    public let total: TokenAmount
    public let limit: UInt64
    public let sent: UInt64
    public let size: UInt64

    public init(deal: UInt64, status: DealStatus, paid: TokenAmount, total: TokenAmount, limit: UInt64, sent: UInt64, size: UInt64) {
        self.deal = deal
        self.status = status
        self.paid = paid
        self.total = total
        self.limit = limit
        self.sent = sent
        self.size = size
    }

    public var body: CBOR {
        .map([
            "deal": .unsigned(deal), "status": .unsigned(status.rawValue), "paid": .bytes(paid.encoded), "total": .bytes(total.encoded),
            "limit": .unsigned(limit), "sent": .unsigned(sent), "size": .unsigned(size),
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "DealPaymentAnswer", keys: ["deal", "status", "paid", "total", "limit", "sent", "size"])
        deal = try f.unsigned("deal")
        guard let status = DealStatus(rawValue: try f.unsigned("status")) else { throw .invalidMessage("DealPaymentAnswer.status is not a DealStatus") }
        self.status = status
        paid = try f.amount("paid")
        total = try f.amount("total")
        limit = try f.unsigned("limit")
        sent = try f.unsigned("sent")
        size = try f.unsigned("size")
    }
}

/// A client's payment for a deal through its gateway (the seeds' brokered payment). Body
/// `{provider, deal, payload, voucher}`: the voucher is on the client's channel to the
/// gateway, cumulative on the deal's lane; `payload` is the deal's root CID (bytes), for
/// the gateway's record of the deal. The gateway keeps the voucher, pays the provider a
/// matching `DealPayment` less its brokerage on its own channel, and answers with the
/// provider's `DealPaymentAnswer`; a gateway that cannot broker refuses.
public struct BrokeredPayment: WireMessage, Hashable {
    public static let messageType = MessageType.brokeredPayment
    public let provider: NodeID
    public let deal: UInt64
    public let payload: CID
    public let voucher: Voucher

    public init(provider: NodeID, deal: UInt64, payload: CID, voucher: Voucher) {
        self.provider = provider
        self.deal = deal
        self.payload = payload
        self.voucher = voucher
    }

    public var body: CBOR {
        .map(["provider": .bytes(provider.bytes), "deal": .unsigned(deal), "payload": .bytes(payload.bytes), "voucher": voucher.cbor])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "BrokeredPayment", keys: ["provider", "deal", "payload", "voucher"])
        provider = try f.nodeID("provider")
        deal = try f.unsigned("deal")
        payload = try f.cid("payload")
        do { voucher = try Voucher(cbor: f.value("voucher")) } catch { throw .invalidMessage("BrokeredPayment.voucher: \(error)") }
    }
}

/// The client cancels a deal. Body `{deal, reason}` (reason text ≤ 256 bytes). Answered
/// with the provider's `DealResponse` (Cancelled, or the terminal status it had).
public struct DealCancel: WireMessage, Hashable {
    public static let messageType = MessageType.dealCancel
    public let deal: UInt64
    public let reason: String

    public init(deal: UInt64, reason: String) {
        self.deal = deal
        self.reason = reason.prefix(utf8Bytes: 256)
    }

    public var body: CBOR { .map(["deal": .unsigned(deal), "reason": .text(reason)]) }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "DealCancel", keys: ["deal", "reason"])
        deal = try f.unsigned("deal")
        reason = try f.text("reason", maxLength: 256)
    }
}
