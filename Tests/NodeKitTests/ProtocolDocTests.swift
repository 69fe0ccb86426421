import Foundation
import Testing
@testable import NodeKit

/// Recomputes the worked example in docs/PROTOCOL.md, so the document cannot drift from
/// the code: every `example.<name> = <hex>` line there must equal what the code produces.
@Suite struct ProtocolDocTests {
    static func documentedValues() throws -> [String: String] {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/PROTOCOL.md")
        let text = try String(contentsOf: doc, encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].hasPrefix("example.") else { continue }
            values[String(parts[0].dropFirst("example.".count)), default: ""] += parts[1]
        }
        return values
    }

    static func computedValues() throws -> [String: String] {
        let pair = try KeyPair(seed: Array(0..<32))
        let cids = try (1...3).map { i in try PieceCID(commitment: [UInt8](repeating: UInt8(i), count: 32)) }
        let terms = OfferTerms(pricePerByte: try TokenAmount("1000000000 attoFIL"), expiry: 1_767_225_600, latencyMillis: 250, nonce: 42)
        let offer = try CIDOffer.sign(pieceCIDs: cids, terms: terms, by: pair)
        let sub = try offer.subOffer(for: cids[2])
        let gateway = try KeyPair(seed: Array(repeating: 0x47, count: 32))
        let ack = OfferAcknowledgement.sign(offers: [offer], received: 1_767_000_000, by: gateway)
        return [
            "public_key": pair.publicKey.hex, "node_id": pair.nodeID.description,
            "piece_cid_3": cids[2].description,
            "root": Hex.encode(offer.root), "signed_bytes": Hex.encode(offer.signedBytes),
            "signature": offer.signature.hex, "offer_id": Hex.encode(offer.id), "offer": Hex.encode(offer.encoded),
            "sub_offer": Hex.encode(sub.encoded), "frame": Hex.encode(Envelope(PublishGroupOffer(offer: offer), requestID: 1).framed),
            "ack_signed_bytes": Hex.encode(ack.signedBytes), "ack_signature": ack.signature.hex,
        ]
    }

    @Test func workedExampleMatchesTheCode() throws {
        let documented = try Self.documentedValues()
        let computed = try Self.computedValues()
        for (name, value) in computed.sorted(by: { $0.key < $1.key }) {
            #expect(documented[name] == value, "example.\(name) = \(value)")
        }
    }
}
