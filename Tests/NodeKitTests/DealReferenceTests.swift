import Foundation
import Testing
@testable import NodeKit

/// How an operator names a deal: `c42`, `c42@fid…` and `p42@fid…` parse, anything else is
/// refused saying what is wrong, and a short form resolves among the node's deals to
/// exactly one deal — or says that none or several match.
@Suite struct DealReferenceTests {
    static let alice = try! KeyPair(seed: Array(repeating: 0x61, count: 32)).nodeID
    static let bob = try! KeyPair(seed: Array(repeating: 0x62, count: 32)).nodeID

    static func deal(_ side: DealSide, _ id: UInt64, _ peer: NodeID) -> DealRecord {
        DealRecord(side: side, id: id, peer: peer, payload: RetrievalFixtures.payload, params: RetrievalFixtures.params, createdAt: RetrievalFixtures.time)
    }

    /// Client deal 42 with alice; provider deal 42 with alice and with bob; provider deal 7 with bob.
    static let deals = [deal(.client, 42, alice), deal(.provider, 42, alice), deal(.provider, 42, bob), deal(.provider, 7, bob)]

    @Test func theFormsParse() throws {
        let a = Self.alice.description
        #expect(try DealReference(text: "c42") == DealReference(side: .client, id: 42))
        #expect(try DealReference(text: " C42 ") == DealReference(side: .client, id: 42))
        #expect(try DealReference(text: "p7@fidab") == DealReference(side: .provider, id: 7, peer: "fidab"))
        #expect(try DealReference(text: "P7@" + a.uppercased()) == DealReference(side: .provider, id: 7, peer: a))
        #expect(try DealReference(text: "c42@" + a).key == DealKey(side: .client, peer: Self.alice, id: 42))
        #expect(try DealReference(text: "p0@" + a).key == DealKey(side: .provider, peer: Self.alice, id: 0))
        #expect(try DealReference(text: "c18446744073709551615").id == .max)
        #expect(try DealReference(text: "c42").key == nil && DealReference(text: "p42@fida").key == nil)
    }

    @Test func malformedTextIsRefusedSayingWhatIsWrong() {
        let cases: [(String, String)] = [
            ("", "it must start with c (a client deal: c42) or p"),
            ("42", "it must start with c (a client deal: c42) or p"),
            ("x42", "it must start with c"),
            ("c", "the deal number after 'c' must be a whole number"),
            ("c-1", "the deal number after 'c' must be a whole number"),
            ("c+1", "the deal number after 'c' must be a whole number"),
            ("c4 2", "the deal number after 'c' must be a whole number"),
            ("c18446744073709551616", "the deal number after 'c' must be a whole number"),
            ("p42", "a provider deal is named with its client: p42@fid…"),
            ("p42@", "after '@' comes the client's node ID or its start"),
            ("p42@fid", "after '@' comes the client's node ID or its start"),
            ("p42@abc", "after '@' comes the client's node ID or its start"),
            ("p42@fid1", "after '@' comes the client's node ID or its start"),
            ("c42@fid!x", "after '@' comes the provider's node ID or its start"),
            ("p42@" + Self.alice.description + "a", "after '@' comes the client's node ID"),
            ("p42@fid" + String(repeating: "7", count: 52), "not the canonical form"),
        ]
        for (text, expected) in cases {
            do {
                let parsed = try DealReference(text: text)
                Issue.record("'\(text)' parsed as \(parsed)")
            } catch {
                #expect(error.description.contains(expected) && error.description.contains("is not a deal ID") && error.description.contains("filtop deals list"),
                        "'\(text)': \(error)")
            }
        }
    }

    @Test func aShortFormResolvesToExactlyOneDeal() throws {
        let alicePrefix = String(Self.alice.description.prefix(8)), bobPrefix = String(Self.bob.description.prefix(8))
        #expect(alicePrefix != bobPrefix)
        #expect(try DealKey(text: "c42", among: Self.deals) == DealKey(side: .client, peer: Self.alice, id: 42))
        #expect(try DealKey(text: "p42@" + alicePrefix, among: Self.deals) == DealKey(side: .provider, peer: Self.alice, id: 42))
        #expect(try DealKey(text: "p42@" + bobPrefix.uppercased(), among: Self.deals) == DealKey(side: .provider, peer: Self.bob, id: 42))
        // The whole node ID needs no lookup: an older deal than those listed is named so.
        #expect(try DealKey(text: "c9@" + Self.bob.description, among: []) == DealKey(side: .client, peer: Self.bob, id: 9))
        // What the list shows (`DealKey.description`) names the deal again.
        for deal in Self.deals { #expect(try DealKey(text: deal.key.description, among: Self.deals) == deal.key) }
    }

    /// Two clients whose node IDs start alike ('fid' and the same next character): among
    /// 33 keys two must (base32 has 32 characters).
    static func alike() throws -> (NodeID, NodeID) {
        var seen: [Character: NodeID] = [:]
        for seed in UInt8(0)...32 {
            let id = try KeyPair(seed: Array(repeating: seed, count: 32)).nodeID
            let next = Array(id.description)[3]
            if let other = seen[next] { return (other, id) }
            seen[next] = id
        }
        throw DealReferenceError.malformed("", "no two keys alike")
    }

    @Test func noneOrSeveralMatchingSaySo() throws {
        #expect(throws: DealReferenceError.notFound(DealReference(side: .client, id: 7), searched: 4)) { try DealKey(text: "c7", among: Self.deals) }
        #expect(throws: DealReferenceError.notFound(DealReference(side: .provider, id: 7, peer: Self.alice.short), searched: 4)) {
            try DealKey(text: "p7@" + Self.alice.short, among: Self.deals)
        }
        let (carol, dave) = try Self.alike()
        let prefix = String(carol.description.prefix(4))
        let deals = [Self.deal(.provider, 5, carol), Self.deal(.provider, 5, dave)]
        let keys = deals.map(\.key)
        #expect(throws: DealReferenceError.ambiguous(DealReference(side: .provider, id: 5, peer: prefix), keys)) {
            try DealKey(text: "p5@" + prefix, among: deals)
        }
        // More of the node ID tells them apart.
        #expect(try DealKey(text: "p5@" + carol.short, among: deals) == keys[0])
        let ambiguous = DealReferenceError.ambiguous(DealReference(side: .provider, id: 5, peer: prefix), keys)
        #expect(ambiguous.description.contains("names 2 deals") && ambiguous.description.contains("give more of the client's node ID"))
        let missing = DealReferenceError.notFound(DealReference(side: .client, id: 7), searched: 200)
        #expect(missing.description.contains("no client deal 7 among the node's 200 most recently changed deals")
                && missing.description.contains("c7@fid…"))
    }
}
