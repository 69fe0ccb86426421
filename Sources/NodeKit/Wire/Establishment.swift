/// A client's challenge to a gateway when it opens a session: "prove you hold the key of
/// the gateway ID I looked up". Body `{client, expiry, challenge}`: the client's node ID,
/// the Unix time after which the answer is void, and 32 random bytes.
public struct EstablishmentChallenge: WireMessage, Hashable {
    public static let messageType = MessageType.establishmentChallenge
    public static let challengeSize = 32
    public let client: NodeID
    public let challenge: [UInt8]
    public let expiry: UInt64

    public init(client: NodeID, challenge: [UInt8], expiry: UInt64) {
        self.client = client
        self.challenge = challenge
        self.expiry = expiry
    }

    /// A fresh challenge with 32 random bytes, valid for `ttl` seconds after `now`.
    public static func random(client: NodeID, now: UInt64, ttl: UInt64) -> EstablishmentChallenge {
        EstablishmentChallenge(client: client, challenge: Sodium.randomBytes(challengeSize), expiry: now &+ ttl)
    }

    public var body: CBOR {
        .map(["client": .bytes(client.bytes), "expiry": .unsigned(expiry), "challenge": .bytes(challenge)])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "EstablishmentChallenge", keys: ["client", "expiry", "challenge"])
        client = try f.nodeID("client")
        expiry = try f.unsigned("expiry")
        challenge = try f.bytes("challenge", count: EstablishmentChallenge.challengeSize)
    }

    /// The gateway's signed answer.
    public func answer(by gateway: KeyPair) -> EstablishmentAnswer {
        let message = EstablishmentAnswer.signedBytes(gateway: gateway.publicKey, client: client, challenge: challenge, expiry: expiry)
        return EstablishmentAnswer(
            gateway: gateway.publicKey, client: client, challenge: challenge, expiry: expiry, signature: gateway.sign(message))
    }
}

/// A gateway's signed answer to an `EstablishmentChallenge`. Body
/// `{sig, client, expiry, gateway, challenge}`.
///
/// Signed bytes (124): `"filtop/establish/v1\0"` (20) ‖ gateway public key (32) ‖ client
/// node ID (32) ‖ challenge (32) ‖ expiry (8, big-endian).
public struct EstablishmentAnswer: WireMessage, Hashable {
    public static let messageType = MessageType.establishmentAnswer
    public static let domain: [UInt8] = Array("filtop/establish/v1".utf8) + [0]
    public let gateway: PublicKey
    public let client: NodeID
    public let challenge: [UInt8]
    public let expiry: UInt64
    public let signature: Signature

    public init(gateway: PublicKey, client: NodeID, challenge: [UInt8], expiry: UInt64, signature: Signature) {
        self.gateway = gateway
        self.client = client
        self.challenge = challenge
        self.expiry = expiry
        self.signature = signature
    }

    public static func signedBytes(gateway: PublicKey, client: NodeID, challenge: [UInt8], expiry: UInt64) -> [UInt8] {
        var out = domain + gateway.bytes + client.bytes + challenge
        OfferSigning.appendBigEndian(expiry, to: &out)
        return out
    }

    public var signedBytes: [UInt8] {
        EstablishmentAnswer.signedBytes(gateway: gateway, client: client, challenge: challenge, expiry: expiry)
    }

    public var body: CBOR {
        .map([
            "sig": .bytes(signature.bytes), "client": .bytes(client.bytes), "expiry": .unsigned(expiry),
            "gateway": .bytes(gateway.bytes), "challenge": .bytes(challenge),
        ])
    }

    public init(body: CBOR) throws(WireError) {
        let f = try MessageFields(body, "EstablishmentAnswer", keys: ["sig", "client", "expiry", "gateway", "challenge"])
        signature = try f.signature("sig")
        client = try f.nodeID("client")
        expiry = try f.unsigned("expiry")
        gateway = try f.publicKey("gateway")
        challenge = try f.bytes("challenge", count: EstablishmentChallenge.challengeSize)
    }

    /// The client's check: the answer echoes `request`, comes from `expectedGateway` (when
    /// known), carries a valid signature and has not expired at `now`.
    public func verify(answering request: EstablishmentChallenge, expectedGateway: NodeID?, now: UInt64) throws(WireError) {
        guard challenge == request.challenge, client == request.client, expiry == request.expiry else {
            throw .mismatch("the answer echoes a different challenge, client or expiry")
        }
        if let expectedGateway, gateway.nodeID != expectedGateway {
            throw .mismatch("answered by \(gateway.nodeID), expected gateway \(expectedGateway)")
        }
        guard gateway.verify(signature, over: signedBytes) else { throw .badSignature("EstablishmentAnswer from \(gateway.nodeID)") }
        guard expiry > now else { throw .expired(expiry: expiry, now: now) }
    }
}
