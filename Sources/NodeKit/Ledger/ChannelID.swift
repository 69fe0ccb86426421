import Crypto

/// A payment channel's address on the ledger: the first 20 bytes of SHA-256 over
/// `"filtop/paych/v1\0" ‖ payer's public key ‖ payee's node ID ‖ the create message's
/// account nonce (8 bytes, big-endian)`. The ledger derives it when it applies the
/// create message, so a payer knows its channel's ID before the answer arrives.
///
/// Text form: `pch` followed by the 20 bytes in lower-case base32 without padding
/// (35 characters in all). Parsing accepts either case and refuses anything that does
/// not re-encode to the same bytes.
public struct ChannelID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let byteCount = 20
    static let textPrefix = "pch"
    static let domain: [UInt8] = Array("filtop/paych/v1".utf8) + [0]
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(PaymentError) {
        guard bytes.count == ChannelID.byteCount else {
            throw .invalidChannel("a channel ID has \(ChannelID.byteCount) bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// The channel a create message from `payer` to `payee` with account nonce `nonce` opens.
    public init(payer: PublicKey, payee: NodeID, nonce: UInt64) {
        var input = ChannelID.domain + payer.bytes + payee.bytes
        OfferSigning.appendBigEndian(nonce, to: &input)
        bytes = Array(SHA256.hash(data: input).prefix(ChannelID.byteCount))
    }

    /// Parses `pch…`.
    public init(_ text: String) throws(PaymentError) {
        let lower = text.trimmingWhitespace().lowercased()
        guard lower.hasPrefix(ChannelID.textPrefix) else {
            throw .invalidChannel("'\(text)' is not a channel ID: it must start with 'pch' (see 'filtop paych list')")
        }
        let body = lower.dropFirst(ChannelID.textPrefix.count)
        guard body.count == 32, let decoded = try? Base32.decode(body), decoded.count == ChannelID.byteCount,
              Base32.encode(decoded) == body else {
            throw .invalidChannel("'\(text)' is not a channel ID: expected 'pch' and 32 base32 characters (see 'filtop paych list')")
        }
        bytes = decoded
    }

    public var description: String { ChannelID.textPrefix + Base32.encode(bytes) }

    /// A short form for narrow console columns.
    public var short: String { String(description.prefix(ChannelID.textPrefix.count + 10)) }

    public static func < (a: ChannelID, b: ChannelID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
