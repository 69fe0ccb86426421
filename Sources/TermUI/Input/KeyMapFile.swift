import Foundation
import TOMLKit

/// Reads key bindings from a TOML file's `[keys]` table:
///
/// ```toml
/// [keys]
/// up = ["k", "Up"]
/// help = "F1"
/// ```
///
/// Each key of the table is a `KeyAction`; each value a key name (`KeyName`) or a list of
/// them, replacing that action's defaults. Other top-level tables are ignored, so the
/// same file can hold other settings.
public enum KeyMapFile {
    /// A binding file that could not be used, and why.
    public struct Error: Swift.Error, CustomStringConvertible, Equatable {
        public let reason: String
        public var description: String { "key bindings: \(reason)" }
    }

    /// A key map read from a file, and the entries of its `[keys]` table that could not
    /// be used (each skipped on its own, so one typo never drops the other bindings).
    public struct Loaded: Sendable, Equatable {
        public var map: KeyMap
        public var problems: [Error]
    }

    /// `base` with the usable bindings of `text` applied; throws only when the text is
    /// not TOML at all.
    public static func load(_ text: String, over base: KeyMap) throws(Error) -> Loaded {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch { throw Error(reason: "not valid TOML (\(error)); fix the file or remove it to use the default keys") }
        guard let keys = table["keys"]?.table else { return Loaded(map: base, problems: []) }
        var loaded = Loaded(map: base, problems: [])
        for actionName in keys.keys.sorted() {
            guard let action = KeyAction(rawValue: actionName) else {
                loaded.problems.append(Error(reason: "unknown action '\(actionName)' ignored (known: \(KeyAction.allCases.map(\.rawValue).joined(separator: ", ")))"))
                continue
            }
            let names: [String]
            if let one = keys[actionName]?.string {
                names = [one]
            } else if let list = keys[actionName]?.array {
                names = list.compactMap { $0.string }
            } else {
                loaded.problems.append(Error(reason: "'\(actionName)' must be a key name or a list of key names; its default keys are kept"))
                continue
            }
            var parsed: [Key] = []
            for name in names {
                if let key = KeyName.parse(name) {
                    parsed.append(key)
                } else {
                    loaded.problems.append(Error(reason: "'\(actionName)': unknown key '\(name)' ignored (names like Up, PgDn, C-d, S-Tab, F5, g)"))
                }
            }
            if !parsed.isEmpty { loaded.map.bind(action, to: parsed) }
        }
        return loaded
    }
}
