/// Filecoin piece sizes: a padded size is a power of two ≥ 128; its unpadded size is
/// `padded − padded/128` (127 bytes of payload per 128 Fr32-padded bytes).
public struct PaddedPieceSize: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bytes: UInt64

    /// The smallest padded size that holds a Filecoin piece.
    public static let minimum = PaddedPieceSize(unchecked: 128)

    public init(_ bytes: UInt64) throws(ContentError) {
        guard bytes >= 128, bytes & (bytes - 1) == 0 else {
            throw .invalidPieceSize("padded size \(bytes) is not a power of two ≥ 128")
        }
        self.bytes = bytes
    }

    init(unchecked bytes: UInt64) { self.bytes = bytes }

    /// The smallest padded size whose unpadded capacity holds `payload` bytes.
    public static func fitting(payload: UInt64) throws(ContentError) -> PaddedPieceSize {
        guard payload <= (UInt64(1) << 62) / 128 * 127 else {
            throw .invalidPieceSize("payload of \(payload) bytes is larger than any piece")
        }
        var padded: UInt64 = 128
        while padded - padded / 128 < payload { padded <<= 1 }
        return PaddedPieceSize(unchecked: padded)
    }

    /// Payload bytes this piece can hold.
    public var unpadded: UInt64 { bytes - bytes / 128 }

    /// Number of 32-byte leaves of the piece's tree.
    public var leafCount: UInt64 { bytes / 32 }

    /// Height of the piece's tree: log2(leaves).
    public var treeHeight: Int { (bytes / 32).trailingZeroBitCount }

    public var description: String { String(bytes) }

    public static func < (a: PaddedPieceSize, b: PaddedPieceSize) -> Bool { a.bytes < b.bytes }
}
