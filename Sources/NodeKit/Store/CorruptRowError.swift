/// A database row holds a value its table never stores: the file was damaged or edited
/// by hand. Reported instead of trusted, so no damaged size or offset reaches a
/// conversion or a read.
public struct CorruptRowError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What the row describes, e.g. `piece baga… (root bafy…)`.
    public let subject: String
    /// The column holding the bad value.
    public let column: String
    /// What is wrong with the value.
    public let problem: String

    public var description: String {
        "the database row of \(subject) is damaged: \(column) \(problem). "
            + "Restore node.sqlite from a backup, or import the content again into a fresh data directory."
    }
}
