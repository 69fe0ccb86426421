/// Which keys trigger which actions. Starts from `defaults`; a config file can rebind any
/// action (`KeyMapFile`). Help is generated from this map, so it never lies.
public struct KeyMap: Sendable, Equatable {
    public private(set) var bindings: [KeyAction: [Key]]

    public init(bindings: [KeyAction: [Key]]) { self.bindings = bindings }

    /// The keys operators of k9s, lazygit and htop already know.
    public static let defaults = KeyMap(bindings: [
        .up: [.up, .character("k")], .down: [.down, .character("j")],
        .left: [.left, .character("h")], .right: [.right, .character("l")],
        .top: [.home, .character("g")], .bottom: [.end, .character("G")],
        .pageUp: [.pageUp, .control("b"), .control("u")], .pageDown: [.pageDown, .control("f"), .control("d")],
        .nextView: [.tab], .previousView: [.backTab],
        .filter: [.character("/")], .command: [.character(":")], .help: [.character("?")],
        .back: [.escape], .select: [.enter],
        .sortReverse: [.character("r")],
        .quit: [.control("c")],
    ])

    /// The action bound to `key`, if any.
    public func action(for key: Key) -> KeyAction? {
        for action in KeyAction.allCases where bindings[action]?.contains(key) == true { return action }
        return nil
    }

    /// Replaces the keys of one action; the keys are taken away from any other action.
    public mutating func bind(_ action: KeyAction, to keys: [Key]) {
        for other in bindings.keys { bindings[other]?.removeAll { keys.contains($0) } }
        bindings[action] = keys
    }

    /// The key names of an action, joined for help ("k, Up").
    public func label(for action: KeyAction) -> String {
        (bindings[action] ?? []).map(KeyName.name(of:)).joined(separator: ", ")
    }
}
