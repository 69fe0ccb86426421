import Foundation
@testable import NodeKit

/// One filled-in example of each control answer, for codec round trips and fuzz seeds.
enum ControlFixtures {
    static let time = Date(timeIntervalSince1970: 1_764_000_000.123)

    static let status = ControlStatus(NodeStatus(
        nodeID: TrustFixtures.keyPair.nodeID.description, roles: [.client, .gateway], listenAddress: "127.0.0.1:7420",
        dataDirectory: "/var/lib/filtop", startedAt: time, pieceCount: 3, contentRevision: 9, payloadBytes: 1_000, carBytes: 1_200,
        blockCount: 12, peerCount: 4, liveGateways: 2))

    static let pieces = ControlPieces(total: 2, pieces: [
        PieceSummary(rootCID: "bafyroot", pieceCID: "baga6ea4seaqpiece", payloadSize: 10, carSize: 120, pieceSize: 128,
                     source: "日本語.txt", importedAt: time),
    ])

    static let peers = ControlPeers(configured: true, total: 2, peers: [
        PeerRecord(nodeID: "fidgateway", roles: [.gateway], address: "127.0.0.1:9", region: "eu", updatedAt: time,
                   rttMicros: 420, lastSeen: time, lastError: nil, reputation: -120),
        PeerRecord(nodeID: "fidprovider", roles: [.provider], address: "127.0.0.1:10", region: "us", updatedAt: time,
                   rttMicros: nil, lastSeen: nil, lastError: "connection refused"),
    ])

    static let events = ControlEvents(events: [
        NodeEvent(sequence: 7, time: time, level: .warning, kind: .peer, source: "filtop.node", message: "gateway lost"),
    ])
}
