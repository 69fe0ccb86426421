/// Reads a CAR file (v1, or v2 by its inner v1 payload) section by section, holding only
/// one block in memory at a time.
///
/// Every defect is a `ContentError.invalidCAR` naming the byte offset: a length running
/// past the end, a truncated varint, a CID that cannot be parsed, an oversized section.
public final class CARReader {
    /// Largest section a reader accepts (CID plus block).
    public static let maxSectionLength = 8 << 20

    public let source: FileSource
    public let header: CARHeader
    /// Present when the file is a CARv2.
    public let v2Header: CARv2Header?
    /// Where the CARv1 payload starts in the file (0 for a CARv1).
    public let payloadOffset: UInt64
    /// Where the CARv1 payload ends in the file.
    public let payloadEnd: UInt64
    /// The offset of the next section, relative to `payloadOffset`.
    public private(set) var position: UInt64

    public convenience init(path: String) throws {
        try self.init(source: FileSource(path: path))
    }

    public init(source: FileSource) throws(ContentError) {
        self.source = source
        let fileSize = source.size
        var pos: UInt64 = 0
        let first = try Self.readSection(source, at: &pos, end: fileSize, what: "header", limit: CARHeader.maxLength)
        if first == CARv2Header.pragmaBody {
            let raw = try Self.read(source, at: 11, count: CARv2Header.length, what: "CARv2 header")
            let v2 = try CARv2Header(decoding: raw, fileSize: fileSize)
            v2Header = v2
            payloadOffset = v2.dataOffset
            payloadEnd = v2.dataOffset + v2.dataSize
            var inner: UInt64 = v2.dataOffset
            let body = try Self.readSection(source, at: &inner, end: payloadEnd, what: "CARv1 header inside CARv2", limit: CARHeader.maxLength)
            header = try CARHeader(decoding: body)
            position = inner - v2.dataOffset
        } else {
            v2Header = nil
            payloadOffset = 0
            payloadEnd = fileSize
            header = try CARHeader(decoding: first)
            position = pos
        }
    }

    /// Reads the next block, or nil at the end of the payload. With `verify`, checks that
    /// the block hashes to its CID.
    public func next(verify: Bool = false) throws(ContentError) -> CARBlock? {
        var abs = payloadOffset + position
        guard abs < payloadEnd else { return nil }
        let sectionStart = position
        let section = try Self.readSection(source, at: &abs, end: payloadEnd, what: "section", limit: Self.maxSectionLength)
        let (cid, used): (CID, Int)
        do {
            (cid, used) = try CID.decode(section[...])
        } catch {
            throw .invalidCAR("section at offset \(payloadOffset + sectionStart): bad CID: \(error)")
        }
        let data = Array(section[used...])
        let dataStart = abs - UInt64(data.count) - payloadOffset
        position = abs - payloadOffset
        let block = CARBlock(
            cid: cid, data: data,
            location: BlockLocation(sectionOffset: sectionStart, dataOffset: dataStart, dataLength: data.count))
        if verify {
            let ok: Bool
            do { ok = try cid.multihash.matches(data) } catch {
                throw .invalidCAR("block \(cid) at offset \(payloadOffset + sectionStart): \(error)")
            }
            guard ok else { throw .hashMismatch(cid: cid.description) }
        }
        return block
    }

    private static func read(_ source: FileSource, at offset: UInt64, count: Int, what: String) throws(ContentError) -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try source.read(at: offset, count: count) } catch { throw .invalidCAR("\(what): \(error)") }
        guard bytes.count == count else {
            throw .invalidCAR("\(what) at offset \(offset) is truncated: \(count) bytes needed, \(bytes.count) present")
        }
        return bytes
    }

    /// Reads `varint(len) ‖ body` at `pos`, bounded by `end` and `limit`; advances `pos`.
    private static func readSection(
        _ source: FileSource, at pos: inout UInt64, end: UInt64, what: String, limit: Int
    ) throws(ContentError) -> [UInt8] {
        let start = pos
        let avail = Int(min(UInt64(Varint.maxBytes), end - pos))
        let prefix = try read(source, at: pos, count: avail, what: what)
        let length: UInt64, n: Int
        do {
            (length, n) = try Varint.decode(prefix)
        } catch {
            throw .invalidCAR("\(what) at offset \(start): length varint: \(error)")
        }
        guard length > 0 else { throw .invalidCAR("\(what) at offset \(start) has zero length") }
        guard length <= UInt64(limit) else {
            throw .invalidCAR("\(what) at offset \(start) declares \(length) bytes, more than the limit of \(limit)")
        }
        let bodyStart = pos + UInt64(n)
        guard end - bodyStart >= length else {
            throw .invalidCAR("\(what) at offset \(start) declares \(length) bytes but only \(end - bodyStart) remain (truncated file?)")
        }
        let body = try read(source, at: bodyStart, count: Int(length), what: what)
        pos = bodyStart + length
        return body
    }
}

/// One block read from a CAR.
public struct CARBlock: Sendable {
    public let cid: CID
    public let data: [UInt8]
    /// Offsets relative to the start of the CARv1 payload.
    public let location: BlockLocation
}

/// The fixed 40-byte CARv2 header that follows the 11-byte pragma.
public struct CARv2Header: Hashable, Sendable {
    /// The pragma's body: DAG-CBOR `{version: 2}` (its length byte 0x0a is the varint).
    static let pragmaBody: [UInt8] = [0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02]
    static let length = 40

    public let characteristics: [UInt8]
    public let dataOffset: UInt64
    public let dataSize: UInt64
    public let indexOffset: UInt64

    /// Whether the left-most characteristics bit ("fully indexed") is set.
    public var isFullyIndexed: Bool { characteristics[0] & 0x80 != 0 }

    init(decoding raw: [UInt8], fileSize: UInt64) throws(ContentError) {
        func u64(_ at: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in (0..<8).reversed() { v = (v << 8) | UInt64(raw[at + i]) }
            return v
        }
        characteristics = Array(raw[0..<16])
        dataOffset = u64(16)
        dataSize = u64(24)
        indexOffset = u64(32)
        guard dataOffset >= 51 else { throw .invalidCAR("CARv2 data offset \(dataOffset) overlaps the header") }
        guard dataOffset <= fileSize, dataSize <= fileSize - dataOffset else {
            throw .invalidCAR("CARv2 payload (\(dataOffset)+\(dataSize)) runs past the end of the \(fileSize)-byte file")
        }
        guard indexOffset == 0 || (indexOffset >= dataOffset + dataSize && indexOffset <= fileSize) else {
            throw .invalidCAR("CARv2 index offset \(indexOffset) is outside the file or inside the payload")
        }
    }
}
