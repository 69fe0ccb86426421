/// An Ed25519 signature: 64 bytes (R ‖ S) as RFC 8032 defines them.
public struct Signature: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 64
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == Signature.byteCount else {
            throw .invalidLength(what: "an Ed25519 signature", expected: Signature.byteCount, actual: bytes.count)
        }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}
