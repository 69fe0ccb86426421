import ArgumentParser
import Foundation
import NodeKit

/// `filtop bench gateway`: find-offers answers per second and latency percentiles from a
/// gateway holding millions of cached Piece CIDs, run as its own `filtop node run`
/// process so its resident memory is its own, over real secure sessions on loopback.
struct GatewayBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Find-offers answers per second, latency percentiles and the gateway's memory, with millions of cached Piece CIDs.",
        discussion: """
            The first run builds the gateway's cache in --dir (10 million Piece CIDs take a few minutes and about 2 GB); \
            later runs reuse it. The gateway runs as a separate 'filtop node run' process; a client in this process pays \
            ahead with one voucher and keeps --sessions x --in-flight requests for random cached Piece CIDs in flight.
            """)
    @Option(help: "Piece CIDs in the gateway's cache, 1000…50000000.") var cids = 10_000_000
    @Option(help: "Seconds of load, 0.1…3600.") var seconds = 10.0
    @Option(help: "Secure sessions from the client, 1…64.") var sessions = 4
    @Option(name: .customLong("in-flight"), help: "Requests in flight per session, 1…1024.") var inFlight = 32
    @Option(help: "Where the gateway's data directory (and its cache) is kept between runs (default: <temp>/filtop-bench-gateway).")
    var dir: String?

    func validate() throws {
        try BenchLimits.check("--cids", cids, in: 1000...50_000_000)
        try BenchLimits.check("--seconds", seconds, in: 0.1...3600)
        try BenchLimits.check("--sessions", sessions, in: 1...64)
        try BenchLimits.check("--in-flight", inFlight, in: 1...1024)
        if let dir, dir.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--dir is empty; give a directory path") }
    }

    func run() async throws {
        let gatewayDir = DataDirectory(path: dir.map(NodeProcess.absolute) ?? FileManager.default.temporaryDirectory.path + "/filtop-bench-gateway")
        let start = Date()
        let prepared = try await GatewayBenchmark.prepare(gatewayDir, cids: cids) { stored in
            FileHandle.standardError.write(Data("\rbuilding the cache: \(stored) Piece CIDs".utf8))
        }
        if prepared.built {
            FileHandle.standardError.write(Data("\n".utf8))
            print(String(format: "cache built: %d Piece CIDs in %.1f s (%.0f CIDs/s stored, signatures included)", cids, prepared.seconds, Double(cids) / prepared.seconds))
        } else {
            print("cache reused: \(gatewayDir.path) holds at least \(cids) live Piece CIDs (checked in \(String(format: "%.1f", Date().timeIntervalSince(start))) s)")
        }
        let lookups = try GatewayBenchmark.lookups(gatewayDir, cids: cids, seconds: min(seconds, 3))
        print(String(format: "cache lookups, 1 thread, no network: %10.0f /s", lookups))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("filtop-bench-gateway-run-\(getpid())").path
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let support = try await GatewayBenchmark.startSupport(root: root)
        let address = try NodeAddress("127.0.0.1:\(try NodeProcess.freePort())")
        try GatewayBenchmark.configureGateway(gatewayDir, listen: address, support: support)
        let gatewayID = try KeyFile.load(from: gatewayDir.keyPath).publicKey.nodeID
        let child = try NodeProcess.start("gateway", dataDir: gatewayDir.path, log: root + "/gateway.log")
        defer { child.stop() }
        let client = try await GatewayBenchmark.startClient(root: root, support: support)
        do {
            try await child.waitUntil("register and answer") {
                await client.syncWithRegister()
                return client.peers[gatewayID]?.lastSeen != nil
            }
            let cpuBefore = child.cpuSeconds()
            let load = try await GatewayBenchmark.load(
                client: client, support: support, gateway: gatewayID, at: address, cids: cids, seconds: seconds, sessions: sessions, inFlight: inFlight)
            let gatewayCPU = child.cpuSeconds() - cpuBefore
            let memory = child.memory()
            await client.stop()
            await support.stop()
            let h = load.latency
            let ms = { (p: Double) in Double(h.valueAtPercentile(p)) / 1000 }
            print(String(format: "find-offers answered: %10.0f /s  (%d requests, %d without offers, %.1f s, %d sessions x %d in flight, %d cached Piece CIDs)",
                         load.perSecond, load.requests, load.misses, load.seconds, sessions, inFlight, cids))
            print(String(format: "latency:  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms",
                         ms(50), ms(90), ms(99), ms(99.9), Double(h.max) / 1000))
            print(String(format: "gateway process CPU: %.2f cores busy, %.1f us per answer (the client in this process shares the same cores)",
                         gatewayCPU / load.seconds, gatewayCPU / Double(max(1, load.requests)) * 1_000_000))
            print(String(format: "gateway process memory: RSS %.1f MiB now, peak %.1f MiB", memory.rssMiB, memory.peakMiB))
        } catch {
            await client.stop()
            await support.stop()
            throw error
        }
    }
}
