import Foundation
import NodeKit
import Synchronization
import Testing
@testable import filtop

/// A node whose content revision the test moves, counting how often its pieces are listed.
final class RevisionNodeControl: PaymentlessControl {
    let state = Mutex((revision: Int64(1), listings: 0, pieces: Array(FixedNodeControl.pieces.prefix(3))))

    func status() async throws -> NodeStatus {
        let s = state.withLock { $0 }
        return NodeStatus(nodeID: "fidtestnode", roles: [.provider], dataDirectory: "/d", startedAt: FixedNodeControl.started,
                          pieceCount: s.pieces.count, contentRevision: s.revision, payloadBytes: 0, carBytes: 0, blockCount: 0, peerCount: 0)
    }
    func pieces() async throws -> [PieceSummary] { state.withLock { $0.listings += 1; return $0.pieces } }
    func registerPeers() async throws -> RegisterPeers { .notConfigured }
    func events(after: UInt64) async -> AsyncStream<NodeEvent> { AsyncStream { $0.finish() } }
    func eventPage(after: UInt64, wait: Duration) async throws -> [NodeEvent] { [] }
    func importFile(_ path: String) async -> AsyncThrowingStream<ImportUpdate, Error> { AsyncThrowingStream { $0.finish() } }
    func importProgress(of path: String) async throws -> ImportProgress? { nil }
}

@Suite struct NodeFeedTests {
    @Test func piecesAreListedAgainOnlyWhenTheContentRevisionMoves() async throws {
        let control = RevisionNodeControl()
        let mailbox = ConsoleMailbox(wake: {})
        let feed = NodeFeed(control: control, mailbox: mailbox, interval: 60)
        for _ in 0..<5 { await feed.refresh() }
        #expect(control.state.withLock { $0.listings } == 1)
        #expect(mailbox.take().snapshot?.pieces.count == 3)

        control.state.withLock { $0.revision = 2; $0.pieces = Array(FixedNodeControl.pieces.prefix(4)) }
        await feed.refresh()
        await feed.refresh()
        #expect(control.state.withLock { $0.listings } == 2)
        #expect(mailbox.take().snapshot?.pieces.count == 4)
    }
}
