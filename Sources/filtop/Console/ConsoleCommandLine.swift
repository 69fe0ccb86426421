import Foundation

/// The `:` commands: what they are, how they parse, and what Tab completes.
enum ConsoleCommandLine {
    /// A parsed command.
    enum Command: Equatable {
        case importFile(String)
        case theme(String?)
        case view(String)
        case help
        case quit(force: Bool)
    }

    /// Why a line is not a command.
    struct Error: Swift.Error, Equatable, CustomStringConvertible {
        let description: String
    }

    static let verbs = ["import", "theme", "help", "q", "quit", "q!"]

    static func parse(_ line: String, views: [String]) throws(Error) -> Command {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let verb = String(trimmed.prefix { $0 != " " })
        let argument = trimmed.dropFirst(verb.count).trimmingCharacters(in: .whitespaces)
        switch verb {
        case "q", "quit": return .quit(force: false)
        case "q!", "quit!": return .quit(force: true)
        case "help": return .help
        case "theme": return .theme(argument.isEmpty ? nil : argument)
        case "import":
            guard !argument.isEmpty else { throw Error(description: "usage: :import PATH") }
            return .importFile((argument as NSString).expandingTildeInPath)
        default:
            if views.contains(verb.lowercased()) { return .view(verb.lowercased()) }
            throw Error(description: "unknown command '\(verb)' (try: \((verbs + views).joined(separator: ", ")))")
        }
    }

    /// Full-line candidates for Tab: verbs and view names, theme names after `theme `,
    /// file paths after `import `.
    static func completions(_ line: String, views: [String], themes: () -> [String]) -> [String] {
        if line.hasPrefix("theme ") { return themes().map { "theme " + $0 } }
        if line.hasPrefix("import ") { return paths(after: String(line.dropFirst(7))).map { "import " + $0 } }
        return (verbs.filter { $0 != "q!" } + views).map { $0 }
    }

    private static func paths(after typed: String) -> [String] {
        let expanded = (typed as NSString).expandingTildeInPath
        let dir = typed.hasSuffix("/") ? expanded : (expanded as NSString).deletingLastPathComponent
        let prefix = typed.hasSuffix("/") ? typed : String(typed.dropLast((typed as NSString).lastPathComponent.count))
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir)) ?? []
        return entries.sorted().map { name in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (dir.isEmpty ? "." : dir) + "/" + name, isDirectory: &isDir)
            return prefix + name + (isDir.boolValue ? "/" : "")
        }
    }
}
