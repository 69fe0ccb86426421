import Crypto
import Testing
@testable import NodeKit

@Suite struct MerkleTreeTests {
    /// The spec's construction, written the slow obvious way: zero-fill to a power of two,
    /// then hash pairs level by level.
    private func referenceRoot(_ leaves: [[UInt8]]) -> [UInt8] {
        var level = leaves
        var width = 1
        while width < level.count { width *= 2 }
        level += Array(repeating: [UInt8](repeating: 0, count: 32), count: width - level.count)
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map { Array(SHA256.hash(data: level[$0] + level[$0 + 1])) }
        }
        return level[0]
    }

    /// The spec's tree, level by level, zero-filled: a leaf's proof is its sibling at each level.
    private func referenceLevels(_ leaves: [[UInt8]]) -> [[[UInt8]]] {
        var level = leaves
        var width = 1
        while width < level.count { width *= 2 }
        level += Array(repeating: [UInt8](repeating: 0, count: 32), count: width - level.count)
        var levels = [level]
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map { Array(SHA256.hash(data: level[$0] + level[$0 + 1])) }
            levels.append(level)
        }
        return levels
    }

    /// What a store keeps (`flatLevels`) gives, without hashing, the same proofs as the
    /// zero-filled reference, and they verify.
    @Test func proofsFromStoredLevelsMatchTheReference() throws {
        for count in 1...128 {
            let leaves = TrustFixtures.pieceCIDs(count).map(\.commitment)
            let tree = MerkleTree(flatLeaves: leaves.flatMap { $0 })
            let stored = Array(tree.flatLevels)
            #expect(stored.count == MerkleTree.flatLevelsByteCount(leafCount: count))
            #expect(count == 1 || stored.prefix(count * 32).elementsEqual(leaves.flatMap { $0 }))
            let reference = referenceLevels(leaves)
            for i in 0..<count {
                let siblings = reference.dropLast().enumerated().flatMap { d, level in level[(i >> d) ^ 1] }
                let proof = MerkleTree.proof(at: i, leafCount: count, flatLevels: stored)
                #expect(proof == tree.proof(at: i))
                #expect(proof.flatSiblings == siblings, "leaf \(i) of \(count)")
                #expect(try proof.verifies(leaf: leaves[i], root: tree.root))
            }
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100, 127, 128])
    func rootMatchesZeroFilledReference(count: Int) {
        let leaves = TrustFixtures.pieceCIDs(count).map(\.commitment)
        let tree = MerkleTree(flatLeaves: leaves.flatMap { $0 })
        #expect(tree.root == referenceRoot(leaves))
        #expect(MerkleTree.root(flatLeaves: leaves.flatMap { $0 }) == tree.root)
        #expect(tree.depth == MerkleTree.depth(forLeafCount: count))
    }

    @Test(arguments: [1, 2, 3, 5, 6, 7, 8, 13, 64, 127, 128])
    func everyLeafProvesAndNothingElseDoes(count: Int) throws {
        let leaves = TrustFixtures.pieceCIDs(count).map(\.commitment)
        let tree = MerkleTree(flatLeaves: leaves.flatMap { $0 })
        let otherRoot = MerkleTree.root(flatLeaves: TrustFixtures.pieceCIDs(count + 1).flatMap(\.commitment))
        for i in 0..<count {
            let proof = tree.proof(at: i)
            #expect(try proof.verifies(leaf: leaves[i], root: tree.root))
            #expect(try !proof.verifies(leaf: TrustFixtures.pieceCID(999).commitment, root: tree.root))
            #expect(try !proof.verifies(leaf: leaves[i], root: otherRoot))
            if count > 1 {
                let moved = MerkleProof(index: (i + 1) % count, leafCount: count, flatSiblings: proof.flatSiblings)
                #expect(try !moved.verifies(leaf: leaves[i], root: tree.root))
            }
        }
    }

    @Test func zeroFillAndInteriorNodesCannotBeProved() throws {
        let leaves = TrustFixtures.pieceCIDs(3).map(\.commitment)
        let tree = MerkleTree(flatLeaves: leaves.flatMap { $0 })
        // Position 3 is the zero fill: its path is valid hashing, but the signed leaf count forbids it.
        let fill = MerkleProof(index: 3, leafCount: 3, flatSiblings: tree.proof(at: 2).flatSiblings)
        #expect(throws: OfferError.self) { try fill.verifies(leaf: [UInt8](repeating: 0, count: 32), root: tree.root) }
        // An interior node with a one-node proof: wrong length for three leaves.
        let interior = MerkleTree.hashPair(leaves[0], leaves[1])
        let short = MerkleProof(index: 0, leafCount: 3, flatSiblings: MerkleTree.hashPair(leaves[2], [UInt8](repeating: 0, count: 32)))
        #expect(throws: OfferError.self) { try short.verifies(leaf: interior, root: tree.root) }
    }
}
