import Foundation
import TOMLKit

/// Reads a theme file (TOML). The schema, in full:
///
/// ```toml
/// name = "dusk"                      # optional; defaults to the file name
/// [styles]
/// table_selected = { fg = "black", bg = "#5fafd7", bold = true }
/// ```
///
/// Every key under `[styles]` is a `ThemeRole`; each value is a table with optional
/// `fg`, `bg` (a colour name such as `red` or `bright_blue`, `default` for the
/// terminal's own colour, `#rrggbb`, or an index 0–255) and booleans `bold`, `dim`,
/// `underline`, `reverse`. Roles a file leaves out keep `Theme.builtIn`'s style.
/// Unknown keys are errors, so a typo never silently does nothing.
public enum ThemeFile {
    /// A theme file that could not be used, and why.
    public struct Error: Swift.Error, CustomStringConvertible, Equatable {
        public let file: String
        public let reason: String
        public var description: String { "theme \(file): \(reason)" }
    }

    /// Parses theme text; `name` is used when the file sets none.
    public static func parse(_ text: String, name: String) throws(Error) -> Theme {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch { throw Error(file: name, reason: "not valid TOML (\(error))") }
        var theme = Theme.builtIn
        theme.name = table["name"]?.string ?? name
        for key in table.keys where key != "name" && key != "styles" && key != "description" {
            throw Error(file: name, reason: "unknown top-level key '\(key)' (expected name, description, [styles])")
        }
        guard let styles = table["styles"]?.table else { return theme }
        for key in styles.keys {
            guard let role = ThemeRole(rawValue: key) else { throw Error(file: name, reason: "unknown style '\(key)'") }
            guard let entry = styles[key]?.table else { throw Error(file: name, reason: "style '\(key)' must be a table") }
            theme.styles[role] = try style(entry, role: key, file: name)
        }
        return theme
    }

    /// Reads and parses a theme file; the theme's default name is the file's base name.
    public static func load(_ path: String) throws(Error) -> Theme {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        guard let data = FileManager.default.contents(atPath: path) else { throw Error(file: path, reason: "cannot be read") }
        return try parse(String(decoding: data, as: UTF8.self), name: name)
    }

    private static func style(_ entry: TOMLTable, role: String, file: String) throws(Error) -> Style {
        var s = Style()
        for key in entry.keys {
            switch key {
            case "fg", "bg":
                guard let value = entry[key], let color = color(value) else {
                    throw Error(file: file, reason: "style '\(role)': '\(key)' is not a colour")
                }
                if key == "fg" { s.foreground = color } else { s.background = color }
            case "bold", "dim", "underline", "reverse":
                guard let on = entry[key]?.bool else { throw Error(file: file, reason: "style '\(role)': '\(key)' must be true or false") }
                let flag: Style.Attributes = ["bold": .bold, "dim": .dim, "underline": .underline, "reverse": .reverse][key] ?? []
                if on { s.attributes.insert(flag) }
            default:
                throw Error(file: file, reason: "style '\(role)': unknown key '\(key)'")
            }
        }
        return s
    }

    static let colorNames = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright_black", "bright_red", "bright_green", "bright_yellow", "bright_blue", "bright_magenta", "bright_cyan", "bright_white",
    ]

    /// A colour from a name, `#rrggbb` or an index 0–255.
    static func color(_ value: TOMLValueConvertible) -> Color? {
        if let i = value.int { return (0...255).contains(i) ? .indexed(UInt8(i)) : nil }
        guard let text = value.string?.lowercased() else { return nil }
        if text == "default" { return .default }
        if text == "grey" || text == "gray" { return .indexed(8) }
        if let i = colorNames.firstIndex(of: text) { return .indexed(UInt8(i)) }
        guard text.hasPrefix("#"), text.count == 7, let rgb = UInt32(text.dropFirst(), radix: 16) else { return nil }
        return .rgb(UInt8(rgb >> 16 & 0xff), UInt8(rgb >> 8 & 0xff), UInt8(rgb & 0xff))
    }
}
