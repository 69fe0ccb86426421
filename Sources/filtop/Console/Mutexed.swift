import Foundation

/// A value guarded by a lock.
final class Mutexed<Value>: @unchecked Sendable {
    // Sendable: `value` is only reached inside `with`, under `lock`.
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func with<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
