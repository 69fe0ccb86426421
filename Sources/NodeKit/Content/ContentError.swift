/// What went wrong while decoding or checking content-addressed data.
///
/// Every decoder in `Content` throws one of these instead of trapping, so callers can tell
/// the operator exactly which input was bad and how.
public enum ContentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An unsigned varint ended before its last byte.
    case truncatedVarint
    /// An unsigned varint is longer than 9 bytes or does not fit in 63 bits.
    case varintOverflow
    /// A varint used more bytes than its value needs (forbidden by the multiformats spec).
    case varintNotMinimal
    /// A multibase string was empty or used a prefix this node does not know.
    case unsupportedMultibase(String)
    /// A character is not in the alphabet of the named multibase.
    case invalidBaseCharacter(base: String, character: Character)
    /// A multihash names a hash function this node cannot compute.
    case unsupportedHash(code: UInt64)
    /// A multihash's declared digest length disagrees with its function or its bytes.
    case invalidDigestLength(code: UInt64, length: Int)
    /// A CID's version is neither 0 nor 1.
    case unsupportedCIDVersion(UInt64)
    /// A CID's bytes or text could not be parsed; the string says why.
    case invalidCID(String)
    /// Input ended in the middle of a structure.
    case unexpectedEnd(String)
    /// A block's bytes do not hash to the digest its CID claims.
    case hashMismatch(cid: String)
    /// CBOR input is malformed or breaks a DAG-CBOR rule; the string says which.
    case invalidCBOR(String)
    /// dag-pb or UnixFS input is malformed; the string says which.
    case invalidDagPB(String)
    /// A CAR file is malformed; the string says where and how.
    case invalidCAR(String)
    /// A declared length or count exceeds the decoder's limit.
    case limitExceeded(what: String, limit: Int)
    /// A payload is too small or too large to form a Filecoin piece.
    case invalidPieceSize(String)
    /// The block named is not in the blockstore.
    case blockNotFound(String)

    public var description: String {
        switch self {
        case .truncatedVarint: return "truncated varint: input ended inside a varint"
        case .varintOverflow: return "varint overflow: more than 63 bits"
        case .varintNotMinimal: return "varint not minimally encoded"
        case .unsupportedMultibase(let p): return "unsupported multibase prefix '\(p)' (use base32 'b…' or base58btc 'z…'/'Qm…')"
        case .invalidBaseCharacter(let base, let c): return "character '\(c)' is not valid \(base)"
        case .unsupportedHash(let code): return "unsupported multihash function 0x\(String(code, radix: 16))"
        case .invalidDigestLength(let code, let len): return "digest length \(len) is invalid for multihash 0x\(String(code, radix: 16))"
        case .unsupportedCIDVersion(let v): return "unsupported CID version \(v)"
        case .invalidCID(let why): return "invalid CID: \(why)"
        case .unexpectedEnd(let what): return "unexpected end of input in \(what)"
        case .hashMismatch(let cid): return "block does not hash to its CID \(cid)"
        case .invalidCBOR(let why): return "invalid DAG-CBOR: \(why)"
        case .invalidDagPB(let why): return "invalid dag-pb: \(why)"
        case .invalidCAR(let why): return "invalid CAR: \(why)"
        case .limitExceeded(let what, let limit): return "\(what) exceeds the limit of \(limit)"
        case .invalidPieceSize(let why): return "invalid piece size: \(why)"
        case .blockNotFound(let cid): return "block \(cid) is not in the blockstore"
        }
    }
}
