import Foundation

/// Expands a leading `~` in a path the operator typed to `$HOME`, the way a shell does
/// for the current user (not the passwd entry's home, which differs under `sudo -E`,
/// containers and test harnesses). `~user` forms and paths without `~` are returned
/// unchanged.
///
///     expandingTilde("~/films/a.mkv", environment: ["HOME": "/home/ann"])  // "/home/ann/films/a.mkv"
public func expandingTilde(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"], !home.isEmpty else { return path }
    return home + path.dropFirst()
}
