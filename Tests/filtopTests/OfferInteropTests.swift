import Foundation
import Testing

/// Runs the built `filtop` binary end to end: create, show, verify, tamper, prove, and a
/// third-party signature check in Python written from docs/PROTOCOL.md alone.
@Suite struct OfferInteropTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The debug `filtop` next to this test bundle.
    static var binary: URL? {
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("filtop") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static var python: String? {
        ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil, in dir: URL) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static let cids = [
        "baga6ea4seaqlpcurn3cdj3nagmz2dotdsyhgphyfp7un3xmvw5lghiwzgws2ili",
        "baga6ea4seaqkvibk5s4hbxzczefy6adbiqygd3louihwtmjrxgrfpdxtdfw4yby",
        "baga6ea4seaqeicx5rgcz4aeijxfnaf4g62dtwg7i4m5m4so4wtzkrdxqrb5cgoy",
    ]

    @Test func createVerifyTamperProveAndThirdPartyCheck() throws {
        let filtop = try #require(Self.binary, "build filtop first (swift build); looked next to \(Bundle.main.bundleURL.path)").path
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("filtop-offer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        #expect(try Self.run(filtop, ["keys", "init", "--key", "k.key"], in: dir).status == 0)
        let created = try Self.run(filtop, ["offer", "create", "--key", "k.key", "--price", "0.000000001 FIL", "--expiry", "24h", "--qos", "250"] + Self.cids + ["-o", "o.offer"], in: dir)
        #expect(created.status == 0, "\(created.err)")
        #expect(try Self.run(filtop, ["offer", "verify", "o.offer"], in: dir).status == 0)

        let original = try [UInt8](Data(contentsOf: dir.appendingPathComponent("o.offer")))
        for i in 0..<original.count {
            var altered = original
            altered[i] ^= 0x04
            try Data(altered).write(to: dir.appendingPathComponent("t.offer"))
            let r = try Self.run(filtop, ["offer", "verify", "t.offer"], in: dir)
            #expect(r.status == 1, "byte \(i) altered: exit \(r.status)")
            #expect(r.err.contains("Error:"), "byte \(i) altered: no message: \(r.err)")
        }

        #expect(try Self.run(filtop, ["offer", "prove", "o.offer", Self.cids[1], "-o", "s.sub"], in: dir).status == 0)
        #expect(try Self.run(filtop, ["offer", "verify-sub", "s.sub", "--cid", Self.cids[1]], in: dir).status == 0)
        #expect(try Self.run(filtop, ["offer", "verify-sub", "s.sub", "--cid", Self.cids[0]], in: dir).status == 1)

        let shown = try Self.run(filtop, ["offer", "show", "o.offer", "--json"], in: dir)
        #expect(shown.status == 0)
        guard let python = Self.python else {
            print("skipping the third-party check: python3 is not installed")
            return
        }
        let script = Self.packageRoot.appendingPathComponent("Tests/interop/verify_offer_signature.py").path
        let check = try Self.run(python, [script], stdin: Data(shown.out.utf8), in: dir)
        #expect(check.status == 0 && check.out.contains("ok"), "\(check.out)\(check.err)")
        var forged = try #require(try JSONSerialization.jsonObject(with: Data(shown.out.utf8)) as? [String: Any])
        forged["nonce"] = (forged["nonce"] as? Int ?? 0) + 1
        let refused = try Self.run(python, [script], stdin: try JSONSerialization.data(withJSONObject: forged), in: dir)
        #expect(refused.status != 0)
    }
}
