import Crypto

/// A node's identity on the market and its position on the DHT ring: SHA-256 of its
/// Ed25519 public key.
///
/// Its one text form, used by the CLI, the console and logs, is `fid` followed by the
/// 32 bytes in lower-case RFC 4648 base32 without padding (55 characters in all), e.g.
/// `fidq2fz…`. Parsing accepts either case and rejects anything that does not re-encode
/// to the same bytes.
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let byteCount = 32
    static let textPrefix = "fid"
    public let bytes: [UInt8]

    /// The ID of the node that holds `publicKey`.
    public init(publicKey: PublicKey) {
        self.bytes = Array(SHA256.hash(data: publicKey.bytes))
    }

    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == NodeID.byteCount else {
            throw .invalidLength(what: "a node ID", expected: NodeID.byteCount, actual: bytes.count)
        }
        self.bytes = bytes
    }

    /// Parses the text form `fid…`.
    public init(_ text: String) throws(CryptoError) {
        let lower = text.lowercased()
        guard lower.hasPrefix(NodeID.textPrefix) else { throw .invalidNodeID("'\(text)' does not start with 'fid'") }
        let body = lower.dropFirst(NodeID.textPrefix.count)
        guard body.count == 52 else { throw .invalidNodeID("expected 52 characters after 'fid', got \(body.count)") }
        let decoded: [UInt8]
        do { decoded = try Base32.decode(body) } catch { throw .invalidNodeID("'\(text)' is not base32") }
        guard decoded.count == NodeID.byteCount, Base32.encode(decoded) == body else {
            throw .invalidNodeID("'\(text)' is not the canonical form of any 32-byte ID")
        }
        self.bytes = decoded
    }

    public var description: String { NodeID.textPrefix + Base32.encode(bytes) }

    /// A short form for narrow console columns: the first 12 characters after the prefix.
    public var short: String { String(description.prefix(NodeID.textPrefix.count + 12)) }

    public static func < (a: NodeID, b: NodeID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
