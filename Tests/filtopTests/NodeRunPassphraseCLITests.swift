import Foundation
import Testing

/// `node run` unlocks an encrypted node key from the same sources as the `keys` commands.
@Suite struct NodeRunPassphraseCLITests {
    @Test func nodeRunUnlocksAnEncryptedKeyFromTheEnvironment() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/data"
        let env = ["FILTOP_PASSPHRASE": "correct horse"]
        let made = try CLI.run(["keys", "init", "--encrypt", "--interactive-kdf", "--data-dir", data], environment: env)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try CLI.run(["node", "init", "--data-dir", data, "--listen", "127.0.0.1:0"]).status == 0)

        let locked = try CLI.run(["node", "run", "--data-dir", data], timeout: 60)
        #expect(locked.status != 0 && locked.stderr.contains("--passphrase-file"), "\(locked.stderr)")

        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["node", "run", "--data-dir", data]
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        // Read the log until the node says it is listening (or the process ends).
        var log = Data()
        while !String(decoding: log, as: UTF8.self).contains("listening on") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            log.append(chunk)
        }
        let text = String(decoding: log, as: UTF8.self)
        #expect(text.contains("listening on"), "\(text)")
        p.terminate()
        p.waitUntilExit()
    }
}
