/// Every style a theme file sets. Each role is drawn by some widget, so every key of the
/// schema is used; `docs/OPERATOR.md` lists them with what they colour.
public enum ThemeRole: String, CaseIterable, Sendable {
    /// The screen background and ordinary text.
    case base
    /// The title bar at the top (program and node name).
    case title
    /// An inactive view tab.
    case tab
    /// The tab of the current view.
    case tabActive = "tab_active"
    /// Frame lines and separators.
    case border
    /// Table column headers.
    case tableHeader = "table_header"
    /// The header of the column the table is sorted by.
    case tableSorted = "table_sorted"
    /// Ordinary table rows.
    case tableRow = "table_row"
    /// The selected table row.
    case tableSelected = "table_selected"
    /// Field names in key/value panels.
    case label
    /// Field values in key/value panels.
    case value
    /// Hints and secondary text.
    case muted
    /// Flash messages by level.
    case flashInfo = "flash_info"
    case flashWarn = "flash_warn"
    case flashError = "flash_error"
    /// The `:` command and `/` filter line.
    case prompt
    /// The completion suggested on the command line.
    case completion
    /// Keys in the help screen and key hints.
    case helpKey = "help_key"
    /// Descriptions in the help screen.
    case helpText = "help_text"
    /// Dialog boxes.
    case dialog
    /// A dialog button without focus, and with focus.
    case button
    case buttonFocused = "button_focused"
    /// The filled and empty parts of a progress bar.
    case progressDone = "progress_done"
    case progressTodo = "progress_todo"
    /// Sparkline bars.
    case sparkline
    /// Log lines by level.
    case logDebug = "log_debug"
    case logInfo = "log_info"
    case logWarn = "log_warn"
    case logError = "log_error"
    /// On the "terminal too small" screen: the size that is too small, and the size needed.
    case tooSmallBad = "too_small_bad"
    case tooSmallGood = "too_small_good"
}
