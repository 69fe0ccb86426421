import Foundation
import NodeKit

/// Reads a passphrase from a file, a pipe or standard input (`-`), which
/// `Data(contentsOf:)` cannot do (a pipe has no size to read up to).
enum PassphraseFile {
    /// Longest input read: a passphrase is one line, far shorter.
    static let limit = 64 << 10

    /// The bytes of `path` (or of standard input for `-`), at most `limit` of them.
    static func read(_ path: String) throws -> [UInt8] {
        let fd = path == "-" ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw IOError(path: path, operation: "read the passphrase from", detail: Self.reason(errno))
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, FileKind(mode: st.st_mode) == .directory {
            throw IOError(path: path, operation: "read the passphrase from", code: EISDIR, detail: "it is a directory; give the file holding the passphrase")
        }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while out.count <= limit {
            let n = Foundation.read(fd, &buffer, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, operation: "read the passphrase from", detail: Self.reason(errno))
            }
            if n == 0 { return out }
            out += buffer[..<n]
            if out.contains(UInt8(ascii: "\n")) { return out }
        }
        throw IOError(path: path, operation: "read the passphrase from", code: EFBIG, detail: "no line break in its first \(limit) bytes; put the passphrase on the first line")
    }

    private static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file; check the path"
        case EACCES: return "permission denied; make it readable by this user (chmod u+r)"
        default: return String(cString: strerror(code))
        }
    }
}
