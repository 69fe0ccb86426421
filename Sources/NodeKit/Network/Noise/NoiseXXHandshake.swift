/// The Noise XX handshake, `Noise_XX_25519_AESGCM_SHA256` (as libp2p uses it):
///
///     -> e
///     <- e, ee, s, es
///     -> s, se
///
/// Both sides learn each other's static Curve25519 key; each message may carry a payload
/// (encrypted from the second message on). After the third message `transport()` gives
/// the two cipher states for the session. Construction is pure: no sockets, no clocks.
public struct NoiseXXHandshake {
    public static let protocolName = "Noise_XX_25519_AESGCM_SHA256"

    public enum Role: Sendable { case initiator, responder }

    /// The session keys: `send` encrypts what this side sends, `receive` decrypts what it gets.
    public struct Transport: Sendable {
        public var send: NoiseCipherState
        public var receive: NoiseCipherState
        /// The handshake hash, unique to this session (channel binding).
        public let handshakeHash: [UInt8]
        /// The peer's static Curve25519 key.
        public let remoteStatic: [UInt8]
    }

    public let role: Role
    private var symmetric: NoiseSymmetricState
    private let localStatic: NoisePrimitives.KeyPair
    private var localEphemeral: NoisePrimitives.KeyPair?
    private var remoteEphemeral: [UInt8]?
    /// The peer's static key, once received (after message 2 for the initiator, 3 for the responder).
    public private(set) var remoteStatic: [UInt8]?
    private var step = 0

    /// Starts a handshake. `staticPrivateKey` is this node's 32-byte Curve25519 session key;
    /// `ephemeralPrivateKey` is for test vectors only (fresh random keys otherwise).
    public init(role: Role, staticPrivateKey: [UInt8], prologue: [UInt8] = [], ephemeralPrivateKey: [UInt8]? = nil) {
        self.role = role
        symmetric = NoiseSymmetricState(protocolName: Self.protocolName)
        symmetric.mixHash(prologue)
        localStatic = NoisePrimitives.KeyPair(privateKey: staticPrivateKey)
        localEphemeral = ephemeralPrivateKey.map(NoisePrimitives.KeyPair.init(privateKey:))
    }

    /// This side's static public key.
    public var localStaticPublicKey: [UInt8] { localStatic.publicKey }

    /// Whether all three messages have been exchanged.
    public var isComplete: Bool { step == 3 }

    /// Whether the next message is this side's to write.
    public var isMyTurn: Bool { (step % 2 == 0) == (role == .initiator) && step < 3 }

    /// Writes the next handshake message carrying `payload`.
    public mutating func writeMessage(_ payload: [UInt8] = []) throws(NoiseError) -> [UInt8] {
        guard isMyTurn else { throw .outOfOrder("not this side's turn to write (step \(step))") }
        var out = [UInt8]()
        switch step {
        case 0:
            let e = localEphemeral ?? NoisePrimitives.KeyPair.generate()
            localEphemeral = e
            out += e.publicKey
            symmetric.mixHash(e.publicKey)
        case 1:
            let e = localEphemeral ?? NoisePrimitives.KeyPair.generate()
            localEphemeral = e
            out += e.publicKey
            symmetric.mixHash(e.publicKey)
            symmetric.mixKey(try NoisePrimitives.dh(e, try required(remoteEphemeral)))
            out += try symmetric.encryptAndHash(localStatic.publicKey)
            symmetric.mixKey(try NoisePrimitives.dh(localStatic, try required(remoteEphemeral)))
        default:
            out += try symmetric.encryptAndHash(localStatic.publicKey)
            symmetric.mixKey(try NoisePrimitives.dh(localStatic, try required(remoteEphemeral)))
        }
        out += try symmetric.encryptAndHash(payload)
        guard out.count <= NoisePrimitives.maxMessageLength else { throw .messageTooLong(out.count) }
        step += 1
        return out
    }

    /// Reads the peer's next handshake message and returns its payload.
    public mutating func readMessage(_ message: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard !isMyTurn && step < 3 else { throw .outOfOrder("not the peer's turn to write (step \(step))") }
        guard message.count <= NoisePrimitives.maxMessageLength else { throw .messageTooLong(message.count) }
        let dh = NoisePrimitives.dhLength, tag = NoisePrimitives.tagLength
        var rest = message[...]
        func take(_ n: Int) throws(NoiseError) -> [UInt8] {
            guard rest.count >= n else { throw .truncatedMessage(expected: message.count - rest.count + n, actual: message.count) }
            defer { rest = rest.dropFirst(n) }
            return Array(rest.prefix(n))
        }
        switch step {
        case 0:
            let re = try take(dh)
            remoteEphemeral = re
            symmetric.mixHash(re)
        case 1:
            let re = try take(dh)
            remoteEphemeral = re
            symmetric.mixHash(re)
            symmetric.mixKey(try NoisePrimitives.dh(try required(localEphemeral), re))
            let rs = try symmetric.decryptAndHash(try take(dh + tag))
            remoteStatic = rs
            symmetric.mixKey(try NoisePrimitives.dh(try required(localEphemeral), rs))
        default:
            let rs = try symmetric.decryptAndHash(try take(dh + tag))
            remoteStatic = rs
            symmetric.mixKey(try NoisePrimitives.dh(try required(localEphemeral), rs))
        }
        if symmetric.hasKey && rest.count < tag { throw .truncatedMessage(expected: message.count - rest.count + tag, actual: message.count) }
        let payload = try symmetric.decryptAndHash(Array(rest))
        step += 1
        return payload
    }

    /// The session's cipher states; only after the handshake is complete.
    public func transport() throws(NoiseError) -> Transport {
        guard isComplete, let remoteStatic else { throw .outOfOrder("handshake not complete") }
        let (c1, c2) = symmetric.split()
        return role == .initiator
            ? Transport(send: c1, receive: c2, handshakeHash: symmetric.handshakeHash, remoteStatic: remoteStatic)
            : Transport(send: c2, receive: c1, handshakeHash: symmetric.handshakeHash, remoteStatic: remoteStatic)
    }

    private func required<T>(_ value: T?) throws(NoiseError) -> T {
        guard let value else { throw .outOfOrder("handshake state missing a key") }
        return value
    }
}
