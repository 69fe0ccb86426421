import Foundation

/// `openssl dgst -sha256` of a file, run as its own process: the benchmarks' reference for
/// one core's hashing rate, and a digest to compare files by.
enum OpensslDigest {
    /// Runs `openssl dgst -sha256 PATH` and returns its wall-clock seconds and the digest
    /// it printed (lowercase hex).
    static func run(_ path: String) throws -> (seconds: Double, digest: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "dgst", "-sha256", path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let start = ContinuousClock.now
        do { try process.run() } catch {
            throw OperatorError("cannot run 'openssl dgst -sha256' (\(error.localizedDescription)); install openssl")
        }
        let printed = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = (ContinuousClock.now - start).seconds
        // Output: "SHA2-256(PATH)= HEX" (or "SHA256(PATH)= HEX" on older versions).
        let text = String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, let hex = text.split(separator: " ").last, hex.count == 64 else {
            throw OperatorError("'openssl dgst -sha256 \(path)' failed (status \(process.terminationStatus)): \(text)")
        }
        return (seconds, String(hex))
    }

    /// The fastest of `runs` runs on `path` (the first also brings the file into the page
    /// cache), and the digest.
    static func best(_ path: String, runs: Int) throws -> (seconds: Double, digest: String) {
        var best = try run(path)
        for _ in 1..<max(1, runs) {
            let next = try run(path)
            guard next.digest == best.digest else { throw OperatorError("'openssl dgst -sha256 \(path)' gave two digests; is the file changing?") }
            best.seconds = min(best.seconds, next.seconds)
        }
        return best
    }
}
