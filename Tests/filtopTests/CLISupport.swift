import Foundation

/// Runs the real `filtop` binary built beside the test bundle.
enum CLI {
    /// The binary: `$FILTOP_BIN`, else the `filtop` next to this test runner, else the
    /// package's debug build.
    static var binary: String {
        if let env = ProcessInfo.processInfo.environment["FILTOP_BIN"] { return env }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("filtop").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/filtop").path
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        /// How the child ended: `.exit` or `.uncaughtSignal` (a crash, or killed at the timeout).
        let reason: Process.TerminationReason
        /// Whether the child was killed for outliving `timeout`.
        let timedOut: Bool
    }

    /// Runs `executable` (default: filtop) with `arguments` and waits for it, killing it
    /// after `timeout` seconds. `environment` entries are added to this process's; the
    /// child starts in `directory` when one is given.
    static func run(
        _ arguments: [String], executable: String? = nil, environment: [String: String] = [:], timeout: Double = 120,
        input: Data? = nil, directory: String? = nil
    ) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable ?? binary)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let stdin = Pipe()
        if input != nil { p.standardInput = stdin }
        try p.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        // Drain both pipes while the child runs so a chatty child never blocks.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let timedOut = group.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            p.terminate()
            group.wait()
        }
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self), reason: p.terminationReason, timedOut: timedOut)
    }

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("filtop-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
