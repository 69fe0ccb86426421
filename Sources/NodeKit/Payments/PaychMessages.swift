/// A payer's voucher for the payee. Body `{voucher}` (see `Voucher.cbor`). The payee
/// checks it (`VoucherCheck`), stores it durably, and only then answers `VoucherReceipt`.
public struct PaymentVoucher: WireMessage, Hashable {
    public static let messageType = MessageType.paymentVoucher
    public let voucher: Voucher
    public init(_ voucher: Voucher) { self.voucher = voucher }
    public var body: CBOR { .map(["voucher": voucher.cbor]) }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "PaymentVoucher", keys: ["voucher"])
        do { voucher = try Voucher(cbor: f.value("voucher")) } catch { throw .invalidMessage("PaymentVoucher.voucher: \(error)") }
    }
}

/// The payee kept a voucher. Body `{channel, lane, nonce, delta}`: `delta` is what the
/// voucher added over the lane's previous amount (big-integer bytes).
public struct VoucherReceipt: WireMessage, Hashable {
    public static let messageType = MessageType.voucherReceipt
    public let channel: ChannelID
    public let lane: UInt64
    public let nonce: UInt64
    public let delta: TokenAmount
    public init(channel: ChannelID, lane: UInt64, nonce: UInt64, delta: TokenAmount) {
        self.channel = channel
        self.lane = lane
        self.nonce = nonce
        self.delta = delta
    }
    public var body: CBOR {
        .map(["channel": .bytes(channel.bytes), "lane": .unsigned(lane), "nonce": .unsigned(nonce), "delta": .bytes(delta.encoded)])
    }
    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "VoucherReceipt", keys: ["channel", "lane", "nonce", "delta"])
        channel = try f.channelID("channel")
        lane = try f.unsigned("lane")
        nonce = try f.unsigned("nonce")
        delta = try f.amount("delta")
    }
}
