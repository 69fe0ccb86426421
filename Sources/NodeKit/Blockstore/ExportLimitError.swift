/// An export refused before it wrote anything, because its DAG expands past a limit
/// (`UnixFSExporter.Limits`).
public struct ExportLimitError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Measure: Equatable, Sendable { case bytes, blockReads }

    public let root: String
    public let measure: Measure
    /// What the DAG would take; `UInt64.max` when it overflows 64 bits.
    public let needed: UInt64
    public let limit: UInt64
    /// Distinct interior nodes the plan read.
    public let distinctNodes: Int

    public var description: String {
        let amount = needed == .max ? "more than 2^64" : String(needed)
        switch measure {
        case .bytes:
            return "refusing to export \(root): it expands to \(amount) bytes, over the limit of \(limit) bytes "
                + "(\(distinctNodes) distinct nodes linked over and over); nothing was written. "
                + "If the content is genuine, raise the limit with --max-size"
        case .blockReads:
            return "refusing to export \(root): it links to blocks \(amount) times, over the limit of \(limit) block reads "
                + "(\(distinctNodes) distinct nodes linked over and over); nothing was written"
        }
    }
}
