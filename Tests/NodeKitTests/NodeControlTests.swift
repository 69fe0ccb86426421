import Foundation
import Logging
import Testing
@testable import NodeKit

@Suite struct NodeControlTests {
    private func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("filtop-control-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func firstOpenSetsUpANodeWithoutPrompts() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = DataDirectory(path: root + "/node")
        let control = try InProcessNodeControl(directory: dir, hub: NodeEventHub())
        #expect(FileManager.default.fileExists(atPath: dir.path + "/node.key"))
        let status = try await control.status()
        #expect(status.nodeID.hasPrefix("fid"))
        #expect(status.pieceCount == 0)
        #expect(status.dataDirectory == dir.path)
        #expect(try await control.registerPeers() == .notConfigured)
        let again = try InProcessNodeControl(directory: dir, hub: NodeEventHub())
        #expect(again.nodeID == control.nodeID)
    }

    @Test func rolesAndPeersComeFromTheNodesConfigAndRegisterCopy() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = DataDirectory(path: root + "/node")
        try dir.create()
        var config = NodeConfig()
        config.node.roles = ["client", "gateway"]
        config.register.address = "127.0.0.1:7421"
        config.register.nodeID = KeyPair().publicKey.nodeID.description
        try config.rendered.write(toFile: dir.configPath, atomically: true, encoding: .utf8)
        let control = try InProcessNodeControl(directory: dir, hub: NodeEventHub())
        let peer = KeyPair()
        try RegisterStore(database: try dir.openBlockstore().database, table: .localCopy).replaceAll([
            try NodeRecord(keyPair: peer, roles: [.provider], addresses: ["127.0.0.1:9000"], region: "eu", country: "DE",
                           paymentAddress: "", expiry: 4_000_000_000, sequence: 1),
        ])
        let peers = try await control.registerPeers()
        #expect(peers.configured && peers.records.map(\.nodeID) == [peer.publicKey.nodeID.description])
        #expect(peers.records.first?.roles == [.provider] && peers.records.first?.region == "eu")
        let status = try await control.status()
        #expect(status.roles == [.client, .gateway] && status.peerCount == 1)
    }

    @Test func importReportsProgressThenThePiece() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = root + "/data.bin"
        try Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: URL(fileURLWithPath: file))
        let control = try InProcessNodeControl(directory: DataDirectory(path: root + "/node"), hub: NodeEventHub())
        var finished: PieceSummary?
        for try await update in await control.importFile(file) {
            if case .finished(let piece) = update { finished = piece }
        }
        let piece = try #require(finished)
        #expect(piece.source == "data.bin")
        #expect(piece.payloadSize == 300_000)
        #expect(try await control.pieces().map(\.pieceCID) == [piece.pieceCID])
        let status = try await control.status()
        #expect(status.pieceCount == 1 && status.blockCount > 1)
        await #expect(throws: (any Error).self) {
            for try await _ in await control.importFile(root + "/missing") {}
        }
    }

    @Test func eventHubReplaysItsBacklogAndFansOut() async throws {
        let hub = NodeEventHub(backlogCapacity: 3)
        let logger = Logger(label: "test.node") { NodeEventLogHandler(label: $0, hub: hub) }
        for i in 0..<5 { logger.info("event \(i)", metadata: ["n": "\(i)"]) }
        logger.debug("hidden below info")
        var seen: [String] = []
        for await event in hub.subscribe() {
            seen.append(event.message)
            if seen.count == 3 { break }
        }
        #expect(seen == ["event 2 n=2", "event 3 n=3", "event 4 n=4"])
    }
}
