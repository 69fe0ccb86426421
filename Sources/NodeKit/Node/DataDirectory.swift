import Foundation

/// Where a node keeps its state: keys, configuration, database and pieces.
///
/// The default follows the XDG base directory spec: `$XDG_DATA_HOME/filtop`, or
/// `~/.local/share/filtop` when that is unset.
public struct DataDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The default location for this user.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/filtop" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/filtop"
    }

    /// Creates the directory (mode 0700) if missing.
    public func create() throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    public var databasePath: String { path + "/node.sqlite" }
    /// The node's identity key file.
    public var keyPath: String { path + "/node.key" }
    /// The key file of this node's local administrator (the console, `filtop node status`).
    public var adminKeyPath: String { path + "/admin.key" }
    public var configPath: String { path + "/config.toml" }

    /// Whether `filtop node init` has run here.
    public var isInitialised: Bool {
        FileManager.default.fileExists(atPath: keyPath) && FileManager.default.fileExists(atPath: configPath)
    }

    /// Reads and validates `config.toml`.
    public func loadConfig() throws -> NodeConfig {
        guard FileManager.default.fileExists(atPath: configPath) else { throw NodeError.notInitialised(path) }
        return try NodeConfig.parse(try String(contentsOfFile: configPath, encoding: .utf8), path: configPath)
    }

    /// Opens the node database and blockstore in this directory, creating both if needed.
    public func openBlockstore() throws -> Blockstore {
        try create()
        return try Blockstore(directory: path, database: NodeDatabase(path: databasePath))
    }
}
