import Foundation

/// A signed promise from a channel's payer: "of this channel, lane `lane` now owes the
/// payee `amount` in all" (amounts are cumulative per lane; a higher nonce supersedes a
/// lower one). The payee redeems the best voucher of each lane on the ledger before the
/// channel is collected.
///
/// Optional conditions, all in ledger epochs (0 = none): `timeLockMin` (redeemable from
/// that epoch), `timeLockMax` (redeemable up to that epoch) and `minSettleEpoch` (the
/// channel cannot finish settling before it).
///
/// Signed bytes (94, integers big-endian; `docs/PROTOCOL.md` "Voucher signature"):
///
///     "filtop/voucher/v1\0"  18  domain separation
///     channel               20  ChannelID
///     lane                   8  ≤ 2^63 − 1
///     nonce                  8
///     amount                16  attoFIL, cumulative on the lane
///     time lock min          8  epoch
///     time lock max          8  epoch, 0 = none
///     min settle epoch       8
public struct Voucher: Hashable, Sendable {
    public static let domain: [UInt8] = Array("filtop/voucher/v1".utf8) + [0]
    public static let signedByteCount = 94
    /// The largest lane and nonce (2^63 − 1, as on Filecoin).
    public static let maxLane: UInt64 = UInt64(Int64.max)

    public let channel: ChannelID
    public let lane: UInt64
    public let nonce: UInt64
    public let amount: TokenAmount
    public let timeLockMin: UInt64
    public let timeLockMax: UInt64
    public let minSettleEpoch: UInt64
    public let signature: Signature

    /// Signs a voucher with the payer's key.
    public init(
        channel: ChannelID, lane: UInt64, nonce: UInt64, amount: TokenAmount, timeLockMin: UInt64 = 0, timeLockMax: UInt64 = 0,
        minSettleEpoch: UInt64 = 0, signer: KeyPair
    ) throws(PaymentError) {
        guard lane <= Voucher.maxLane, nonce <= Voucher.maxLane else {
            throw .invalidVoucher("lane \(lane) and nonce \(nonce) must each be at most \(Voucher.maxLane)")
        }
        self.channel = channel
        self.lane = lane
        self.nonce = nonce
        self.amount = amount
        self.timeLockMin = timeLockMin
        self.timeLockMax = timeLockMax
        self.minSettleEpoch = minSettleEpoch
        signature = signer.sign(Voucher.signedBytes(
            channel: channel, lane: lane, nonce: nonce, amount: amount, timeLockMin: timeLockMin, timeLockMax: timeLockMax,
            minSettleEpoch: minSettleEpoch))
    }

    init(channel: ChannelID, lane: UInt64, nonce: UInt64, amount: TokenAmount, timeLockMin: UInt64, timeLockMax: UInt64,
         minSettleEpoch: UInt64, signature: Signature) {
        self.channel = channel
        self.lane = lane
        self.nonce = nonce
        self.amount = amount
        self.timeLockMin = timeLockMin
        self.timeLockMax = timeLockMax
        self.minSettleEpoch = minSettleEpoch
        self.signature = signature
    }

    /// The bytes the payer signs.
    public var signedBytes: [UInt8] {
        Voucher.signedBytes(channel: channel, lane: lane, nonce: nonce, amount: amount, timeLockMin: timeLockMin,
                            timeLockMax: timeLockMax, minSettleEpoch: minSettleEpoch)
    }

    static func signedBytes(
        channel: ChannelID, lane: UInt64, nonce: UInt64, amount: TokenAmount, timeLockMin: UInt64, timeLockMax: UInt64, minSettleEpoch: UInt64
    ) -> [UInt8] {
        var out = domain
        out.reserveCapacity(signedByteCount)
        out += channel.bytes
        for v in [lane, nonce, UInt64(truncatingIfNeeded: amount.attoFIL >> 64), UInt64(truncatingIfNeeded: amount.attoFIL),
                  timeLockMin, timeLockMax, minSettleEpoch] {
            OfferSigning.appendBigEndian(v, to: &out)
        }
        return out
    }

    /// Whether `payer` signed this voucher.
    public func isSigned(by payer: PublicKey) -> Bool { payer.verify(signature, over: signedBytes) }

    // MARK: - Encoding

    /// DAG-CBOR map `{amount, channel, lane, min_settle, nonce, signature, time_lock_max,
    /// time_lock_min}` (amount in Filecoin's big-integer bytes).
    public var cbor: CBOR {
        .map([
            "channel": .bytes(channel.bytes), "lane": .unsigned(lane), "nonce": .unsigned(nonce), "amount": .bytes(amount.encoded),
            "time_lock_min": .unsigned(timeLockMin), "time_lock_max": .unsigned(timeLockMax), "min_settle": .unsigned(minSettleEpoch),
            "signature": .bytes(signature.bytes),
        ])
    }

    public init(cbor: CBOR) throws(PaymentError) {
        do {
            let f = try MessageFields(cbor, "Voucher", keys: ["channel", "lane", "nonce", "amount", "time_lock_min", "time_lock_max", "min_settle", "signature"])
            channel = try ChannelID(bytes: try f.bytes("channel"))
            lane = try f.unsigned("lane")
            guard lane <= Voucher.maxLane else { throw PaymentError.invalidVoucher("voucher lane \(lane) is above \(Voucher.maxLane)") }
            nonce = try f.unsigned("nonce")
            guard nonce <= Voucher.maxLane else { throw PaymentError.invalidVoucher("voucher nonce \(nonce) is above \(Voucher.maxLane)") }
            amount = try f.amount("amount")
            timeLockMin = try f.unsigned("time_lock_min")
            timeLockMax = try f.unsigned("time_lock_max")
            minSettleEpoch = try f.unsigned("min_settle")
            signature = try f.signature("signature")
        } catch let error as PaymentError {
            throw error
        } catch {
            throw .invalidVoucher("not a voucher: \(error)")
        }
    }

    /// The text form the CLI prints and reads: the CBOR map in base64url without padding.
    public var text: String {
        Data(cbor.encoded).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads the text form.
    public init(text: String) throws(PaymentError) {
        var b64 = text.trimmingWhitespace().replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard b64.count <= 1024 else { throw .invalidVoucher("a voucher is at most 1024 characters; this is \(b64.count)") }
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64) else {
            throw .invalidVoucher("'\(text.prefix(40))' is not a voucher: expected the base64url text 'filtop paych voucher create' prints")
        }
        let value: CBOR
        do { value = try CBORDecoder.decode(Array(data), limits: Envelope.decodeLimits) } catch {
            throw .invalidVoucher("'\(text.prefix(40))' is not a voucher: \(error)")
        }
        try self.init(cbor: value)
    }
}
