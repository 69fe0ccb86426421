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

    /// `base` with the bindings of `text` applied.
    public static func apply(_ text: String, to base: KeyMap) throws(Error) -> KeyMap {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch { throw Error(reason: "not valid TOML (\(error))") }
        guard let keys = table["keys"]?.table else { return base }
        var map = base
        for actionName in keys.keys {
            guard let action = KeyAction(rawValue: actionName) else {
                throw Error(reason: "unknown action '\(actionName)' (known: \(KeyAction.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let names: [String]
            if let one = keys[actionName]?.string {
                names = [one]
            } else if let list = keys[actionName]?.array {
                names = list.compactMap { $0.string }
            } else {
                throw Error(reason: "'\(actionName)' must be a key name or a list of key names")
            }
            var parsed: [Key] = []
            for name in names {
                guard let key = KeyName.parse(name) else { throw Error(reason: "'\(actionName)': unknown key '\(name)'") }
                parsed.append(key)
            }
            map.bind(action, to: parsed)
        }
        return map
    }
}
