/// Key names as written in key-binding files and shown in help: `Up`, `PgDn`, `C-d`,
/// `S-Tab`, `F1`, `Space`, or a single character such as `g` or `G`.
public enum KeyName {
    private static let named: [(String, Key)] = [
        ("Up", .up), ("Down", .down), ("Left", .left), ("Right", .right), ("Home", .home), ("End", .end),
        ("PgUp", .pageUp), ("PgDn", .pageDown), ("Enter", .enter), ("Esc", .escape), ("Tab", .tab),
        ("S-Tab", .backTab), ("Backspace", .backspace), ("Delete", .delete), ("Space", .character(" ")),
    ]

    /// Parses a key name; nil when it names no key.
    public static func parse(_ name: String) -> Key? {
        if let hit = named.first(where: { $0.0.lowercased() == name.lowercased() }) { return hit.1 }
        if name.count == 1, let c = name.first { return .character(c) }
        if name.hasPrefix("C-"), name.count == 3, let c = name.last, c.isLetter { return .control(Character(c.lowercased())) }
        if name.hasPrefix("F"), let n = Int(name.dropFirst()), (1...12).contains(n) { return .function(n) }
        return nil
    }

    /// The canonical name of a key (what `parse` reads back).
    public static func name(of key: Key) -> String {
        if let hit = named.first(where: { $0.1 == key }) { return hit.0 }
        switch key {
        case .character(let c): return String(c)
        case .control(let c): return "C-\(c)"
        case .function(let n): return "F\(n)"
        default: return "?"
        }
    }
}
