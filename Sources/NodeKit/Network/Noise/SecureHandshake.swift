/// A Noise XX handshake that also proves both nodes' Ed25519 identities.
///
/// The responder's identity proof rides in message 2 and the initiator's in message 3
/// (`NoiseIdentityProof`), each encrypted. The initiator refuses any responder other than
/// the node it dialled (`expectedPeer`); a responder may also restrict who may connect.
/// The Noise static key is fresh per handshake: identity lives in the signed proof, so
/// nothing long-term besides the Ed25519 key needs storing.
public struct SecureHandshake {
    /// An established session: the transport cipher states and the proven peer.
    public struct Session: Sendable {
        public var transport: NoiseXXHandshake.Transport
        public let peer: PublicKey
    }

    private var noise: NoiseXXHandshake
    private let identity: KeyPair
    private let expectedPeer: NodeID?
    private var peer: PublicKey?

    public init(role: NoiseXXHandshake.Role, identity: KeyPair, expectedPeer: NodeID?, prologue: [UInt8] = Array("filtop/1".utf8)) {
        noise = NoiseXXHandshake(role: role, staticPrivateKey: Sodium.randomBytes(NoisePrimitives.dhLength), prologue: prologue)
        self.identity = identity
        self.expectedPeer = expectedPeer
    }

    public var isComplete: Bool { noise.isComplete }

    /// Advances the handshake: give the message just received (nil to start, as initiator);
    /// returns the message to send, or nil when there is nothing more to send.
    public mutating func step(received: [UInt8]?) throws(NoiseError) -> [UInt8]? {
        if let received {
            let payload = try noise.readMessage(received)
            if let remoteStatic = noise.remoteStatic, peer == nil {
                let proven = try NoiseIdentityProof.verify(payload, staticPublicKey: remoteStatic)
                if let expectedPeer, proven.nodeID != expectedPeer {
                    throw .unexpectedPeer(expected: expectedPeer.description, actual: proven.nodeID.description)
                }
                peer = proven
            }
        }
        guard noise.isMyTurn else { return nil }
        let sendsStatic = (noise.role == .responder) || received != nil
        let payload = sendsStatic ? NoiseIdentityProof(signing: noise.localStaticPublicKey, with: identity).encoded : []
        return try noise.writeMessage(payload)
    }

    /// The session, once the handshake is complete and the peer proven.
    public func session() throws(NoiseError) -> Session {
        guard let peer else { throw .outOfOrder("peer identity not yet proven") }
        return Session(transport: try noise.transport(), peer: peer)
    }
}
