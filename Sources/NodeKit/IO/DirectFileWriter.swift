import Foundation

/// Writes a new file sequentially in large aligned blocks, bypassing the page cache
/// (`O_DIRECT`) where the file system allows it and falling back to ordinary writes.
///
/// Pieces are written once and not read back right away, so copying them through the
/// page cache only costs CPU and memory. Callers hand over buffers from
/// `DirectFileWriter.allocateBuffer`, fill them completely except for the last one, and
/// finish with `close(length:)`, which trims the aligned tail and syncs the file.
final class DirectFileWriter {
    /// Alignment of buffers, offsets and lengths for direct I/O.
    static let alignment = 4096

    let path: String
    private let fd: Int32
    private let direct: Bool
    private var offset: UInt64 = 0

    init(path: String, mode: mode_t = 0o644) throws(IOError) {
        var fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | Self.directFlag, mode)
        var direct = Self.directFlag != 0
        if fd < 0 && errno == EINVAL {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
            direct = false
        }
        guard fd >= 0 else { throw IOError(path: path, operation: "create") }
        self.fd = fd
        self.path = path
        self.direct = direct
    }

    deinit { Foundation.close(fd) }

    /// Linux's `O_DIRECT`, which Glibc's Swift overlay does not export (it is a
    /// `_GNU_SOURCE` name); 0 where this file does not know its value.
    static var directFlag: Int32 {
        #if os(Linux) && arch(x86_64)
        return 0o40000
        #elseif os(Linux) && arch(arm64)
        return 0o200000
        #else
        return 0
        #endif
    }

    /// A buffer suitably aligned for `write`; the caller deallocates it.
    static func allocateBuffer(capacity: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: alignment)
    }

    /// Writes `count` bytes from `buffer`. `count` must be a multiple of the alignment
    /// except for the file's final write, whose tail is zero-padded and trimmed by `close`.
    func write(_ buffer: UnsafeMutableRawPointer, count: Int, capacity: Int) throws(IOError) {
        var length = count
        if direct && count % Self.alignment != 0 {
            length = (count + Self.alignment - 1) / Self.alignment * Self.alignment
            precondition(length <= capacity, "an aligned buffer always has room for its padding")
            (buffer + count).initializeMemory(as: UInt8.self, repeating: 0, count: length - count)
        }
        var done = 0
        while done < length {
            let n = pwrite(fd, buffer + done, length - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, operation: "write")
            }
            done += n
        }
        offset += UInt64(count)
    }

    /// Overwrites `bytes` at `position` through an ordinary descriptor (no alignment needed).
    func patch(_ bytes: [UInt8], at position: UInt64) throws(IOError) {
        let pfd = open(path, O_WRONLY | O_CLOEXEC)
        guard pfd >= 0 else { throw IOError(path: path, operation: "open") }
        defer { Foundation.close(pfd) }
        let n = bytes.withUnsafeBytes { pwrite(pfd, $0.baseAddress, $0.count, off_t(position)) }
        guard n == bytes.count, fsync(pfd) == 0 else { throw IOError(path: path, operation: "write") }
    }

    /// Trims the file to the bytes actually written and forces it to stable storage.
    func close() throws(IOError) {
        guard ftruncate(fd, off_t(offset)) == 0 else { throw IOError(path: path, operation: "truncate") }
        guard fsync(fd) == 0 else { throw IOError(path: path, operation: "sync") }
    }
}
