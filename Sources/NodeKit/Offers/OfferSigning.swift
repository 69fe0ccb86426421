import Crypto

/// The exact bytes a provider signs for an offer, and the offer ID derived from them.
///
/// Layout (128 bytes, integers big-endian; `docs/PROTOCOL.md` "Offer signature"):
///
///     "filtop/offer/v1\0"  16  domain separation
///     provider key        32  Ed25519 public key
///     Merkle root         32  root over the Piece CID commitments
///     leaf count           8  number of Piece CIDs in the group
///     price per byte      16  attoFIL
///     expiry               8  Unix seconds
///     latency to 1st byte  8  milliseconds (QoS)
///     nonce                8
///
/// The leaf count is signed so a proof's length and position are fixed by the signature:
/// no interior node or zero-fill leaf can be passed off as a Piece CID.
public enum OfferSigning {
    public static let domain: [UInt8] = Array("filtop/offer/v1".utf8) + [0]
    public static let signedByteCount = 128

    public static func signedBytes(provider: PublicKey, root: [UInt8], leafCount: Int, terms: OfferTerms) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(signedByteCount)
        out += domain
        out += provider.bytes
        out += root
        appendBigEndian(UInt64(leafCount), to: &out)
        appendBigEndian(UInt64(truncatingIfNeeded: terms.pricePerByte.attoFIL >> 64), to: &out)
        appendBigEndian(UInt64(truncatingIfNeeded: terms.pricePerByte.attoFIL), to: &out)
        appendBigEndian(terms.expiry, to: &out)
        appendBigEndian(terms.latencyMillis, to: &out)
        appendBigEndian(terms.nonce, to: &out)
        return out
    }

    /// The offer ID: SHA-256 of the signed bytes. It names one exact set of promises and
    /// is what gateway acknowledgements sign.
    public static func offerID(signedBytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: signedBytes))
    }

    static func appendBigEndian(_ v: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }
}
