/// The order in which a retrieval sends a DAG's blocks — one definition, used by the
/// provider to send and by the client to check.
///
/// **Transfer order.** Depth-first pre-order from the requested root, following dag-pb
/// links in link order. Each distinct CID is sent once: a CID met again is skipped,
/// together with its whole subtree. Raw (0x55) blocks are leaves; dag-pb (0x70) blocks
/// are parsed for their links; a root or link of any other codec ends the transfer with
/// `TransferError.cannotTraverse`. On the wire each block is one CARv1 section,
/// `varint(len(cid) + len(data)) ‖ cid ‖ data`, sections back to back, no header.
///
/// For example a root R linking to A and B, where A links to leaves x, y and B to x, z,
/// is sent as R, A, x, y, B, z (the second x is skipped).
///
/// Memory grows with the DAG's link count only: the stack holds the links still to visit
/// plus one marker per dag-pb node on the current path, and the seen set one CID per
/// block sent; both are capped by `TransferLimits`.
struct TransferOrder: Sendable {
    /// What the walk passed between two blocks sent.
    enum Step: Equatable, Sendable {
        /// A link to a CID already sent: skipped with its subtree.
        case repeated(CID)
        /// The last block under this dag-pb node has been passed.
        case finished(CID)
    }

    private enum Frame: Sendable {
        case visit(CID)
        case exit(CID)
    }

    private let limits: TransferLimits
    private var stack: [Frame] = []
    private var seen: Set<CID> = []
    /// The block to send next; nil once the traversal is over.
    private(set) var next: CID?

    /// Starts at `root`, which must be raw or dag-pb.
    init(root: CID, limits: TransferLimits = TransferLimits()) throws(TransferError) {
        try Self.checkCodec(root)
        self.limits = limits
        next = root
        seen.insert(root)
    }

    /// Whether the walk has reached `cid` (sent it, or is about to): a link to it will be
    /// skipped as a repeat.
    func hasReached(_ cid: CID) -> Bool { seen.contains(cid) }

    /// Records that `next`, a raw leaf, was sent, and moves on to the following block.
    /// Returns the steps passed on the way, in order.
    mutating func passLeaf() throws(TransferError) -> [Step] {
        try advance()
    }

    /// Records that `next`, a dag-pb node with `links` (in link order), was sent, and moves
    /// on to the following block — its first link, unless that was sent before. Returns
    /// the steps passed on the way, in order.
    mutating func passNode(links: [CID]) throws(TransferError) -> [Step] {
        guard let node = next else { return [] }
        for link in links { try Self.checkCodec(link) }
        guard stack.count + links.count < limits.maxPendingLinks else {
            throw .dagTooLarge(what: "pending links", limit: UInt64(limits.maxPendingLinks))
        }
        stack.append(.exit(node))
        for link in links.reversed() { stack.append(.visit(link)) }
        return try advance()
    }

    private mutating func advance() throws(TransferError) -> [Step] {
        var steps: [Step] = []
        next = nil
        while let frame = stack.popLast() {
            switch frame {
            case .exit(let cid):
                steps.append(.finished(cid))
            case .visit(let cid):
                if seen.contains(cid) {
                    steps.append(.repeated(cid))
                    continue
                }
                guard seen.count < limits.maxBlocks else {
                    throw .dagTooLarge(what: "distinct blocks", limit: UInt64(limits.maxBlocks))
                }
                seen.insert(cid)
                next = cid
                return steps
            }
        }
        return steps
    }

    private static func checkCodec(_ cid: CID) throws(TransferError) {
        guard cid.codec == Multicodec.raw.rawValue || cid.codec == Multicodec.dagPB.rawValue else {
            throw .cannotTraverse(cid, codec: cid.codec)
        }
    }
}
