import Foundation
import NodeKit
import TermUI

/// The node's live log: follows the tail, scrolls back through a bounded ring, filters.
final class LogPaneView: ConsoleView {
    let title = "Log"
    private(set) var log = LogView(capacity: 5000)

    let helpEntries = [HelpScreen.Entry("G, End", "jump to the newest line and follow")]
    let actions: Set<KeyAction> = [.up, .down, .top, .bottom, .pageUp, .pageDown, .filter]

    var caption: String {
        let total = log.lines.count
        let count = log.filter.isEmpty ? ConsoleFormat.count(total, "line") : "\(log.matchingCount) of \(ConsoleFormat.count(total, "line"))"
        return count + (log.following ? ", following" : ", paused (G follows)")
    }
    var filterQuery: String { log.filter.inverted ? "!" + log.filter.needle : log.filter.needle }
    func setFilter(_ query: String) { log.setFilter(query) }

    func handle(_ action: KeyAction) -> Bool {
        switch action {
        case .up: log.scroll(by: -1)
        case .down: log.scroll(by: 1)
        case .pageUp: log.page(by: -1)
        case .pageDown: log.page(by: 1)
        case .top: log.top()
        case .bottom: log.tail()
        default: return false
        }
        return true
    }

    func update(_ snapshot: NodeSnapshot) {}

    func append(_ event: NodeEvent) {
        let level: LogView.Line.Level = switch event.level {
        case .trace, .debug: .debug
        case .info, .notice: .info
        case .warning: .warning
        case .error, .critical: .error
        }
        log.append(LogView.Line(time: event.time, level: level, text: "\(event.level) \(event.message)"))
    }

    /// A message of the console's own (a configuration problem, say), in full.
    func append(_ text: String, level: LogView.Line.Level, at time: Date) {
        for line in text.split(separator: "\n") { log.append(LogView.Line(time: time, level: level, text: String(line))) }
    }

    func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        log.render(into: &buffer, rect: Rect(x: rect.x + 1, y: rect.y, width: rect.width - 1, height: rect.height), context: context)
    }
}
