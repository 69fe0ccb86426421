import Foundation

/// Client establishment: a signed challenge to every gateway the register knows, checking
/// the gateway's signature and recording the round-trip time in the `PeerTable`.
public struct GatewayEstablishment: Sendable {
    let context: NodeContext
    let peers: PeerTable

    /// Establishes with each live gateway record (not this node) concurrently, at most
    /// `parallel` at a time.
    func establish(with records: [NodeRecord], parallel: Int = 8) async {
        let gateways = records.filter { $0.roles.contains(.gateway) && $0.nodeID != context.nodeID }
        peers.keep(only: Set(gateways.map(\.nodeID)))
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for gateway in gateways {
                if running == parallel { await group.next(); running -= 1 }
                group.addTask { await establish(with: gateway) }
                running += 1
            }
        }
    }

    private func establish(with gateway: NodeRecord) async {
        guard let first = gateway.addresses.first, let address = try? NodeAddress(first) else {
            peers.failed(gateway.nodeID, "its record has no usable address")
            return
        }
        let start = ContinuousClock.now
        do {
            let session = try await context.transport.connect(
                to: address, identity: context.identity, expectedPeer: gateway.nodeID, timeout: .seconds(5))
            let answer: EstablishmentAnswer
            let challenge = EstablishmentChallenge.random(client: context.nodeID, now: context.clock.unixSeconds, ttl: 60)
            do {
                answer = try await session.call(challenge, expecting: EstablishmentAnswer.self, timeout: .seconds(5))
            } catch {
                await session.close()
                throw error
            }
            await session.close()
            try answer.verify(answering: challenge, expectedGateway: gateway.nodeID, now: context.clock.unixSeconds)
            let rtt = ContinuousClock.now - start
            let wasLive = peers[gateway.nodeID]?.lastSeen != nil && peers[gateway.nodeID]?.lastError == nil
            peers.established(gateway.nodeID, rttMicros: UInt64(max(0, rtt.seconds) * 1_000_000), at: context.clock.now)
            if !wasLive { context.note(.info, .peer, "established with gateway \(gateway.nodeID.short) at \(address)") }
        } catch {
            let wasFailing = peers[gateway.nodeID]?.lastError != nil
            peers.failed(gateway.nodeID, "\(error)")
            if !wasFailing { context.note(.warning, .peer, "could not establish with gateway \(gateway.nodeID.short): \(error)") }
        }
    }
}
