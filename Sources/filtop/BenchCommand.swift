import ArgumentParser
import Foundation
import NodeKit

/// `filtop bench`: measure this machine on the node's hot paths.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure hot paths on this machine.", subcommands: [Offers.self, Console.self, NetworkBenchCommand.self, PaychBenchCommand.self, GatewayBenchCommand.self, RetrievalBenchCommand.self])

    struct Console: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "console",
            abstract: "The console's table: sort, filter and draw N rows into a 120×40 cell buffer, and resident memory with them loaded.",
            discussion: "With --populate DIR, instead imports N small files into the node at DIR (up to N pieces in all), so the real console can be measured on it.")
        @Option(help: "Rows in the table, 1…1000000 (with --populate: pieces the node should hold).") var rows = 10_000
        @Option(help: "Sort + draw repetitions, 1…100000.") var iterations = 200
        @Option(help: "A node's data directory to fill with --rows pieces.") var populate: String?

        func validate() throws {
            try BenchLimits.check("--rows", rows, in: 1...1_000_000)
            try BenchLimits.check("--iterations", iterations, in: 1...100_000)
        }

        func run() throws {
            if let populate {
                let added = try ConsoleBenchmark.populate(DataDirectory(path: populate), count: rows)
                print("imported \(added) pieces into \(populate)")
                return
            }
            let r = try ConsoleBenchmark.run(rows: rows, iterations: iterations)
            let p = ConsoleBenchmark.percentile
            print(String(format: "rows: %d   load into the Content view: %.2f ms", r.rows, r.loadMillis))
            print(String(format: "sort + draw 120x40: p50 %.3f ms  p99 %.3f ms  max %.3f ms", p(r.sortRenderMillis, 0.5), p(r.sortRenderMillis, 0.99), r.sortRenderMillis.max() ?? 0))
            print(String(format: "draw only 120x40:   p50 %.3f ms  p99 %.3f ms", p(r.renderMillis, 0.5), p(r.renderMillis, 0.99)))
            print(String(format: "filter + draw (first keystroke builds the search text): first %.3f ms, then max %.3f ms", r.filterMillis.first ?? 0, r.filterMillis.dropFirst().max() ?? 0))
            print(String(format: "memory with %d rows: RSS %.1f MiB, of which private (anonymous) %.1f MiB", r.rows, r.residentMiB, r.anonymousMiB))
        }
    }

    struct Offers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "offers",
            abstract: "Group-offer ingestion (frame + envelope decode, Merkle root rebuild, signature check) and Ed25519 verifications.")
        @Option(help: "Piece CIDs per group offer (1…128).") var cids = OfferLimits.maxCIDsPerOffer
        @Option(help: "Seconds per measurement, 0.1…3600.") var seconds = 3.0
        @Option(help: "Threads for the all-cores figure, 1…1024 (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            try BenchLimits.check("--cids", cids, in: 1...OfferLimits.maxCIDsPerOffer)
            try BenchLimits.check("--seconds", seconds, in: 0.1...3600)
            try BenchLimits.check("--threads", threads, in: 1...1024)
        }

        func run() throws {
            let frames = try Self.sampleFrames(count: 64, cidsPerOffer: cids)
            let one = Self.measure(threads: 1, seconds: seconds) { i in try Self.ingest(frames[i % frames.count]) }
            print(String(format: "offer ingestion, 1 core:   %12.0f CIDs/s  (%.0f offers/s of %d CIDs)", one * Double(cids), one, cids))
            if threads > 1 {
                let all = Self.measure(threads: threads, seconds: seconds) { i in try Self.ingest(frames[i % frames.count]) }
                print(String(format: "offer ingestion, %d cores: %12.0f CIDs/s", threads, all * Double(cids)))
            }
            let pair = KeyPair()
            let message = [UInt8](repeating: 7, count: OfferSigning.signedByteCount)
            let signature = pair.sign(message)
            let verifications = Self.measure(threads: 1, seconds: seconds) { _ in
                guard pair.publicKey.verify(signature, over: message) else { throw ArgumentError("signature failed") }
            }
            print(String(format: "Ed25519 verifications:     %12.0f /s per core", verifications))
        }

        /// One ingestion: what a gateway does with a received PublishGroupOffer frame.
        static func ingest(_ frame: [UInt8]) throws {
            let envelope = try Envelope(decoding: Frame.decodeOne(frame))
            let message: PublishGroupOffer = try envelope.message()
            try message.offer.verifyIntegrity()
        }

        static func sampleFrames(count: Int, cidsPerOffer: Int) throws -> [[UInt8]] {
            let pair = KeyPair()
            var generator = SystemRandomNumberGenerator()
            return try (0..<count).map { i in
                let cids = try (0..<cidsPerOffer).map { _ in
                    var c = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
                    c[31] &= 0x3f
                    return try PieceCID(commitment: c)
                }
                let terms = OfferTerms(pricePerByte: try TokenAmount("0.000000001 FIL"), expiry: UInt64.max / 2, latencyMillis: 50, nonce: UInt64(i))
                return Envelope(PublishGroupOffer(offer: try CIDOffer.sign(pieceCIDs: cids, terms: terms, by: pair)), requestID: UInt64(i)).framed
            }
        }

        /// Runs `body` on `threads` threads for `seconds`; returns calls per second in all.
        static func measure(threads: Int, seconds: Double, _ body: @escaping @Sendable (Int) throws -> Void) -> Double {
            let counts = Counts(threads)
            let deadline = Date().addingTimeInterval(seconds)
            let start = Date()
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var n = 0
                while Date() < deadline {
                    for _ in 0..<16 {
                        do { try body(n) } catch { return }
                        n += 1
                    }
                }
                counts.set(t, n)
            }
            return Double(counts.total) / Date().timeIntervalSince(start)
        }
    }
}

/// Range checks for the benchmarks' numeric options, with the range in the message.
enum BenchLimits {
    static func check(_ name: String, _ value: Int, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(name) must be from \(range.lowerBound) to \(range.upperBound) (got \(value))")
        }
    }

    static func check(_ name: String, _ value: Double, in range: ClosedRange<Double>) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("\(name) must be a number of seconds from \(range.lowerBound) to \(range.upperBound) (got \(value))")
        }
    }
}

/// Per-thread result slots for `measure`.
private final class Counts: @unchecked Sendable {
    // Sendable: each thread writes only its own slot under `lock`, and `total` is read
    // after concurrentPerform has returned.
    private let lock = NSLock()
    private var values: [Int]
    init(_ n: Int) { values = Array(repeating: 0, count: n) }
    func set(_ i: Int, _ v: Int) { lock.lock(); values[i] = v; lock.unlock() }
    var total: Int { lock.lock(); defer { lock.unlock() }; return values.reduce(0, +) }
}
