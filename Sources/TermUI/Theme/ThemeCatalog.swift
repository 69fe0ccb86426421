import Foundation

/// The themes an operator can choose from: `*.toml` in the shipped theme folder and in
/// the user's theme folder; a user theme of the same name wins.
public struct ThemeCatalog: Sendable {
    public let directories: [String]

    /// Folders searched in order; later folders override earlier ones.
    public init(directories: [String]) { self.directories = directories }

    /// Theme names found, sorted.
    public var names: [String] {
        Set(directories.flatMap { dir in
            ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
                .filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }
        }).sorted()
    }

    /// Loads the theme called `name` (the last folder that has it wins).
    public func theme(named name: String) throws(ThemeFile.Error) -> Theme {
        for dir in directories.reversed() {
            let path = dir + "/" + name + ".toml"
            if FileManager.default.fileExists(atPath: path) { return try ThemeFile.load(path) }
        }
        throw ThemeFile.Error(file: name, reason: "no such theme (have: \(names.joined(separator: ", ")))")
    }
}
