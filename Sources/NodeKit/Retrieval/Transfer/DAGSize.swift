/// How many blocks and bytes a DAG's transfer carries: each distinct block once, the bytes
/// being the sum of their data lengths (what a deal charges for; a query's size).
public struct DAGSize: Sendable, Equatable {
    public let blocks: Int
    public let bytes: UInt64

    public init(blocks: Int, bytes: UInt64) {
        self.blocks = blocks
        self.bytes = bytes
    }
}

extension TransferPlan {
    /// The size of the transfer of the DAG at `root`, worked out from its dag-pb nodes and
    /// the blockstore's index, without reading a leaf. Throws what a transfer of it would
    /// (`TransferError.missingBlock` first of all).
    public static func size(
        of root: CID, in blockstore: Blockstore, limits: TransferLimits = TransferLimits()
    ) async throws -> DAGSize {
        let plan = try await TransferPlan(blockstore: blockstore, root: root, startingAt: .max, limits: limits)
        return DAGSize(blocks: plan.blocksSent, bytes: plan.bytesSent)
    }
}
