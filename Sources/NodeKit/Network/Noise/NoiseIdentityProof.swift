/// The handshake payload that binds a Noise static key to a node's Ed25519 identity.
///
/// Each side sends, inside its encrypted handshake payload, its Ed25519 public key and a
/// signature over `"filtop/noise-static/v1\0" ‖ Noise static public key` (the same idea as
/// libp2p's noise payload). The peer checks the signature against the static key it just
/// learned, so whoever completes the handshake provably holds that node identity's key.
/// Encoding: DAG-CBOR `{"key": bytes(32), "sig": bytes(64)}`.
public struct NoiseIdentityProof: Sendable, Equatable {
    public static let domain: [UInt8] = Array("filtop/noise-static/v1".utf8) + [0]

    public let identity: PublicKey
    public let signature: Signature

    /// Signs `staticPublicKey` with the node's identity key pair.
    public init(signing staticPublicKey: [UInt8], with keyPair: KeyPair) {
        identity = keyPair.publicKey
        signature = keyPair.sign(Self.domain + staticPublicKey)
    }

    public var encoded: [UInt8] {
        CBOR.map(["key": .bytes(identity.bytes), "sig": .bytes(signature.bytes)]).encoded
    }

    /// Decodes a payload and checks that it signs `staticPublicKey`; returns the proven identity.
    public static func verify(_ payload: [UInt8], staticPublicKey: [UInt8]) throws(NoiseError) -> PublicKey {
        let value: CBOR
        do { value = try CBORDecoder.decode(payload, limits: .init(maxDepth: 2, maxCollectionCount: 4, maxStringLength: 64)) } catch {
            throw .invalidIdentity("payload is not a DAG-CBOR identity proof: \(error)")
        }
        guard let map = value.mapValue, map.count == 2, let key = map["key"]?.bytesValue, let sig = map["sig"]?.bytesValue else {
            throw .invalidIdentity("payload must be {key, sig}")
        }
        let identity: PublicKey, signature: Signature
        do {
            identity = try PublicKey(bytes: key)
            signature = try Signature(bytes: sig)
        } catch {
            throw .invalidIdentity("\(error)")
        }
        guard identity.verify(signature, over: domain + staticPublicKey) else {
            throw .invalidIdentity("signature does not bind the Noise static key to \(identity.nodeID)")
        }
        return identity
    }
}
