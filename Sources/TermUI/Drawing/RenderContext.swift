import Foundation

/// What every widget needs to draw: the theme (already reduced to the terminal's colour
/// depth), the glyph set, and the current time from the injected `TimeSource`.
public struct RenderContext: Sendable {
    public var theme: Theme
    public var glyphs: Glyphs
    public var now: Date

    public init(theme: Theme, glyphs: Glyphs, now: Date) {
        self.theme = theme
        self.glyphs = glyphs
        self.now = now
    }
}
