import Foundation

/// One retrieval deal as a node keeps it, on either side: the terms, where it stands, and
/// how far the transfer and its payment have got. The machines (`ClientDealMachine`,
/// `ProviderDealMachine`) change it; `DealStore` persists each change before its effects
/// run.
public struct DealRecord: Sendable, Equatable {
    /// Which end this node is.
    public var side: DealSide
    /// The deal's ID, chosen by the client; unique per client.
    public var id: UInt64
    /// The other party: the provider on the client's side, the client on the provider's
    /// and the broker's.
    public var peer: NodeID
    /// The gateway that brokers the payment, when there is one; on the broker's own
    /// record, the provider it pays.
    public var broker: NodeID?
    /// The root of the DAG retrieved.
    public var payload: CID
    /// The Piece CID the content was found under, when known.
    public var pieceCID: String?
    public var params: DealParams
    public var status: DealStatus
    /// Why the deal is where it is: a rejection, a failure, a pause.
    public var message: String
    /// The DAG's size as the provider's query gave it: block bytes and blocks.
    public var totalBytes: UInt64
    public var totalBlocks: UInt64
    /// Blocks and bytes verified (client) or sent (provider) so far, in transfer order.
    public var blocks: UInt64
    public var bytes: UInt64
    /// The cumulative amount paid for the deal: what the client's vouchers promised, or
    /// what the provider was credited (gross of any brokerage).
    public var paid: TokenAmount
    /// The channel and lane the client pays on (the provider's or the broker's channel).
    public var channel: ChannelID?
    public var lane: UInt64?
    /// The block that failed verification, when one did.
    public var failedBlock: String?
    /// The retrieval request this deal is a part of (client side).
    public var request: UInt64?
    /// Where the client writes what it verifies, and how far that is durable.
    public var output: DealOutput?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        side: DealSide, id: UInt64, peer: NodeID, broker: NodeID? = nil, payload: CID, pieceCID: String? = nil, params: DealParams,
        status: DealStatus = .new, message: String = "", totalBytes: UInt64 = 0, totalBlocks: UInt64 = 0, blocks: UInt64 = 0,
        bytes: UInt64 = 0, paid: TokenAmount = .zero, channel: ChannelID? = nil, lane: UInt64? = nil, failedBlock: String? = nil,
        request: UInt64? = nil, output: DealOutput? = nil, createdAt: Date, updatedAt: Date? = nil
    ) {
        self.side = side
        self.id = id
        self.peer = peer
        self.broker = broker
        self.payload = payload
        self.pieceCID = pieceCID
        self.params = params
        self.status = status
        self.message = message
        self.totalBytes = totalBytes
        self.totalBlocks = totalBlocks
        self.blocks = blocks
        self.bytes = bytes
        self.paid = paid
        self.channel = channel
        self.lane = lane
        self.failedBlock = failedBlock
        self.request = request
        self.output = output
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// Whether the deal has ended.
    public var isTerminal: Bool { status.isTerminal(on: side) }

    /// What the bytes so far cost (with the unseal price), less what was paid: what the
    /// client owes for what it has received. Zero when paid ahead.
    public var owed: TokenAmount {
        guard let due = try? params.price(of: bytes), due > paid else { return .zero }
        return (try? due.subtracting(paid)) ?? .zero
    }

    /// The bytes the payments so far cover, unseal price first: what the provider may
    /// count as paid for when it decides how far to send.
    public var bytesPaidFor: UInt64 {
        guard params.pricePerByte > .zero else { return paid >= params.unsealPrice ? .max : 0 }
        guard let forBytes = try? paid.subtracting(params.unsealPrice) else { return 0 }
        let covered = forBytes.attoFIL / params.pricePerByte.attoFIL
        return covered > UInt128(UInt64.max) ? .max : UInt64(covered)
    }

    /// Whether the unseal price has been paid.
    public var unsealPaid: Bool { paid >= params.unsealPrice }

    /// The key the provider's side files the deal under: the client and its deal ID.
    public var key: DealKey { DealKey(side: side, peer: peer, id: id) }
}

/// A deal's identity on a node: which side, the other party, and the client's deal ID.
public struct DealKey: Sendable, Hashable, CustomStringConvertible {
    public var side: DealSide
    public var peer: NodeID
    public var id: UInt64

    public init(side: DealSide, peer: NodeID, id: UInt64) {
        self.side = side
        self.peer = peer
        self.id = id
    }

    /// "c42" for the client's deal 42; "p42@<client>" for a provider's, "b42@<client>"
    /// for a broker's.
    public var description: String { side == .client ? "c\(id)" : "\(side.letter)\(id)@\(peer.short)" }
}

/// Where a client deal writes the data it verifies: the original file, a CAR, or — for
/// one part of a retrieval split over several providers — the region of the file from
/// `offset` on; and the last durable checkpoint of that output (opaque to the store;
/// `RetrievalOutput` reads it).
public struct DealOutput: Sendable, Equatable {
    public var path: String
    public var car: Bool
    /// Whether the deal fills a region of a file its request's other deals share.
    public var region: Bool
    public var offset: UInt64
    public var checkpoint: [UInt8]?

    public init(path: String, car: Bool, region: Bool = false, offset: UInt64 = 0, checkpoint: [UInt8]? = nil) {
        self.path = path
        self.car = car
        self.region = region
        self.offset = offset
        self.checkpoint = checkpoint
    }

    /// The output's format for `RetrievalOutput`.
    public var format: RetrievalOutput.Format { car ? .car : region ? .fileRegion(offset: offset) : .file }
}
