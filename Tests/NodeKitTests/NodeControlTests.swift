import Foundation
import NodeKitTesting
import Testing
@testable import NodeKit

/// The control service on a running node, in process and over an admin session: the same
/// answers both ways.
@Suite(.timeLimit(.minutes(2))) struct NodeControlTests {
    @Test func importReportsProgressThenThePieceBothWays() async throws {
        try await DevnetBuilder(providers: 1).run { market in
            let member = try #require(market.member("provider-01"))
            let file = market.scratch + "/data.bin"
            try Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: URL(fileURLWithPath: file))
            let local = member.node.control
            var finished: PieceSummary?
            var progressed = false
            for try await update in await local.importFile(file) {
                switch update {
                case .progress: progressed = true
                case .finished(let piece): finished = piece
                }
            }
            let piece = try #require(finished)
            #expect(progressed && piece.source == "data.bin" && piece.payloadSize == 300_000)
            #expect(try await local.pieces().map(\.pieceCID) == [piece.pieceCID])
            #expect(member.node.journal.events(after: 0).contains { $0.kind == .content && $0.message.contains("imported") })

            let remote = RemoteNodeControl(
                address: try #require(member.node.listenAddress), adminKey: try KeyFile.load(from: member.adminKeyPath),
                expectedPeer: member.node.identity.publicKey.nodeID, transport: market.transport, clock: market.clock)
            #expect(try await remote.pieces() == local.pieces())
            #expect(try await remote.status() == local.status())
            // A failed import is the same typed error remotely as the message locally.
            var localError = ""
            do { for try await _ in await local.importFile(market.scratch + "/missing") {} } catch { localError = "\(error)" }
            var remoteError: Refusal?
            do { for try await _ in await remote.importFile(market.scratch + "/missing") {} } catch { remoteError = error as? Refusal }
            #expect(!localError.isEmpty && remoteError?.code == .failed && remoteError?.message == localError)
            await remote.close()
        }
    }

    @Test func manyPiecesCrossInPages() async throws {
        try await DevnetBuilder(providers: 1).run { market in
            let member = try #require(market.member("provider-01"))
            for i in 0..<(ControlPieces.maxPage + 5) {
                let file = market.scratch + "/f\(i)"
                try Data("piece \(i)".utf8).write(to: URL(fileURLWithPath: file))
                _ = try member.node.context.blockstore.importFile(file) { _ in }
            }
            let remote = RemoteNodeControl(
                address: try #require(member.node.listenAddress), adminKey: try KeyFile.load(from: member.adminKeyPath),
                expectedPeer: member.node.identity.publicKey.nodeID, transport: market.transport, clock: market.clock)
            let pieces = try await remote.pieces()
            #expect(pieces.count == ControlPieces.maxPage + 5)
            #expect(pieces == (try await member.node.control.pieces()))
        }
    }

    @Test func theNodeLeavesItselfOutOfItsPeers() async throws {
        try await DevnetBuilder(gateways: 2).run { market in
            let gateway = try #require(market.member("gateway-01")).node
            let peers = try await gateway.control.registerPeers()
            #expect(peers.configured && peers.records.count == 2)  // the other gateway and the ledger
            #expect(!peers.records.contains { $0.nodeID == gateway.identity.publicKey.nodeID.description })
        }
    }
}
