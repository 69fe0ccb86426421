import Foundation
import NodeKit

/// File paths as the operator types them after `:import`: `~` and `~/…` mean `$HOME`
/// (the environment's, as a shell expands it — not the passwd entry), and a relative path
/// starts at the console's working directory. Pure string work: any text, however odd,
/// gives an answer, never a trap.
struct PathCompletion: Sendable {
    /// What `~` expands to.
    let home: String
    /// Where relative paths start.
    let workingDirectory: String
    /// At most this many candidates are offered (a huge directory costs no more).
    var limit = 500

    /// `typed` with a leading `~` expanded and made absolute. `~user` is left as typed
    /// (it names another account's home, which the console does not look up).
    func absolute(_ typed: String) -> String {
        var path = expandingTilde(typed, environment: ["HOME": home])
        if !path.hasPrefix("/") { path = workingDirectory + (workingDirectory.hasSuffix("/") ? "" : "/") + path }
        return path
    }

    /// Completions of `typed`: the entries of the directory it names whose name starts
    /// with its last component, spelled as the operator started (`~/`, `./`, relative),
    /// directories with a trailing `/`. Hidden entries only when the component starts
    /// with a dot.
    func candidates(_ typed: String) -> [String] {
        if typed == "~" { return ["~/"] }
        let (directoryPart, namePrefix) = split(typed)
        let directory = directoryPart.isEmpty ? workingDirectory : absolute(directoryPart)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let showHidden = namePrefix.hasPrefix(".")
        let names = entries.filter { $0.hasPrefix(namePrefix) && (showHidden || !$0.hasPrefix(".")) }.sorted().prefix(limit)
        return names.map { name in
            var isDirectory: ObjCBool = false
            let full = directory + (directory.hasSuffix("/") ? "" : "/") + name
            let marker = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) && isDirectory.boolValue ? "/" : ""
            return directoryPart + name + marker
        }
    }

    /// `typed` cut after its last `/`: the directory as typed, and the start of a name.
    private func split(_ typed: String) -> (directory: String, name: String) {
        guard let slash = typed.lastIndex(of: "/") else { return ("", typed) }
        let afterSlash = typed.index(after: slash)
        return (String(typed[..<afterSlash]), String(typed[afterSlash...]))
    }
}
