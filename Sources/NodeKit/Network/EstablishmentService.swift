/// The answering side of establishment (`PeerEstablishment`): signs a challenge so the
/// challenger can prove it reached this node and measure the round trip. Gateways answer
/// clients; providers answer gateways.
public struct EstablishmentService: NodeService {
    private let context: NodeContext

    public init(context: NodeContext) { self.context = context }

    public func install(into router: RequestRouter) {
        router.on(EstablishmentChallenge.self) { challenge, peer in
            guard challenge.client == peer.nodeID else {
                throw WireError.mismatch("the challenge names client \(challenge.client.short), the session is \(peer.nodeID.short)")
            }
            let now = context.clock.unixSeconds
            guard challenge.expiry >= now else { throw WireError.expired(expiry: challenge.expiry, now: now) }
            return challenge.answer(by: context.identity)
        }
    }
}
