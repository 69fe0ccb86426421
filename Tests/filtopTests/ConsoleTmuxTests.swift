import Foundation
import Testing

/// Drives the real `filtop` binary in a tmux pane: opens, navigates, filters, imports,
/// resizes, quits, crashes, and checks the terminal was handed back. Skipped only without
/// tmux. Every test closes its tmux server with `defer`, and `close` fails the test if the
/// server outlives it, so no `tmux -L filtop-test-*` server is left behind.
@Suite(.serialized) struct ConsoleTmuxTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// One tmux server on a private socket; `close` (also run by `deinit`) kills it.
    final class Session {
        let socket = "filtop-test-\(UUID().uuidString.prefix(8))"
        private var closed = false
        /// The exit status of the last tmux command run.
        private var lastStatus: Int32 = 0
        /// The server's socket, removed by `close` (tmux leaves it behind).
        private var socketPath = ""
        let home: String
        let tmux: String

        init(tmux: String) throws {
            self.tmux = tmux
            home = try CLI.temporaryDirectory()
        }

        /// Runs tmux with its output in a file, not a pipe (the server that `new-session`
        /// forks inherits the descriptors and would hold a pipe open), and waits with
        /// `waitpid` directly. The child starts with no signal blocked and every handler at
        /// its default: the test runner's threads block most signals, and a tmux server
        /// that inherited that mask could neither reap its panes nor be stopped.
        @discardableResult
        func run(_ args: [String]) throws -> String {
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t(), all = sigset_t()
            sigemptyset(&none)
            sigfillset(&all)
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &all)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
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
            guard posix_spawn(&pid, tmux, &actions, &attributes, argv, environ) == 0 else { throw CocoaError(.executableLoad) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            lastStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
            return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }

        /// Starts the server and its one pane running `command`. The pane's shell then
        /// waits (until `close` kills the server) so the pane and what `command` printed
        /// stay readable; a dead pane, even with remain-on-exit, can lose its last lines.
        func start(_ command: String, width: Int = 120, height: Int = 40) throws {
            try run(["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", command + "; exec sleep 3600"])
            socketPath = try display("#{socket_path}")
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

        private func exitStatus(_ args: [String]) throws -> Int32 {
            _ = try run(args)
            return lastStatus
        }

        /// Kills the server, waits (up to 10 s) until it is gone, and records an issue if
        /// it is not: a test never leaves a tmux server behind unnoticed.
        func close() {
            guard !closed else { return }
            closed = true
            _ = try? run(["kill-server"])
            let deadline = Date().addingTimeInterval(10)
            while (try? exitStatus(["has-session"])) == 0, Date() < deadline { usleep(20_000) }
            if (try? exitStatus(["has-session"])) == 0 { Issue.record("tmux server \(socket) is still running after kill-server") }
            if !socketPath.isEmpty { try? FileManager.default.removeItem(atPath: socketPath) }
            try? FileManager.default.removeItem(atPath: home)
        }

        deinit { close() }
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func operatorSession() throws {
        let session = try Session(tmux: try #require(Self.tmux))
        defer { session.close() }
        let sample = session.home + "/sample.bin"
        try Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: sample))
        let env = "HOME=\(session.home) XDG_CONFIG_HOME=\(session.home)/config XDG_DATA_HOME=\(session.home)/data TERM=xterm-256color LANG=C.UTF-8"
        try session.start("env \(env) \(CLI.binary) --data-dir \(session.home)/node; echo FILTOP-EXITED $?")

        // The default run: the operator's node listening, on the embedded devnet (a register,
        // a ledger, 8 gateways and 3 providers), established with every gateway.
        var pane = try session.waitFor("the Overview on the devnet") {
            $0.contains("Node ID") && $0.contains("1 Overview") && $0.contains("Listening       127.0.0.1:")
                && $0.contains("Register peers  14") && $0.contains("Live gateways   8")
        }
        #expect(try session.display("#{alternate_on}") == "1")
        // The operator's node starts with its account funded from the devnet's faucet (seen
        // through a devnet member's admin session).
        let operatorID = try CLI.run(["keys", "show", "--json", "--data-dir", session.home + "/node"]).stdout
            .components(separatedBy: "\"").first { $0.hasPrefix("fid") } ?? "(no node ID)"
        let accounts = try CLI.run(["ledger", "accounts", "--data-dir", session.home + "/node/devnet/gateway-01"], timeout: 60)
        #expect(accounts.stdout.split(separator: "\n").contains { $0.hasPrefix(operatorID) && $0.contains(" 100 FIL ") }, "\(accounts.stdout)\(accounts.stderr)")
        try session.keys("3")
        // Eight gateway rows, measured (a capture under load can land mid-redraw: wait for all).
        func rows(_ pane: String, _ role: String) -> Int {
            pane.split(separator: "\n").filter { $0.contains("devnet") && $0.contains(" \(role) ") }.count
        }
        pane = try session.waitFor("the devnet in Peers") {
            $0.contains("Peers · 14 peers") && rows($0, "gateway") == 8 && rows($0, "provider") == 3 && rows($0, "client") == 2 && rows($0, "ledger") == 1
                && $0.contains(" ms ")
        }
        // The devnet's ledger funded the operator's account (the devnet's clients' brokered
        // retrievals open channels to and from it as they go).
        try session.keys("4")
        pane = try session.waitFor("the Channels view") { $0.contains("Channels · ") && $0.contains("Ledger epoch") && $0.contains("balance ") }
        try session.keys("1")

        // The testers' crash: a relative path after :import. Then ~ must be $HOME.
        try session.keys(":")
        try session.literal("import a")
        try session.keys("Tab")
        pane = try session.waitFor(":import a")
        try session.keys("C-u")
        try session.literal("import ~/sam")
        try session.keys("Tab")
        pane = try session.waitFor(":import ~/sample.bin")
        try session.keys("Enter")
        pane = try session.waitFor("imported sample.bin")
        try session.keys("2")
        pane = try session.waitFor("the Content view") { $0.contains("1 piece") && $0.contains("sample.bin") }
        #expect(pane.contains("sample.bin"))
        try session.keys("Enter")
        pane = try session.waitFor("the piece's details") { $0.contains("Piece CID") && $0.contains("c copies the Piece CID") }
        try session.keys("Escape")

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

    /// The default run's market, end to end: the devnet's providers publish to every
    /// gateway — the operator's node among them — so Offers lists their offers; `:find` of
    /// a listed Piece CID shows verified offers; `b` on a provider, confirmed, empties its
    /// rows from Offers and from the next `:find` at once.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func marketViewsOnTheDevnet() throws {
        let session = try Session(tmux: try #require(Self.tmux))
        defer { session.close() }
        let env = "HOME=\(session.home) XDG_CONFIG_HOME=\(session.home)/config XDG_DATA_HOME=\(session.home)/data TERM=xterm-256color LANG=C.UTF-8"
        try session.start("env \(env) \(CLI.binary) --data-dir \(session.home)/node; echo FILTOP-EXITED $?")
        _ = try session.waitFor("the Overview") { $0.contains("Node ID") && $0.contains("Live gateways   8") }

        /// The Offers rows of a pane: the lines of the table (each has its source).
        func offerRows(_ pane: String) -> [Substring] { pane.split(separator: "\n").filter { $0.contains(" publish ") } }
        try session.keys("5")
        var pane = try session.waitFor("the providers' offers in Offers", timeout: 60) { $0.contains("Offers · ") && !offerRows($0).isEmpty }
        try session.keys("Enter")
        pane = try session.waitFor("an offer's details") { $0.contains("c copies the Piece CID") && $0.contains("Received") }
        func field(_ label: String, _ pattern: String) -> String? {
            guard let range = pane.range(of: label + #"\s+"# + pattern, options: .regularExpression) else { return nil }
            return String(pane[range].dropFirst(label.count).trimmingCharacters(in: .whitespaces))
        }
        let provider = try #require(field("Provider", "fid[a-z2-7]{52}"), "no provider in the offer's details")
        let cid = try #require(field("Piece CID", "baga[a-z2-7]+"), "no Piece CID in the offer's details")
        try session.keys("Escape")

        try session.keys(":")
        try session.literal("find \(cid)")
        try session.keys("Enter")
        pane = try session.waitFor("verified offers for a listed Piece CID", timeout: 60) {
            $0.range(of: #"[1-9][0-9]* verified offers?, cheapest first"#, options: .regularExpression) != nil && $0.contains("Gateways asked")
        }
        try session.keys("Escape")

        // Retrieve that piece from the console: the operator's node (a gateway too) finds
        // the offer, in its own cache among others, pays, verifies, and writes the file the
        // provider imported.
        let output = session.home + "/retrieved.bin"
        try session.keys(":")
        try session.literal("retrieve \(cid) \(output)")
        try session.keys("Enter", "7")
        _ = try session.waitFor("the operator's own deal completed in Deals", timeout: 90) {
            $0.split(separator: "\n").contains { $0.contains("c1 ") && $0.contains(" client ") && $0.contains(" Completed ") }
        }
        let retrieved = try #require(FileManager.default.contents(atPath: output), "no file at \(output)")
        let samples = session.home + "/node/devnet/" + "provider-0"
        let originals = (1...3).flatMap { n in
            ((try? FileManager.default.contentsOfDirectory(atPath: samples + "\(n)/samples")) ?? []).map { samples + "\(n)/samples/" + $0 }
        }
        #expect(originals.contains { FileManager.default.contents(atPath: $0) == retrieved }, "the retrieved file is none of the providers' samples")

        // Block the offer's provider on Providers, through the dialog (focus on Cancel).
        try session.keys("6")
        _ = try session.waitFor("the providers in Providers") { $0.contains("Providers · ") && $0.contains(" unlisted ") }
        try session.keys("/")
        try session.literal(provider)
        try session.keys("Enter")
        _ = try session.waitFor("the provider alone") { $0.contains("Providers · 1 of ") }
        try session.keys("b")
        _ = try session.waitFor("the block dialog") { $0.contains("Block provider?") && $0.contains("[ Cancel ]") }
        try session.keys("Right", "Enter")
        _ = try session.waitFor("the block done") { $0.contains("is blocked: its offers are refused") }
        try session.keys("Escape", "5")
        // The table shows the provider's ID cut in the middle: its first 14 characters.
        let head = String(provider.prefix(14))
        pane = try session.waitFor("the blocked provider's rows gone from Offers", timeout: 10) {
            $0.contains("Offers · ") && !offerRows($0).contains { $0.contains(head) }
        }
        try session.keys(":")
        try session.literal("find \(cid)")
        try session.keys("Enter")
        pane = try session.waitFor("a find without the blocked provider", timeout: 60) { $0.contains("Gateways asked") }
        #expect(!pane.split(separator: "\n").contains { $0.contains(head) && $0.contains(" ms ") }, "a blocked provider's offer was found")
        try session.keys("Escape")

        // The devnet's clients retrieve through this node's gateway: the deals it brokers
        // move through their states in Deals (paced providers: a deal takes seconds), and end.
        try session.keys("7")
        pane = try session.waitFor("a brokered deal under way in Deals", timeout: 60) {
            $0.contains("Deals · ") && $0.split(separator: "\n").contains { $0.contains(" broker ") && ($0.contains(" Ongoing ") || $0.contains(" FundsNeeded ")) }
        }
        pane = try session.waitFor("a brokered deal completed in Deals", timeout: 60) {
            $0.split(separator: "\n").contains { $0.contains(" broker ") && $0.contains(" Completed ") && $0.contains("100%") }
        }
        // Enter opens the deal's history.
        try session.keys("Enter")
        pane = try session.waitFor("a deal's history", timeout: 10) { $0.contains("(c copies the payload CID") && $0.contains("statuses, oldest first") }
        try session.keys("Escape")

        try session.keys(":")
        try session.literal("q")
        try session.keys("Enter")
        _ = try session.waitFor("FILTOP-EXITED 0")
    }

    /// A headless node (`filtop node run`) and `filtop attach` on it: the same views as an
    /// embedded node; without the node's admin key, the node's `notAdmin` refusal on screen.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func attachToARunningNode() throws {
        let session = try Session(tmux: try #require(Self.tmux))
        defer { session.close() }
        let dir = session.home + "/daemon"
        let initialised = try CLI.run(["node", "init", "--data-dir", dir, "--listen", "127.0.0.1:0", "--roles", "provider"])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let sample = session.home + "/sample.bin"
        try Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }).write(to: URL(fileURLWithPath: sample))
        let log = session.home + "/daemon.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: CLI.binary)
        daemon.arguments = ["node", "run", "--data-dir", dir]
        daemon.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        daemon.standardOutput = FileHandle.nullDevice
        try daemon.run()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        // The daemon says where it listens (port 0 picked a free one).
        var address: String?
        let deadline = Date().addingTimeInterval(15)
        while address == nil, Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on 127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                address = String(text[range].dropFirst("listening on ".count))
            } else {
                usleep(50_000)
            }
        }
        let target = try #require(address, "the daemon never said where it listens")
        let env = "HOME=\(session.home) XDG_CONFIG_HOME=\(session.home)/config XDG_DATA_HOME=\(session.home)/data TERM=xterm-256color LANG=C.UTF-8"

        try session.start("env \(env) \(CLI.binary) attach \(target) --admin-key \(dir)/admin.key; echo FILTOP-EXITED $?")
        var pane = try session.waitFor("the daemon's Overview") { $0.contains("Listening       \(target)") && $0.contains("provider") }
        #expect(pane.contains("Data directory  \(dir)"))
        // A command works the same remotely: the daemon imports, the piece shows up.
        try session.keys(":")
        try session.literal("import \(sample)")
        try session.keys("Enter")
        pane = try session.waitFor("imported sample.bin")
        try session.keys("2")
        pane = try session.waitFor("the daemon's Content") { $0.contains("1 piece") && $0.contains("sample.bin") }
        try session.keys("8")
        pane = try session.waitFor("the daemon's journal") { $0.contains("listening on \(target)") && $0.contains("imported") }
        try session.keys("C-c")
        pane = try session.waitFor("FILTOP-EXITED 0")
        #expect(try session.display("#{alternate_on}") == "0")

        // Without the admin key (a data directory that has none): the node refuses the
        // session's key, and the console shows the node's typed refusal.
        let stranger = try Session(tmux: try #require(Self.tmux))
        defer { stranger.close() }
        try stranger.start("env \(env) \(CLI.binary) attach \(target) --data-dir \(stranger.home)/none; echo FILTOP-EXITED $?")
        pane = try stranger.waitFor("the notAdmin refusal") { $0.contains("does not hold an admin key of this node") }
        try stranger.keys("C-c")
        _ = try stranger.waitFor("FILTOP-EXITED 0")
        daemon.terminate()
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
    }

    /// `--readonly` on a data directory that does not exist creates nothing (no key, no
    /// database, no devnet) and says why it cannot open.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func readOnlyCreatesNothing() throws {
        let session = try Session(tmux: try #require(Self.tmux))
        defer { session.close() }
        let dir = session.home + "/never"
        try session.start("env HOME=\(session.home) TERM=xterm-256color \(CLI.binary) --readonly --data-dir \(dir); echo FILTOP-EXITED $?")
        let pane = try session.waitFor("FILTOP-EXITED")
        #expect(pane.contains("no node in \(dir)") && pane.contains("FILTOP-EXITED 1"))
        #expect(!FileManager.default.fileExists(atPath: dir))
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
        defer { session.close() }
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

    /// Regression: a crash (here a real SIGSEGV sent to the process) left the terminal in
    /// raw mode on the alternate screen. Now the terminal comes back — normal screen,
    /// cursor shown, line discipline restored — and stderr says where the report went.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func aFatalSignalRestoresTheTerminal() throws {
        let session = try Session(tmux: try #require(Self.tmux))
        defer { session.close() }
        let pidFile = session.home + "/filtop.pid"
        let state = session.home + "/state"
        let env = "HOME=\(session.home) XDG_CONFIG_HOME=\(session.home)/config XDG_STATE_HOME=\(state) TERM=xterm-256color LANG=C.UTF-8"
        let modes = "stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '"
        try session.start("ulimit -c 0; sh -c 'echo $$ > \(pidFile); exec env \(env) \(CLI.binary) --data-dir \(session.home)/node'; r=$?; echo MODES $(\(modes)); echo FILTOP-EXITED $r")
        _ = try session.waitFor("Node ID")
        #expect(try session.display("#{alternate_on}") == "1")
        let pid = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, SIGSEGV) == 0)
        let pane = try session.waitFor("FILTOP-EXITED 139")
        #expect(try session.display("#{alternate_on}") == "0", "still on the alternate screen")
        #expect(try session.display("#{cursor_flag}") == "1", "cursor still hidden")
        #expect(pane.contains("MODES icanon echo"), "terminal modes not restored")
        let report = state + "/filtop/crash-\(pid).txt"
        let joined = pane.split(separator: "\n").joined()
        #expect(joined.contains("filtop: fatal signal SIGSEGV (invalid memory access); terminal restored; crash report written to \(report)"))
        let text = try String(contentsOfFile: report, encoding: .utf8)
        #expect(text.contains("signal: SIGSEGV") && text.contains("pid: \(pid)"))
    }
}
