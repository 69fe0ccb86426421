/// A client's question to a provider before a deal (go-fil-markets' `Query`): does it
/// hold this DAG, how big is it, and on what terms would it serve it. Body `{payload,
/// piece}`: `payload` the root CID's bytes, or null to ask by `piece` alone; `piece` a
/// Piece CID's text, or null. At least one is given; with both, the payload must be in
/// that piece.
public struct RetrievalQuery: WireMessage, Hashable {
    public static let messageType = MessageType.retrievalQuery
    public let payload: CID?
    public let pieceCID: String?

    public init(payload: CID?, pieceCID: String? = nil) {
        self.payload = payload
        self.pieceCID = pieceCID
    }

    public var body: CBOR { .map(["payload": payload.map { .bytes($0.bytes) } ?? .null, "piece": pieceCID.map { .text($0) } ?? .null]) }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "RetrievalQuery", keys: ["payload", "piece"])
        payload = f.value("payload") == .null ? nil : try f.cid("payload")
        pieceCID = f.value("piece") == .null ? nil : try f.text("piece", maxLength: 128)
        guard payload != nil || pieceCID != nil else { throw .invalidMessage("RetrievalQuery needs a payload CID, a piece CID or both") }
    }
}

/// The provider's answer to `RetrievalQuery` (go-fil-markets' `QueryResponse`). Body
/// `{status, piece_found, payload, size, blocks, payment_address, price, interval,
/// increase, unseal, message, root_block}`:
/// - `status` 0 available, 1 unavailable, 2 error (`QueryResponseStatus`);
/// - `piece_found` 0 available, 1 unavailable, 2 unknown (no piece asked about);
/// - `payload` the root CID's bytes the provider would serve (null when unavailable);
/// - `size` the DAG's block bytes, which a deal pays for, and `blocks` its block count;
/// - `payment_address` the node ID to pay (the provider's own);
/// - `price` min price per byte, `unseal` unseal price (token amounts); `interval` and
///   `increase` the largest payment interval and increase it accepts (bytes);
/// - `message` text ≤ 512 bytes;
/// - `root_block` the root's block data when the root is a dag-pb node (≤ 1 MiB), so a
///   client can split a retrieval over the root's children; else null. The client checks
///   it against the root CID.
public struct RetrievalQueryResponse: WireMessage, Hashable {
    public static let messageType = MessageType.retrievalQueryResponse

    public enum Status: UInt64, Sendable { case available = 0, unavailable = 1, error = 2 }
    public enum PieceFound: UInt64, Sendable { case available = 0, unavailable = 1, unknown = 2 }

    public let status: Status
    public let pieceFound: PieceFound
    public let payload: CID?
    public let size: UInt64
    public let blocks: UInt64
    public let paymentAddress: NodeID
    public let pricePerByte: TokenAmount
    public let paymentInterval: UInt64
    public let paymentIntervalIncrease: UInt64
    public let unsealPrice: TokenAmount
    public let message: String
    public let rootBlock: [UInt8]?

    /// The most root block data a response carries.
    public static let maxRootBlock = 1 << 20

    public init(
        status: Status, pieceFound: PieceFound, payload: CID?, size: UInt64, blocks: UInt64, paymentAddress: NodeID,
        pricePerByte: TokenAmount, paymentInterval: UInt64, paymentIntervalIncrease: UInt64, unsealPrice: TokenAmount, message: String,
        rootBlock: [UInt8]? = nil
    ) {
        self.status = status
        self.pieceFound = pieceFound
        self.payload = payload
        self.size = size
        self.blocks = blocks
        self.paymentAddress = paymentAddress
        self.pricePerByte = pricePerByte
        self.paymentInterval = paymentInterval
        self.paymentIntervalIncrease = paymentIntervalIncrease
        self.unsealPrice = unsealPrice
        self.message = message.prefix(utf8Bytes: 512)
        self.rootBlock = rootBlock.flatMap { $0.count <= Self.maxRootBlock ? $0 : nil }
    }

    /// The deal parameters the response offers (the most credit the provider extends).
    public var params: DealParams {
        DealParams(pricePerByte: pricePerByte, unsealPrice: unsealPrice, paymentInterval: paymentInterval,
                   paymentIntervalIncrease: paymentIntervalIncrease)
    }

    /// What the whole DAG costs: size × price + unseal price (`PieceRetrievalPrice`).
    public var totalPrice: TokenAmount { (try? params.price(of: size)) ?? .max }

    public var body: CBOR {
        .map([
            "status": .unsigned(status.rawValue), "piece_found": .unsigned(pieceFound.rawValue),
            "payload": payload.map { .bytes($0.bytes) } ?? .null, "size": .unsigned(size), "blocks": .unsigned(blocks),
            "payment_address": .bytes(paymentAddress.bytes), "price": .bytes(pricePerByte.encoded), "interval": .unsigned(paymentInterval),
            "increase": .unsigned(paymentIntervalIncrease), "unseal": .bytes(unsealPrice.encoded), "message": .text(message),
            "root_block": rootBlock.map { .bytes($0) } ?? .null,
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "RetrievalQueryResponse", keys: [
            "status", "piece_found", "payload", "size", "blocks", "payment_address", "price", "interval", "increase", "unseal", "message",
            "root_block",
        ])
        guard let status = Status(rawValue: try f.unsigned("status")) else { throw .invalidMessage("RetrievalQueryResponse.status must be 0, 1 or 2") }
        guard let found = PieceFound(rawValue: try f.unsigned("piece_found")) else {
            throw .invalidMessage("RetrievalQueryResponse.piece_found must be 0, 1 or 2")
        }
        self.status = status
        pieceFound = found
        payload = f.value("payload") == .null ? nil : try f.cid("payload")
        size = try f.unsigned("size")
        blocks = try f.unsigned("blocks")
        paymentAddress = try f.nodeID("payment_address")
        pricePerByte = try f.amount("price")
        paymentInterval = try f.unsigned("interval")
        paymentIntervalIncrease = try f.unsigned("increase")
        unsealPrice = try f.amount("unseal")
        message = try f.text("message", maxLength: 512)
        if f.value("root_block") == .null {
            rootBlock = nil
        } else {
            let block = try f.bytes("root_block")
            guard block.count <= Self.maxRootBlock else { throw .invalidMessage("RetrievalQueryResponse.root_block is over \(Self.maxRootBlock) bytes") }
            rootBlock = block
        }
    }
}
