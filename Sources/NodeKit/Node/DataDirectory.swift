import Foundation

/// Where a node keeps its state: keys, configuration, database and pieces.
///
/// The default follows the XDG base directory spec: `$XDG_DATA_HOME/filtop`, or
/// `~/.local/share/filtop` when that is unset. Directories filtop creates here are mode
/// 0700 and files 0600, whatever the umask; a directory or config.toml that group or
/// others can write is refused.
public struct DataDirectory: Sendable {
    public let path: String

    /// `path` as the operator typed it; a leading `~` is expanded to `$HOME`.
    public init(path: String) { self.path = expandingTilde(path) }

    /// The default location for this user.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/filtop" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/filtop"
    }

    /// Creates the directory (mode 0700) if missing; refuses an existing one that others
    /// can write.
    public func create() throws {
        try Self.makePrivateDirectory(path)
        try checkPermissions()
    }

    public var databasePath: String { path + "/node.sqlite" }
    /// The node's identity key file.
    public var keyPath: String { path + "/node.key" }
    /// The key file of this node's local administrator (the console, `filtop node status`).
    public var adminKeyPath: String { path + "/admin.key" }
    public var configPath: String { path + "/config.toml" }
    public var piecesPath: String { path + "/pieces" }

    /// Whether `filtop node init` has run here.
    public var isInitialised: Bool {
        FileManager.default.fileExists(atPath: keyPath) && FileManager.default.fileExists(atPath: configPath)
    }

    /// Whether a node database exists here (something was imported or a node ran).
    public var holdsNode: Bool { FileManager.default.fileExists(atPath: databasePath) }

    /// Largest config.toml read.
    static let maxConfigBytes: UInt64 = 1 << 20

    /// Reads and validates `config.toml`.
    public func loadConfig() throws -> NodeConfig {
        guard FileManager.default.fileExists(atPath: configPath) else { throw NodeError.notInitialised(path) }
        try checkPermissions()
        let source = try FileSource(path: configPath)
        guard source.size <= Self.maxConfigBytes else {
            throw NodeError.invalidConfig(path: configPath, reason: "it is \(source.size) bytes, more than a config file's \(Self.maxConfigBytes); check that it is the right file")
        }
        guard let text = String(validating: try source.read(at: 0, count: Int(source.size)), as: UTF8.self) else {
            throw NodeError.invalidConfig(path: configPath, reason: "it is not UTF-8 text; fix it or recreate it with 'filtop node init --force'")
        }
        return try NodeConfig.parse(text, path: configPath)
    }

    /// Opens the node database and blockstore in this directory, creating both if needed
    /// (for commands that add content), and removes temporary files left by runs that died.
    public func openBlockstore() throws -> Blockstore {
        try create()
        try Self.makePrivateDirectory(piecesPath)
        removeStaleTemporaryFiles()
        let store = try Blockstore(directory: path, database: NodeDatabase(path: databasePath))
        for file in [databasePath, databasePath + "-wal", databasePath + "-shm"] { chmod(file, 0o600) }
        return store
    }

    /// Opens the blockstore of a directory that already holds a node, for commands that
    /// only read or act on existing state; a missing one is `DataDirectoryError.missing`.
    public func openExistingBlockstore() throws -> Blockstore {
        try requireExisting()
        return try openBlockstore()
    }

    /// Throws `DataDirectoryError.missing` unless a node database is here.
    public func requireExisting() throws {
        var st = stat()
        if stat(path, &st) == 0, FileKind(mode: st.st_mode) != .directory { throw DataDirectoryError.notADirectory(path) }
        guard holdsNode else { throw DataDirectoryError.missing(path) }
    }

    /// Refuses this directory, its `pieces/` or its config.toml when group or others can write them.
    public func checkPermissions() throws {
        for p in [path, piecesPath, configPath] {
            var st = stat()
            guard lstat(p, &st) == 0 else { continue }
            if FileKind(mode: st.st_mode) != .directory && p == path { throw DataDirectoryError.notADirectory(path) }
            let mode = UInt16(st.st_mode & 0o7777)
            if mode & 0o022 != 0 { throw DataDirectoryError.writableByOthers(path: p, mode: mode) }
        }
    }

    /// Removes `pieces/.import-<pid>-….car.part` files whose process is gone, and those of
    /// the older naming that carried no process ID.
    public func removeStaleTemporaryFiles() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: piecesPath) else { return }
        for name in names where name.hasPrefix(".import-") && name.hasSuffix(".car.part") {
            let rest = name.dropFirst(".import-".count)
            if let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0,
               kill(pid, 0) == 0 || errno == EPERM {
                continue
            }
            unlink(piecesPath + "/" + name)
        }
    }

    /// Creates `dir` with mode 0700 (parents as needed); an existing directory is kept as it is.
    static func makePrivateDirectory(_ dir: String) throws {
        var st = stat()
        if stat(dir, &st) == 0 {
            guard FileKind(mode: st.st_mode) == .directory else { throw DataDirectoryError.notADirectory(dir) }
            return
        }
        let parent = parentDirectory(of: dir)
        if parent != dir && access(parent, F_OK) != 0 { try makePrivateDirectory(parent) }
        guard mkdir(dir, 0o700) == 0 || errno == EEXIST else { throw IOError(path: dir, operation: "create the directory") }
        guard chmod(dir, 0o700) == 0 else { throw IOError(path: dir, operation: "set the mode of") }
    }
}
