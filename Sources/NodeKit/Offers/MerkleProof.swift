/// A Merkle inclusion proof: the sibling nodes that combine with one leaf to give the root.
///
/// `index` is the leaf's position (bit d of it says whether the running hash is the right
/// child at height d); `siblings` are bottom-up. The proof is checked against a signed
/// `leafCount`, so its length must be exactly ⌈log2(leafCount)⌉ and `index < leafCount`:
/// zero-fill positions and interior nodes cannot be proved as leaves.
public struct MerkleProof: Hashable, Sendable {
    public let index: Int
    public let leafCount: Int
    /// Sibling nodes, 32 bytes each, leaf level first.
    public let flatSiblings: [UInt8]

    public init(index: Int, leafCount: Int, flatSiblings: [UInt8]) {
        self.index = index
        self.leafCount = leafCount
        self.flatSiblings = flatSiblings
    }

    public var depth: Int { flatSiblings.count / MerkleTree.nodeSize }

    /// Checks the proof's shape against its leaf count.
    public func validateShape() throws(OfferError) {
        guard leafCount >= 1, leafCount <= OfferLimits.maxCIDsPerOffer else {
            throw .invalidProof("leaf count \(leafCount) is outside 1…\(OfferLimits.maxCIDsPerOffer)")
        }
        guard index >= 0, index < leafCount else {
            throw .invalidProof("position \(index) is outside the \(leafCount) leaves")
        }
        guard flatSiblings.count % MerkleTree.nodeSize == 0,
              depth == MerkleTree.depth(forLeafCount: leafCount) else {
            throw .invalidProof("\(flatSiblings.count) proof bytes; \(leafCount) leaves need \(MerkleTree.depth(forLeafCount: leafCount)) nodes of 32 bytes")
        }
    }

    /// The root that `leaf` and this proof lead to.
    public func root(forLeaf leaf: [UInt8]) -> [UInt8] {
        var node = leaf
        var i = index
        for d in 0..<depth {
            let sibling = Array(flatSiblings[d * MerkleTree.nodeSize..<(d + 1) * MerkleTree.nodeSize])
            node = i & 1 == 0 ? MerkleTree.hashPair(node, sibling) : MerkleTree.hashPair(sibling, node)
            i >>= 1
        }
        return node
    }

    /// Whether `leaf` is at `index` in the tree whose root is `root`.
    public func verifies(leaf: [UInt8], root: [UInt8]) throws(OfferError) -> Bool {
        try validateShape()
        return self.root(forLeaf: leaf) == root
    }
}
