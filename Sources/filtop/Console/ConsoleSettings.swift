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
        return ConsoleSettings(configDirectory: config, shippedThemes: env["FILTOP_THEMES"] ?? shippedThemeDirectory(),
                               colorDepth: depth, glyphs: glyphs, readOnly: readOnly)
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

    /// The configured theme name and key map; problems come back as messages to flash.
    func loadConfig() -> (theme: String?, keyMap: KeyMap, problems: [String]) {
        guard let data = FileManager.default.contents(atPath: configFile) else { return (nil, .defaults, []) }
        let text = String(decoding: data, as: UTF8.self)
        var problems: [String] = []
        var keyMap = KeyMap.defaults
        do { keyMap = try KeyMapFile.apply(text, to: .defaults) } catch { problems.append("\(configFile): \(error)") }
        return (ConsoleConfigFile.themeName(text), keyMap, problems)
    }
}
