import Foundation

/// A value guarded by a lock.
public final class Locked<Value>: @unchecked Sendable {
    // Sendable: `value` is only reached inside `withLock`, under `lock`.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
