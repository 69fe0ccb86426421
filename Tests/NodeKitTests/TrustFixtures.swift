import Foundation
@testable import NodeKit

/// Deterministic keys, CIDs and offers shared by the trust-layer tests.
enum TrustFixtures {
    static let seed: [UInt8] = Array(0..<32)
    static var keyPair: KeyPair { try! KeyPair(seed: seed) }

    /// The i-th test commitment: 32 bytes of (i+1), valid as a Piece CID.
    static func pieceCID(_ i: Int) -> PieceCID {
        var c = [UInt8](repeating: UInt8(truncatingIfNeeded: i + 1), count: 32)
        c[0] = UInt8(truncatingIfNeeded: i >> 8)
        c[31] &= 0x3f
        return try! PieceCID(commitment: c)
    }

    static func pieceCIDs(_ n: Int) -> [PieceCID] { (0..<n).map(pieceCID) }

    static let terms = OfferTerms(pricePerByte: TokenAmount(unchecked: 1_000_000_000), expiry: 1_767_225_600, latencyMillis: 250, nonce: 42)

    static func offer(_ n: Int, terms: OfferTerms = terms, by pair: KeyPair = keyPair) -> CIDOffer {
        try! CIDOffer.sign(pieceCIDs: pieceCIDs(n), terms: terms, by: pair)
    }

    /// A time at which `terms` has not expired.
    static let before: UInt64 = 1_767_000_000
}

/// A small seeded generator so fuzz and property runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
