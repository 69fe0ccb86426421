import CSHA256

/// The balanced binary Merkle tree over an offer's Piece CIDs.
///
/// Leaves are the 32-byte Piece CID commitments themselves (not hashed again, as the
/// design notes say). The leaf count is zero-filled up to the next power of two with
/// 32-byte all-zero leaves; an interior node is SHA-256(left ‖ right). A tree of one leaf
/// has that leaf as its root. Zero-filled subtrees are not hashed leaf by leaf: their
/// roots are the precomputed `zeroSubtree` digests, which give exactly the same result.
public struct MerkleTree: Sendable {
    public static let nodeSize = 32

    /// Every level below the root, leaves first, each a run of 32-byte nodes without the
    /// zero fill, one after another: level d holds ⌈leafCount / 2^d⌉ nodes. Empty for a
    /// tree of one leaf (its root is the leaf). With the leaf count, this is all a proof
    /// needs (`proof(at:leafCount:flatLevels:)`), so a store can keep it and build proofs
    /// later without hashing.
    public let flatLevels: [UInt8]
    public let root: [UInt8]
    public let leafCount: Int

    /// Builds the tree over `leaves`, a flat buffer of 32-byte leaves (at least one).
    public init(flatLeaves leaves: [UInt8]) {
        precondition(leaves.count >= MerkleTree.nodeSize && leaves.count % MerkleTree.nodeSize == 0, "need whole 32-byte leaves")
        leafCount = leaves.count / MerkleTree.nodeSize
        var flat = [UInt8]()
        flat.reserveCapacity(MerkleTree.flatLevelsByteCount(leafCount: leafCount))
        var level = leaves
        var depth = 0
        while level.count > MerkleTree.nodeSize {
            flat += level
            level = MerkleTree.parentLevel(level, depth: depth)
            depth += 1
        }
        flatLevels = flat
        root = level
    }

    public var depth: Int { MerkleTree.depth(forLeafCount: leafCount) }

    /// The inclusion proof for the leaf at `index`.
    public func proof(at index: Int) -> MerkleProof {
        flatLevels.withUnsafeBytes { MerkleTree.proof(at: index, leafCount: leafCount, flatLevels: $0) }
    }

    /// The inclusion proof for the leaf at `index` of the tree of `leafCount` leaves whose
    /// `flatLevels` are given: no hashing, only copying the siblings.
    public static func proof(at index: Int, leafCount: Int, flatLevels: [UInt8]) -> MerkleProof {
        flatLevels.withUnsafeBytes { proof(at: index, leafCount: leafCount, flatLevels: $0) }
    }

    /// `proof(at:leafCount:flatLevels:)` over bytes the caller holds (a database blob).
    /// The caller checks `flatLevels.count == flatLevelsByteCount(leafCount:)` and
    /// `index < leafCount` (1 ≤ leafCount ≤ `OfferLimits.maxCIDsPerOffer`).
    static func proof(at index: Int, leafCount: Int, flatLevels: UnsafeRawBufferPointer) -> MerkleProof {
        precondition(index >= 0 && index < leafCount, "leaf index out of range")
        precondition(flatLevels.count == flatLevelsByteCount(leafCount: leafCount), "flat levels do not match the leaf count")
        let depth = depth(forLeafCount: leafCount)
        var siblings = [UInt8]()
        siblings.reserveCapacity(depth * nodeSize)
        var levelStart = 0
        var i = index
        for d in 0..<depth {
            let width = levelWidth(leafCount: leafCount, depth: d)
            let sibling = i ^ 1
            if sibling < width {
                let start = levelStart + sibling * nodeSize
                siblings += flatLevels[start..<start + nodeSize]
            } else {
                siblings += zeroSubtree[d]
            }
            levelStart += width * nodeSize
            i >>= 1
        }
        return MerkleProof(index: index, leafCount: leafCount, flatSiblings: siblings)
    }

    /// How many bytes `flatLevels` holds for a tree of `leafCount` leaves.
    public static func flatLevelsByteCount(leafCount: Int) -> Int {
        (0..<depth(forLeafCount: leafCount)).reduce(0) { $0 + levelWidth(leafCount: leafCount, depth: $1) * nodeSize }
    }

    /// The nodes at height `depth` (0: the leaves), zero fill excluded: ⌈leafCount / 2^depth⌉.
    private static func levelWidth(leafCount: Int, depth: Int) -> Int {
        (leafCount + (1 << depth) - 1) >> depth
    }

    /// The root over a flat buffer of 32-byte leaves, without keeping the levels: the
    /// ingestion hot path.
    public static func root(flatLeaves leaves: [UInt8]) -> [UInt8] {
        var level = leaves
        var depth = 0
        while level.count > nodeSize {
            level = parentLevel(level, depth: depth)
            depth += 1
        }
        return level
    }

    /// The number of levels above the leaves for `leafCount` leaves: ⌈log2(leafCount)⌉.
    public static func depth(forLeafCount leafCount: Int) -> Int {
        leafCount <= 1 ? 0 : Int.bitWidth - (leafCount - 1).leadingZeroBitCount
    }

    /// `zeroSubtree[d]` is the root of a subtree of 2^d zero leaves.
    static let zeroSubtree: [[UInt8]] = {
        var z = [[UInt8](repeating: 0, count: nodeSize)]
        for _ in 0..<16 { z.append(hashPair(z[z.count - 1], z[z.count - 1])) }
        return z
    }()

    static func hashPair(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var buffer = left + right
        buffer.withUnsafeMutableBufferPointer { filtop_sha256_pairs($0.baseAddress!, $0.baseAddress!, 1) }
        return Array(buffer[0..<nodeSize])
    }

    /// Hashes adjacent pairs of a level (two messages at a time through the accelerated
    /// SHA-256); an odd last node pairs with the zero subtree of its height.
    private static func parentLevel(_ level: [UInt8], depth: Int) -> [UInt8] {
        let count = level.count / nodeSize
        let full = count / 2
        var out = [UInt8](repeating: 0, count: (count + 1) / 2 * nodeSize)
        level.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in filtop_sha256_pairs(src.baseAddress!, dst.baseAddress!, full) }
        }
        if count % 2 == 1 {
            let last = hashPair(Array(level[(count - 1) * nodeSize..<count * nodeSize]), zeroSubtree[depth])
            out.replaceSubrange(full * nodeSize..<(full + 1) * nodeSize, with: last)
        }
        return out
    }
}
