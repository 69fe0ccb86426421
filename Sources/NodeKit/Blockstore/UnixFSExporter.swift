/// Reassembles a UnixFS file from blocks, verifying every block against its CID and
/// writing the file's bytes in order. Handles raw leaves, dag-pb leaves and
/// balanced or trickle trees alike, since it follows links in order.
///
/// A DAG may name the same block many times, so a few hundred kilobytes of blocks can
/// describe terabytes of file. Before writing a byte the exporter therefore plans the
/// export: it walks the DAG's distinct interior nodes once each and works out how many
/// bytes the file will have and how many block reads it will take, and refuses to start
/// when either exceeds its `Limits`. While writing it stops the moment the blocks hold
/// more than the plan allowed.
public struct UnixFSExporter {
    /// Deepest tree followed before the input is treated as hostile.
    public static let maxDepth = 64

    /// How much one export may write and read.
    public struct Limits: Sendable {
        /// Largest file written, in bytes.
        public var maxBytes: UInt64
        /// Most block reads (counting a block once per link to it).
        public var maxBlockReads: UInt64

        public init(maxBytes: UInt64 = Self.defaultMaxBytes, maxBlockReads: UInt64 = Self.defaultMaxBlockReads) {
            self.maxBytes = maxBytes
            self.maxBlockReads = maxBlockReads
        }

        /// 64 GiB: larger than any single piece a provider stores today (32 GiB sectors).
        public static let defaultMaxBytes: UInt64 = 64 << 30
        /// 2^24 reads: a 64 GiB file in 256 KiB chunks takes 2^18, in 4 KiB chunks 2^24.
        public static let defaultMaxBlockReads: UInt64 = 1 << 24
    }

    /// What an export will produce, known before it writes.
    public struct Plan: Sendable, Equatable {
        /// The file's size in bytes.
        public let bytes: UInt64
        /// Block reads, counting repeated links each time.
        public let blockReads: UInt64
    }

    private let fetch: (CID) throws -> [UInt8]?
    private let limits: Limits

    /// `fetch` returns a block's bytes (already verified or not: the exporter re-verifies),
    /// or nil when it is missing.
    public init(limits: Limits = Limits(), fetch: @escaping (CID) throws -> [UInt8]?) {
        self.limits = limits
        self.fetch = fetch
    }

    /// Works out the size and block reads of the file rooted at `root`, reading each
    /// distinct interior node once; throws `ExportLimitError`
    /// when the file would exceed `limits`.
    public func plan(_ root: CID) throws -> Plan {
        var memo: [CID: Plan] = [:]
        let plan = try plan(root, depth: 0, memo: &memo)
        guard plan.bytes <= limits.maxBytes else {
            throw ExportLimitError(root: root.description, measure: .bytes, needed: plan.bytes, limit: limits.maxBytes, distinctNodes: memo.count)
        }
        guard plan.blockReads <= limits.maxBlockReads else {
            throw ExportLimitError(
                root: root.description, measure: .blockReads, needed: plan.blockReads, limit: limits.maxBlockReads,
                distinctNodes: memo.count)
        }
        return plan
    }

    /// Plans the export, then writes the file rooted at `root` to `sink` and returns its
    /// size. `progress` gets (bytes written, bytes in all).
    @discardableResult
    public func export(_ root: CID, to sink: FileSink, progress: ((UInt64, UInt64) -> Void)? = nil) throws -> UInt64 {
        let plan = try plan(root)
        var written: UInt64 = 0
        try emit(root, to: sink, depth: 0, written: &written, plan: plan, progress: progress)
        guard written == plan.bytes else {
            throw ContentError.invalidDagPB("\(root): its blocks hold \(written) bytes but its nodes declare \(plan.bytes)")
        }
        return written
    }

    private func plan(_ cid: CID, depth: Int, memo: inout [CID: Plan]) throws -> Plan {
        if let known = memo[cid] { return known }
        guard depth <= Self.maxDepth else { throw ContentError.limitExceeded(what: "UnixFS tree depth", limit: Self.maxDepth) }
        let result: Plan
        switch cid.codec {
        case Multicodec.raw.rawValue:
            guard let data = try fetch(cid) else { throw ContentError.blockNotFound(cid.description) }
            result = Plan(bytes: UInt64(data.count), blockReads: 1)
        case Multicodec.dagPB.rawValue:
            let (node, unixfs) = try fileNode(cid)
            var bytes = UInt64(unixfs.data?.count ?? 0), reads: UInt64 = 1
            let sizesGiven = unixfs.blockSizes.count == node.links.count
            for (i, link) in node.links.enumerated() {
                let child: Plan
                if sizesGiven && link.cid.codec == Multicodec.raw.rawValue && memo[link.cid] == nil {
                    child = Plan(bytes: unixfs.blockSizes[i], blockReads: 1)
                } else {
                    child = try plan(link.cid, depth: depth + 1, memo: &memo)
                }
                bytes = Self.saturatingAdd(bytes, child.bytes)
                reads = Self.saturatingAdd(reads, child.blockReads)
                // Stop early: nothing beyond the limits will be written anyway.
                if bytes > limits.maxBytes || reads > limits.maxBlockReads { break }
            }
            result = Plan(bytes: bytes, blockReads: reads)
        default:
            throw ContentError.invalidCID("\(cid) has codec \(Multicodec.name(of: cid.codec)); only raw and dag-pb files can be exported")
        }
        memo[cid] = result
        return result
    }

    private func emit(
        _ cid: CID, to sink: FileSink, depth: Int, written: inout UInt64, plan: Plan, progress: ((UInt64, UInt64) -> Void)?
    ) throws {
        guard depth <= Self.maxDepth else { throw ContentError.limitExceeded(what: "UnixFS tree depth", limit: Self.maxDepth) }
        switch cid.codec {
        case Multicodec.raw.rawValue:
            guard let data = try fetch(cid) else { throw ContentError.blockNotFound(cid.description) }
            guard try cid.multihash.matches(data) else { throw ContentError.hashMismatch(cid: cid.description) }
            try write(data, of: cid, to: sink, written: &written, plan: plan)
            progress?(written, plan.bytes)
        case Multicodec.dagPB.rawValue:
            let (node, unixfs) = try fileNode(cid)
            let start = written
            if let inline = unixfs.data, !inline.isEmpty { try write(inline, of: cid, to: sink, written: &written, plan: plan) }
            for link in node.links {
                try emit(link.cid, to: sink, depth: depth + 1, written: &written, plan: plan, progress: progress)
            }
            if let expected = unixfs.fileSize, expected != written - start {
                throw ContentError.invalidDagPB("\(cid) declares \(expected) bytes but its blocks hold \(written - start)")
            }
        default:
            throw ContentError.invalidCID("\(cid) has codec \(Multicodec.name(of: cid.codec)); only raw and dag-pb files can be exported")
        }
    }

    /// Appends `data`, refusing to go past the planned size (a DAG whose parents
    /// under-declare their children's sizes).
    private func write(_ data: [UInt8], of cid: CID, to sink: FileSink, written: inout UInt64, plan: Plan) throws {
        guard UInt64(data.count) <= plan.bytes - written else {
            throw ContentError.invalidDagPB("\(cid) holds more bytes than its parent declares; the file would exceed its planned \(plan.bytes) bytes")
        }
        try sink.write(data)
        written += UInt64(data.count)
    }

    /// Fetches, verifies and decodes a dag-pb UnixFS file node.
    private func fileNode(_ cid: CID) throws -> (PBNode, UnixFSData) {
        guard let data = try fetch(cid) else { throw ContentError.blockNotFound(cid.description) }
        guard try cid.multihash.matches(data) else { throw ContentError.hashMismatch(cid: cid.description) }
        let node = try PBNode(decoding: data[...])
        guard let d = node.data else { throw ContentError.invalidDagPB("\(cid): node has no UnixFS Data") }
        let unixfs = try UnixFSData(decoding: d[...])
        guard unixfs.kind == .file || unixfs.kind == .raw else {
            throw ContentError.invalidDagPB("\(cid) is a UnixFS \(unixfs.kind), not a file")
        }
        return (node, unixfs)
    }

    private static func saturatingAdd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
