/// A part a node plays in the market: the roles of `config.toml`'s `node.roles`, of a
/// signed node record, and of the console's views — one enum for all three.
public enum NodeRole: String, Sendable, CaseIterable, Comparable {
    case client, gateway, ledger, provider, register
    public static func < (a: NodeRole, b: NodeRole) -> Bool { a.rawValue < b.rawValue }
}
