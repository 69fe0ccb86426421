import NIOCore

/// Cuts a transfer stream into whole block sections, whatever the chunk boundaries:
/// chunks go in as they arrive, complete `BlockSection`s come out.
///
/// Bounded: a section declaring more than `maxSectionLength` bytes is refused from its
/// length prefix, before any of it is buffered, so at most one section's bytes wait here.
/// Each byte is copied once, from the chunk into its section's buffer (sized from the
/// prefix, never grown). At the stream's end `finish()` reports a section cut short.
///
///     var reader = BlockSectionReader()
///     for try await chunk in stream {
///         for section in try reader.feed(chunk) { try output.accept(section) }
///     }
///     try reader.finish()
public struct BlockSectionReader: Sendable {
    public let maxSectionLength: Int
    /// The length varint read so far, while no section is under way.
    private var prefix: [UInt8] = []
    /// The section under way: its bytes so far, and its full length.
    private var section: [UInt8] = []
    private var sectionLength = 0
    private var prefixLength = 0

    public init(maxSectionLength: Int = BlockSection.maxLength) {
        self.maxSectionLength = maxSectionLength
    }

    /// Bytes held of a section not yet complete.
    public var bufferedBytes: Int { sectionLength > 0 ? section.count : prefix.count }

    /// Takes the next chunk of the stream and returns the sections it completes, in order.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) throws(TransferError) -> [BlockSection] {
        var sections: [BlockSection] = []
        var rest = chunk.bindMemory(to: UInt8.self)[...]
        while !rest.isEmpty {
            if sectionLength == 0 {
                let byte = rest.removeFirst()
                try readPrefix(byte)
                continue
            }
            let take = min(rest.count, sectionLength - section.count)
            section.append(contentsOf: UnsafeBufferPointer(rebasing: rest.prefix(take)))
            rest = rest.dropFirst(take)
            if section.count == sectionLength { sections.append(try complete()) }
        }
        return sections
    }

    public mutating func feed(_ chunk: ByteBuffer) throws(TransferError) -> [BlockSection] {
        try chunk.withUnsafeReadableBytes { b in Result { () throws(TransferError) in try feed(b) } }.get()
    }

    public mutating func feed(_ chunk: [UInt8]) throws(TransferError) -> [BlockSection] {
        try chunk.withUnsafeBytes { b in Result { () throws(TransferError) in try feed(b) } }.get()
    }

    /// Declares the stream over: throws `.truncatedStream` if it ended inside a section.
    public func finish() throws(TransferError) {
        guard bufferedBytes == 0 else { throw .truncatedStream(bufferedBytes: bufferedBytes) }
    }

    /// One more byte of a length prefix; once the prefix is whole, starts its section.
    private mutating func readPrefix(_ byte: UInt8) throws(TransferError) {
        prefix.append(byte)
        guard byte & 0x80 == 0 else {
            guard prefix.count < Varint.maxBytes else { throw .malformedSection("length varint longer than \(Varint.maxBytes) bytes") }
            return
        }
        let length: UInt64
        do { (length, _) = try Varint.decode(prefix) } catch { throw .malformedSection("length varint: \(error)") }
        guard length > 0 else { throw .malformedSection("zero-length section") }
        guard length <= UInt64(maxSectionLength) else { throw .sectionTooLarge(length: length, limit: maxSectionLength) }
        prefixLength = prefix.count
        sectionLength = prefix.count + Int(length)
        section = []
        section.reserveCapacity(sectionLength)
        section.append(contentsOf: prefix)
        prefix.removeAll(keepingCapacity: true)
    }

    /// Decodes the CID at the start of the completed section and hands the section out.
    private mutating func complete() throws(TransferError) -> BlockSection {
        let bytes = section
        let bodyStart = prefixLength
        section = []
        sectionLength = 0
        let (cid, cidLength): (CID, Int)
        do { (cid, cidLength) = try CID.decode(bytes[bodyStart...]) } catch { throw .malformedSection("bad CID: \(error)") }
        return BlockSection(cid: cid, bytes: bytes, dataStart: bodyStart + cidLength)
    }
}
