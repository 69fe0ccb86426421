import Foundation

/// The console's event loop: render, present, wait for input or the next refresh, react.
///
/// It redraws into a fresh `CellBuffer` after every event, and the driver sends only what
/// changed, so an idle screen costs one wake-up per refresh and no output. The terminal is
/// handed back by `defer`, whatever way the loop ends.
public final class TerminalLoop {
    public let driver: TerminalDriver
    public let time: TimeSource
    /// Seconds between refresh ticks.
    public let refreshInterval: TimeInterval

    public init(driver: TerminalDriver, time: TimeSource = SystemTimeSource(), refreshInterval: TimeInterval = 1) {
        self.driver = driver
        self.time = time
        self.refreshInterval = max(0.05, refreshInterval)
    }

    /// Runs until the application finishes or an interrupt arrives.
    public func run(_ app: TerminalApplication, onFirstFrame: (() -> Void)? = nil) throws {
        try driver.start()
        defer { driver.stop() }
        var nextTick = time.now.addingTimeInterval(refreshInterval)
        var firstFrame = onFirstFrame
        while !app.finished {
            driver.present(Self.frame(app, size: driver.size, now: time.now))
            firstFrame?()
            firstFrame = nil
            let event = driver.nextEvent(timeout: max(0, nextTick.timeIntervalSince(time.now)))
            switch event {
            case .key(let key):
                if !app.handle(key) { return }
            case .resize:
                continue
            case .wake:
                app.update()
            case .interrupt:
                return
            case nil:
                app.update()
                nextTick = time.now.addingTimeInterval(refreshInterval)
            }
        }
    }

    /// One frame of `app` at `size`: the application, or the too-small screen.
    public static func frame(_ app: TerminalApplication, size: Size, now: Date) -> CellBuffer {
        var context = app.renderContext
        context.now = now
        var buffer = CellBuffer(size: size, fill: Cell(style: context.theme[.base]))
        if size.fits(app.minimumSize) {
            app.render(into: &buffer, context: context)
        } else {
            TooSmallScreen.render(into: &buffer, current: size, needed: app.minimumSize, context: context)
        }
        return buffer
    }
}
