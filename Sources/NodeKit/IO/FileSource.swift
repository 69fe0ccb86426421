import Foundation

/// A read-only file opened for sequential or positioned reads.
public final class FileSource: @unchecked Sendable {
    // Sendable: the descriptor is only read with pread/read after init, and `close` is
    // left to deinit, so sharing it across threads for positioned reads is safe.
    public let path: String
    private let fd: Int32
    /// The file's size when opened.
    public let size: UInt64

    /// Opens a regular file for reading. Anything else (a directory, FIFO, socket or
    /// device) is refused without blocking: opening a FIFO waits for a writer, and
    /// devices never end.
    public init(path: String) throws(IOError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw IOError(path: path, operation: "open") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            Foundation.close(fd)
            throw IOError(path: path, operation: "stat", code: e)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            Foundation.close(fd)
            throw IOError(
                path: path, operation: "read", code: EINVAL,
                detail: "it is \(FileKind(mode: st.st_mode).description), not a regular file; give the path of a file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        self.fd = fd
        self.path = path
        self.size = UInt64(st.st_size)
        #if os(Linux)
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
    }

    deinit { Foundation.close(fd) }

    /// Reads up to `count` bytes at the current position into `into`; returns how many
    /// were read (0 at end of file). Retries short reads until `count` or end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = Foundation.read(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, operation: "read")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads exactly `count` bytes at `offset`, or fewer only at end of file.
    public func read(at offset: UInt64, count: Int) throws(IOError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let got = try out.withUnsafeMutableBytes { b in
            Result { () throws(IOError) -> Int in try read(at: offset, into: b) }
        }.get()
        if got < count { out.removeLast(count - got) }
        return out
    }

    /// Positioned read into `buffer`; returns the bytes read (short only at end of file).
    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, operation: "read")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }
}
