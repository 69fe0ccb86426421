import Foundation
import NodeKit
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
        defer { try? FileManager.default.removeItem(at: dir) }
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

    /// The `refused.<case>.<field>` signature vectors of PROTOCOL.md §1 and the §8 signed bytes.
    static func documentedVectors() throws -> (cases: [String: [String: String]], signedBytes: String) {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("docs/PROTOCOL.md"), encoding: .utf8)
        var cases: [String: [String: String]] = [:]
        var signedBytes = ""
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "example.signed_bytes" { signedBytes += parts[1] }
            let name = parts[0].split(separator: ".")
            if name.count == 3, name[0] == "refused" { cases[String(name[1]), default: [:]][String(name[2])] = parts[1] }
        }
        return (cases, signedBytes)
    }

    /// The documented refused signatures: OpenSSL (Python's `cryptography`) accepts exactly
    /// the ones PROTOCOL.md says it does, and the third-party verifier refuses every one,
    /// each on an otherwise well-formed `offer show --json` for the §8 example fields.
    @Test func thirdPartyVerifierAppliesTheSignatureRules() throws {
        guard let python = Self.python else {
            print("skipping the third-party check: python3 is not installed")
            return
        }
        let (cases, signedBytes) = try Self.documentedVectors()
        #expect(cases.count == 5)
        let dir = URL(fileURLWithPath: NSTemporaryDirectory())
        let script = Self.packageRoot.appendingPathComponent("Tests/interop/verify_offer_signature.py").path
        let openSSL = """
            import sys
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(sys.argv[1])).verify(bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3]))
            """
        let cids = try (1...3).map { i in try PieceCID(commitment: [UInt8](repeating: UInt8(i), count: 32)) }
        let root = MerkleTree.root(flatLeaves: cids.flatMap(\.commitment))
        let terms = OfferTerms(pricePerByte: try TokenAmount("1000000000 attoFIL"), expiry: 1_767_225_600, latencyMillis: 250, nonce: 42)
        for (name, vector) in cases.sorted(by: { $0.key < $1.key }) {
            let keyHex = try #require(vector["public_key"], "\(name).public_key")
            let signatureHex = try #require(vector["signature"], "\(name).signature")
            let library = try Self.run(python, ["-c", openSSL, keyHex, signatureHex, signedBytes], in: dir)
            #expect((library.status == 0) == (vector["openssl"] == "accepts"), "\(name): OpenSSL exit \(library.status), documented \(vector["openssl"] ?? "nothing")")

            let provider = try PublicKey(bytes: try #require(Hex.decode(keyHex)))
            let signed = OfferSigning.signedBytes(provider: provider, root: root, leafCount: cids.count, terms: terms)
            let json: [String: Any] = [
                "provider_public_key": keyHex, "piece_cids": cids.map(\.description), "merkle_root": Hex.encode(root),
                "price_per_byte_attofil": "1000000000", "expiry": 1_767_225_600, "qos_latency_ms": 250, "nonce": 42,
                "signature": signatureHex, "offer_id": Hex.encode(OfferSigning.offerID(signedBytes: signed)),
            ]
            let check = try Self.run(python, [script], stdin: try JSONSerialization.data(withJSONObject: json), in: dir)
            #expect(check.status == 1 && check.err.contains("signature"), "\(name): exit \(check.status) \(check.out)\(check.err)")
        }
    }
}
