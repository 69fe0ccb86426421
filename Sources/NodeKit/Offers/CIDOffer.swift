/// A signed CID Group Offer: "any of these Piece CIDs, at this price per byte, this
/// latency to first byte, until this expiry", signed by the provider.
///
/// A Single CID Offer is a group of one (`isSingle`); its Merkle root is the Piece CID's
/// commitment itself. Construct offers with `sign(...)` or decode them with
/// `init(encoded:)`; decoding checks structure and limits only, `verifyIntegrity()` then
/// rebuilds the root and checks the signature, and `verify(at:)` also checks expiry.
public struct CIDOffer: Hashable, Sendable {
    public let provider: PublicKey
    /// The Piece CID commitments, 32 bytes each, in offer order: the Merkle leaves.
    public let flatCommitments: [UInt8]
    public let terms: OfferTerms
    /// The Merkle root as carried by the offer (checked by `verifyIntegrity`).
    public let root: [UInt8]
    public let signature: Signature

    init(provider: PublicKey, flatCommitments: [UInt8], terms: OfferTerms, root: [UInt8], signature: Signature) {
        self.provider = provider
        self.flatCommitments = flatCommitments
        self.terms = terms
        self.root = root
        self.signature = signature
    }

    /// Builds and signs an offer for `pieceCIDs` (1…128 distinct ones).
    public static func sign(pieceCIDs: [PieceCID], terms: OfferTerms, by keyPair: KeyPair) throws(OfferError) -> CIDOffer {
        guard !pieceCIDs.isEmpty, pieceCIDs.count <= OfferLimits.maxCIDsPerOffer else {
            throw .cidCount(pieceCIDs.count, limit: OfferLimits.maxCIDsPerOffer)
        }
        let leaves = pieceCIDs.flatMap(\.commitment)
        try rejectDuplicates(flatCommitments: leaves)
        let root = MerkleTree.root(flatLeaves: leaves)
        let message = OfferSigning.signedBytes(provider: keyPair.publicKey, root: root, leafCount: pieceCIDs.count, terms: terms)
        return CIDOffer(
            provider: keyPair.publicKey, flatCommitments: leaves, terms: terms, root: root, signature: keyPair.sign(message))
    }

    /// Refuses a commitment list that names one Piece CID twice: its proofs would be
    /// ambiguous (two positions for one CID) and a gateway would cache it twice.
    static func rejectDuplicates(flatCommitments: [UInt8]) throws(OfferError) {
        var firstIndex: [[UInt8]: Int] = [:]
        for (i, start) in stride(from: 0, to: flatCommitments.count, by: MerkleTree.nodeSize).enumerated() {
            let commitment = Array(flatCommitments[start..<start + MerkleTree.nodeSize])
            if let first = firstIndex[commitment] {
                let cid = (try? PieceCID(commitment: commitment))?.description ?? Hex.encode(commitment)
                throw .duplicatePieceCID(cid, first: first, second: i)
            }
            firstIndex[commitment] = i
        }
    }

    public var cidCount: Int { flatCommitments.count / MerkleTree.nodeSize }
    public var isSingle: Bool { cidCount == 1 }
    public var providerID: NodeID { provider.nodeID }

    /// The Piece CIDs, in offer order.
    public var pieceCIDs: [PieceCID] {
        (0..<cidCount).compactMap { try? PieceCID(commitment: commitment(at: $0)) }
    }

    public func commitment(at index: Int) -> [UInt8] {
        Array(flatCommitments[index * MerkleTree.nodeSize..<(index + 1) * MerkleTree.nodeSize])
    }

    /// The 128 bytes the provider signed (see `OfferSigning`).
    public var signedBytes: [UInt8] {
        OfferSigning.signedBytes(provider: provider, root: root, leafCount: cidCount, terms: terms)
    }

    /// SHA-256 of the signed bytes: the name gateways acknowledge.
    public var id: [UInt8] { OfferSigning.offerID(signedBytes: signedBytes) }

    /// Checks the Piece CIDs are distinct, rebuilds the Merkle root from them and checks
    /// the provider's signature.
    public func verifyIntegrity() throws(OfferError) {
        try CIDOffer.rejectDuplicates(flatCommitments: flatCommitments)
        let computed = MerkleTree.root(flatLeaves: flatCommitments)
        guard computed == root else { throw .rootMismatch(claimed: Hex.encode(root), computed: Hex.encode(computed)) }
        guard provider.verify(signature, over: signedBytes) else { throw .badSignature(provider: providerID) }
    }

    /// `verifyIntegrity()`, then that the offer has not expired at `now` (Unix seconds).
    public func verify(at now: UInt64) throws(OfferError) {
        try verifyIntegrity()
        guard terms.isLive(at: now) else { throw .expired(expiry: terms.expiry, now: now) }
    }

    /// The sub-offer for `pieceCID`: what a gateway hands a client.
    public func subOffer(for pieceCID: PieceCID) throws(OfferError) -> SubOffer {
        var index: Int?
        for i in 0..<cidCount where commitment(at: i) == pieceCID.commitment {
            index = i
            break
        }
        guard let index else { throw .cidNotInOffer(pieceCID.description) }
        let proof = MerkleTree(flatLeaves: flatCommitments).proof(at: index)
        return SubOffer(provider: provider, pieceCID: pieceCID, proof: proof, root: root, terms: terms, signature: signature)
    }
}
