/// The symbols widgets draw with: Unicode block and box glyphs, or plain ASCII for
/// terminals, fonts and links that mangle them.
public struct Glyphs: Sendable, Equatable {
    public let bars: [Character]
    public let horizontal: Character
    public let vertical: Character
    public let corners: [Character]
    public let filled: Character
    public let empty: Character
    public let ascending: Character
    public let descending: Character
    public let ellipsis: String

    public static let unicode = Glyphs(
        bars: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], horizontal: "─", vertical: "│",
        corners: ["┌", "┐", "└", "┘"], filled: "█", empty: "░", ascending: "▲", descending: "▼", ellipsis: "…")

    public static let ascii = Glyphs(
        bars: ["_", ".", ",", "-", "=", "+", "*", "#"], horizontal: "-", vertical: "|",
        corners: ["+", "+", "+", "+"], filled: "#", empty: ".", ascending: "^", descending: "v", ellipsis: "~")

    /// Unicode when the locale can show it, else ASCII.
    public static var automatic: Glyphs { CellWidth.unicodeAvailable ? .unicode : .ascii }
}
