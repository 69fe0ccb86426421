import CNcurses
import Foundation

/// The real terminal, through ncursesw. `present` sends only the cells that changed since
/// the last frame (and ncurses, which keeps its own copy of the screen, sends only the
/// bytes that changed); input waits in `poll` on the terminal and a wake pipe, so an idle
/// console costs nothing between refreshes.
///
/// The terminal is restored by `stop`, by an `atexit` hook if the process exits some
/// other way, and SIGINT/SIGTERM/SIGHUP end the loop normally (`TerminalSignals`); a
/// fatal signal restores it from its handler (`CrashGuard`).
public final class NcursesDriver: TerminalDriver {
    /// Options fixed when the terminal is taken over.
    public struct Options: Sendable {
        public var color: Bool
        public var mouse: Bool
        public var escapeDelayMillis: Int32
        /// Where a crash report goes if the process dies of a fatal signal while the
        /// terminal is held (`CrashGuard`); nil writes none (the terminal is restored
        /// all the same).
        public var crashReportDirectory: String?

        public init(color: Bool = true, mouse: Bool = false, escapeDelayMillis: Int32 = 25, crashReportDirectory: String? = nil) {
            self.color = color
            self.mouse = mouse
            self.escapeDelayMillis = escapeDelayMillis
            self.crashReportDirectory = crashReportDirectory
        }
    }

    /// Why the terminal could not be taken over.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let wakeup: Wakeup
    private let options: Options
    private var screen: OpaquePointer?
    private var last: CellBuffer?
    private var pending: [InputEvent] = []
    private var pairs: [PairKey: Int16] = [:]
    /// The colours the terminal can show, known once started.
    public private(set) var colorDepth: ColorDepth = .monochrome

    private struct PairKey: Hashable { let fg: Int16, bg: Int16 }

    public init(options: Options = Options(), wakeup: Wakeup = Wakeup()) {
        self.options = options
        self.wakeup = wakeup
    }

    public var size: Size {
        guard screen != nil, let window = filtop_stdscr() else { return Size(width: 0, height: 0) }
        return Size(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
    }

    public func start() throws {
        guard screen == nil else { return }
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw StartError(description: "the console needs a terminal; use the subcommands (filtop --help) for scripts")
        }
        CellWidth.prepareLocale()
        CrashGuard.saveModes()
        guard let s = filtop_newterm() else {
            throw StartError(description: "cannot use terminal type '\(ProcessInfo.processInfo.environment["TERM"] ?? "")'")
        }
        screen = s
        NcursesDriver.active = true
        Self.installExitHook()
        raw()
        noecho()
        nonl()
        let window = filtop_stdscr()
        keypad(window, true)
        nodelay(window, true)
        _ = filtop_set_escdelay(options.escapeDelayMillis)
        curs_set(0)
        if options.color, has_colors() {
            start_color()
            use_default_colors()
            colorDepth = filtop_colors() >= 256 ? .ansi256 : .ansi16
        }
        if options.mouse { filtop_mouse_enable(1) }
        TerminalSignals.install(wakeup)
        CrashGuard.arm(reportDirectory: options.crashReportDirectory, mouse: options.mouse)
    }

    public func stop() {
        guard let s = screen else { return }
        CrashGuard.disarm()
        TerminalSignals.restore()
        if options.mouse { filtop_mouse_enable(0) }
        curs_set(1)
        endwin()
        delscreen(s)
        screen = nil
        last = nil
        NcursesDriver.active = false
        filtop_flush_stdout()
    }

    public func present(_ buffer: CellBuffer) {
        guard screen != nil, let window = filtop_stdscr() else { return }
        let previous = last?.size == buffer.size ? last : nil
        if previous == nil { werase(window) }
        var changed = previous == nil
        var text = [wchar_t](repeating: 0, count: 8)
        for y in 0..<buffer.size.height {
            for x in 0..<buffer.size.width {
                let cell = buffer[x, y]
                if cell.isContinuation || previous?[x, y] == cell { continue }
                changed = true
                var n = 0
                for scalar in cell.character.unicodeScalars where n < text.count - 1 {
                    text[n] = wchar_t(bitPattern: scalar.value)
                    n += 1
                }
                text[n] = 0
                let (attrs, pair) = attributes(cell.style)
                _ = filtop_put_cell(Int32(y), Int32(x), text, attrs, pair)
            }
        }
        last = buffer
        if changed { wrefresh(window) }
    }

    public func nextEvent(timeout: TimeInterval?) -> InputEvent? {
        if !pending.isEmpty { return pending.removeFirst() }
        var fds = [
            pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeup.readDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        let millis = timeout.map { Int32(min(max(0, $0 * 1000).rounded(.up), 86_400_000)) } ?? -1
        let ready = poll(&fds, 2, millis)
        if ready < 0, errno != EINTR { return .interrupt }
        if fds[1].revents != 0 {
            let bytes = wakeup.drain()
            if bytes.contains(TerminalSignals.interruptByte) { return .interrupt }
            if bytes.contains(TerminalSignals.resizeByte) { resizeFromKernel() }
            if bytes.contains(where: { $0 != TerminalSignals.resizeByte }) { pending.append(.wake) }
        }
        if fds[0].revents & Int16(POLLHUP | POLLERR) != 0 { return .interrupt }
        if fds[0].revents != 0 || ready < 0 { readKeys() }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    /// Asks the kernel for the window size and tells ncurses (SIGWINCH arrived).
    private func resizeFromKernel() {
        var ws = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_row > 0, ws.ws_col > 0 else { return }
        resizeterm(Int32(ws.ws_row), Int32(ws.ws_col))
        last = nil
        pending.append(.resize(size))
    }

    /// Reads every key ncurses has ready (a SIGWINCH also lands here as KEY_RESIZE).
    private func readKeys() {
        var ch: wint_t = 0
        while true {
            let result = filtop_get_wch(&ch)
            if result == ERR { return }
            if result == filtop_KEY_CODE_YES() {
                if Int32(ch) == KEY_RESIZE {
                    last = nil
                    pending.append(.resize(size))
                } else if Int32(ch) == KEY_MOUSE {
                    switch filtop_mouse_wheel() {
                    case 1: pending.append(.key(.up))
                    case -1: pending.append(.key(.down))
                    default: break
                    }
                } else if let key = Self.functionKey(Int32(ch)) {
                    pending.append(.key(key))
                }
            } else if let key = Self.characterKey(UInt32(ch)) {
                pending.append(.key(key))
            }
        }
    }

    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_BTAB: .backTab
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_ENTER: .enter
        case (KEY_F0 + 1)...(KEY_F0 + 12): .function(Int(code - KEY_F0))
        default: nil
        }
    }

    static func characterKey(_ value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(value + 96) ?? "?"))
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }

    private func attributes(_ style: Style) -> (attr_t, Int16) {
        var attrs = filtop_A_NORMAL()
        if style.attributes.contains(.bold) { attrs |= filtop_A_BOLD() }
        if style.attributes.contains(.dim) { attrs |= filtop_A_DIM() }
        if style.attributes.contains(.underline) { attrs |= filtop_A_UNDERLINE() }
        if style.attributes.contains(.reverse) { attrs |= filtop_A_REVERSE() }
        guard colorDepth != .monochrome else { return (attrs, 0) }
        let key = PairKey(fg: colorNumber(style.foreground), bg: colorNumber(style.background))
        if key.fg == -1, key.bg == -1 { return (attrs, 0) }
        if let pair = pairs[key] { return (attrs, pair) }
        let next = Int16(pairs.count + 1)
        guard Int32(next) < filtop_color_pairs() else { return (attrs, 0) }
        init_pair(next, key.fg, key.bg)
        pairs[key] = next
        return (attrs, next)
    }

    private func colorNumber(_ color: Color) -> Int16 {
        switch color.reduced(to: colorDepth) {
        case .indexed(let i): Int32(i) < filtop_colors() ? Int16(i) : Int16(i % 8)
        default: -1
        }
    }

    /// True while some driver holds the terminal; read by the exit hook. Unsynchronised on
    /// purpose: written only by the loop's thread in `start`/`stop`, read by `atexit` after
    /// that thread has stopped touching it (or is gone).
    nonisolated(unsafe) static var active = false
    /// Written once, by the loop's thread in `start`.
    nonisolated(unsafe) private static var hookInstalled = false

    private static func installExitHook() {
        guard !hookInstalled else { return }
        hookInstalled = true
        atexit {
            if NcursesDriver.active { endwin() }
        }
    }
}
