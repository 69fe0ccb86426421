/// Why an offer or sub-offer was rejected, phrased so the operator knows which check
/// failed and what it means.
public enum OfferError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a well-formed offer; the string says which field or rule.
    case malformed(String)
    /// Encoded input is larger than the limit for its kind.
    case tooLarge(what: String, bytes: Int, limit: Int)
    /// A group offer lists no Piece CIDs or more than the limit.
    case cidCount(Int, limit: Int)
    /// A listed commitment cannot be a Piece CID (its top two bits are set).
    case invalidPieceCID(index: Int)
    /// The offer lists the same Piece CID twice, at positions `first` and `second`.
    case duplicatePieceCID(String, first: Int, second: Int)
    /// The Piece CIDs do not hash to the root the offer carries.
    case rootMismatch(claimed: String, computed: String)
    /// The signature does not verify under the provider key for these fields.
    case badSignature(provider: NodeID)
    /// The offer's expiry is not after the time it was checked at.
    case expired(expiry: UInt64, now: UInt64)
    /// A sub-offer's proof is shaped wrongly for its leaf count, or its index is out of range.
    case invalidProof(String)
    /// A sub-offer's CID and proof do not lead to its signed root.
    case proofMismatch
    /// The Piece CID asked for is not in the offer.
    case cidNotInOffer(String)
    /// The sub-offer is for another Piece CID than the one expected.
    case wrongCID(expected: String, actual: String)

    public var description: String {
        switch self {
        case .malformed(let why): return "malformed offer: \(why)"
        case .tooLarge(let what, let bytes, let limit): return "\(what) is \(bytes) bytes, over the \(limit)-byte limit"
        case .cidCount(let n, let limit): return "an offer must list 1 to \(limit) Piece CIDs, this one lists \(n)"
        case .invalidPieceCID(let i): return "entry \(i) is not a Piece CID commitment (its top two bits are set)"
        case .duplicatePieceCID(let cid, let first, let second):
            return "Piece CID \(cid) is listed twice (entries \(first) and \(second)); list each Piece CID once per offer"
        case .rootMismatch(let claimed, let computed):
            return "Merkle root mismatch: the Piece CIDs hash to \(computed) but the offer claims \(claimed); the CID list or root was altered"
        case .badSignature(let provider):
            return "signature check failed: the offer was not signed by provider \(provider) with these fields; it was forged or altered"
        case .expired(let expiry, let now):
            return "offer expired at \(expiry) (Unix seconds); it is now \(now)"
        case .invalidProof(let why): return "invalid inclusion proof: \(why)"
        case .proofMismatch:
            return "inclusion proof failed: the Piece CID and proof do not lead to the signed Merkle root"
        case .cidNotInOffer(let cid): return "Piece CID \(cid) is not in this offer"
        case .wrongCID(let expected, let actual): return "the sub-offer covers \(actual), not the expected \(expected)"
        }
    }
}
