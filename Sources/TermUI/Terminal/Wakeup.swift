#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A self-pipe that lets any thread (or a signal handler) wake the run loop out of its
/// wait without polling: the driver waits on the read end next to the terminal's input.
public final class Wakeup: Sendable {
    /// Read end, watched by the driver.
    public let readDescriptor: Int32
    /// Write end; writing one byte wakes the loop.
    public let writeDescriptor: Int32

    public init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        readDescriptor = fds[0]
        writeDescriptor = fds[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// Wakes the loop; callable from any thread. A full pipe already means "awake".
    public func wake() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Empties the pipe; returns the bytes read (the loop tells wake-ups from signals).
    func drain() -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64)
        while true {
            let n = read(readDescriptor, &chunk, chunk.count)
            if n <= 0 { return out }
            out += chunk[0..<n]
        }
    }
}
