/// What a run loop drives: an application that draws itself and reacts to input.
/// Every method is called on the run loop's thread.
public protocol TerminalApplication: AnyObject {
    /// The smallest terminal the application can draw in; smaller gets `TooSmallScreen`.
    var minimumSize: Size { get }
    /// The theme and glyphs to draw with (may change at any event, e.g. `:theme`).
    var renderContext: RenderContext { get }
    /// Draws the whole screen into `buffer`.
    func render(into buffer: inout CellBuffer, context: RenderContext)
    /// Reacts to one key; returns false to leave the loop.
    func handle(_ key: Key) -> Bool
    /// Called on every refresh tick and after `Wakeup.wake()`: take in new data.
    func update()
    /// True once the application wants to leave (e.g. after `:q`).
    var finished: Bool { get }
}
