import ArgumentParser
import Foundation
import NodeKit

/// `filtop bench network`: secure-stream bulk throughput next to raw TCP on loopback in
/// the same run, and small request/response round trips per second.
struct NetworkBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Secure-stream bulk throughput vs raw TCP on loopback, and request/response round trips per second.")
    @Option(help: "MiB moved per bulk measurement, 1…65536.") var mib = 2048
    @Option(help: "Seconds of round-trip measurement, 0.1…3600.") var seconds = 5.0
    @Option(help: "Runs of each bulk measurement (best is reported), 1…100.") var runs = 3

    func validate() throws {
        try BenchLimits.check("--mib", mib, in: 1...65536)
        try BenchLimits.check("--seconds", seconds, in: 0.1...3600)
        try BenchLimits.check("--runs", runs, in: 1...100)
    }

    func run() async throws {
        let bytes = mib << 20
        var raw = 0.0, secure = 0.0
        for _ in 0..<runs {
            raw = max(raw, try await TransportBenchmark.rawTCP(bytes: bytes))
            secure = max(secure, try await TransportBenchmark.secureStream(bytes: bytes))
        }
        print(String(format: "raw TCP, loopback:          %8.0f MB/s", raw / 1e6))
        print(String(format: "secure stream (Noise XX):   %8.0f MB/s  (%.2f x raw TCP)", secure / 1e6, secure / raw))
        let rps = try await TransportBenchmark.roundTrips(seconds: seconds)
        print(String(format: "request/response:           %8.0f round trips/s (4 pooled sessions, 32 in flight each)", rps))
    }
}
