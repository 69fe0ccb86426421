/// The DAG-CBOR form of a group offer (`docs/PROTOCOL.md` "CIDOffer"): a map of
/// `qos`, `sig`, `cids` (the commitments concatenated), `root`, `nonce`, `price`,
/// `expiry`, `provider`, in canonical key order. This is also the `.offer` file format.
extension CIDOffer {
    static let fieldNames: Set<String> = ["qos", "sig", "cids", "root", "nonce", "price", "expiry", "provider"]

    /// The canonical encoding.
    public var encoded: [UInt8] {
        var e = CBOREncoder(capacity: flatCommitments.count + 256)
        write(to: &e)
        return e.bytes
    }

    func write(to e: inout CBOREncoder) {
        e.writeHead(.map, 8)
        e.writeField("qos", unsigned: terms.latencyMillis)
        e.writeField("sig", bytes: signature.bytes)
        e.writeField("cids", bytes: flatCommitments)
        e.writeField("root", bytes: root)
        e.writeField("nonce", unsigned: terms.nonce)
        e.writeField("price", bytes: terms.pricePerByte.encoded)
        e.writeField("expiry", unsigned: terms.expiry)
        e.writeField("provider", bytes: provider.bytes)
    }

    /// Decodes an offer, enforcing size limits, field shapes and distinct Piece CIDs.
    /// Does not verify it.
    public init(encoded bytes: [UInt8]) throws(OfferError) {
        try self.init(cbor: try OfferFields.decode(bytes, limit: OfferLimits.maxEncodedOffer, what: "an offer"))
    }

    /// Reads an offer from an already-decoded value (e.g. inside a wire message).
    public init(cbor value: CBOR) throws(OfferError) {
        let f = try OfferFields(value, expecting: CIDOffer.fieldNames, what: "an offer")
        let cids = try f.bytes("cids")
        let count = cids.count / MerkleTree.nodeSize
        guard cids.count % MerkleTree.nodeSize == 0 else {
            throw .malformed("'cids' is \(cids.count) bytes, not a whole number of 32-byte commitments")
        }
        guard count >= 1, count <= OfferLimits.maxCIDsPerOffer else {
            throw .cidCount(count, limit: OfferLimits.maxCIDsPerOffer)
        }
        for i in 0..<count where cids[i * MerkleTree.nodeSize + 31] & 0xc0 != 0 { throw .invalidPieceCID(index: i) }
        try CIDOffer.rejectDuplicates(flatCommitments: cids)
        self.init(
            provider: try f.publicKey("provider"), flatCommitments: cids, terms: try f.terms(),
            root: try f.bytes("root", count: MerkleTree.nodeSize), signature: try f.signature("sig"))
    }
}
