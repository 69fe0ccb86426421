import CNcurses
import Foundation

/// Hands the terminal back when the process dies of a fatal signal (SIGSEGV, SIGILL,
/// SIGBUS, SIGFPE, SIGABRT, SIGTRAP), as htop does: the handler leaves the alternate
/// screen, shows the cursor, restores the terminal modes saved before ncurses took
/// over, writes a short crash report (signal, time, process) and says on stderr where
/// it went; then the signal's default action ends the process (and, if enabled, dumps
/// core). Once the terminal is handed back normally, the handlers from before return.
///
/// The handler runs only async-signal-safe calls (`write`, `open`, `close`,
/// `tcsetattr`, `time`, `getpid`, `raise`) on bytes prepared by `arm` beforehand; it
/// allocates nothing and takes no lock.
enum CrashGuard {
    static let signals = [SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGABRT, SIGTRAP]

    /// Everything the handler needs, prepared off the signal path. Allocated once and
    /// never freed (a handler may run at any moment, so it must never dangle).
    private struct Prepared {
        var armed = false
        var modes = termios()
        var haveModes = false
        /// The bytes that put the terminal back (leave the alternate screen, and so on).
        var restore: UnsafeMutableBufferPointer<UInt8>
        /// The crash report's path, NUL-terminated (just the NUL when there is none).
        var reportPath: UnsafeMutableBufferPointer<UInt8>
        /// Room to format numbers in.
        var digits: UnsafeMutableBufferPointer<UInt8>
        /// The stack the handler runs on when the console's thread has overflowed its own
        /// (an alternate stack is per thread: other threads' overflows use their stack).
        var altStack: UnsafeMutableRawPointer?
    }

    /// Written by the loop's thread in `saveModes`/`arm`/`disarm` only; read by the
    /// handler, which can only run after `arm` has filled it in.
    nonisolated(unsafe) private static var prepared: UnsafeMutablePointer<Prepared>?
    /// The handlers that were in place before `arm` (the Swift runtime's backtracer, say),
    /// put back by `disarm`. Only the loop's thread touches it; the handler never does.
    nonisolated(unsafe) private static var previous: [Int32: sigaction] = [:]

    /// Remembers the terminal's modes; call before ncurses changes them.
    static func saveModes() {
        let p = storage()
        p.pointee.haveModes = tcgetattr(STDIN_FILENO, &p.pointee.modes) == 0
    }

    /// Installs the handlers. `reportDirectory` is created if missing; the report file
    /// is `crash-<pid>.txt` in it. Call once ncurses holds the terminal.
    static func arm(reportDirectory: String?, mouse: Bool) {
        let p = storage()
        var bytes = [UInt8]()
        // The cursor is shown after leaving the alternate screen: leaving it may bring back
        // the cursor state saved on entering.
        for (capability, fallback) in [("sgr0", "\u{1B}[0m"), ("rmkx", ""), ("rmcup", "\u{1B}[?1049l"), ("cnorm", "\u{1B}[?25h")] {
            bytes += Array((Self.capability(capability) ?? fallback).utf8)
        }
        if mouse { bytes += Array("\u{1B}[?1000l\u{1B}[?1006l".utf8) }
        bytes += Array("\r\n".utf8)
        p.pointee.restore = copy(bytes)
        if let directory = reportDirectory {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            p.pointee.reportPath = copy(Array((directory + "/crash-\(getpid()).txt").utf8) + [0])
        }
        if p.pointee.altStack == nil {
            let size = 64 * 1024
            p.pointee.altStack = malloc(size)
            var stack = stack_t(ss_sp: p.pointee.altStack, ss_flags: 0, ss_size: size)
            sigaltstack(&stack, nil)
        }
        for sig in signals {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { CrashGuard.handle($0) }
            #else
            action.__sigaction_u.__sa_handler = { CrashGuard.handle($0) }
            #endif
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND)) | Int32(SA_ONSTACK)
            sigemptyset(&action.sa_mask)
            var old = sigaction()
            if sigaction(sig, &action, &old) == 0, previous[sig] == nil { previous[sig] = old }
        }
        p.pointee.armed = true
    }

    /// The terminal is back in the program's hands: the handlers from before `arm` return.
    static func disarm() {
        guard let p = prepared else { return }
        p.pointee.armed = false
        for (sig, old) in previous {
            var action = old
            sigaction(sig, &action, nil)
        }
        previous = [:]
    }

    private static func storage() -> UnsafeMutablePointer<Prepared> {
        if let p = prepared { return p }
        let p = UnsafeMutablePointer<Prepared>.allocate(capacity: 1)
        p.initialize(to: Prepared(restore: copy([]), reportPath: copy([0]), digits: copy(Array(repeating: 0, count: 32))))
        prepared = p
        return p
    }

    private static func copy(_ bytes: [UInt8]) -> UnsafeMutableBufferPointer<UInt8> {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
        _ = buffer.initialize(from: bytes)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<bytes.count])
    }

    /// A terminfo string capability of the current terminal, if it has one.
    private static func capability(_ name: String) -> String? {
        guard let value = tigetstr(name), Int(bitPattern: value) != -1 else { return nil }
        return String(cString: value)
    }

    // MARK: the handler (async-signal-safe from here on)

    private static func handle(_ sig: Int32) {
        if let p = prepared, p.pointee.armed {
            p.pointee.armed = false
            put(STDOUT_FILENO, p.pointee.restore)
            if p.pointee.haveModes { tcsetattr(STDIN_FILENO, TCSANOW, &p.pointee.modes) }
            let name = Self.name(sig)
            let path = p.pointee.reportPath
            var written = false
            if path.count > 1, let base = path.baseAddress {
                let fd = open(UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                if fd >= 0 {
                    put(fd, "filtop crash report\nsignal: ")
                    put(fd, name)
                    put(fd, "\ntime: ")
                    put(fd, number: Int(time(nil)), p.pointee.digits)
                    put(fd, " (seconds since 1970-01-01 UTC)\npid: ")
                    put(fd, number: Int(getpid()), p.pointee.digits)
                    put(fd, "\n")
                    close(fd)
                    written = true
                }
            }
            put(STDERR_FILENO, "filtop: fatal signal ")
            put(STDERR_FILENO, name)
            put(STDERR_FILENO, "; terminal restored")
            if written {
                put(STDERR_FILENO, "; crash report written to ")
                put(STDERR_FILENO, UnsafeMutableBufferPointer(rebasing: path[0..<(path.count - 1)]))
            }
            put(STDERR_FILENO, "\n")
        }
        raise(sig)
    }

    private static func name(_ sig: Int32) -> StaticString {
        switch sig {
        case SIGSEGV: "SIGSEGV (invalid memory access)"
        case SIGILL: "SIGILL (a runtime check failed)"
        case SIGBUS: "SIGBUS (bus error)"
        case SIGFPE: "SIGFPE (arithmetic error)"
        case SIGABRT: "SIGABRT (aborted)"
        case SIGTRAP: "SIGTRAP (trap)"
        default: "fatal signal"
        }
    }

    private static func put(_ fd: Int32, _ text: StaticString) {
        _ = write(fd, text.utf8Start, text.utf8CodeUnitCount)
    }

    private static func put(_ fd: Int32, _ bytes: UnsafeMutableBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        _ = write(fd, base, bytes.count)
    }

    /// Writes a non-negative number in decimal, formatted in `scratch`.
    private static func put(_ fd: Int32, number: Int, _ scratch: UnsafeMutableBufferPointer<UInt8>) {
        var n = max(0, number)
        var i = scratch.count
        repeat {
            i -= 1
            scratch[i] = UInt8(48 + n % 10)
            n /= 10
        } while n > 0 && i > 0
        guard let base = scratch.baseAddress else { return }
        _ = write(fd, base + i, scratch.count - i)
    }
}
