import NodeKit
import TermUI

/// One tab of the console. A view draws only from the latest `NodeSnapshot` (or the log),
/// handles navigation for its content, and says what its keys are for `?`.
protocol ConsoleView: AnyObject {
    /// The tab title, also the `:` command that opens it (lower-cased).
    var title: String { get }
    /// Keys and commands particular to this view, shown first in help.
    var helpEntries: [HelpScreen.Entry] { get }
    /// The key actions this view answers (navigation, sorting, `/`, Enter); help lists
    /// only these besides the global ones.
    var actions: Set<KeyAction> { get }
    /// A one-line description of what is shown ("3 of 10 pieces").
    var caption: String { get }
    /// The current `/` filter text.
    var filterQuery: String { get }
    func setFilter(_ query: String)
    /// Handles a navigation action; false when the view has no use for it.
    func handle(_ action: KeyAction) -> Bool
    func update(_ snapshot: NodeSnapshot)
    /// Every field of the selected row, for Enter; nil when nothing is selected.
    func detail() -> DetailPanel?
    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext)
}

extension ConsoleView {
    var filterQuery: String { "" }
    func setFilter(_ query: String) {}
    func detail() -> DetailPanel? { nil }
}

/// The actions of a view that shows a sortable, filterable table with details on Enter.
let tableViewActions: Set<KeyAction> = [.up, .down, .top, .bottom, .pageUp, .pageDown, .left, .right, .sortReverse, .filter, .select]

/// A view whose rows belong to providers (Offers, Providers): `a`, `b` and `u` allow,
/// block and unlist the selected row's provider.
protocol ProviderRowsView: ConsoleView {
    /// The provider of the selected row, if a row is selected.
    var selectedProvider: NodeID? { get }
}
