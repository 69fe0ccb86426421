/// One key press as the toolkit sees it, independent of the terminal driver.
public enum Key: Hashable, Sendable {
    case character(Character)
    case control(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
}

/// What the driver reports to the run loop.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    /// The terminal changed size.
    case resize(Size)
    /// Another thread called `Wakeup.wake()` (new data to show).
    case wake
    /// SIGINT, SIGTERM or SIGHUP arrived, or the input ended: leave.
    case interrupt
}
