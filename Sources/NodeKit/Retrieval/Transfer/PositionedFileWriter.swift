import Foundation

/// Writes a file from a given position onwards, in large writes, and can copy a range it
/// wrote earlier: the file side of `RetrievalOutput`.
///
/// Small writes are gathered in a buffer; a write of `directWriteThreshold` bytes or more
/// (a whole 256 KiB leaf) goes straight to the file from the caller's memory. Opened
/// `direct`, every write instead goes through a `DirectWriteBehind` (aligned buffers
/// written with direct I/O on a background queue) where the file system allows it.
/// Positioned (`pwrite`) throughout, so several writers may fill disjoint regions of one
/// file. Not thread-safe: one owner.
final class PositionedFileWriter {
    /// How the file is opened.
    enum Opening {
        /// Create it; fail if anything exists at the path.
        case createNew
        /// Create it, or empty an existing regular file (never following a symbolic link).
        case replace
        /// Open an existing file as it is.
        case existing
    }

    static let bufferCapacity = 1 << 20
    static let directWriteThreshold = 1 << 18

    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// The direct-I/O path of a writer opened `direct`, when the file system has one.
    private let behind: DirectWriteBehind?
    /// Where the next byte goes (buffered bytes included).
    private(set) var position: UInt64

    /// Opens the file at `path`; `direct` (for large outputs written once): write around
    /// the page cache where the file system allows it.
    init(path: String, opening: Opening, mode: mode_t = 0o644, position: UInt64 = 0, direct: Bool = false) throws(IOError) {
        let flags: Int32
        switch opening {
        case .createNew: flags = O_CREAT | O_EXCL
        case .replace: flags = O_CREAT | O_TRUNC | O_NOFOLLOW
        case .existing: flags = O_NOFOLLOW
        }
        let fd = open(path, O_RDWR | O_CLOEXEC | flags, mode)
        guard fd >= 0 else { throw IOError(path: path, operation: opening == .existing ? "open" : "create") }
        self.fd = fd
        self.path = path
        self.position = position
        behind = direct ? DirectWriteBehind(path: path, cachedFD: fd, position: position) : nil
        if behind == nil { buffer.reserveCapacity(Self.bufferCapacity) }
    }

    deinit {
        behind?.discard()
        close(fd)
    }

    /// Restricts the file's permissions to `mode` (a sidecar that existed before keeps its
    /// old mode otherwise).
    func setMode(_ mode: mode_t) throws(IOError) {
        guard fchmod(fd, mode) == 0 else { throw IOError(path: path, operation: "set the mode of") }
    }

    /// The file's size on disk (unflushed bytes not counted).
    func size() throws(IOError) -> UInt64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IOError(path: path, operation: "stat") }
        return UInt64(st.st_size)
    }

    /// Writes `bytes` at `position` and moves past them.
    func write(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
        if let behind {
            try behind.append(bytes)
            position += UInt64(bytes.count)
            return
        }
        if buffer.count + bytes.count > Self.bufferCapacity { try flush() }
        if bytes.count >= Self.directWriteThreshold {
            try flush()
            try writeAll(bytes, at: position)
        } else {
            buffer.append(contentsOf: bytes.bindMemory(to: UInt8.self))
        }
        position += UInt64(bytes.count)
    }

    func write(_ bytes: ArraySlice<UInt8>) throws(IOError) {
        try bytes.withUnsafeBytes { b in Result { () throws(IOError) in try write(b) } }.get()
    }

    /// Writes again, at `position`, the `count` bytes written earlier at `source`
    /// (which must end at or before `position`).
    func copy(from source: UInt64, count: UInt64) throws(IOError) {
        try flush()
        var scratch = [UInt8](repeating: 0, count: Int(min(count, UInt64(Self.bufferCapacity))))
        var done: UInt64 = 0
        while done < count {
            let n = Int(min(count - done, UInt64(scratch.count)))
            try scratch.withUnsafeMutableBytes { b in
                Result { () throws(IOError) in
                    let chunk = UnsafeMutableRawBufferPointer(rebasing: b[0..<n])
                    guard try readAll(into: chunk, at: source + done) == n else {
                        throw IOError(
                            path: path, operation: "read back", code: EIO, detail: "the file is shorter than what was written to it")
                    }
                    try writeAll(UnsafeRawBufferPointer(chunk), at: position + done)
                }
            }.get()
            done += UInt64(n)
        }
        position += count
        try behind?.move(to: position)
    }

    /// Writes out whatever is buffered.
    func flush() throws(IOError) {
        try behind?.drain()
        guard !buffer.isEmpty else { return }
        let start = position - UInt64(buffer.count)
        try buffer.withUnsafeBytes { b in Result { () throws(IOError) in try writeAll(b, at: start) } }.get()
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and forces the file to stable storage.
    func sync() throws(IOError) {
        try flush()
        guard fsync(fd) == 0 else { throw IOError(path: path, operation: "sync") }
    }

    /// Cuts the file to `length` bytes (dropping anything buffered) and writes from there.
    func truncate(to length: UInt64) throws(IOError) {
        buffer.removeAll(keepingCapacity: true)
        try behind?.move(to: length)
        guard ftruncate(fd, off_t(length)) == 0 else { throw IOError(path: path, operation: "truncate") }
        position = length
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(IOError) {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, operation: "write")
            }
            done += n
        }
    }

    private func readAll(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(IOError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, operation: "read back")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }
}
