import Foundation
import NodeKitTesting
import Testing

/// Headless nodes started with `filtop node run`, over loopback, driven by the CLI.
@Suite(.serialized) struct NodeCLITests {
    /// A free loopback port (bound and released; the small race is acceptable in tests).
    private static func freePort() -> Int { LoopbackSocket.freePort() ?? 0 }

    private static func start(_ args: [String], log: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = args
        FileManager.default.createFile(atPath: log, contents: nil)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Polls `condition` every 200 ms for up to `seconds`.
    private static func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return try condition()
    }

    @Test func nodesFindEachOtherShowInTheRegisterAndLeakNothing() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (rp, ap, bp) = (Self.freePort(), Self.freePort(), Self.freePort())
        let region = "eu-marker-region-7"
        #expect(try CLI.run(["node", "init", "--data-dir", dir + "/r", "--listen", "127.0.0.1:\(rp)", "--roles", "register,gateway"]).status == 0)
        let rid = try CLI.run(["keys", "show", "--json", "--data-dir", dir + "/r"]).stdout
            .components(separatedBy: "\"").first { $0.hasPrefix("fid") } ?? ""
        for (name, port, roles) in [("a", ap, "gateway,provider"), ("b", bp, "client")] {
            let r = try CLI.run(["node", "init", "--data-dir", dir + "/" + name, "--listen", "127.0.0.1:\(port)", "--roles", roles,
                                 "--register", "127.0.0.1:\(rp)", "--register-id", rid, "--region", region, "--country", "DE"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        // Capture loopback traffic on the nodes' ports while they talk: the plaintext check
        // below needs tcpdump, so its absence is a failure, not a silent pass.
        let tcpdump = try #require(["/usr/bin/tcpdump", "/usr/sbin/tcpdump"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                   "tcpdump is missing: the no-plaintext-on-the-wire check cannot run; install it (scripts/deps.sh)")
        let pcap = dir + "/lo.pcap"
        let capture = Process()
        capture.executableURL = URL(fileURLWithPath: tcpdump)
        capture.arguments = ["-i", "lo", "-Z", "root", "-w", pcap, "-U", "tcp port \(rp) or tcp port \(ap) or tcp port \(bp)"]
        capture.standardError = FileHandle.nullDevice
        capture.standardOutput = FileHandle.nullDevice
        try capture.run()
        // tcpdump creates the file once its capture and filter are active.
        #expect(Self.eventually(5) { FileManager.default.fileExists(atPath: pcap) }, "tcpdump did not start capturing (does it have capture rights?)")
        var register = try Self.start(["node", "run", "--data-dir", dir + "/r"], log: dir + "/r.log")
        let a = try Self.start(["node", "run", "--data-dir", dir + "/a"], log: dir + "/a.log")
        let b = try Self.start(["node", "run", "--data-dir", dir + "/b"], log: dir + "/b.log")
        defer { for p in [register, a, b, capture] where p.isRunning { kill(p.processIdentifier, SIGKILL) } }

        let listed = try Self.eventually(20) {
            let out = try CLI.run(["register", "list", "--data-dir", dir + "/b"]).stdout
            return out.split(separator: "\n").count == 2 && out.contains(region)
        }
        #expect(listed)
        let status = try CLI.run(["node", "status", "--data-dir", dir + "/b"])
        #expect(status.status == 0 && status.stdout.contains("roles:         client"), "\(status.stderr)")

        // kill -9 the register: its records survive a restart.
        kill(register.processIdentifier, SIGKILL)
        register.waitUntilExit()
        let offline = try CLI.run(["register", "list", "--data-dir", dir + "/b"])
        #expect(offline.status == 0 && offline.stderr.contains("local copy"), "\(offline.stderr)")
        register = try Self.start(["node", "run", "--data-dir", dir + "/r"], log: dir + "/r2.log")
        #expect(try Self.eventually(10) { try CLI.run(["register", "list", "--data-dir", dir + "/b"]).stdout.contains(region) && !CLI.run(["register", "list", "--data-dir", dir + "/b"]).stderr.contains("local copy") })

        // SIGTERM: a clean exit.
        for p in [a, b, register] {
            p.terminate()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        // -U writes each packet as it is captured; SIGTERM flushes the rest and closes the file.
        capture.terminate()
        if !Self.eventually(5, { !capture.isRunning }) { kill(capture.processIdentifier, SIGKILL) }
        capture.waitUntilExit()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: pcap))
        #expect(bytes.count > 1000, "the capture saw the nodes' traffic")
        for secret in [region, "gateway,provider", "127.0.0.1:\(ap)", rid] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "'\(secret)' appears in the loopback capture")
        }
    }
}
