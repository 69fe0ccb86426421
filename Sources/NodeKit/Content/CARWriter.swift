/// Writes a CARv1 file block by block, never holding more than one block in memory.
///
/// The header is written first. When the root is known only at the end (a streaming
/// import), start with a placeholder root of the same binary length and call
/// `finish(replacingRoots:)`: the header is patched in place.
public final class CARWriter: BlockSink {
    private let sink: FileSink
    private var header: CARHeader
    private let headerLength: Int
    /// Blocks written so far.
    public private(set) var blockCount = 0

    public init(path: String, roots: [CID]) throws(IOError) {
        sink = try FileSink(path: path)
        header = CARHeader(roots: roots)
        let h = header.encodedSection
        headerLength = h.count
        try sink.write(h)
    }

    /// Bytes written so far.
    public var size: UInt64 { sink.offset }
    public var path: String { sink.path }

    /// Appends one section and returns its offset and length in the file: the offset of
    /// the section's varint, and the length of the CID plus data.
    @discardableResult
    public func put(cid: CID, data: UnsafeRawBufferPointer) throws(IOError) -> BlockLocation {
        let offset = sink.offset
        var prefix = [UInt8]()
        prefix.reserveCapacity(48)
        let sectionLength = cid.byteCount + data.count
        Varint.append(UInt64(sectionLength), to: &prefix)
        cid.appendBytes(to: &prefix)
        try sink.write(prefix)
        try sink.write(data)
        blockCount += 1
        return BlockLocation(sectionOffset: offset, dataOffset: offset + UInt64(prefix.count), dataLength: data.count)
    }

    /// Flushes, patches the header if new roots are given, and syncs the file.
    public func finish(replacingRoots roots: [CID]? = nil) throws(CARWriteError) {
        if let roots {
            let h = CARHeader(roots: roots).encodedSection
            guard h.count == headerLength else { throw .rootLengthChanged }
            do { try sink.patch(h, at: 0) } catch { throw .io(error) }
            header.roots = roots
        }
        do { try sink.close() } catch { throw .io(error) }
    }
}

/// Why a CAR could not be finished.
public enum CARWriteError: Error, Sendable, CustomStringConvertible {
    case io(IOError)
    /// The replacement roots encode to a different length than the placeholder.
    case rootLengthChanged

    public var description: String {
        switch self {
        case .io(let e): return e.description
        case .rootLengthChanged: return "the final CAR roots do not fit the header written at the start"
        }
    }
}

/// Where a block sits in a CAR file.
public struct BlockLocation: Hashable, Sendable {
    /// Offset of the section (its length varint) from the start of the CARv1 data.
    public var sectionOffset: UInt64
    /// Offset of the block's data.
    public var dataOffset: UInt64
    /// Length of the block's data.
    public var dataLength: Int
}

/// Something that takes blocks as they are produced.
public protocol BlockSink: AnyObject {
    @discardableResult
    func put(cid: CID, data: UnsafeRawBufferPointer) throws(IOError) -> BlockLocation
}
