/// How much of a DAG one transfer follows, so that a hostile DAG cannot make either side
/// hold unbounded state or write an unbounded file.
///
/// Both ends keep, while a transfer runs, the links still to visit (a stack) and the CIDs
/// already sent (a set): each costs about 100 bytes a CID, so the defaults bound that
/// state to about 100 MiB and 400 MiB; a balanced UnixFS file of 1 TiB needs fewer than
/// 1 000 pending links and 4.2 million distinct blocks.
public struct TransferLimits: Sendable, Equatable {
    /// Most links waiting to be visited at once.
    public var maxPendingLinks: Int
    /// Most distinct blocks in the DAG.
    public var maxBlocks: Int
    /// Largest file reassembled from the DAG (repeated subtrees counted each time).
    public var maxFileBytes: UInt64

    public init(
        maxPendingLinks: Int = 1 << 20, maxBlocks: Int = 1 << 22,
        maxFileBytes: UInt64 = UnixFSExporter.Limits.defaultMaxBytes
    ) {
        self.maxPendingLinks = maxPendingLinks
        self.maxBlocks = maxBlocks
        self.maxFileBytes = maxFileBytes
    }
}
