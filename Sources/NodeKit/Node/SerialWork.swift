/// Runs async work one piece at a time, in the order it was submitted — an async mutex
/// for work that must not overlap (a register sync, say), without blocking a thread.
public final class SerialWork: Sendable {
    private let tail = Locked<Task<Void, Never>?>(nil)

    public init() {}

    /// Runs `body` after every piece submitted before it has finished.
    public func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
        let task = tail.withLock { last -> Task<T, Never> in
            let previous = last
            let next = Task<T, Never> {
                await previous?.value
                return await body()
            }
            last = Task { _ = await next.value }
            return next
        }
        return await task.value
    }

    /// `run` for work that throws: its error is rethrown to the caller.
    public func runThrowing<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome: Result<T, any Error> = await run {
            do { return .success(try await body()) } catch { return .failure(error) }
        }
        return try outcome.get()
    }
}
