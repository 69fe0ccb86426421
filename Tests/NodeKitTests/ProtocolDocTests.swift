import Foundation
import Testing
@testable import NodeKit

/// Recomputes the worked example in docs/PROTOCOL.md, so the document cannot drift from
/// the code: every `example.<name> = <hex>` line there must equal what the code produces,
/// every `refused.<case>` signature vector must be refused, and each rule the document
/// states about offers must be what the code enforces on a crafted input.
@Suite struct ProtocolDocTests {
    static func documentText() throws -> String {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/PROTOCOL.md")
        return try String(contentsOf: doc, encoding: .utf8)
    }

    /// The `<prefix><name> = <value>` lines of the document, values of repeated names concatenated.
    static func documentedValues(prefix: String = "example.") throws -> [String: String] {
        var values: [String: String] = [:]
        for line in try documentText().split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].hasPrefix(prefix) else { continue }
            values[String(parts[0].dropFirst(prefix.count)), default: ""] += parts[1]
        }
        return values
    }

    /// The document's text with line breaks as spaces, so a sentence can be looked up whole.
    static func flatText() throws -> String {
        try documentText().split(whereSeparator: \.isWhitespace).joined(separator: " ")
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

    /// The lines of the document between the heading that starts with `heading` and the next heading.
    static func section(_ heading: String) throws -> [Substring] {
        var lines: [Substring] = []
        var inside = false
        for line in try documentText().split(separator: "\n") {
            if line.hasPrefix("#") { inside = line.hasPrefix(heading) }
            if inside { lines.append(line) }
        }
        return lines
    }

    /// The cells of a Markdown table row, trimmed of spaces and backticks.
    static func cells(_ row: Substring) -> [String] {
        row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
    }

    @Test func catalogueListsEveryMessageTypeAndRefusalCode() throws {
        var listed: [UInt64: String] = [:]
        for row in try Self.section("## 7. Message catalogue") where row.hasPrefix("| ") {
            let cells = Self.cells(row)
            guard cells.count >= 2, let number = UInt64(cells[0]) else { continue }
            #expect(listed[number] == nil, "PROTOCOL.md §7 lists type \(number) twice")
            listed[number] = cells[1]
        }
        for type in MessageType.allCases {
            #expect(listed[type.rawValue] == type.description, "PROTOCOL.md §7 lacks | \(type.rawValue) | \(type) |")
        }
        let unknown = Set(listed.keys).subtracting(MessageType.allCases.map(\.rawValue))
        #expect(unknown.isEmpty, "PROTOCOL.md §7 lists types the code does not have: \(unknown.sorted())")

        let codes = try Self.section("### Refusals").filter { $0.hasPrefix("| `") }.compactMap { Self.cells($0).first }
        let sent = RefusalCode.allCases.filter { $0 != .unknown }.map(\.rawValue)
        #expect(codes.sorted() == sent.sorted(), "PROTOCOL.md's refusal codes: \(codes)")
    }

    @Test func signatureRulesAreStatedAndEveryRefusedVectorIsRefused() throws {
        let text = try Self.flatText()
        for rule in ["**A is canonical**", "**A does not have small order**",
                     "**R is canonical, on the curve and not of small order**", "**S < L**",
                     "**The equation holds without the cofactor**", "OpenSSL, and so Python's `cryptography`, applies only rules 4 and 5"] {
            let stated = text.contains(rule)
            #expect(stated, "PROTOCOL.md §1 does not state: \(rule)")
        }
        let vectors = try Self.documentedValues(prefix: "refused.")
        let message = try #require(Hex.decode(try Self.documentedValues()["signed_bytes"] ?? ""), "example.signed_bytes")
        let cases = Set(vectors.keys.compactMap { $0.split(separator: ".").first.map(String.init) })
        #expect(cases == ["small_order_key", "non_canonical_key", "small_order_r", "non_canonical_r", "s_plus_l"])
        for name in cases.sorted() {
            let key = try PublicKey(bytes: try #require(Hex.decode(vectors["\(name).public_key"] ?? ""), "\(name).public_key"))
            let signature = try Signature(bytes: try #require(Hex.decode(vectors["\(name).signature"] ?? ""), "\(name).signature"))
            #expect(!key.verify(signature, over: message), "filtop accepts the documented refused vector \(name)")
        }
        let example = try Self.computedValues()
        let exampleKey = try PublicKey(bytes: try #require(Hex.decode(example["public_key"]!)))
        #expect(exampleKey.verify(try Signature(bytes: try #require(Hex.decode(example["signature"]!))), over: message))
    }

    @Test func offerListRulesAreStatedAndEnforced() throws {
        let text = try Self.flatText()
        for rule in ["**Distinct**: no Piece CID appears twice",
                     "**top two bits of its last byte (index 31 of the 32 bytes) are clear**",
                     "1 ≤ `leaves` ≤ 128", "0 ≤ `index` < `leaves`"] {
            let stated = text.contains(rule)
            #expect(stated, "PROTOCOL.md §3 does not state: \(rule)")
        }
        let pair = TrustFixtures.keyPair
        let terms = TrustFixtures.terms
        func signedOffer(_ leaves: [UInt8]) -> CIDOffer {
            let root = MerkleTree.root(flatLeaves: leaves)
            let count = leaves.count / MerkleTree.nodeSize
            let signed = OfferSigning.signedBytes(provider: pair.publicKey, root: root, leafCount: count, terms: terms)
            return CIDOffer(provider: pair.publicKey, flatCommitments: leaves, terms: terms, root: root, signature: pair.sign(signed))
        }
        var byte0Set = [UInt8](repeating: 7, count: 32)
        byte0Set[0] = 0xff
        try CIDOffer(encoded: signedOffer(byte0Set).encoded).verify(at: TrustFixtures.before)
        for topBits: UInt8 in [0x40, 0x80] {
            var bad = [UInt8](repeating: 7, count: 32)
            bad[31] |= topBits
            #expect(throws: OfferError.invalidPieceCID(index: 1)) {
                try CIDOffer(encoded: signedOffer(TrustFixtures.pieceCID(0).commitment + bad).encoded)
            }
        }
        let twice = TrustFixtures.pieceCID(2)
        #expect(throws: OfferError.duplicatePieceCID(twice.description, first: 0, second: 1)) {
            try CIDOffer(encoded: signedOffer(twice.commitment + twice.commitment).encoded)
        }

        let sub = try TrustFixtures.offer(128).subOffer(for: TrustFixtures.pieceCID(127))
        #expect(try SubOffer(encoded: sub.encoded) == sub)
        for leaves in [0, 129] {
            let proof = MerkleProof(index: 0, leafCount: leaves, flatSiblings: sub.proof.flatSiblings)
            let outside = SubOffer(provider: sub.provider, pieceCID: sub.pieceCID, proof: proof, root: sub.root, terms: sub.terms, signature: sub.signature)
            #expect(throws: OfferError.cidCount(leaves, limit: 128)) { try SubOffer(encoded: outside.encoded) }
        }
        let pastEnd = MerkleProof(index: 128, leafCount: 128, flatSiblings: sub.proof.flatSiblings)
        let outside = SubOffer(provider: sub.provider, pieceCID: sub.pieceCID, proof: pastEnd, root: sub.root, terms: sub.terms, signature: sub.signature)
        #expect(throws: OfferError.invalidProof("position 128 is outside the 128 leaves")) { try SubOffer(encoded: outside.encoded) }
    }
}
