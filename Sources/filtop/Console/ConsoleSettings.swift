import Foundation
import TermUI

/// Where the console finds its themes and configuration, and what the environment asks
/// for (NO_COLOR, colour depth, glyphs).
///
/// - shipped themes: `filtop_filtop.resources/Themes` beside the binary (SwiftPM's
///   resource bundle), or `$FILTOP_THEMES`;
/// - user themes: `$XDG_CONFIG_HOME/filtop/themes` (else `~/.config/filtop/themes`);
/// - configuration: `$XDG_CONFIG_HOME/filtop/console.toml` — `theme = "NAME"` and a
///   `[keys]` table (`KeyMapFile`).
struct ConsoleSettings: Sendable {
    var configDirectory: String
    var shippedThemes: String?
    var colorDepth: ColorDepth
    var glyphs: Glyphs
    var readOnly: Bool
    /// What `~` means on the `:` line: `$HOME`, as a shell expands it.
    var home: String = NSHomeDirectory()
    /// Where relative `:import` paths start.
    var workingDirectory: String = FileManager.default.currentDirectoryPath
    /// A register record not re-signed for this long is shown as stale in Peers: nodes
    /// sign their record when they register and it stays valid for `record_ttl`
    /// (3600 s by default), so an older record belongs to a node that went away.
    var peerStaleAfter: TimeInterval = 3600
    /// Where crash reports go: `$XDG_STATE_HOME/filtop` (else `~/.local/state/filtop`).
    var stateDirectory: String = NSHomeDirectory() + "/.local/state/filtop"

    var userThemes: String { configDirectory + "/themes" }
    var configFile: String { configDirectory + "/console.toml" }
    var catalog: ThemeCatalog { ThemeCatalog(directories: [shippedThemes, userThemes].compactMap { $0 }) }

    static func from(environment env: [String: String], noColor: Bool, readOnly: Bool) -> ConsoleSettings {
        let config: String
        if let xdg = env["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            config = xdg + "/filtop"
        } else {
            config = (env["HOME"] ?? NSHomeDirectory()) + "/.config/filtop"
        }
        let depth: ColorDepth
        if noColor || !(env["NO_COLOR"] ?? "").isEmpty {
            depth = .monochrome
        } else if (env["TERM"] ?? "").contains("256color") || env["COLORTERM"] != nil {
            depth = .ansi256
        } else {
            depth = .ansi16
        }
        let glyphs: Glyphs = env["FILTOP_ASCII"] != nil || env["TERM"] == "linux" ? .ascii : .automatic
        var settings = ConsoleSettings(configDirectory: config, shippedThemes: env["FILTOP_THEMES"] ?? shippedThemeDirectory(),
                                       colorDepth: depth, glyphs: glyphs, readOnly: readOnly)
        if let home = env["HOME"], !home.isEmpty { settings.home = home }
        if let state = env["XDG_STATE_HOME"], state.hasPrefix("/") {
            settings.stateDirectory = state + "/filtop"
        } else {
            settings.stateDirectory = settings.home + "/.local/state/filtop"
        }
        return settings
    }

    /// The themes that ship with the binary.
    static func shippedThemeDirectory() -> String? {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [
            executable.appendingPathComponent("filtop_filtop.resources/Themes"),
            executable.appendingPathComponent("filtop_filtop.bundle/Contents/Resources/Themes"),
            executable.deletingLastPathComponent().appendingPathComponent("share/filtop/themes"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }?.path
    }

    /// The configured theme name and key map. Problems come back in full, one message
    /// each, for the flash line and the Log view; a bad binding costs only itself.
    func loadConfig() -> (theme: String?, keyMap: KeyMap, problems: [String]) {
        guard let data = FileManager.default.contents(atPath: configFile) else { return (nil, .defaults, []) }
        let text = String(decoding: data, as: UTF8.self)
        do {
            let loaded = try KeyMapFile.load(text, over: .defaults)
            return (ConsoleConfigFile.themeName(text), loaded.map, loaded.problems.map { "\(configFile): \($0)" })
        } catch {
            return (nil, .defaults, ["\(configFile): \(error)"])
        }
    }
}
