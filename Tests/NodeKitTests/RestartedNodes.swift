import Foundation
import NodeKitTesting
import Testing
@testable import NodeKit

/// The nodes a test starts again on devnet members' data directories (a member restarted
/// after a stop or a kill), each stopped when the test ends, however it ends.
final class RestartedNodes: Sendable {
    let market: DevnetBuilder.Market
    private let started = Locked<[Node]>([])

    init(_ market: DevnetBuilder.Market) { self.market = market }

    /// A new node on `member`'s data directory, keys and config, over `transport` (the
    /// market's by default), on the market's clock. The member's previous node must have
    /// stopped: the new one listens on the same address.
    func restart(_ member: Devnet.Member, over transport: (any Transport)? = nil) async throws -> Node {
        let node = try Node(directory: member.directory, identity: member.node.identity, config: try member.directory.loadConfig(),
                            clock: market.clock, transport: transport ?? market.transport)
        started.withLock { $0.append(node) }
        try await node.start()
        return node
    }

    /// Kills `node` as far as a test can: its connections through `transport` fail at
    /// once, as a killed process's do, while it stops — so whatever it was waiting for
    /// there, it persists nothing more of it.
    func kill(_ node: Node, cutting transport: HoldingTransport) async {
        async let stopped: Void = node.stop()
        transport.cut()
        await stopped
    }

    fileprivate func stopAll() async {
        for node in started.withLock({ $0 }) { await node.stop() }
    }
}

extension DevnetBuilder {
    /// `run`, with the nodes the test restarts (`RestartedNodes`) stopped before the devnet.
    func runRestarting<T: Sendable>(_ body: (Market, RestartedNodes) async throws -> T) async throws -> T {
        try await run { market in
            let nodes = RestartedNodes(market)
            do {
                let result = try await body(market, nodes)
                await nodes.stopAll()
                return result
            } catch {
                await nodes.stopAll()
                throw error
            }
        }
    }
}

/// Waits on a node's journal for its deals.
enum DealWatch {
    /// Why a wait for a deal ended without what it waited for.
    struct Ended: Error, CustomStringConvertible {
        let description: String
    }

    /// Waits (on the journal, not a timer) until deal `key` on `node` has been in `status`
    /// (`times` times); returns the deal as then stored. Throws `Ended` when the deal ends
    /// without it.
    @discardableResult
    static func reached(_ status: DealStatus, _ key: DealKey, on node: Node, times: Int = 1) async throws -> DealRecord {
        while true {
            try Task.checkCancellation()
            let mark = node.journal.lastSequence
            if let detail = try? await node.retrieval.deal(key) {
                // The deal is read again: the history read after it may hold a newer status.
                if detail.history.filter({ $0.status == status }).count >= times { return try await stored(key, on: node) ?? detail.deal }
                if detail.deal.isTerminal {
                    throw Ended(description: "deal \(key) ended \(detail.deal.status) (\(detail.deal.message)) without reaching \(status)")
                }
            }
            _ = await node.journal.wait(after: mark, timeout: .seconds(60), clock: SystemClock(), limit: 1)
        }
    }

    /// Waits (on the journal) until retrieval `id` on `node` has ended; returns it then.
    static func ended(_ id: UInt64, on node: Node) async throws -> RetrievalSummary {
        while true {
            try Task.checkCancellation()
            let mark = node.journal.lastSequence
            let summary = try await node.retrieval.retrieval(id)
            if summary.status != .running { return summary }
            _ = await node.journal.wait(after: mark, timeout: .seconds(60), clock: SystemClock(), limit: 1)
        }
    }

    /// Waits until a client sleeps its first backoff (a second) after a step of its deal
    /// failed. Every node's market ticks each second too (`Market.tick`): with `ticking`
    /// nodes running (a devnet's register, ledger, provider and client), the client's
    /// backoff is the sleeper for a second after theirs.
    static func clientBacksOff(_ clock: ManualClock, ticking: Int = 4) async {
        await clock.waitForSleepers(ticking + 1, until: clock.now.addingTimeInterval(Market.tick.seconds))
    }

    /// The deal `key` as `node` has stored it (not as a running deal holds it in memory).
    static func stored(_ key: DealKey, on node: Node) async throws -> DealRecord? {
        try await DealStore(database: node.context.blockstore.database).deal(key)
    }
}
