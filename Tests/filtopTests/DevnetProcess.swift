import Foundation

/// A `filtop devnet` process of the real binary, in a directory of its own, for CLI tests
/// that need a running market. `stop()` ends it (SIGTERM, then SIGKILL past a deadline)
/// and removes the directory.
final class DevnetProcess {
    /// One node as the devnet's JSON line describes it.
    struct Member {
        let name: String
        let node: String
        let dataDir: String
        let adminKey: String
    }

    let directory: String
    let members: [Member]
    private let process: Process

    /// Starts `filtop devnet` with `arguments` and waits (up to `seconds`) until it has
    /// printed the line of each of its `count` nodes.
    init(_ arguments: [String], count: Int, seconds: Double = 120) throws {
        directory = try CLI.temporaryDirectory()
        let out = directory + "/devnet.out", err = directory + "/devnet.err"
        process = Process()
        do {
            for file in [out, err] { _ = FileManager.default.createFile(atPath: file, contents: nil) }
            process.executableURL = URL(fileURLWithPath: CLI.binary)
            process.arguments = ["devnet", "--data-dir", directory + "/devnet"] + arguments
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
            try process.run()
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        var lines: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        while lines.count < count, process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            lines = (try? String(contentsOfFile: out, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        }
        members = lines.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let name = object["name"] as? String, let node = object["node"] as? String,
                  let dataDir = object["data_dir"] as? String, let adminKey = object["admin_key"] as? String else { return nil }
            return Member(name: name, node: node, dataDir: dataDir, adminKey: adminKey)
        }
        guard members.count == count else {
            let log = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            stop()
            throw DevnetProcessError(message: "the devnet printed \(members.count) of \(count) node lines; stderr: \(log.suffix(2000))")
        }
    }

    func member(_ name: String) throws -> Member {
        guard let m = members.first(where: { $0.name == name }) else { throw DevnetProcessError(message: "no devnet member \(name)") }
        return m
    }

    /// Ends the devnet and removes its directory; returns whether it exited on SIGTERM
    /// within the deadline (else it was killed).
    @discardableResult
    func stop(seconds: Double = 30) -> Bool {
        var clean = true
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            if process.isRunning {
                clean = false
                kill(process.processIdentifier, SIGKILL)
            }
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
        return clean && process.terminationReason == .exit && process.terminationStatus == 0
    }
}

struct DevnetProcessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
