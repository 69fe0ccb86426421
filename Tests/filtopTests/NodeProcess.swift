import Foundation
import NodeKit

/// A `filtop node run` process of the real binary on one data directory, for crash tests:
/// `kill9()` ends it with SIGKILL (no shutdown code runs) and `start()` runs it again on
/// the same directory, so with the same key, listen address and database. Each run's
/// stderr goes to `<data dir>.<run>.log`. `stop()` ends it for good (SIGTERM, then SIGKILL
/// past a deadline) and is safe to call in every path, more than once.
final class NodeProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` and `started` are read and written only under `lock`
    // (a crash test's killer task and its cleanup both reach them).
    let dataDir: String
    private let lock = NSLock()
    private var process: Process?
    private var started = 0

    /// `filtop node init`s `dataDir` with `arguments` (listen, roles, register…), lets
    /// `configure` change the written config.toml, and returns the node unstarted.
    static func initialise(_ dataDir: String, _ arguments: [String], configure: (inout NodeConfig) -> Void = { _ in }) throws -> NodeProcess {
        let r = try CLI.run(["node", "init", "--data-dir", dataDir] + arguments, timeout: 60)
        guard r.status == 0 else { throw DevnetProcessError(message: "filtop node init \(arguments) failed: \(r.stderr)") }
        let directory = DataDirectory(path: dataDir)
        var config = try directory.loadConfig()
        configure(&config)
        try config.rendered.write(toFile: directory.configPath, atomically: true, encoding: .utf8)
        return NodeProcess(dataDir: dataDir)
    }

    private init(dataDir: String) { self.dataDir = dataDir }

    /// The node's ID, read from its key by `filtop keys show`.
    func nodeID() throws -> NodeID {
        let r = try CLI.run(["keys", "show", "--json", "--data-dir", dataDir], timeout: 60)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        guard let text = object?["node_id"] as? String else { throw DevnetProcessError(message: "filtop keys show printed no node_id: \(r.stderr)") }
        return try NodeID(text)
    }

    /// How many times the node was started.
    var runs: Int { lock.withLock { started } }

    /// Starts `filtop node run` (the previous run must have ended).
    func start() throws {
        try lock.withLock {
            precondition(process?.isRunning != true, "start() while the node runs")
            started += 1
            let log = "\(dataDir).\(started).log"
            FileManager.default.createFile(atPath: log, contents: nil)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLI.binary)
            p.arguments = ["node", "run", "--data-dir", dataDir]
            p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            process = p
        }
    }

    /// SIGKILLs the node and waits until it is gone.
    func kill9() {
        guard let p = lock.withLock({ process }), p.isRunning else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    /// Ends the node: SIGTERM, then SIGKILL if it outlives `seconds`. Returns whether it
    /// exited cleanly on SIGTERM (true when it was not running).
    @discardableResult
    func stop(seconds: Double = 20) -> Bool {
        guard let p = lock.withLock({ process }), p.isRunning else { return true }
        p.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning, Date() < deadline { usleep(50_000) }
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            return false
        }
        p.waitUntilExit()
        return p.terminationReason == .exit && p.terminationStatus == 0
    }

    /// The last `bytes` of every run's stderr, for a failure message.
    func logTail(_ bytes: Int = 1500) -> String {
        (1...max(1, runs)).map { run in
            let text = (try? String(contentsOfFile: "\(dataDir).\(run).log", encoding: .utf8)) ?? ""
            return "run \(run): \(text.suffix(bytes))"
        }.joined(separator: "\n")
    }
}
