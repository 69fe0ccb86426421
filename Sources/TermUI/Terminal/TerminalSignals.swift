#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT, SIGTERM and SIGHUP into a byte on the wake pipe, so the run loop leaves
/// normally and the terminal is restored on the loop's thread — never inside a signal
/// handler, where `endwin` is not safe.
///
/// SIGWINCH becomes a byte too: the process has many threads, so the signal rarely lands
/// on the one waiting in `poll`, and ncurses' own handler would only be noticed at the
/// next key. The loop answers the byte with `TIOCGWINSZ` and `resizeterm` (never by
/// ignoring SIGWINCH, which silently breaks resizing).
enum TerminalSignals {
    /// The byte an ending signal writes to the wake pipe.
    static let interruptByte: UInt8 = 0xFF
    /// The byte SIGWINCH writes to the wake pipe.
    static let resizeByte: UInt8 = 0xFE

    /// The pipe's write end, read by the handler. Set before handlers are installed.
    nonisolated(unsafe) static var descriptor: Int32 = -1

    static let watched = [SIGINT, SIGTERM, SIGHUP]

    static func install(_ wakeup: Wakeup) {
        descriptor = wakeup.writeDescriptor
        for sig in watched {
            signal(sig) { _ in
                var byte = TerminalSignals.interruptByte
                _ = write(TerminalSignals.descriptor, &byte, 1)
            }
        }
        signal(SIGWINCH) { _ in
            var byte = TerminalSignals.resizeByte
            _ = write(TerminalSignals.descriptor, &byte, 1)
        }
    }

    static func restore() {
        for sig in watched + [SIGWINCH] { signal(sig, SIG_DFL) }
    }
}
