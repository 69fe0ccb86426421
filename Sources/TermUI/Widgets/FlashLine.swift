import Foundation

/// The one-line result of the last action (k9s's flash): info, warning or error, cleared
/// after `lifetime` seconds by the injected clock. Text too long for the line ends in an
/// ellipsis; the full text belongs in the log.
public struct FlashLine: Sendable, Equatable {
    /// How serious a flash message is; errors stay longer.
    public enum Level: String, Sendable { case info, warning, error }

    public struct Message: Sendable, Equatable {
        public let text: String
        public let level: Level
        public let shownAt: Date
    }

    public var lifetime: TimeInterval
    public private(set) var message: Message?

    public init(lifetime: TimeInterval = 6) { self.lifetime = lifetime }

    public mutating func show(_ text: String, level: Level = .info, at now: Date) {
        message = Message(text: text, level: level, shownAt: now)
    }

    public mutating func clear() { message = nil }

    /// The message still showing at `now`, if any.
    public func current(at now: Date) -> Message? {
        guard let message else { return nil }
        let keep = message.level == .error ? lifetime * 2 : lifetime
        return now.timeIntervalSince(message.shownAt) < keep ? message : nil
    }

    public func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext, hint: String = "") {
        buffer.fill(rect, style: context.theme[.base])
        if let m = current(at: context.now) {
            let role: ThemeRole = switch m.level { case .info: .flashInfo; case .warning: .flashWarn; case .error: .flashError }
            let prefix = switch m.level { case .info: ""; case .warning: "warning: "; case .error: "error: " }
            let text = (prefix + m.text).split(separator: "\n", omittingEmptySubsequences: true).joined(separator: " ")
            buffer.write(CellWidth.fit(text, rect.width, ellipsis: context.glyphs.ellipsis), x: rect.x, y: rect.y, style: context.theme[role], clip: rect)
        } else if !hint.isEmpty {
            buffer.write(CellWidth.fit(hint, rect.width, ellipsis: context.glyphs.ellipsis), x: rect.x, y: rect.y, style: context.theme[.muted], clip: rect)
        }
    }
}
