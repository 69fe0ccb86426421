import Foundation
import Testing

/// Drives the real `filtop` binary in a tmux pane: opens, navigates, filters, imports,
/// resizes, quits, and checks the terminal was handed back. Skipped only without tmux.
@Suite(.serialized) struct ConsoleTmuxTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// One tmux server on a private socket, killed at the end.
    final class Session {
        let socket = "filtop-e2e-\(UUID().uuidString.prefix(8))"
        let home: String
        let tmux: String

        init(tmux: String) throws {
            self.tmux = tmux
            home = try CLI.temporaryDirectory()
        }

        /// Runs tmux with its output in a file, not a pipe (the server that `new-session`
        /// forks inherits the descriptors and would hold a pipe open), and waits with
        /// `waitpid` directly.
        @discardableResult
        func run(_ args: [String]) throws -> String {
            let out = home + "/tmux.out"
            var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = ([tmux, "-L", socket] + args).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, tmux, &actions, nil, argv, environ) == 0 else { throw CocoaError(.executableLoad) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }

        func start(_ command: String, width: Int = 120, height: Int = 40) throws {
            try run(["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", command])
            try run(["set-option", "-g", "remain-on-exit", "on"])
        }

        func keys(_ keys: String...) throws { try run(["send-keys", "-t", "0"] + keys) }
        func literal(_ text: String) throws { try run(["send-keys", "-t", "0", "-l", text]) }
        func screen() throws -> String { try run(["capture-pane", "-p", "-t", "0"]) }
        func display(_ format: String) throws -> String { try run(["display-message", "-p", "-t", "0", format]).trimmingCharacters(in: .whitespacesAndNewlines) }

        /// Waits (up to `timeout` s) until the pane satisfies `condition`; returns the pane.
        func waitFor(_ what: String, timeout: Double = 15, _ condition: (String) -> Bool) throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var last = ""
            while Date() < deadline {
                last = try screen()
                if condition(last) { return last }
                usleep(50_000)
            }
            Issue.record("timed out waiting for \(what); pane was:\n\(last)")
            return last
        }

        func waitFor(_ text: String, timeout: Double = 15) throws -> String { try waitFor("'\(text)'", timeout: timeout) { $0.contains(text) } }

        deinit {
            _ = try? run(["kill-server"])
            try? FileManager.default.removeItem(atPath: home)
        }
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func operatorSession() throws {
        let session = try Session(tmux: try #require(Self.tmux))
        let sample = session.home + "/sample.bin"
        try Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: sample))
        let env = "HOME=\(session.home) XDG_CONFIG_HOME=\(session.home)/config XDG_DATA_HOME=\(session.home)/data TERM=xterm-256color LANG=C.UTF-8"
        try session.start("env \(env) \(CLI.binary) --data-dir \(session.home)/node; echo FILTOP-EXITED $?")

        var pane = try session.waitFor("the Overview") {
            $0.contains("Node ID") && $0.contains("1 Overview") && $0.contains("no register configured")
        }
        #expect(pane.contains("1 Overview"))
        #expect(pane.contains("no register configured"))
        #expect(try session.display("#{alternate_on}") == "1")

        try session.keys(":")
        try session.literal("import \(sample)")
        try session.keys("Enter")
        pane = try session.waitFor("imported sample.bin")
        try session.keys("2")
        pane = try session.waitFor("the Content view") { $0.contains("1 piece") && $0.contains("sample.bin") }
        #expect(pane.contains("sample.bin"))

        try session.keys("/")
        try session.literal("nomatch")
        try session.keys("Enter")
        pane = try session.waitFor("0 of 1 piece")
        try session.keys("Escape")
        pane = try session.waitFor("1 piece, unfiltered") { !$0.contains("0 of 1") && $0.contains("1 piece") }

        try session.keys("?")
        // Wait for the whole overlay: under load a capture can land mid-redraw.
        pane = try session.waitFor("the Content help") { $0.contains("Help: Content") && $0.contains("jump to a view") }
        #expect(pane.contains("jump to a view"))
        try session.keys("Escape")

        try session.run(["resize-window", "-t", "0", "-x", "40", "-y", "10"])
        pane = try session.waitFor("the too-small screen") { $0.contains("Terminal size too small") && $0.contains("Width = 40 Height = 10") }
        #expect(pane.contains("Width = 40 Height = 10"))
        try session.run(["resize-window", "-t", "0", "-x", "120", "-y", "40"])
        pane = try session.waitFor("view restored") { $0.contains("1 Overview") && !$0.contains("too small") }

        try session.keys(":")
        try session.literal("q")
        try session.keys("Enter")
        pane = try session.waitFor("FILTOP-EXITED 0")
        #expect(try session.display("#{alternate_on}") == "0")
        #expect(!pane.contains("1 Overview"))
    }

    /// SGR parameters that set a colour (30–48 except 39, and 90–107) in `text`;
    /// 39 and 49 ("default colour") are what tmux writes for uncoloured text.
    static func colourParameters(in text: String) -> [Int] {
        var found: [Int] = []
        for part in text.split(separator: "\u{1B}").dropFirst() where part.hasPrefix("[") {
            guard let end = part.firstIndex(of: "m") else { continue }
            let params = part[part.index(after: part.startIndex)..<end].split(separator: ";").compactMap { Int($0) }
            found += params.filter { ((30...48).contains($0) && $0 != 39) || (90...107).contains($0) }
        }
        return found
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func noColorAndSignalRestoreTheTerminal() throws {
        let session = try Session(tmux: try #require(Self.tmux))
        let env = "HOME=\(session.home) XDG_CONFIG_HOME=\(session.home)/config TERM=xterm-256color NO_COLOR=1"
        try session.start("env \(env) \(CLI.binary) --data-dir \(session.home)/node; echo FILTOP-EXITED $?")
        _ = try session.waitFor("Node ID")
        let styled = try session.run(["capture-pane", "-p", "-e", "-t", "0"])
        #expect(Self.colourParameters(in: styled).isEmpty, "NO_COLOR: the pane has colour escapes")
        #expect(styled.contains("\u{1B}[7m") || styled.contains(";7m"), "selection still shown in reverse video")
        try session.keys("C-c")
        _ = try session.waitFor("FILTOP-EXITED 0")
        #expect(try session.display("#{alternate_on}") == "0")
    }
}
