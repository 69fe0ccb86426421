/// Everything a key can be bound to. Navigation owns arrows, hjkl, g/G and the page keys,
/// so no action ever sits on those letters (the lesson of htop's removed vim mode).
public enum KeyAction: String, CaseIterable, Sendable {
    case up, down, left, right, top, bottom, pageUp = "page_up", pageDown = "page_down"
    case nextView = "next_view", previousView = "previous_view"
    case filter, command, help, back, select
    case sortReverse = "sort_reverse"
    case quit

    /// The one-line description shown in help.
    public var summary: String {
        switch self {
        case .up: "move up"
        case .down: "move down"
        case .left: "sort by the previous column"
        case .right: "sort by the next column"
        case .top: "go to the first row"
        case .bottom: "go to the last row (log: follow the tail)"
        case .pageUp: "page up"
        case .pageDown: "page down"
        case .nextView: "next view"
        case .previousView: "previous view"
        case .filter: "filter rows (/!text inverts)"
        case .command: "command line"
        case .help: "help for this view"
        case .back: "close, clear the filter, go back"
        case .select: "open the selected row's details"
        case .sortReverse: "reverse the sort order"
        case .quit: "quit"
        }
    }
}
