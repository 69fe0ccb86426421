/// Checks, block by block, that a provider sends exactly the DAG asked for in transfer
/// order (`TransferOrder`): each block must be the CID the traversal expects next and
/// must hash to it. Pure: it reads no files and keeps no block after returning.
///
/// In `.unixfsFile` mode it also says which file bytes each block contributes (`FileWrite`),
/// so the caller can write the original file as blocks arrive; in `.dag` mode dag-pb nodes
/// need not be UnixFS.
///
/// Each block is hashed exactly once; raw leaves are not copied. Memory grows with the
/// DAG's link count only, capped by `TransferLimits`. A thrown error ends the transfer:
/// the verifier is not used after it.
///
///     var verifier = try TraversalVerifier(root: root, mode: .unixfsFile)
///     let accepted = try verifier.accept(section)   // throws on the first bad block
///     if verifier.isComplete { … }
public struct TraversalVerifier: Sendable {
    /// What the DAG is read as.
    public enum Mode: Sendable, Equatable {
        /// Any DAG of raw and dag-pb blocks.
        case dag
        /// A UnixFS file, whose bytes the verifier lays out.
        case unixfsFile
    }

    /// What accepting one block produced.
    public struct Accepted: Sendable, Equatable {
        public let cid: CID
        /// Whether the block is a raw leaf (its data is needed only as output).
        public let isLeaf: Bool
        /// The block's data length, which the deal pays for.
        public let dataLength: Int
        /// The file bytes this block adds, in order (`.unixfsFile` only; else empty).
        public let fileWrites: [FileWrite]
    }

    public let root: CID
    public let mode: Mode
    private var order: TransferOrder
    private var layout: UnixFSFileLayout?
    /// Blocks accepted so far.
    public private(set) var blocksAccepted = 0
    /// The sum of the accepted blocks' data lengths: what the deal pays for.
    public private(set) var bytesAccepted: UInt64 = 0

    /// Starts a traversal at `root`, which must be a raw or dag-pb CID.
    public init(root: CID, mode: Mode, limits: TransferLimits = TransferLimits()) throws(TransferError) {
        self.root = root
        self.mode = mode
        order = try TransferOrder(root: root, limits: limits)
        layout = mode == .unixfsFile ? UnixFSFileLayout(maxBytes: limits.maxFileBytes) : nil
    }

    /// The block the traversal expects next; nil once it is complete.
    public var nextExpected: CID? { order.next }

    /// Whether every block of the DAG has been accepted.
    public var isComplete: Bool { order.next == nil }

    /// File bytes laid out so far, repeats included (`.unixfsFile`; 0 in `.dag`).
    public var fileBytes: UInt64 { layout?.offset ?? 0 }

    /// Accepts the next block, or throws why it must be refused: `.extraneousBlock` after
    /// the end, `.unexpectedBlock` out of order, `.hashMismatch` or `.unverifiableHash`,
    /// `.malformedBlock` for a dag-pb or UnixFS node that cannot be decoded,
    /// `.cannotTraverse` for a link of another codec, `.notAFile` for a UnixFS directory
    /// in `.unixfsFile` mode, `.dagTooLarge` past a limit.
    public mutating func accept(cid: CID, data: ArraySlice<UInt8>) throws(TransferError) -> Accepted {
        let expected = try expect(cid)
        let matches: Bool
        do { matches = try data.withUnsafeBytes { try cid.multihash.matches($0) } } catch { throw .unverifiableHash(cid) }
        guard matches else { throw .hashMismatch(cid) }
        guard expected.codec == Multicodec.dagPB.rawValue else { return try passLeaf(cid, length: data.count) }
        let node: PBNode
        do { node = try PBNode(decoding: data) } catch { throw .malformedBlock(cid, reason: error.description) }
        var writes = try layout?.node(cid, node) ?? []
        let steps = try order.passNode(links: node.links.map(\.cid))
        writes += try layout?.passed(steps) ?? []
        return counted(Accepted(cid: cid, isLeaf: false, dataLength: data.count, fileWrites: writes))
    }

    public mutating func accept(cid: CID, data: [UInt8]) throws(TransferError) -> Accepted {
        try accept(cid: cid, data: data[...])
    }

    public mutating func accept(_ section: BlockSection) throws(TransferError) -> Accepted {
        try accept(cid: section.cid, data: section.data)
    }

    /// Moves past a raw leaf of `length` bytes that an earlier run accepted (and verified),
    /// without its data: for rebuilding a traversal when a retrieval resumes.
    mutating func replayLeaf(cid: CID, length: Int) throws(TransferError) -> Accepted {
        let expected = try expect(cid)
        guard expected.codec == Multicodec.raw.rawValue else {
            throw .malformedBlock(cid, reason: "a dag-pb node cannot be replayed without its data")
        }
        return try passLeaf(cid, length: length)
    }

    private func expect(_ cid: CID) throws(TransferError) -> CID {
        guard let expected = order.next else { throw .extraneousBlock(cid) }
        guard cid == expected else { throw .unexpectedBlock(expected: expected, got: cid) }
        return expected
    }

    private mutating func passLeaf(_ cid: CID, length: Int) throws(TransferError) -> Accepted {
        var writes = try layout?.leaf(cid, length: length) ?? []
        let steps = try order.passLeaf()
        writes += try layout?.passed(steps) ?? []
        return counted(Accepted(cid: cid, isLeaf: true, dataLength: length, fileWrites: writes))
    }

    private mutating func counted(_ accepted: Accepted) -> Accepted {
        blocksAccepted += 1
        bytesAccepted += UInt64(accepted.dataLength)
        return accepted
    }
}
