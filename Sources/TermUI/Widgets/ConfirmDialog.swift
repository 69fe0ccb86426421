/// A yes/no box for anything that moves money or drops data. Focus starts on Cancel, so
/// an Enter typed by habit never confirms.
public struct ConfirmDialog: Sendable, Equatable {
    /// What a key did to the dialog.
    public enum Outcome: Sendable, Equatable { case pending, confirmed, cancelled }

    public var title: String
    public var message: String
    public var confirmLabel: String
    public private(set) var confirmFocused = false

    public init(title: String, message: String, confirmLabel: String = "OK") {
        self.title = title
        self.message = message
        self.confirmLabel = confirmLabel
    }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .left, .right, .tab, .backTab, .character("h"), .character("l"): confirmFocused.toggle()
        case .enter: return confirmFocused ? .confirmed : .cancelled
        case .escape, .character("n"): return .cancelled
        default: break
        }
        return .pending
    }

    public func render(into buffer: inout CellBuffer, screen: Rect, context: RenderContext) {
        let width = min(max(CellWidth.of(message), CellWidth.of(title) + 4, 30) + 4, screen.width)
        let rect = screen.centered(Size(width: width, height: 6))
        let inner = Box.draw(rect, title: title, into: &buffer, context: context, fill: .dialog)
        buffer.write(message, x: inner.x + 1, y: inner.y + 1, style: context.theme[.dialog], clip: inner)
        let cancel = "[ Cancel ]", confirm = "[ \(confirmLabel) ]"
        let x = inner.x + max(0, (inner.width - CellWidth.of(cancel) - CellWidth.of(confirm) - 2) / 2)
        let y = inner.maxY - 1
        let cancelWidth = buffer.write(cancel, x: x, y: y, style: context.theme[confirmFocused ? .button : .buttonFocused], clip: inner)
        buffer.write(confirm, x: x + cancelWidth + 2, y: y, style: context.theme[confirmFocused ? .buttonFocused : .button], clip: inner)
    }
}
