import NIOCore

/// A session's event loop as a task executor.
///
/// A task that prefers it (`withTaskExecutorPreference`) runs its non-isolated code on the
/// session's event-loop thread, so a stream's `send` or `next()` resumes there without
/// waking a thread of Swift's pool: worth it for code that does little per chunk (the
/// network benchmark). The contract is the event loop's: code run this way must never
/// block, and long computations stall the session (and every other channel of that
/// loop) while they run.
public final class SessionExecutor: TaskExecutor, Sendable {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
