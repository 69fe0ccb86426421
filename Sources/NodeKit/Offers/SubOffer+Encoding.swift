/// The DAG-CBOR form of a sub-offer (`docs/PROTOCOL.md` "SubOffer"): a map of `cid`,
/// `qos`, `sig`, `root`, `index`, `nonce`, `price`, `proof` (sibling nodes concatenated,
/// leaf level first), `expiry`, `leaves`, `provider`, in canonical key order.
extension SubOffer {
    static let fieldNames: Set<String> = [
        "cid", "qos", "sig", "root", "index", "nonce", "price", "proof", "expiry", "leaves", "provider",
    ]

    public var encoded: [UInt8] {
        var e = CBOREncoder(capacity: 512)
        write(to: &e)
        return e.bytes
    }

    func write(to e: inout CBOREncoder) {
        e.writeHead(.map, 11)
        e.writeField("cid", bytes: pieceCID.commitment)
        e.writeField("qos", unsigned: terms.latencyMillis)
        e.writeField("sig", bytes: signature.bytes)
        e.writeField("root", bytes: root)
        e.writeField("index", unsigned: UInt64(proof.index))
        e.writeField("nonce", unsigned: terms.nonce)
        e.writeField("price", bytes: terms.pricePerByte.encoded)
        e.writeField("proof", bytes: proof.flatSiblings)
        e.writeField("expiry", unsigned: terms.expiry)
        e.writeField("leaves", unsigned: UInt64(proof.leafCount))
        e.writeField("provider", bytes: provider.bytes)
    }

    /// Decodes a sub-offer, enforcing size limits and field shapes. Does not verify it.
    public init(encoded bytes: [UInt8]) throws(OfferError) {
        try self.init(cbor: try OfferFields.decode(bytes, limit: OfferLimits.maxEncodedSubOffer, what: "a sub-offer"))
    }

    public init(cbor value: CBOR) throws(OfferError) {
        let f = try OfferFields(value, expecting: SubOffer.fieldNames, what: "a sub-offer")
        let leaves = try f.unsigned("leaves")
        let index = try f.unsigned("index")
        guard leaves >= 1, leaves <= UInt64(OfferLimits.maxCIDsPerOffer) else {
            throw .cidCount(Int(clamping: leaves), limit: OfferLimits.maxCIDsPerOffer)
        }
        guard index < leaves else { throw .invalidProof("position \(index) is outside the \(leaves) leaves") }
        let proof = MerkleProof(index: Int(index), leafCount: Int(leaves), flatSiblings: try f.bytes("proof"))
        try proof.validateShape()
        let pieceCID: PieceCID
        do { pieceCID = try PieceCID(commitment: try f.bytes("cid", count: MerkleTree.nodeSize)) } catch let e as OfferError {
            throw e
        } catch {
            throw .malformed("'cid' is not a Piece CID commitment (its top two bits are set)")
        }
        self.init(
            provider: try f.publicKey("provider"), pieceCID: pieceCID, proof: proof,
            root: try f.bytes("root", count: MerkleTree.nodeSize), terms: try f.terms(), signature: try f.signature("sig"))
    }
}
