/// A Filecoin Piece CID v1: codec fil-commitment-unsealed, multihash
/// sha2-256-trunc254-padded over the 32-byte piece commitment (CommP).
public struct PieceCID: Hashable, Sendable, CustomStringConvertible {
    public let commitment: [UInt8]

    public init(commitment: [UInt8]) throws(ContentError) {
        guard commitment.count == 32 else { throw .invalidDigestLength(code: Multicodec.sha2_256Trunc254Padded.rawValue, length: commitment.count) }
        guard commitment[31] & 0xc0 == 0 else { throw .invalidCID("a piece commitment has its top two bits clear") }
        self.commitment = commitment
    }

    /// Reads a Piece CID v1 from its CID form.
    public init(_ cid: CID) throws(ContentError) {
        guard cid.version == 1, cid.codec == Multicodec.filCommitmentUnsealed.rawValue,
              cid.multihash.code == Multicodec.sha2_256Trunc254Padded.rawValue else {
            throw .invalidCID("\(cid) is not a Piece CID v1 (fil-commitment-unsealed, sha2-256-trunc254-padded)")
        }
        try self.init(commitment: cid.multihash.digest)
    }

    /// Parses a Piece CID v1 string (`baga6ea4seaq…`).
    public init(_ text: String) throws(ContentError) {
        try self.init(try CID(text))
    }

    public var cid: CID {
        CID(.filCommitmentUnsealed, Multihash(unchecked: Multicodec.sha2_256Trunc254Padded.rawValue, digest: commitment))
    }

    public var description: String { cid.description }
}
