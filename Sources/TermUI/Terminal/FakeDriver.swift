import Foundation

/// A terminal for tests: a fixed (resizable) size, a script of input events, and every
/// presented frame kept as a `CellBuffer`. When the script runs out it reports
/// `.interrupt`, so a run loop under test always ends.
public final class FakeDriver: TerminalDriver {
    public private(set) var size: Size
    public private(set) var frames: [CellBuffer] = []
    public private(set) var started = false
    public private(set) var stopped = false
    private var script: [InputEvent]
    /// Called before each event is delivered (tests move a manual clock here).
    public var beforeEvent: ((InputEvent) -> Void)?

    public init(size: Size, script: [InputEvent] = []) {
        self.size = size
        self.script = script
    }

    /// The last frame presented.
    public var screen: CellBuffer? { frames.last }

    public func start() throws { started = true }
    public func stop() { stopped = true }

    public func present(_ buffer: CellBuffer) {
        if frames.last != buffer { frames.append(buffer) }
    }

    public func nextEvent(timeout: TimeInterval?) -> InputEvent? {
        guard !script.isEmpty else { return .interrupt }
        let event = script.removeFirst()
        beforeEvent?(event)
        if case .resize(let newSize) = event { size = newSize }
        return event
    }

    /// Adds events to the script.
    public func send(_ events: [InputEvent]) { script += events }

    /// Adds key presses to the script.
    public func press(_ keys: Key...) { script += keys.map { .key($0) } }

    /// Adds each character of `text` as a key press.
    public func type(_ text: String) { script += text.map { .key(.character($0)) } }
}
