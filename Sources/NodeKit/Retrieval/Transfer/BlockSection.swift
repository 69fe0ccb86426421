/// One block as a transfer carries it: a CARv1 section, `varint(len(cid) + len(data)) ‖
/// cid ‖ data`, kept whole so it can be written to a CAR without re-encoding.
public struct BlockSection: Sendable, Equatable {
    /// The largest block a transfer carries: 2 MiB, the limit IPFS tools keep to.
    public static let maxDataLength = 2 << 20
    /// The longest binary CID: version, codec, hash function and digest length varints, and
    /// the longest digest a multihash may declare.
    public static let maxCIDLength = 1 + 3 * Varint.maxBytes + Multihash.maxDigestLength
    /// The most a section may declare after its length varint: a largest CID and block.
    public static let maxLength = maxDataLength + maxCIDLength

    public let cid: CID
    /// The whole section: length varint, CID, data.
    public let bytes: [UInt8]
    /// Where the data starts in `bytes`.
    public let dataStart: Int

    /// The block's data.
    public var data: ArraySlice<UInt8> { bytes[dataStart...] }

    /// The length varint and the CID: what precedes the data.
    public var header: ArraySlice<UInt8> { bytes[..<dataStart] }

    /// Encodes a section for `data` under `cid`.
    public init(cid: CID, data: [UInt8]) {
        var bytes = [UInt8]()
        let cidLength = cid.byteCount
        bytes.reserveCapacity(Varint.maxBytes + cidLength + data.count)
        Varint.append(UInt64(cidLength + data.count), to: &bytes)
        cid.appendBytes(to: &bytes)
        let start = bytes.count
        bytes.append(contentsOf: data)
        self.init(cid: cid, bytes: bytes, dataStart: start)
    }

    /// A section already laid out in `bytes` (the reader's result).
    init(cid: CID, bytes: [UInt8], dataStart: Int) {
        self.cid = cid
        self.bytes = bytes
        self.dataStart = dataStart
    }
}
