import Testing
@testable import NodeKit

@Suite struct OfferTests {
    @Test(arguments: [1, 2, 3, 128])
    func signedOffersVerifyAndRoundTrip(count: Int) throws {
        let offer = TrustFixtures.offer(count)
        try offer.verify(at: TrustFixtures.before)
        let decoded = try CIDOffer(encoded: offer.encoded)
        #expect(decoded == offer)
        try decoded.verify(at: TrustFixtures.before)
        #expect(offer.encoded.count <= OfferLimits.maxEncodedOffer)
        #expect(offer.isSingle == (count == 1))
        #expect(offer.signedBytes.count == OfferSigning.signedByteCount)
    }

    @Test func everySingleByteChangeIsRejected() throws {
        let bytes = TrustFixtures.offer(5).encoded
        for i in 0..<bytes.count {
            for flip: UInt8 in [0x01, 0x80] {
                var altered = bytes
                altered[i] ^= flip
                do {
                    let offer = try CIDOffer(encoded: altered)
                    try offer.verify(at: TrustFixtures.before)
                    Issue.record("offer with byte \(i) ^ \(flip) verified")
                } catch {
                    #expect(!error.description.isEmpty)
                }
            }
        }
    }

    @Test func everyFieldTamperedIsRejected() throws {
        let o = TrustFixtures.offer(4)
        let other = KeyPair()
        var terms = o.terms
        let variants: [(String, CIDOffer)] = [
            ("provider", CIDOffer(provider: other.publicKey, flatCommitments: o.flatCommitments, terms: o.terms, root: o.root, signature: o.signature)),
            ("cids", CIDOffer(provider: o.provider, flatCommitments: TrustFixtures.pieceCIDs(5).dropFirst().flatMap(\.commitment), terms: o.terms, root: o.root, signature: o.signature)),
            ("root", CIDOffer(provider: o.provider, flatCommitments: o.flatCommitments, terms: o.terms, root: [UInt8](repeating: 9, count: 32), signature: o.signature)),
            ("signature", CIDOffer(provider: o.provider, flatCommitments: o.flatCommitments, terms: o.terms, root: o.root, signature: other.sign(o.signedBytes))),
            ("price", { terms = o.terms; terms.pricePerByte = .zero; return CIDOffer(provider: o.provider, flatCommitments: o.flatCommitments, terms: terms, root: o.root, signature: o.signature) }()),
            ("expiry", { terms = o.terms; terms.expiry += 1; return CIDOffer(provider: o.provider, flatCommitments: o.flatCommitments, terms: terms, root: o.root, signature: o.signature) }()),
            ("qos", { terms = o.terms; terms.latencyMillis = 1; return CIDOffer(provider: o.provider, flatCommitments: o.flatCommitments, terms: terms, root: o.root, signature: o.signature) }()),
            ("nonce", { terms = o.terms; terms.nonce += 1; return CIDOffer(provider: o.provider, flatCommitments: o.flatCommitments, terms: terms, root: o.root, signature: o.signature) }()),
        ]
        for (field, offer) in variants {
            #expect(throws: OfferError.self, "tampered \(field)") { try offer.verify(at: TrustFixtures.before) }
            #expect(throws: OfferError.self, "tampered \(field) after a round trip") {
                try CIDOffer(encoded: offer.encoded).verify(at: TrustFixtures.before)
            }
        }
        #expect(throws: OfferError.badSignature(provider: other.nodeID)) { try variants[0].1.verifyIntegrity() }
    }

    @Test func expiredWrongKeyAndOversizeAreRejected() throws {
        let offer = TrustFixtures.offer(2)
        #expect(throws: OfferError.expired(expiry: offer.terms.expiry, now: offer.terms.expiry)) { try offer.verify(at: offer.terms.expiry) }
        #expect(throws: OfferError.cidCount(129, limit: 128)) {
            try CIDOffer.sign(pieceCIDs: TrustFixtures.pieceCIDs(129), terms: TrustFixtures.terms, by: TrustFixtures.keyPair)
        }
        #expect(throws: OfferError.cidCount(0, limit: 128)) { try CIDOffer.sign(pieceCIDs: [], terms: TrustFixtures.terms, by: TrustFixtures.keyPair) }
        let big = CIDOffer(provider: offer.provider, flatCommitments: TrustFixtures.pieceCIDs(129).flatMap(\.commitment),
                           terms: offer.terms, root: offer.root, signature: offer.signature)
        #expect(throws: OfferError.cidCount(129, limit: 128)) { try CIDOffer(encoded: big.encoded) }
        #expect(throws: OfferError.self) { try CIDOffer(encoded: [UInt8](repeating: 0xa0, count: OfferLimits.maxEncodedOffer + 1)) }
        let other = KeyPair()
        let forged = CIDOffer(provider: offer.provider, flatCommitments: offer.flatCommitments, terms: offer.terms,
                              root: offer.root, signature: other.sign(offer.signedBytes))
        #expect(throws: OfferError.badSignature(provider: offer.providerID)) { try forged.verifyIntegrity() }
    }

    @Test func duplicatePieceCIDsAreRefusedAtCreationAndDecoding() throws {
        let cids = TrustFixtures.pieceCIDs(3)
        let listed = [cids[0], cids[1], cids[2], cids[1]]
        let expected = OfferError.duplicatePieceCID(cids[1].description, first: 1, second: 3)
        #expect(throws: expected) { try CIDOffer.sign(pieceCIDs: listed, terms: TrustFixtures.terms, by: TrustFixtures.keyPair) }
        #expect(expected.description.contains(cids[1].description))

        // Correctly rooted and signed, so the duplicate is the only fault a decoder can find.
        let pair = TrustFixtures.keyPair
        let leaves = listed.flatMap(\.commitment)
        let root = MerkleTree.root(flatLeaves: leaves)
        let signed = OfferSigning.signedBytes(provider: pair.publicKey, root: root, leafCount: listed.count, terms: TrustFixtures.terms)
        let crafted = CIDOffer(provider: pair.publicKey, flatCommitments: leaves, terms: TrustFixtures.terms, root: root, signature: pair.sign(signed))
        #expect(pair.publicKey.verify(crafted.signature, over: crafted.signedBytes))
        #expect(throws: expected) { try crafted.verifyIntegrity() }
        #expect(throws: expected) { try CIDOffer(encoded: crafted.encoded) }
    }

    @Test(arguments: [1, 2, 3, 6, 8, 9, 128])
    func subOffersVerifyAloneForEveryPosition(count: Int) throws {
        let offer = TrustFixtures.offer(count)
        for cid in offer.pieceCIDs {
            let sub = try offer.subOffer(for: cid)
            let decoded = try SubOffer(encoded: sub.encoded)
            #expect(decoded == sub)
            #expect(sub.encoded.count <= OfferLimits.maxEncodedSubOffer)
            try decoded.verify(covering: cid, at: TrustFixtures.before)
        }
        #expect(throws: OfferError.cidNotInOffer(TrustFixtures.pieceCID(500).description)) {
            try offer.subOffer(for: TrustFixtures.pieceCID(500))
        }
    }

    @Test func tamperedSubOffersAreRejected() throws {
        let offer = TrustFixtures.offer(6)
        let sub = try offer.subOffer(for: TrustFixtures.pieceCID(4))
        let bytes = sub.encoded
        for i in 0..<bytes.count {
            var altered = bytes
            altered[i] ^= 0x01
            do {
                try SubOffer(encoded: altered).verify(at: TrustFixtures.before)
                Issue.record("sub-offer with byte \(i) flipped verified")
            } catch {}
        }
        let wrongCID = SubOffer(provider: sub.provider, pieceCID: TrustFixtures.pieceCID(3), proof: sub.proof, root: sub.root, terms: sub.terms, signature: sub.signature)
        #expect(throws: OfferError.proofMismatch) { try wrongCID.verify(at: TrustFixtures.before) }
        #expect(throws: OfferError.self) { try sub.verify(covering: TrustFixtures.pieceCID(3), at: TrustFixtures.before) }
        let otherRoot = SubOffer(provider: sub.provider, pieceCID: sub.pieceCID, proof: sub.proof, root: TrustFixtures.offer(5).root, terms: sub.terms, signature: sub.signature)
        #expect(throws: OfferError.proofMismatch) { try otherRoot.verify(at: TrustFixtures.before) }
        #expect(throws: OfferError.self) { try sub.verify(at: sub.terms.expiry) }
    }

    @Test func replacementRule() {
        let base = TrustFixtures.terms
        let pair = TrustFixtures.keyPair
        func offer(_ change: (inout OfferTerms) -> Void, by p: KeyPair = pair) -> CIDOffer {
            var t = base
            t.nonce += 1
            change(&t)
            return TrustFixtures.offer(2, terms: t, by: p)
        }
        let old = TrustFixtures.offer(2)
        #expect(OfferPolicy.replaces(offer { _ in }, old))
        #expect(OfferPolicy.replaces(offer { $0.pricePerByte = .zero; $0.expiry += 10 }, old))
        #expect(!OfferPolicy.replaces(offer { $0.pricePerByte = TokenAmount(unchecked: base.pricePerByte.attoFIL + 1) }, old))
        #expect(!OfferPolicy.replaces(offer { $0.pricePerByte = .zero; $0.expiry -= 1 }, old))
        #expect(!OfferPolicy.replaces(offer({ _ in }, by: KeyPair()), old))
        #expect(!OfferPolicy.replaces(old, offer { _ in }))
    }
}
