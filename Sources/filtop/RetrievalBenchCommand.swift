import ArgumentParser
import Foundation
import NodeKit

/// `filtop bench retrieval`: a paid, verified retrieval of a large file over secure
/// sessions on loopback, from a provider run as its own `filtop node run` process, next
/// to `openssl dgst -sha256` of the same file and raw TCP on loopback measured in the
/// same run.
struct RetrievalBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "A paid, verified retrieval over loopback next to openssl's SHA-256 rate and raw TCP, with each side's CPU.",
        discussion: """
            The first run writes a payload file of --size bytes in --dir and imports it into a provider's data directory \
            there (1 GiB takes a few seconds); later runs reuse both. The provider runs as a separate 'filtop node run' \
            process; this process runs the register and ledger node and a client node, which retrieves the file at the \
            provider's price (1000 attoFIL per byte), paying at every threshold of --interval and --interval-increase, \
            checks the output against the payload by SHA-256, then measures openssl and raw TCP.
            """)
    /// The issue's bar: the retrieval's rate against one core's `openssl dgst -sha256`.
    static let bar = 0.75

    @Option(help: "Bytes retrieved (a binary unit may follow: 512MiB, 1GiB), 1 MiB…64 GiB.") var size = ByteSize(bytes: 1 << 30)
    @Option(help: "Where the payload and the provider's data directory are kept between runs (default: <temp>/filtop-bench-retrieval).")
    var dir: String?
    @Option(help: "Bytes the provider sends before the first payment, 1 KiB…1 GiB.") var interval = ByteSize(bytes: 1 << 20)
    @Option(name: .customLong("interval-increase"), help: "Bytes each later payment interval grows by, 1 KiB…1 GiB.")
    var intervalIncrease = ByteSize(bytes: 1 << 20)
    @Option(help: "Runs of each reference (openssl, raw TCP, secure stream; best is reported), 1…100.") var runs = 3

    func validate() throws {
        guard (1 << 20...64 << 30).contains(size.bytes) else { throw ValidationError("--size must be from 1MiB to 64GiB (got \(size.bytes) bytes)") }
        for (name, value) in [("--interval", interval.bytes), ("--interval-increase", intervalIncrease.bytes)] {
            guard RetrievalTerms.intervalRange.contains(value) else {
                throw ValidationError("\(name) must be from 1KiB to 1GiB (got \(value) bytes)")
            }
        }
        try BenchLimits.check("--runs", runs, in: 1...100)
        if let dir, dir.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--dir is empty; give a directory path") }
    }

    func run() async throws {
        let benchDir = dir.map(NodeProcess.absolute) ?? FileManager.default.temporaryDirectory.path + "/filtop-bench-retrieval"
        try FileManager.default.createDirectory(atPath: benchDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        print("load average before the run: \(Self.loadAverage()) (1, 5, 15 min), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let payload = try RetrievalBenchmark.payload(in: benchDir, size: size.bytes)
        let providerDir = DataDirectory(path: benchDir + "/provider")
        let terms = RetrievalTerms(unsealPrice: .zero, paymentInterval: interval.bytes, paymentIntervalIncrease: intervalIncrease.bytes)
        let prepared = try await RetrievalBenchmark.prepareProvider(providerDir, payload: payload.path, terms: terms)
        let piece = prepared.piece
        print("payload: \(payload.path) (\(payload.written ? "written now" : "reused")), root \(piece.rootCID), "
            + (prepared.importSeconds.map { String(format: "imported in %.1f s", $0) } ?? "already imported"))

        let root = benchDir + "/run-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let output = root + "/retrieved.bin"
        let retrieval = try await retrieve(piece: piece, providerDir: providerDir, root: root, output: output)

        let source = try OpensslDigest.best(payload.path, runs: runs)
        let retrieved = try OpensslDigest.run(output)
        guard retrieved.digest == source.digest else {
            throw OperatorError("the retrieved file differs from the payload: SHA-256 \(retrieved.digest), expected \(source.digest)")
        }
        try? FileManager.default.removeItem(atPath: output)
        var raw = 0.0, secure = 0.0
        for _ in 0..<runs {
            raw = max(raw, try await TransportBenchmark.rawTCP(bytes: Int(size.bytes)))
            secure = max(secure, try await TransportBenchmark.secureStream(bytes: Int(size.bytes)))
        }
        let run = retrieval.run, openssl = Double(size.bytes) / source.seconds
        let wall = run.seconds
        print(String(format: "retrieval (paid, verified, Noise XX, loopback): %d bytes of file in %.3f s = %6.0f MB/s", run.fileBytes, wall, run.bytesPerSecond / 1e6))
        print("  \(run.payments) payments, \(run.paid.attoFIL) attoFIL in all for \(run.bytes) block bytes (\(run.params.pricePerByte.attoFIL) attoFIL/byte; "
            + "interval \(ByteCount.format(run.params.paymentInterval)), increase \(ByteCount.format(run.params.paymentIntervalIncrease)))")
        print(String(format: "  CPU: client process %.2f s (%.2f cores; the register and ledger node included), provider process %.2f s (%.2f cores)",
                     retrieval.clientCPU, retrieval.clientCPU / wall, retrieval.providerCPU, retrieval.providerCPU / wall))
        print(String(format: "  the provider waited for payment %d times, %.3f s in all (%.0f%% of the retrieval; from its deal history)",
                     retrieval.pauses.count, retrieval.pauses.seconds, retrieval.pauses.seconds / wall * 100))
        print("  output byte-identical to the payload: SHA-256 \(retrieved.digest)")
        print(String(format: "openssl dgst -sha256, same file: %6.0f MB/s  (%.3f s, best of %d)", openssl / 1e6, source.seconds, runs))
        print(String(format: "raw TCP, loopback:               %6.0f MB/s  (best of %d)", raw / 1e6, runs))
        print(String(format: "secure stream (Noise XX):        %6.0f MB/s  (best of %d; no payments, no verification, no files)", secure / 1e6, runs))
        let ratio = run.bytesPerSecond / openssl
        print(String(format: "retrieval / openssl: %.2fx  (bar: >= %.2fx, %@)", ratio, Self.bar, ratio >= Self.bar ? "met" : "not met"))
    }

    /// Starts the register and ledger, the provider process and the client, and times one
    /// retrieval of `piece` into `output`, with each process's CPU over it and the
    /// provider's pauses for payment.
    private func retrieve(piece: PieceRecord, providerDir: DataDirectory, root: String, output: String) async throws
        -> (run: RetrievalBenchmark.Run, clientCPU: Double, providerCPU: Double, pauses: (count: Int, seconds: Double))
    {
        let support = try await RetrievalBenchmark.startSupport(root: root)
        let address = try NodeAddress("127.0.0.1:\(try NodeProcess.freePort())")
        try RetrievalBenchmark.configureProvider(providerDir, listen: address, support: support)
        let providerID = try KeyFile.load(from: providerDir.keyPath).publicKey.nodeID
        let child = try NodeProcess.start("provider", dataDir: providerDir.path, log: root + "/provider.log")
        defer { child.stop() }
        let client = try await RetrievalBenchmark.startClient(root: root, support: support)
        do {
            try await child.waitUntil("register") { try await RetrievalBenchmark.knows(providerID, client: client) }
            try Self.readThrough(RetrievalBenchmark.carPath(of: piece, in: providerDir))
            let (clientBefore, providerBefore) = (Self.ownCPUSeconds(), child.cpuSeconds())
            let run = try await RetrievalBenchmark.retrieve(client: client, support: support, provider: providerID, piece: piece, output: output)
            let (clientCPU, providerCPU) = (Self.ownCPUSeconds() - clientBefore, child.cpuSeconds() - providerBefore)
            await client.stop()
            await support.stop()
            child.stop()
            let pauses = try await RetrievalBenchmark.providerPauses(providerDir, client: client.identity.nodeID, deal: run.deal)
            return (run, clientCPU, providerCPU, pauses)
        } catch {
            await client.stop()
            await support.stop()
            throw OperatorError("\(error)\nthe provider's log ends:\n\(child.logTail())")
        }
    }

    /// Reads all of `path`, so the provider's reads come from the page cache.
    private static func readThrough(_ path: String) throws {
        let file = try FileSource(path: path)
        var buffer = [UInt8](repeating: 0, count: 4 << 20)
        while try buffer.withUnsafeMutableBytes({ try file.read(into: $0) }) > 0 {}
    }

    /// CPU seconds this process has used (user + system).
    private static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// `/proc/loadavg`'s three averages.
    private static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: ", ")
    }
}
