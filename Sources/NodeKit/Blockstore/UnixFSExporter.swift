/// Reassembles a UnixFS file from blocks, verifying every block against its CID and
/// writing the file's bytes in order. Handles raw leaves, dag-pb leaves and
/// balanced or trickle trees alike, since it follows links in order.
public struct UnixFSExporter {
    /// Deepest tree followed before the input is treated as hostile.
    public static let maxDepth = 64

    private let fetch: (CID) throws -> [UInt8]?

    /// `fetch` returns a block's bytes (already verified or not: the exporter re-verifies),
    /// or nil when it is missing.
    public init(fetch: @escaping (CID) throws -> [UInt8]?) { self.fetch = fetch }

    /// Writes the file rooted at `root` to `sink` and returns its size.
    @discardableResult
    public func export(_ root: CID, to sink: FileSink) throws -> UInt64 {
        try emit(root, to: sink, depth: 0)
    }

    private func emit(_ cid: CID, to sink: FileSink, depth: Int) throws -> UInt64 {
        guard depth <= Self.maxDepth else { throw ContentError.limitExceeded(what: "UnixFS tree depth", limit: Self.maxDepth) }
        guard let data = try fetch(cid) else { throw ContentError.blockNotFound(cid.description) }
        guard try cid.multihash.matches(data) else { throw ContentError.hashMismatch(cid: cid.description) }
        switch cid.codec {
        case Multicodec.raw.rawValue:
            try sink.write(data)
            return UInt64(data.count)
        case Multicodec.dagPB.rawValue:
            let node = try PBNode(decoding: data[...])
            guard let d = node.data else { throw ContentError.invalidDagPB("\(cid): node has no UnixFS Data") }
            let unixfs = try UnixFSData(decoding: d[...])
            guard unixfs.kind == .file || unixfs.kind == .raw else {
                throw ContentError.invalidDagPB("\(cid) is a UnixFS \(unixfs.kind), not a file")
            }
            var written: UInt64 = 0
            if let inline = unixfs.data, !inline.isEmpty {
                try sink.write(inline)
                written += UInt64(inline.count)
            }
            for link in node.links {
                written += try emit(link.cid, to: sink, depth: depth + 1)
            }
            if let expected = unixfs.fileSize, expected != written {
                throw ContentError.invalidDagPB("\(cid) declares \(expected) bytes but its blocks hold \(written)")
            }
            return written
        default:
            throw ContentError.invalidCID("\(cid) has codec \(Multicodec.name(of: cid.codec)); only raw and dag-pb files can be exported")
        }
    }
}
