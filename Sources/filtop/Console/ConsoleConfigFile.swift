import TOMLKit

/// Reads the console's own settings from `console.toml` (the `[keys]` table is read by
/// TermUI's `KeyMapFile`).
enum ConsoleConfigFile {
    /// `theme = "NAME"`, if set.
    static func themeName(_ text: String) -> String? {
        (try? TOMLTable(string: text))?["theme"]?.string
    }
}
