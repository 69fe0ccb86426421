/// How far a retrieval's output had got when it was last synced to disk: what the deal
/// engine persists, so that after a crash `RetrievalOutput.resume` continues from exactly
/// there (the files are cut back to these offsets; anything after them is discarded).
public struct TransferCheckpoint: Codable, Sendable, Equatable {
    /// Blocks accepted and written.
    public var blocks: Int
    /// The sum of their data lengths: what the deal has received.
    public var bytes: UInt64
    /// Bytes of output written: file bytes (from the region's start, for a region), or the
    /// CAR's length.
    public var outputOffset: UInt64
    /// Bytes of the sidecar written.
    public var sidecarOffset: UInt64

    public init(blocks: Int, bytes: UInt64, outputOffset: UInt64, sidecarOffset: UInt64) {
        self.blocks = blocks
        self.bytes = bytes
        self.outputOffset = outputOffset
        self.sidecarOffset = sidecarOffset
    }
}
