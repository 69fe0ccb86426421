/// What a provider promises in an offer, apart from which CIDs: price, expiry, quality of
/// service and a nonce.
///
/// `expiry` is Unix time in seconds; `latencyMillis` is the QoS metric of the design
/// notes, latency to first byte after the first micro-payment, in milliseconds. `nonce`
/// orders a provider's offers: a larger nonce is a newer offer.
public struct OfferTerms: Hashable, Sendable {
    public var pricePerByte: TokenAmount
    public var expiry: UInt64
    public var latencyMillis: UInt64
    public var nonce: UInt64

    public init(pricePerByte: TokenAmount, expiry: UInt64, latencyMillis: UInt64, nonce: UInt64) {
        self.pricePerByte = pricePerByte
        self.expiry = expiry
        self.latencyMillis = latencyMillis
        self.nonce = nonce
    }

    /// Whether the terms are still valid at `now` (Unix seconds).
    public func isLive(at now: UInt64) -> Bool { expiry > now }
}
