import Foundation
import NodeKit

/// The server node of a benchmark (the gateway of `filtop bench gateway`, the provider of
/// `filtop bench retrieval`), run as a `filtop node run` child process so its memory and
/// CPU can be read on their own (`/proc/PID/status`, `/proc/PID/stat`). Stopped with
/// SIGTERM (then SIGKILL after 10 s) when the benchmark ends.
final class NodeProcess: Sendable {
    /// What the node is to the benchmark ("gateway", "provider"), for messages.
    let name: String
    private let process: Process
    private let log: String

    private init(name: String, process: Process, log: String) {
        self.name = name
        self.process = process
        self.log = log
    }

    /// Starts `filtop node run --data-dir DATA_DIR` with this executable; its log goes to
    /// `log` (shown when it fails).
    static func start(_ name: String, dataDir: String, log: String) throws -> NodeProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0].hasPrefix("/")
            ? CommandLine.arguments[0] : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0])
        process.arguments = ["node", "run", "--data-dir", dataDir]
        process.standardOutput = FileHandle.nullDevice
        guard FileManager.default.createFile(atPath: log, contents: nil, attributes: [.posixPermissions: 0o600]),
              let logFile = FileHandle(forWritingAtPath: log) else { throw OperatorError("cannot create the \(name)'s log file \(log)") }
        process.standardError = logFile
        try process.run()
        return NodeProcess(name: name, process: process, log: log)
    }

    /// Waits (up to 60 s, checking every 200 ms) until `ready` says the node is usable —
    /// `what` it must do, for the message when it is not; throws as soon as the process exits.
    func waitUntil(_ what: String, _ ready: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard process.isRunning else {
                throw OperatorError("the \(name) process exited with status \(process.terminationStatus); its log ends:\n\(logTail())")
            }
            if try await ready() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw OperatorError("the \(name) process did not \(what) within 60 s; its log ends:\n\(logTail())")
    }

    /// The last lines of the node's log.
    func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// CPU seconds the child has used so far (user + system, from `/proc/PID/stat`).
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // Fields after the command name: state is field 3; utime and stime are 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The child's resident memory now and at its peak.
    func memory() -> (rssMiB: Double, peakMiB: Double) {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return (0, 0) }
        func kib(_ key: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            return Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return (kib("VmRSS") / 1024, kib("VmHWM") / 1024)
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// A free TCP port on 127.0.0.1 (bound once and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw OperatorError("cannot open a socket to find a free port") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw OperatorError("cannot bind a socket on 127.0.0.1 to find a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// `path` with `~` expanded and made absolute against the working directory.
    static func absolute(_ path: String) -> String {
        let expanded = expandingTilde(path)
        return expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
    }
}
