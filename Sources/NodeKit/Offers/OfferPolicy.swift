/// The design notes' replacement rule for offers a gateway (or client) keeps.
///
/// A newer offer (larger nonce) from the same provider replaces an older one that covers
/// the same Piece CID only if it is not more expensive and not shorter-lived (same or
/// lower price per byte, same or later expiry). Otherwise both are kept: a price rise
/// must not erase the cheaper promise, and a cut price with an earlier expiry must not
/// erase the longer one. Gateways apply this per Piece CID.
public enum OfferPolicy {
    public static func replaces(
        _ newer: (provider: PublicKey, terms: OfferTerms), _ older: (provider: PublicKey, terms: OfferTerms)
    ) -> Bool {
        newer.provider == older.provider
            && newer.terms.nonce > older.terms.nonce
            && newer.terms.pricePerByte <= older.terms.pricePerByte
            && newer.terms.expiry >= older.terms.expiry
    }

    /// The rule for two whole offers.
    public static func replaces(_ newer: CIDOffer, _ older: CIDOffer) -> Bool {
        replaces((newer.provider, newer.terms), (older.provider, older.terms))
    }
}
