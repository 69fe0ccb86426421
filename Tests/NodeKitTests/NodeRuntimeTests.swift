import Foundation
import Logging
import Testing
@testable import NodeKit

/// Whole nodes in one process, over real loopback sockets.
@Suite(.serialized) struct NodeRuntimeTests {
    private func makeNode(_ dir: String, roles: [String], register: (String, NodeID)?, admin: KeyPair? = nil) throws -> Node {
        var config = NodeConfig()
        config.node.listen = "127.0.0.1:0"
        config.node.roles = roles
        config.node.region = "region-\(roles.first ?? "")"
        if let (address, id) = register {
            config.register.address = address
            config.register.nodeID = id.description
        }
        config.admin.keys = admin.map { [$0.publicKey.nodeID.description] } ?? []
        return try Node(directory: DataDirectory(path: dir), identity: KeyPair(), config: config, logger: Logger(label: "test"))
    }

    @Test func nodesFindEachOtherThroughARegister() async throws {
        try await withTemporaryDirectory { dir in
            let register = try makeNode(dir + "/r", roles: ["register", "gateway"], register: nil)
            try await register.start()
            let address = try #require(await register.listenAddress)
            let rid = register.identity.publicKey.nodeID
            let gateway = try makeNode(dir + "/g", roles: ["gateway"], register: (address, rid))
            let client = try makeNode(dir + "/c", roles: ["client"], register: (address, rid))
            try await gateway.start()
            try await client.start()
            await gateway.syncWithRegister()
            await client.syncWithRegister()
            let known = try await client.knownNodes().map(\.nodeID)
            #expect(Set(known) == [gateway.identity.publicKey.nodeID, client.identity.publicKey.nodeID])
            // The client established with the gateway and recorded a round-trip time.
            let status = await client.status()
            #expect(status.peers.map(\.node) == [gateway.identity.publicKey.nodeID.description])
            // The register goes away: the client keeps working from its local copy.
            await register.stop()
            await client.syncWithRegister()
            #expect(try await client.knownNodes().count == 2)
            #expect(client.events.entries(after: 0).contains { $0.message.contains("register unreachable") })
            await gateway.stop()
            await client.stop()
        }
    }

    @Test func controlNeedsTheAdminKey() async throws {
        try await withTemporaryDirectory { dir in
            let admin = KeyPair()
            let node = try makeNode(dir + "/n", roles: ["provider"], register: nil, admin: admin)
            try await node.start()
            let address = try NodeAddress(try #require(await node.listenAddress))
            let id = node.identity.publicKey.nodeID
            let stranger = try await RPCClient.connect(host: address.host, port: address.port, identity: KeyPair(), expectedPeer: id)
            await #expect(throws: WireError.self) { _ = try await stranger.call(ControlStatusRequest(), expecting: ControlStatus.self) }
            await stranger.close()
            let operatorSession = try await RPCClient.connect(host: address.host, port: address.port, identity: admin, expectedPeer: id)
            let status = try await operatorSession.call(ControlStatusRequest(), expecting: ControlStatus.self)
            #expect(status.node == id && status.roles == ["provider"])
            // The live event stream: a long poll returns as soon as something happens.
            let last = node.events.entries(after: 0).last?.sequence ?? 0
            let waiter = Task { try await operatorSession.call(ControlEventsRequest(after: last, waitMillis: 10_000), expecting: ControlEvents.self) }
            try await Task.sleep(for: .milliseconds(200))
            node.events.append("info", "something happened")
            let events = try await waiter.value.events
            #expect(events.map(\.message) == ["something happened"])
            await operatorSession.close()
            await node.stop()
        }
    }

    private func withTemporaryDirectory(_ body: (String) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("filtop-node-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await body(dir)
    }
}
