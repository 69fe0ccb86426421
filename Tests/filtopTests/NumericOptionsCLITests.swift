import Foundation
import Testing

/// Every numeric option and config key, given values at and past its edges, ends with a
/// clear error or a bounded run — never a signal, never a hang.
@Suite struct NumericOptionsCLITests {
    static let edgeValues = ["0", "-1", "9223372036854775807", "inf", "nan"]

    @Test func numericOptionsNeverTrap() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["keys", "init", "--key", dir + "/id.key"]).status == 0)
        let piece = "baga6ea4seaqnvarpgha2x4ggwqcalm4cud2ddyoezsdod5ia2sii4w7ucwgmslq"
        let offer = ["offer", "create", "--key", dir + "/id.key", "--price", "1 attoFIL", "--expiry", "7d", "--qos", "100",
                     "-o", dir + "/o.offer", "--force", piece]
        #expect(try CLI.run(offer).status == 0)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/f"))
        // (command before the option, option, command after it)
        let table: [([String], String, [String])] = [
            (["bench", "console"], "--rows", []), (["bench", "console"], "--iterations", []),
            (["bench", "offers"], "--cids", []), (["bench", "offers"], "--seconds", []), (["bench", "offers"], "--threads", []),
            (["bench", "network"], "--mib", []), (["bench", "network"], "--seconds", []), (["bench", "network"], "--runs", []),
            (["bench", "retrieval"], "--size", []), (["bench", "retrieval"], "--interval", []),
            (["bench", "retrieval"], "--interval-increase", []), (["bench", "retrieval"], "--runs", []),
            (Array(offer.dropLast()), "--nonce", [piece]), (Array(offer.dropLast()), "--expiry", [piece]),
            (Array(offer.dropLast()), "--qos", [piece]),
            (["offer", "verify", dir + "/o.offer"], "--at", []),
            (["export", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", "-o", dir + "/x", "--data-dir", dir + "/d"], "--max-size", []),
            (["console", "--data-dir", dir + "/c"], "--refresh", []), (["attach", "127.0.0.1:1"], "--refresh", []),
            (["node", "events", "--data-dir", dir + "/none"], "--after", []),
            (["devnet", "--data-dir", dir + "/devnet"], "--gateways", []), (["devnet", "--data-dir", dir + "/devnet"], "--providers", []),
            (["devnet", "--data-dir", dir + "/devnet"], "--settle-delay", []), (["devnet", "--data-dir", dir + "/devnet"], "--clients", []),
            (["paych", "voucher", "create", "pch" + String(repeating: "a", count: 32), "1", "--data-dir", dir + "/none"], "--lane", []),
        ]
        for (before, option, after) in table {
            // A devnet of 0 gateways or providers is valid and runs until a signal.
            for value in Self.edgeValues where !(before.first == "devnet" && value == "0") {
                let args = before + ["\(option)=\(value)"] + after
                let r = try CLI.run(args, timeout: 60)
                #expect(!r.timedOut, "\(args) did not finish")
                #expect(r.reason == .exit, "\(args) died of a signal: \(r.stderr.prefix(300))")
                if r.status != 0 { #expect(r.stderr.contains(option) || r.stderr.contains("Error:"), "\(args): \(r.stderr)") }
            }
        }
    }

    @Test func numericConfigKeysAreRangeCheckedWithTheirRange() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/data"
        #expect(try CLI.run(["node", "init", "--data-dir", data, "--listen", "127.0.0.1:0"]).status == 0)
        let original = try String(contentsOfFile: data + "/config.toml", encoding: .utf8)
        for (section, key) in [("node", "record_ttl"), ("register", "refresh_seconds")] {
            for value in Self.edgeValues {
                let text = original.replacingOccurrences(
                    of: "[\(section)]", with: "[\(section)]\n\(key) = \(value)")
                    .components(separatedBy: "\n").filter { !$0.hasPrefix("\(key) = ") || $0 == "\(key) = \(value)" }
                    .joined(separator: "\n")
                try text.write(toFile: data + "/config.toml", atomically: true, encoding: .utf8)
                chmod(data + "/config.toml", 0o600)
                let r = try CLI.run(["node", "run", "--data-dir", data], timeout: 30)
                #expect(!r.timedOut && r.reason == .exit && r.status != 0, "\(key) = \(value): \(r.stderr.prefix(300))")
                #expect(r.stderr.contains("\(section).\(key) must be"), "\(key) = \(value): \(r.stderr)")
            }
        }
    }
}
