/// Size limits on offers, from the design notes (fc-retrieval "CID Group Publish":
/// "between 1 and 128 Piece CIDs") and the encodings in `docs/PROTOCOL.md`.
///
/// Decoders check the byte size before parsing and the counts while parsing, so no offer
/// can make a node allocate more than a few kilobytes.
public enum OfferLimits {
    /// Piece CIDs per group offer.
    public static let maxCIDsPerOffer = 128
    /// Inclusion-proof length for `maxCIDsPerOffer` leaves: log2(128).
    public static let maxProofDepth = 7
    /// An encoded group offer (128 CIDs encode to about 4.4 KB).
    public static let maxEncodedOffer = 8192
    /// An encoded sub-offer (a depth-7 proof encodes to about 520 bytes).
    public static let maxEncodedSubOffer = 640
    /// Single CID Offers in one publish message.
    public static let maxSingleOffersPerPublish = 64
}
