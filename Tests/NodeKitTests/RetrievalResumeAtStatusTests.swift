import Foundation
import NodeKitTesting
import Testing
@testable import NodeKit

/// The statuses where nothing waits on the other node, so nothing a test can hold on the
/// wire stops a node there: each is held by a `StatusGate` (stored, its effects not run)
/// while the node stops; started again on its data directory, the deal completes with
/// the file byte for byte and exact payments.
extension RetrievalResumeTests {
    /// A status where a node is killed, and the side whose deal is in it.
    struct StatusKill: Sendable, CustomTestStringConvertible {
        let side: DealSide
        let state: DealStatus
        var testDescription: String { "\(side) \(state)" }
    }

    static let statusKills: [StatusKill] =
        [DealStatus.accepted, .paymentChannelAllocatingLane, .fundsNeeded, .blocksComplete, .finalizingBlockstore].map { StatusKill(side: .client, state: $0) }
        + [DealStatus.new, .unsealing, .completing].map { StatusKill(side: .provider, state: $0) }

    @Test(arguments: statusKills)
    func killedAtStatusResumes(_ kill: StatusKill) async throws {
        try await Self.builder.runRestarting { market, nodes in
            let provider = try #require(market.member("provider-01")), client = try #require(market.member("client-01"))
            let (piece, _) = try await Self.prepare(provider)
            let stopped = kill.side == .client ? client : provider
            let gate = StatusGate(kill.state, side: kill.side, on: stopped.node)
            let output = market.scratch + "/out.bin"
            let started = try await client.node.retrieval.retrieve(RetrievalOrder(target: piece.rootCID, output: output))
            let deal = try #require(started.deals.first)
            let key = kill.side == .client ? deal.key : DealKey(side: .provider, peer: client.node.context.nodeID, id: deal.id)
            try await gate.reached()
            #expect(try await DealWatch.stored(key, on: stopped.node)?.status == kill.state)

            await stopped.node.stop()
            gate.abandon()
            let restarted = try await nodes.restart(stopped)
            let (providerNode, clientNode) = kill.side == .client ? (provider.node, restarted) : (restarted, client.node)
            // A provider's stop fails the client's call or transfer: it tries again after a second.
            if kill.side == .provider { await Self.letTheClientRetry(market) }
            let done = try await DealWatch.ended(started.id, on: clientNode)
            try await Self.expectCompletedExactly(done, output: output, piece: piece, from: providerNode, provider: provider, client: clientNode)
        }
    }
}
