import Foundation
@testable import NodeKit

/// Parties, content and terms for the retrieval engine's unit suites: deal records in any
/// status, and one filled-in example of each deal message.
enum DealFixtures {
    static let client = try! KeyPair(seed: Array(repeating: 0x63, count: 32))
    static let provider = try! KeyPair(seed: Array(repeating: 0x70, count: 32))
    static let broker = try! KeyPair(seed: Array(repeating: 0x62, count: 32))
    static let payload = CID.raw(Array("a retrieved DAG's root".utf8))
    static let otherPayload = CID.raw(Array("another DAG".utf8))
    static let pieceCID = "baga6ea4seaqdomn3tgwgrh3g532zopskstnbrd2n3sxfqbze7rxt7vqn7veigmy"
    static let channel = ChannelID(payer: client.publicKey, payee: provider.nodeID, nonce: 7)
    /// Whole milliseconds, as the store keeps times.
    static let time = Date(unixMillis: 1_800_000_000_123)

    /// 2 attoFIL a byte, nothing to unseal, 1000 bytes of credit growing by 500.
    static let paid = DealParams(pricePerByte: TokenAmount(unchecked: 2), paymentInterval: 1_000, paymentIntervalIncrease: 500)
    static let free = DealParams(pricePerByte: .zero, paymentInterval: 1_000, paymentIntervalIncrease: 500)
    /// `paid` with 300 attoFIL to unseal first.
    static let unsealed = DealParams(pricePerByte: TokenAmount(unchecked: 2), unsealPrice: TokenAmount(unchecked: 300),
                                     paymentInterval: 1_000, paymentIntervalIncrease: 500)

    /// A deal of 5000 bytes in 5 blocks; the peer is the other party of `side`.
    static func record(side: DealSide, id: UInt64 = 7, params: DealParams = paid, status: DealStatus = .new) -> DealRecord {
        DealRecord(side: side, id: id, peer: side == .client ? provider.nodeID : client.nodeID, payload: payload, params: params,
                   status: status, totalBytes: 5_000, totalBlocks: 5, createdAt: time)
    }

    /// A voucher by the client on `channel`.
    static func voucher(lane: UInt64 = 3, nonce: UInt64 = 1, amount: UInt128 = 2_000) throws -> Voucher {
        try Voucher(channel: channel, lane: lane, nonce: nonce, amount: TokenAmount(attoFIL: amount), signer: client)
    }
}
