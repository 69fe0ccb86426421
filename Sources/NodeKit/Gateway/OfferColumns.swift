import Foundation

/// The forms the offer cache stores an offer's fields in (see `OfferCache.migrations`),
/// and the SQL that depends on them.
enum OfferColumns {
    /// A price as 16 big-endian bytes: SQLite compares blobs byte by byte, so these sort
    /// like the amounts (the wire form, without leading zeros, would not).
    static func price(_ amount: TokenAmount) -> Data {
        var bytes = Data(count: 16)
        let atto = amount.attoFIL
        for i in 0..<16 { bytes[i] = UInt8(truncatingIfNeeded: atto >> UInt128(8 * (15 - i))) }
        return bytes
    }

    /// A `UInt64` (expiry, latency, nonce) as the `Int64` of the same bits: an expiry past
    /// `Int64.max` seconds (the year 292 billion) is stored negative and never expires.
    static func unsigned64(_ value: UInt64) -> Int64 { Int64(bitPattern: value) }

    /// `now` (Unix seconds) as the SQL below compares it.
    static func now(_ now: UInt64) -> Int64 { Int64(clamping: now) }

    /// An offer of `gateway_offer o` still valid at the `now` argument.
    static let live = "(o.expiry > ? OR o.expiry < 0)"
    /// An offer of `gateway_offer` expired at the `now` argument (a range of its index).
    static let expired = "expiry BETWEEN 0 AND ?"
}

extension StoredRow {
    /// A price stored by `OfferColumns.price`.
    func price(_ column: String) throws -> TokenAmount {
        let bytes = try blob(column, count: 16)
        var atto: UInt128 = 0
        for b in bytes { atto = atto << 8 | UInt128(b) }
        guard let amount = try? TokenAmount(attoFIL: atto) else {
            throw CorruptRowError(subject: subject, column: column, problem: "holds \(atto) attoFIL, over the maximum amount")
        }
        return amount
    }

    /// An offer's terms from its `price`, `expiry`, `latency` and `nonce` columns.
    func offerTerms() throws -> OfferTerms {
        OfferTerms(pricePerByte: try price("price"), expiry: try unsigned64("expiry"), latencyMillis: try unsigned64("latency"),
                   nonce: try unsigned64("nonce"))
    }

    func publicKey(_ column: String) throws -> PublicKey {
        try PublicKey(unchecked: Array(blob(column, count: PublicKey.byteCount)))
    }

    func signature(_ column: String) throws -> Signature {
        try Signature(unchecked: Array(blob(column, count: Signature.byteCount)))
    }

    func nodeID(_ column: String) throws -> NodeID {
        let bytes = try blob(column, count: NodeID.byteCount)
        do { return try NodeID(bytes: Array(bytes)) } catch {
            throw CorruptRowError(subject: subject, column: column, problem: "\(error)")
        }
    }
}
