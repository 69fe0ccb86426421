/// One Piece CID out of a signed offer, with what a client needs to check it alone: the
/// CID, its inclusion proof, the signed root, leaf count and terms, and the provider's
/// signature.
///
/// `verify(at:)` needs no gateway, register or other offer: it rebuilds the root from the
/// CID and proof, checks the signature over the same 128 bytes as the full offer, and
/// checks expiry.
public struct SubOffer: Hashable, Sendable {
    public let provider: PublicKey
    public let pieceCID: PieceCID
    public let proof: MerkleProof
    public let root: [UInt8]
    public let terms: OfferTerms
    public let signature: Signature

    public init(provider: PublicKey, pieceCID: PieceCID, proof: MerkleProof, root: [UInt8], terms: OfferTerms, signature: Signature) {
        self.provider = provider
        self.pieceCID = pieceCID
        self.proof = proof
        self.root = root
        self.terms = terms
        self.signature = signature
    }

    public var providerID: NodeID { provider.nodeID }

    public var signedBytes: [UInt8] {
        OfferSigning.signedBytes(provider: provider, root: root, leafCount: proof.leafCount, terms: terms)
    }

    /// Checks proof and signature, not expiry.
    public func verifyIntegrity() throws(OfferError) {
        guard try proof.verifies(leaf: pieceCID.commitment, root: root) else { throw .proofMismatch }
        guard provider.verify(signature, over: signedBytes) else { throw .badSignature(provider: providerID) }
    }

    /// Checks proof, signature and expiry at `now` (Unix seconds).
    public func verify(at now: UInt64) throws(OfferError) {
        try verifyIntegrity()
        guard terms.isLive(at: now) else { throw .expired(expiry: terms.expiry, now: now) }
    }

    /// `verify(at:)`, and that this sub-offer is for `expected`.
    public func verify(covering expected: PieceCID, at now: UInt64) throws(OfferError) {
        guard expected == pieceCID else { throw .wrongCID(expected: expected.description, actual: pieceCID.description) }
        try verify(at: now)
    }
}
