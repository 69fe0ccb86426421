import ArgumentParser
import Foundation
import Logging
import NodeKit
import TermUI

/// `filtop` with no arguments (or `filtop console`): the operator console on the local
/// node. A first run with no configuration sets the node up in the default data
/// directory without asking anything.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "The operator console (the default): an ncurses dashboard of the local node.")

    @OptionGroup var data: DataOptions
    @Flag(name: .customLong("no-color"), help: "Draw without colour (as does NO_COLOR=1).") var noColor = false
    @Flag(help: "Disable every command that changes the node.") var readonly = false
    @Flag(help: "Capture the mouse (wheel scrolls); off by default so text can be selected.") var mouse = false
    @Option(help: "Seconds between refreshes (0.2…60).") var refresh = 1.0

    func validate() throws {
        guard (0.2...60).contains(refresh) else { throw ValidationError("--refresh must be between 0.2 and 60 seconds") }
    }

    func run() async throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw ValidationError("the console needs a terminal; for scripts use the subcommands (filtop --help)")
        }
        let env = ProcessInfo.processInfo.environment
        let settings = ConsoleSettings.from(environment: env, noColor: noColor, readOnly: readonly)
        let hub = NodeEventHub()
        Logger.bootstrapNodeEvents(hub)
        let control = try InProcessNodeControl(
            directory: data.directory, hub: hub, passphrase: env["FILTOP_PASSPHRASE"].map { Array($0.utf8) })
        let wakeup = Wakeup()
        let mailbox = ConsoleMailbox(wake: { wakeup.wake() })
        let feed = NodeFeed(control: control, mailbox: mailbox, interval: max(2, refresh))
        let task = feed.start()
        defer { task.cancel() }
        let options = NcursesDriver.Options(color: settings.colorDepth != .monochrome, mouse: mouse, crashReportDirectory: settings.stateDirectory)
        let refreshInterval = refresh
        try await ConsoleThread.run {
            let (themeName, keyMap, problems) = settings.loadConfig()
            var theme = Theme.builtIn
            var notes = problems
            do { theme = try settings.catalog.theme(named: themeName ?? "default") } catch { notes.append("\(error)") }
            let app = ConsoleApp(settings: settings, keyMap: keyMap, theme: theme, mailbox: mailbox, feed: feed, time: SystemTimeSource())
            for note in notes { app.report(problem: note) }
            let driver = NcursesDriver(options: options, wakeup: wakeup)
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
