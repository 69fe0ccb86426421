import Foundation

/// A file a command writes for the operator — an exported file, a copy of a piece's CAR,
/// an offer, a public key — checked before anything is written and put in place only
/// when complete.
///
/// The one rule for every output path: refuse a directory, device, FIFO, socket or
/// symbolic link; refuse the command's own inputs, any filtop key file and anything
/// inside a node data directory (a directory holding `node.key` or `node.sqlite`, or one
/// the command names); refuse an existing regular file unless `force`. The bytes go to a
/// temporary file beside the target (registered with `TemporaryFiles`, so an interrupted
/// run removes it) and are renamed over the target only after they are synced.
public struct OutputFile: Sendable {
    /// The target path as given.
    public let path: String
    private let directory: String
    private let force: Bool
    private let inputs: [(path: String, what: String)]

    /// Checks `path`. `inputs` are the files the command reads, each with a name for
    /// messages ("input file", "key file"); `dataDirectories` are node data directories
    /// the command uses, refused even before they hold a node.
    public init(
        path: String, force: Bool, inputs: [(path: String, what: String)] = [], dataDirectories: [String] = []
    ) throws(OutputPathError) {
        guard !path.isEmpty else { throw OutputPathError(path: path, reason: .empty) }
        self.path = path
        self.force = force
        self.inputs = inputs
        let parent = parentDirectory(of: path)
        guard let resolved = Self.realPath(parent) else {
            throw OutputPathError(path: path, reason: .noDirectory(parent))
        }
        directory = resolved
        for dir in dataDirectories {
            if let real = Self.realPath(dir), resolved == real || resolved.hasPrefix(real + "/") {
                throw OutputPathError(path: path, reason: .insideDataDirectory(dir))
            }
        }
        var ancestor = resolved
        while true {
            if Self.isDataDirectory(ancestor) { throw OutputPathError(path: path, reason: .insideDataDirectory(ancestor)) }
            guard ancestor != "/" else { break }
            ancestor = parentDirectory(of: ancestor)
        }
        try checkTarget()
    }

    /// Writes the file through `body` and renames it into place; on any error (or an
    /// interruption) the target is left as it was.
    public func write<T>(_ body: (FileSink) throws -> T) throws -> T {
        let temp = directory + "/." + (path.split(separator: "/").last.map(String.init) ?? "output") + ".\(getpid())-\(UInt32.random(in: 0...UInt32.max)).part"
        TemporaryFiles.register(temp)
        defer { TemporaryFiles.unregister(temp) }
        do {
            let sink = try FileSink(path: temp, exclusive: true)
            let result = try body(sink)
            try sink.close()
            try checkTarget()
            guard rename(temp, path) == 0 else { throw IOError(path: path, operation: "write") }
            return result
        } catch {
            unlink(temp)
            throw error
        }
    }

    /// Writes `bytes` as the whole file.
    public func write(_ bytes: [UInt8]) throws {
        try write { sink in try sink.write(bytes) }
    }

    private func checkTarget() throws(OutputPathError) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        let kind = FileKind(mode: st.st_mode)
        guard kind == .regular else { throw OutputPathError(path: path, reason: .notRegular(kind)) }
        for input in inputs {
            var other = stat()
            if stat(input.path, &other) == 0, other.st_dev == st.st_dev, other.st_ino == st.st_ino {
                throw OutputPathError(path: path, reason: .isInput(input.what))
            }
        }
        if Self.isKeyFile(path) { throw OutputPathError(path: path, reason: .keyFile) }
        guard force else { throw OutputPathError(path: path, reason: .exists) }
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        var st = stat()
        guard stat(p, &st) == 0, FileKind(mode: st.st_mode) == .directory else { return nil }
        return String(cString: p)
    }

    private static func isDataDirectory(_ dir: String) -> Bool {
        let prefix = dir == "/" ? "" : dir
        return access(prefix + "/node.key", F_OK) == 0 || access(prefix + "/node.sqlite", F_OK) == 0
    }

    /// Whether the file starts with a filtop key file's first line.
    private static func isKeyFile(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let magic = Array(KeyFile.magic.utf8)
        var head = [UInt8](repeating: 0, count: magic.count)
        return read(fd, &head, head.count) == head.count && head == magic
    }
}
