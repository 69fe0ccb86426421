import NodeKit
import TermUI

/// What the Offers and Providers views show instead of their table when there is none to
/// show: the cache not read yet, a node that is not a gateway (one quiet line, in the
/// node's words), or why the cache could not be read.
enum MarketViewState {
    /// The caption of a market view whose table is not shown; nil when it is.
    static func caption(_ market: MarketSnapshot?) -> String? {
        guard let market else { return "reading the offer cache…" }
        if market.notGateway != nil { return "not a gateway" }
        if market.error != nil { return "cannot read the offer cache" }
        return nil
    }

    /// Draws the state in `rect` and returns false when there is one; returns true (and
    /// draws nothing) when the view should draw its table.
    static func drawTable(_ market: MarketSnapshot?, into buffer: inout CellBuffer, rect: Rect, context: RenderContext) -> Bool {
        guard let market else {
            note("Reading the offer cache…", into: &buffer, rect: rect, context: context)
            return false
        }
        if let why = market.notGateway {
            note("This node is not a gateway: \(why).", into: &buffer, rect: rect, context: context)
            return false
        }
        if let error = market.error {
            note("Cannot read the offer cache: \(error)", role: .flashError, into: &buffer, rect: rect, context: context)
            return false
        }
        return true
    }

    /// A sentence in place of a table, from the second line of `rect`, wrapped to its width
    /// (the Deals view says its states with it too).
    static func note(_ text: String, role: ThemeRole = .muted, into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        for (i, line) in CellWidth.wrap(text, max(1, rect.width - 2)).enumerated() where rect.y + 1 + i < rect.maxY {
            buffer.write(line, x: rect.x + 1, y: rect.y + 1 + i, style: context.theme[role], clip: rect)
        }
    }

    /// A line above a market table, cut with an ellipsis when it does not fit.
    static func headline(_ text: String, into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        buffer.write(CellWidth.fit(text, max(0, rect.width - 1), ellipsis: context.glyphs.ellipsis), x: rect.x + 1, y: rect.y,
                     style: context.theme[.muted], clip: rect)
    }
}
