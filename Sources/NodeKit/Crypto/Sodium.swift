import CSodium

/// The one place libsodium is initialised.
///
/// Every type in `Crypto` calls `Sodium.ready()` before its first libsodium call;
/// `sodium_init` runs exactly once per process (a Swift `static let` is initialised
/// lazily and thread-safely) and is safe to call again anyway.
enum Sodium {
    private static let initialised: Bool = sodium_init() >= 0

    /// Makes sure libsodium is initialised; traps only if the library itself is unusable,
    /// which no input can cause.
    static func ready() {
        precondition(initialised, "libsodium failed to initialise")
    }

    /// Fills `count` bytes with cryptographically secure random bytes.
    static func randomBytes(_ count: Int) -> [UInt8] {
        ready()
        var out = [UInt8](repeating: 0, count: count)
        randombytes_buf(&out, count)
        return out
    }

    /// Overwrites `bytes` with zeros in a way the optimiser cannot remove.
    static func wipe(_ bytes: inout [UInt8]) {
        let count = bytes.count
        sodium_memzero(&bytes, count)
    }
}
