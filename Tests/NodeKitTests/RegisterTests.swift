import Foundation
import NodeKitTesting
import Testing
@testable import NodeKit

@Suite struct RegisterTests {
    private func record(_ key: KeyPair, seq: UInt64 = 1, roles: Set<NodeRecord.Role> = [.gateway], region: String = "eu",
                        expiry: UInt64 = 4_000_000_000) throws -> NodeRecord {
        try NodeRecord(keyPair: key, roles: roles, addresses: ["127.0.0.1:7420"], region: region, country: "DE",
                       paymentAddress: "f1abc", expiry: expiry, sequence: seq)
    }

    @Test func recordsRoundTripAndAnyAlterationIsCaught() throws {
        let key = KeyPair()
        let r = try record(key)
        #expect(try NodeRecord(cbor: r.cbor) == r)
        guard case .map(let fields) = r.cbor else { Issue.record("record is not a map"); return }
        let changes: [String: CBOR] = [
            "region": .text("us"), "country": .text("US"), "pay": .text("f1evil"), "expiry": .unsigned(5_000_000_000),
            "seq": .unsigned(2), "addrs": .array([.text("10.0.0.1:1")]), "roles": .array([.text("register")]),
            "key": .bytes(KeyPair().publicKey.bytes),
        ]
        for (field, value) in changes {
            var altered = fields
            altered[field] = value
            #expect(throws: RegisterError.self, "\(field)") { try NodeRecord(cbor: .map(altered)) }
        }
    }

    @Test func invalidFieldsAreRefusedWithAReason() {
        let key = KeyPair()
        #expect(throws: RegisterError.self) { try NodeRecord(keyPair: key, roles: [], addresses: [], region: "", country: "DE", paymentAddress: "", expiry: 1, sequence: 1) }
        #expect(throws: RegisterError.self) { try NodeRecord(keyPair: key, roles: [.client], addresses: ["nohost"], region: "", country: "DE", paymentAddress: "", expiry: 1, sequence: 1) }
        #expect(throws: RegisterError.self) { try NodeRecord(keyPair: key, roles: [.client], addresses: [], region: "", country: "de", paymentAddress: "", expiry: 1, sequence: 1) }
        #expect(throws: RegisterError.self) { try NodeAddress("127.0.0.1:0") }
        #expect(throws: Never.self) { try NodeAddress("127.0.0.1:0", allowingPortZero: true) }
        #expect(throws: Never.self) { try NodeAddress("[::1]:7420") }
    }

    @Test func storeKeepsNewestAndFilters() throws {
        let store = RegisterStore(database: try NodeDatabase(), table: .authoritative)
        let a = KeyPair(), b = KeyPair()
        try store.upsert(try record(a, seq: 5))
        #expect(throws: RegisterError.self) { try store.upsert(try record(a, seq: 5)) }
        try store.upsert(try record(a, seq: 6, region: "us"))
        try store.upsert(try record(b, roles: [.provider]))
        #expect(try store.list(now: 0).count == 2)
        #expect(try store.list(role: .provider, now: 0).map(\.nodeID) == [b.publicKey.nodeID])
        #expect(try store.list(region: "us", now: 0).map(\.nodeID) == [a.publicKey.nodeID])
        #expect(try store.list(now: 4_000_000_000).isEmpty)
        #expect(try store.remove(a.publicKey.nodeID))
        #expect(try store.record(a.publicKey.nodeID) == nil)
    }

    @Test func onlyTheOwnerWritesItsRecord() async throws {
        try await DevnetBuilder().run { market in
            let router = market.devnet.register.node.router
            let owner = KeyPair(), other = KeyPair()
            func code(_ answer: Envelope) throws -> RefusalCode? {
                answer.type == .refusal ? try answer.message(as: Refusal.self).code : nil
            }
            let publish = Envelope(RegisterNode(record: try record(owner)), requestID: 1)
            #expect(try code(await router.answer(publish, from: other.publicKey)) == .notOwner)
            #expect(await router.answer(publish, from: owner.publicKey).type == .registerAck)
            let remove = Envelope(DeregisterNode(node: owner.publicKey.nodeID), requestID: 2)
            #expect(try code(await router.answer(remove, from: other.publicKey)) == .notOwner)
            #expect(await router.answer(remove, from: owner.publicKey).type == .registerAck)
            #expect(try code(await router.answer(remove, from: owner.publicKey)) == .notFound)
            // Expiry is judged on the register's clock.
            let expired = Envelope(RegisterNode(record: try record(owner, seq: 9, expiry: market.clock.unixSeconds - 1)), requestID: 3)
            #expect(try code(await router.answer(expired, from: owner.publicKey)) == .expired)
        }
    }

    @Test func configParsesValidatesAndRejectsTypos() throws {
        let c = try NodeConfig.parse("")
        #expect(c.node.listen == "127.0.0.1:7420" && c.register.address.isEmpty)
        var custom = NodeConfig()
        custom.node.roles = ["register"]
        custom.register.address = "127.0.0.1:9"
        custom.register.nodeID = KeyPair().publicKey.nodeID.description
        #expect(try NodeConfig.parse(custom.rendered) == custom)
        #expect(throws: NodeError.self) { try NodeConfig.parse("[node]\nlisten = \"x\"") }
        #expect(throws: NodeError.self) { try NodeConfig.parse("[node]\nrolse = [\"client\"]") }
        #expect(throws: NodeError.self) { try NodeConfig.parse("[node]\nroles = [\"miner\"]") }
        #expect(throws: NodeError.self) { try NodeConfig.parse("[register]\naddress = \"127.0.0.1:9\"\nnode_id = \"nope\"") }
        #expect(throws: NodeError.self) { try NodeConfig.parse("not toml ===") }
    }
}
