import Foundation
import Testing
@testable import NodeKit

/// Feeds random, truncated and mutated inputs to every trust-layer decoder: none may crash,
/// hang or accept a mutated signed object. The count defaults to 1,000,000 inputs and can
/// be set with FILTOP_FUZZ_ITERATIONS.
@Suite struct DecoderFuzzTests {
    static var iterations: Int {
        ProcessInfo.processInfo.environment["FILTOP_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 1_000_000
    }

    private static func seeds() -> [[UInt8]] {
        let offer = TrustFixtures.offer(5)
        let gateway = TrustFixtures.keyPair
        let challenge = EstablishmentChallenge(client: gateway.nodeID, challenge: Array(repeating: 3, count: 32), expiry: 99)
        let envelopes: [Envelope] = [
            Envelope(PublishGroupOffer(offer: offer), requestID: 1),
            Envelope(PublishSingleOffers(offers: [TrustFixtures.offer(1)]), requestID: 2),
            Envelope(OfferAcknowledgement.sign(offers: [offer], received: 5, by: gateway), requestID: 3),
            Envelope(challenge, requestID: 4), Envelope(challenge.answer(by: gateway), requestID: 4),
            Envelope(InsufficientFunds(required: TokenAmount(unchecked: 77)), requestID: 5),
            Envelope(Refusal(.notAdmin, "refused: not an admin key"), requestID: 6),
            Envelope(ControlFixtures.status, requestID: 7), Envelope(ControlFixtures.pieces, requestID: 8),
            Envelope(ControlFixtures.peers, requestID: 9), Envelope(ControlFixtures.events, requestID: 10),
        ] + MarketFixtures.requests.map { Envelope($0, requestID: 11) } + MarketFixtures.answers.map { Envelope($0, requestID: 12) }
            + RetrievalFixtures.requests.map { Envelope($0, requestID: 13) } + RetrievalFixtures.answers.map { Envelope($0, requestID: 14) }
        return [offer.encoded, try! offer.subOffer(for: TrustFixtures.pieceCID(2)).encoded] + envelopes.map(\.framed)
    }

    /// Runs one input through every decoder; only typed errors may come out.
    private static func exercise(_ input: [UInt8]) -> Bool {
        var accepted = false
        if let offer = try? CIDOffer(encoded: input), (try? offer.verifyIntegrity()) != nil { accepted = true }
        if let sub = try? SubOffer(encoded: input), (try? sub.verifyIntegrity()) != nil { accepted = true }
        var decoder = FrameDecoder(maxBodySize: 1 << 16)
        decoder.append(input)
        while let body = try? decoder.next() {
            guard let envelope = try? Envelope(decoding: body) else { continue }
            // Every catalogued message type is decoded by its own decoder; only typed
            // errors may come out. A published offer that decodes must still verify.
            if let message = try? MessageCatalogue.decode(envelope), let m = message as? PublishGroupOffer,
               (try? m.offer.verifyIntegrity()) != nil {
                accepted = true
            }
        }
        return accepted
    }

    @Test func decodersSurviveAMillionHostileInputs() {
        let seeds = Self.seeds()
        var rng = SplitMix64(seed: 0x66696c746f70)
        let total = Self.iterations
        var forgedOffersAccepted = 0
        for n in 0..<total {
            let seed = seeds[n % seeds.count]
            var input: [UInt8]
            switch rng.next() % 4 {
            case 0:
                input = Array(seed.prefix(Int(rng.next() % UInt64(seed.count))))
            case 1:
                input = seed
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    input[Int(rng.next() % UInt64(input.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                }
                // Two flips of one byte can cancel out: only an input that differs is a forgery.
                if n % seeds.count < 2 && input != seed && Self.exercise(input) { forgedOffersAccepted += 1 }
                continue
            case 2:
                input = (0..<Int(rng.next() % 96)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                if rng.next() % 2 == 0, !input.isEmpty { input[0] = 0xa0 | (input[0] & 0x1f) }
            default:
                input = seed
                let at = Int(rng.next() % UInt64(input.count))
                input.insert(contentsOf: (0..<Int(1 + rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            }
            _ = Self.exercise(input)
        }
        #expect(forgedOffersAccepted == 0, "mutated offers or sub-offers passed verification")
    }
}
