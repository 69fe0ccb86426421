import Foundation
import Testing
@testable import NodeKit

/// Vouchers: signed bytes, encodings, and `VoucherCheck`'s rules one by one.
struct VoucherTests {
    static let payer = try! KeyPair(seed: Array(repeating: 1, count: 32))
    static let payee = try! KeyPair(seed: Array(repeating: 2, count: 32))
    static let channelID = ChannelID(payer: payer.publicKey, payee: payee.nodeID, nonce: 1)

    static func channel(funds: String = "2 FIL", settlingAt: UInt64? = nil, collected: Bool = false) throws -> ChannelState {
        ChannelState(id: channelID, payer: payer.publicKey, payee: payee.nodeID, funds: try TokenAmount(funds), lanes: [],
                     settlingAt: settlingAt, minSettleEpoch: 0, collected: collected, createdEpoch: 0)
    }

    static func voucher(lane: UInt64 = 0, nonce: UInt64 = 1, _ amount: String, signer: KeyPair = payer, channel: ChannelID = channelID,
                        timeLockMin: UInt64 = 0, timeLockMax: UInt64 = 0) throws -> Voucher {
        try Voucher(channel: channel, lane: lane, nonce: nonce, amount: try TokenAmount(amount), timeLockMin: timeLockMin,
                    timeLockMax: timeLockMax, signer: signer)
    }

    @Test func roundTripsThroughCBORTextAndTheWire() throws {
        let v = try Self.voucher(lane: 3, nonce: 7, "0.5 FIL", timeLockMin: 2, timeLockMax: 90)
        #expect(try Voucher(cbor: v.cbor) == v)
        #expect(try Voucher(text: v.text) == v)
        let envelope = Envelope(PaymentVoucher(v), requestID: 9)
        let decoded = try Envelope(decoding: envelope.encoded).message(as: PaymentVoucher.self)
        #expect(decoded.voucher == v)
        #expect(v.signedBytes.count == Voucher.signedByteCount)
        #expect(v.isSigned(by: Self.payer.publicKey))
        #expect(!v.isSigned(by: Self.payee.publicKey))
    }
}
