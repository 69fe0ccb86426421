import Foundation
@testable import NodeKit

/// Paths and scratch space shared by the NodeKit test suites.
enum TestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent("Tests/Fixtures/" + relative).path
    }

    /// A fresh temporary directory, removed when `body` returns.
    static func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("filtop-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try body(dir)
    }

    /// `withTemporaryDirectory` for async bodies.
    static func withTemporaryDirectoryAsync<T>(_ body: (String) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("filtop-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try await body(dir)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Deterministic pseudo-random bytes (xorshift64*), so failures reproduce.
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            let v = rng.next()
            for k in 0..<8 where i + k < count { out[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
            i += 8
        }
        return out
    }

    static func hex(_ s: String) -> [UInt8] {
        var out = [UInt8]()
        var it = s.filter { !$0.isWhitespace }.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }
}

/// xorshift64* — a small deterministic generator for reproducible test data.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E3779B97F4A7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2685821657736338717
    }
}

extension Array where Element == UInt8 {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
