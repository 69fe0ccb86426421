import Foundation
import Testing

@Suite struct ContentCLITests {
    @Test func importReportsJSONWithTheDocumentedKeys() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("hello world\n".utf8).write(to: URL(fileURLWithPath: dir + "/hw"))
        let r = try CLI.run(["import", dir + "/hw", "--json", "--car", dir + "/hw.car", "--data-dir", dir + "/data"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(obj?["root"] as? String == "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4")
        #expect((obj?["piece_cid"] as? String)?.hasPrefix("baga6ea4seaq") == true)
        #expect(obj?["car_size"] as? Int == 108)
        #expect(obj?["piece_size"] as? Int == 128)
        let v = try CLI.run(["car", "verify", dir + "/hw.car"])
        #expect(v.status == 0 && v.stdout.hasPrefix("ok: 1 blocks"))
        let e = try CLI.run(["export", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", "-o", dir + "/back", "--data-dir", dir + "/data"])
        #expect(e.status == 0)
        #expect(try String(contentsOfFile: dir + "/back", encoding: .utf8) == "hello world\n")
    }

    @Test func pieceCIDMatchesThePublishedVector() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var d = Data()
        for b in 0..<4 { d.append(Data(repeating: UInt8(b), count: 127)) }
        try d.write(to: URL(fileURLWithPath: dir + "/d"))
        let r = try CLI.run(["piece-cid", dir + "/d", "--json"])
        #expect(r.stdout.contains("\"piece_cid\": \"baga6ea4seaqes3nobte6ezpp4wqan2age2s5yxcatzotcvobhgcmv5wi2xh5mbi\""))
        #expect(r.stdout.contains("\"payload_size\": 508") && r.stdout.contains("\"piece_size\": 512"))
    }

    @Test func badInputExitsNonZeroWithAClearMessage() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A truncated CAR.
        let car = try Data(contentsOf: CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/car/carv1-basic.car"))
        try car.prefix(car.count - 3).write(to: URL(fileURLWithPath: dir + "/t.car"))
        let t = try CLI.run(["car", "verify", dir + "/t.car"])
        #expect(t.status != 0)
        #expect(t.stderr.contains("invalid CAR") && t.stderr.contains("truncated"))
        // A corrupted block.
        var bad = car
        bad[bad.count - 1] ^= 1
        try bad.write(to: URL(fileURLWithPath: dir + "/b.car"))
        let b = try CLI.run(["car", "verify", dir + "/b.car"])
        #expect(b.status != 0 && b.stderr.contains("does not hash to its CID"))
        // Too small for a piece.
        try Data("tiny".utf8).write(to: URL(fileURLWithPath: dir + "/tiny"))
        let s = try CLI.run(["piece-cid", dir + "/tiny"])
        #expect(s.status != 0 && s.stderr.contains("minimum of 65 bytes"))
        // A missing file and a malformed CID.
        let m = try CLI.run(["import", dir + "/nope", "--data-dir", dir + "/data"])
        #expect(m.status != 0 && m.stderr.contains("nope"))
        let c = try CLI.run(["export", "bafkrei1", "-o", dir + "/x", "--data-dir", dir + "/data"])
        #expect(c.status != 0 && c.stderr.contains("not valid base32"))
        let n = try CLI.run(["export", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", "-o", dir + "/x", "--data-dir", dir + "/data"])
        #expect(n.status != 0 && n.stderr.contains("no node data in \(dir)/data"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/x"))
    }

    /// The independent implementations of content-addressing.md §3, driven by
    /// Tests/interop/content_cross_check.py (`make test` provides the Python environment).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FILTOP_INTEROP_PYTHON"] != nil))
    func crossCheckAgainstIndependentImplementations() throws {
        let python = ProcessInfo.processInfo.environment["FILTOP_INTEROP_PYTHON"]!
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = CLI.repositoryRoot.appendingPathComponent("Tests/interop/content_cross_check.py").path
        let r = try CLI.run([script, CLI.binary, dir], executable: python)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains(" passed, 0 failed"))
    }
}
