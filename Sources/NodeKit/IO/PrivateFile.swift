import Foundation

/// Writes a file of the node's own (config.toml) with mode 0600 whatever the umask:
/// the bytes go to a temporary file beside it, are synced, and replace the old file in
/// one rename, so a crash leaves either the old file or the new one.
public enum PrivateFile {
    public static func replace(_ path: String, with bytes: [UInt8]) throws {
        let temp = path + ".\(getpid()).part"
        TemporaryFiles.register(temp)
        defer { TemporaryFiles.unregister(temp) }
        do {
            unlink(temp)
            let sink = try FileSink(path: temp, mode: 0o600, exclusive: true)
            try sink.write(bytes)
            try sink.close()
            guard chmod(temp, 0o600) == 0 else { throw IOError(path: temp, operation: "set the mode of") }
            guard rename(temp, path) == 0 else { throw IOError(path: path, operation: "write") }
        } catch {
            unlink(temp)
            throw error
        }
    }
}
