/// One terminal cell: a grapheme and its style.
///
/// A wide grapheme occupies its cell and the next one; the next one is a continuation
/// cell (`isContinuation`), which drivers skip and snapshots omit.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: Style
    public var isContinuation: Bool

    public init(_ character: Character = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.character = character
        self.style = style
        self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}
