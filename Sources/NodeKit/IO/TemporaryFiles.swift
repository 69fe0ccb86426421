import Foundation

/// The temporary files this process is writing, so that an interrupted run (SIGINT,
/// SIGTERM) can remove them before it exits.
///
/// Writers register a path when they create it and unregister it once it has been
/// renamed into place or removed.
public enum TemporaryFiles {
    private static let paths = Locked<Set<String>>([])

    public static func register(_ path: String) { paths.withLock { _ = $0.insert(path) } }

    public static func unregister(_ path: String) { paths.withLock { _ = $0.remove(path) } }

    /// Removes every registered file; called on the way out of an interrupted run.
    public static func removeAll() {
        for path in paths.withLock({ p in defer { p.removeAll() }; return p }) { unlink(path) }
    }
}
