import ArgumentParser
import Foundation
import Logging
import NodeKit
import TermUI

/// `filtop` with no arguments (or `filtop console`): the operator console on the
/// operator's own node, embedded and running, beside an embedded devnet (a register,
/// gateways and providers over loopback) unless `--no-devnet`. A first run with no
/// configuration sets everything up in the default data directory without asking.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The operator console (the default): an ncurses dashboard of the local node on an embedded devnet.")

    @OptionGroup var data: DataOptions
    @OptionGroup var look: ConsoleOptions
    @Flag(name: .customLong("no-devnet"), help: "Run the node alone, without the embedded devnet.") var noDevnet = false
    @Flag(help: "Start the embedded devnet anew (removes <data-dir>/devnet first).") var fresh = false

    func validate() throws {
        try look.validate()
        if fresh && look.readonly { throw ValidationError("--fresh removes the devnet, which --readonly does not allow") }
        if fresh && noDevnet { throw ValidationError("--fresh starts the devnet anew; it makes no sense with --no-devnet") }
    }

    func run() async throws {
        try look.requireTerminal()
        let env = ProcessInfo.processInfo.environment
        let journal = EventJournal()
        Logger.bootstrapJournal(journal)
        let dir = data.directory
        let identity = try OperatorNode.identity(in: dir, readOnly: look.readonly, passphrase: env["FILTOP_PASSPHRASE"].map { Array($0.utf8) })
        var devnet: Devnet?
        let devnetPath = dir.path + "/devnet"
        // Read-only creates nothing: the devnet runs only if an earlier run made it.
        if !noDevnet && !(look.readonly && !FileManager.default.fileExists(atPath: devnetPath)) {
            if fresh { try Devnet.clear(directory: devnetPath) }
            devnet = try await Devnet.start(directory: devnetPath, gateways: 8, providers: 3, clients: 2, samplesPerProvider: 5, pace: .watchable)
        }
        let node = try await OperatorNode.start(in: dir, identity: identity, devnet: devnet, journal: journal)
        defer { _ = node }
        // The devnet's clients retrieve through this node's gateway, so deals move on screen.
        let traffic = devnet.flatMap { node.context.roles.contains(.gateway) && !look.readonly ? DevnetTraffic(devnet: $0, gateway: node.context.nodeID) : nil }
        do {
            try await ConsoleSession.run(control: node.control, options: look)
        } catch {
            await traffic?.stop()
            await node.stop()
            await devnet?.stop()
            throw error
        }
        await traffic?.stop()
        await node.stop()
        await devnet?.stop()
    }
}

/// How the console looks and behaves, shared by `console` and `attach`.
struct ConsoleOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "Draw without colour (as does NO_COLOR=1).") var noColor = false
    @Flag(help: "Disable every command that changes the node.") var readonly = false
    @Flag(help: "Capture the mouse (wheel scrolls); off by default so text can be selected.") var mouse = false
    @Option(help: "Seconds between refreshes (0.2…60).") var refresh = 1.0

    func validate() throws {
        guard (0.2...60).contains(refresh) else { throw ValidationError("--refresh must be between 0.2 and 60 seconds") }
    }

    func requireTerminal() throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw OperatorError("the console needs a terminal; for scripts use the subcommands (filtop --help)")
        }
    }
}

/// The console's run: settings, feed, and the terminal loop on its own thread, on any
/// `NodeControl`.
enum ConsoleSession {
    static func run(control: any NodeControl, options: ConsoleOptions) async throws {
        let env = ProcessInfo.processInfo.environment
        let settings = ConsoleSettings.from(environment: env, noColor: options.noColor, readOnly: options.readonly)
        let wakeup = Wakeup()
        let mailbox = ConsoleMailbox(wake: { wakeup.wake() })
        let feed = NodeFeed(control: control, mailbox: mailbox, interval: max(2, options.refresh))
        let task = feed.start()
        defer { task.cancel() }
        let driverOptions = NcursesDriver.Options(
            color: settings.colorDepth != .monochrome, mouse: options.mouse, crashReportDirectory: settings.stateDirectory)
        let refreshInterval = options.refresh
        try await ConsoleThread.run {
            let (themeName, keyMap, problems) = settings.loadConfig()
            var theme = Theme.builtIn
            var notes = problems
            do { theme = try settings.catalog.theme(named: themeName ?? "default") } catch { notes.append("\(error)") }
            let app = ConsoleApp(settings: settings, keyMap: keyMap, theme: theme, mailbox: mailbox, feed: feed, time: SystemTimeSource())
            for note in notes { app.report(problem: note) }
            let driver = NcursesDriver(options: driverOptions, wakeup: wakeup)
            try TerminalLoop(driver: driver, refreshInterval: refreshInterval).run(app)
        }
    }
}

/// Runs the console's blocking loop on its own thread, so neither the loop nor ncurses
/// ever occupies a thread of Swift's cooperative pool (two threads on a 2-core machine).
enum ConsoleThread {
    static func run(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = "filtop-console"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
