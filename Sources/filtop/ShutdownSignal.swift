import Dispatch
import Foundation

/// Waits for SIGINT or SIGTERM, so a headless node can shut down cleanly.
enum ShutdownSignal {
    /// Suspends until one of the signals arrives and returns its name.
    static func wait() async -> String {
        await withCheckedContinuation { continuation in
            let once = Once()
            var sources: [AnyObject] = []
            for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    if once.claim() { continuation.resume(returning: name) }
                }
                source.resume()
                sources.append(source as AnyObject)
            }
            Retained.keep(sources)
        }
    }
}

/// Lets exactly one caller through.
private final class Once: @unchecked Sendable {
    // Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var done = false
    func claim() -> Bool { lock.withLock { defer { done = true }; return !done } }
}

/// Keeps signal sources alive for the life of the process.
enum Retained {
    nonisolated(unsafe) private static var objects: [AnyObject] = []
    static func keep(_ items: [AnyObject]) { objects.append(contentsOf: items) }
}
