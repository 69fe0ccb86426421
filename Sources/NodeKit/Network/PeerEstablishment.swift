import Foundation

/// Establishment: a signed challenge to every node of one role the register lists (a
/// client to the gateways, a gateway to the providers), checking the answer's signature
/// and recording the round-trip time in a `PeerTable`.
///
/// `changed` hears each node whose state flipped: live (answered, after not having or
/// for the first time) or lost (failed after having answered) — what reputation moves on.
public struct PeerEstablishment: Sendable {
    let context: NodeContext
    let peers: PeerTable
    let role: NodeRole
    let changed: @Sendable (NodeID, _ live: Bool) -> Void

    init(context: NodeContext, peers: PeerTable, role: NodeRole, changed: @escaping @Sendable (NodeID, _ live: Bool) -> Void = { _, _ in }) {
        self.context = context
        self.peers = peers
        self.role = role
        self.changed = changed
    }

    /// Establishes with each live record of `role` (not this node) concurrently, at most
    /// `parallel` at a time.
    func establish(with records: [NodeRecord], parallel: Int = 8) async {
        let targets = records.filter { $0.roles.contains(role) && $0.nodeID != context.nodeID }
        peers.keep(only: Set(targets.map(\.nodeID)))
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for target in targets {
                if running == parallel { await group.next(); running -= 1 }
                group.addTask { await establish(with: target) }
                running += 1
            }
        }
    }

    private func establish(with node: NodeRecord) async {
        let before = peers[node.nodeID]
        let wasLive = before?.lastSeen != nil && before?.lastError == nil
        guard let first = node.addresses.first, let address = try? NodeAddress(first) else {
            peers.failed(node.nodeID, "its record has no usable address")
            if wasLive { changed(node.nodeID, false) }
            return
        }
        let start = ContinuousClock.now
        do {
            let session = try await context.transport.connect(
                to: address, identity: context.identity, expectedPeer: node.nodeID, timeout: .seconds(5))
            let answer: EstablishmentAnswer
            let challenge = EstablishmentChallenge.random(client: context.nodeID, now: context.clock.unixSeconds, ttl: 60)
            do {
                answer = try await session.call(challenge, expecting: EstablishmentAnswer.self, timeout: .seconds(5))
            } catch {
                await session.close()
                throw error
            }
            await session.close()
            try answer.verify(answering: challenge, expectedGateway: node.nodeID, now: context.clock.unixSeconds)
            let rtt = ContinuousClock.now - start
            peers.established(node.nodeID, rttMicros: UInt64(max(0, rtt.seconds) * 1_000_000), at: context.clock.now)
            if !wasLive {
                context.note(.info, .peer, "established with \(role.rawValue) \(node.nodeID.short) at \(address)")
                changed(node.nodeID, true)
            }
        } catch {
            let wasFailing = before?.lastError != nil
            peers.failed(node.nodeID, "\(error)")
            if !wasFailing { context.note(.warning, .peer, "could not establish with \(role.rawValue) \(node.nodeID.short): \(error)") }
            if wasLive { changed(node.nodeID, false) }
        }
    }
}
