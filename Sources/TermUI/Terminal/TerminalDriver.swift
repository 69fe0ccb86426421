import Foundation

/// The seam between the toolkit and a terminal. The run loop renders into a `CellBuffer`
/// and hands it to `present`; the driver decides how to show it (ncurses, or nothing in
/// tests) and reports input. All calls come from the run loop's one thread.
public protocol TerminalDriver: AnyObject {
    /// The terminal's current size.
    var size: Size { get }
    /// Takes over the terminal. Must leave it as it was if it throws.
    func start() throws
    /// Gives the terminal back exactly as `start` found it. Safe to call twice.
    func stop()
    /// Shows `buffer`; only cells that differ from the last presented buffer are sent.
    func present(_ buffer: CellBuffer)
    /// Waits up to `timeout` seconds for input (nil: forever); nil when the time ran out.
    func nextEvent(timeout: TimeInterval?) -> InputEvent?
}
