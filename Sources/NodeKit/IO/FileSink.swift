import Foundation

/// A buffered, append-only file writer.
///
/// Not thread-safe: one owner writes, then calls `close()`.
public final class FileSink {
    public let path: String
    private let fd: Int32
    private var buffer: [UInt8]
    private let bufferCapacity: Int
    /// Bytes written so far, buffered or not.
    public private(set) var offset: UInt64 = 0

    /// Creates (or truncates) the file at `path` with the given permissions; with
    /// `exclusive`, fails instead if anything already exists at `path`.
    public init(path: String, mode: mode_t = 0o644, exclusive: Bool = false, bufferCapacity: Int = 1 << 20) throws(IOError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), mode)
        guard fd >= 0 else { throw IOError(path: path, operation: "create") }
        self.fd = fd
        self.path = path
        self.bufferCapacity = bufferCapacity
        self.buffer = []
        self.buffer.reserveCapacity(bufferCapacity)
    }

    deinit { if fd >= 0 { Foundation.close(fd) } }

    /// Appends `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
        offset += UInt64(bytes.count)
        if buffer.count + bytes.count > bufferCapacity { try flush() }
        if bytes.count >= bufferCapacity {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    public func write(_ bytes: [UInt8]) throws(IOError) {
        try bytes.withUnsafeBytes { b in Result { () throws(IOError) in try write(b) } }.get()
    }

    /// Writes out everything buffered.
    public func flush() throws(IOError) {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { b in Result { () throws(IOError) in try writeAll(b) } }.get()
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, forces the data to stable storage, and closes the file.
    public func close(sync: Bool = true) throws(IOError) {
        try flush()
        if sync { guard fsync(fd) == 0 else { throw IOError(path: path, operation: "sync") } }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, operation: "write")
            }
            done += n
        }
    }
}
