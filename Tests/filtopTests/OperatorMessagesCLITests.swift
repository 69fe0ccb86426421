import Foundation
import Testing

/// Errors that reach the operator say what failed, where, and what to do — never a
/// library's raw error text.
@Suite struct OperatorMessagesCLITests {
    static let rawLibraryText = ["NSCocoaErrorDomain", "DecodingError", "SingleConnectionFailure", "SQLite error", "NIOConnectionError"]

    static func expectOperatorText(_ r: CLI.Result, mentions: String, _ context: String) {
        #expect(r.status != 0, "\(context) succeeded")
        #expect(r.stderr.contains(mentions), "\(context): \(r.stderr)")
        for raw in rawLibraryText { #expect(!r.stderr.contains(raw), "\(context): \(r.stderr)") }
    }

    @Test func readOnlyCommandsRefuseAMissingDataDirectoryAndCreateNothing() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let typo = dir + "/dta"
        for args in [["export", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", "-o", dir + "/x", "--data-dir", typo],
                     ["node", "status", "--data-dir", typo], ["register", "list", "--data-dir", typo, "--register", "127.0.0.1:9",
                     "--register-id", "fid1"]] {
            let r = try CLI.run(args, timeout: 60)
            Self.expectOperatorText(r, mentions: typo, "\(args)")
        }
        let e = try CLI.run(["export", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", "-o", dir + "/x", "--data-dir", typo])
        #expect(e.stderr.contains("filtop node init") && e.stderr.contains("filtop import"))
        #expect(!FileManager.default.fileExists(atPath: typo))
    }

    @Test func nodeInitWritesValidTOMLAndLeavesNothingWhenItFails() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/data"
        let ok = try CLI.run(["node", "init", "--data-dir", data, "--region", "eu\"west\\", "--listen", "127.0.0.1:9"])
        #expect(ok.status == 0, "\(ok.stderr)")
        // The region survived the round trip: the file parses and the node is reachable only by network now.
        let status = try CLI.run(["node", "status", "--data-dir", data], timeout: 60)
        Self.expectOperatorText(status, mentions: "127.0.0.1:9", "node status on a closed port")
        #expect(status.stderr.contains("filtop node run"))
        for bad in [["--country", "germany"], ["--region", "a\nb"], ["--listen", "nohost"], ["--roles", "client,miner"]] {
            let target = dir + "/fresh"
            let r = try CLI.run(["node", "init", "--data-dir", target] + bad)
            #expect(r.status != 0, "\(bad)")
            #expect(!FileManager.default.fileExists(atPath: target), "\(bad) left \(target) behind")
        }
    }

    @Test func configValuesOfTheWrongTypeNameTheKeyAndType() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/data"
        #expect(try CLI.run(["node", "init", "--data-dir", data]).status == 0)
        try "[node]\ncountry = 1\n".write(toFile: data + "/config.toml", atomically: true, encoding: .utf8)
        chmod(data + "/config.toml", 0o600)
        let r = try CLI.run(["node", "status", "--data-dir", data])
        Self.expectOperatorText(r, mentions: "node.country must be a quoted string", "country = 1")
    }

    @Test func portZeroListenAddressAsksForConnect() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["node", "init", "--data-dir", dir + "/data", "--listen", "127.0.0.1:0"]).status == 0)
        let r = try CLI.run(["node", "status", "--data-dir", dir + "/data"])
        Self.expectOperatorText(r, mentions: "--connect", "status with port 0")
    }

    @Test func passphraseCanBePipedOnStandardInput() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = try CLI.run(["keys", "init", "--encrypt", "--interactive-kdf", "--key", dir + "/k.key", "--passphrase-file", "/dev/stdin"],
                               input: Data("hunter2\n".utf8))
        #expect(made.status == 0, "\(made.stderr)")
        let shown = try CLI.run(["keys", "show", "--key", dir + "/k.key", "--passphrase-file", "-"], input: Data("hunter2\n".utf8))
        #expect(shown.status == 0 && shown.stdout.contains("(encrypted)"), "\(shown.stderr)")
        let missing = try CLI.run(["keys", "show", "--key", dir + "/k.key", "--passphrase-file", dir + "/nope"])
        Self.expectOperatorText(missing, mentions: dir + "/nope", "missing passphrase file")
        #expect(missing.stderr.contains("no such file"))
    }

    @Test func filesAndDirectoriesArePrivateWhateverTheUmask() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: dir + "/f"))
        let script = "umask 000; \"$0\" node init --data-dir \"$1/data\" && \"$0\" import \"$1/f\" --data-dir \"$1/data\""
        let r = try CLI.run(["-c", script, CLI.binary, dir], executable: "/bin/sh")
        #expect(r.status == 0, "\(r.stderr)")
        func mode(_ p: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: p)[.posixPermissions] as? Int) ?? -1 }
        #expect(try mode(dir + "/data") == 0o700)
        #expect(try mode(dir + "/data/pieces") == 0o700)
        #expect(try mode(dir + "/data/config.toml") == 0o600)
        #expect(try mode(dir + "/data/node.sqlite") == 0o600)
        chmod(dir + "/data", 0o777)
        let refused = try CLI.run(["export", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", "-o", dir + "/x", "--data-dir", dir + "/data"])
        Self.expectOperatorText(refused, mentions: "chmod go-w \(dir)/data", "group-writable data directory")
    }

    @Test func pathsExpandTildeToHomeAndReimportSaysItIsStored() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: dir + "/f"))
        let env = ["HOME": dir]
        let first = try CLI.run(["import", "~/f", "--data-dir", "~/data"], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/data/node.sqlite"))
        let again = try CLI.run(["import", "~/f", "--data-dir", "~/data"], environment: env)
        #expect(again.status == 0 && again.stderr.contains("already stored"), "\(again.stderr)")
    }

    @Test func offerExpiryAcceptsISODatesAndWarnsWhenExpired() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["keys", "init", "--key", dir + "/id.key"]).status == 0)
        let piece = "baga6ea4seaqnvarpgha2x4ggwqcalm4cud2ddyoezsdod5ia2sii4w7ucwgmslq"
        func create(_ expiry: String, _ out: String) throws -> CLI.Result {
            try CLI.run(["offer", "create", "--key", dir + "/id.key", "--price", "1 attoFIL", "--expiry", expiry, "--qos", "100", "-o", dir + "/" + out, piece])
        }
        let date = try create("2030-01-01", "a")
        #expect(date.status == 0, "\(date.stderr)")
        let shown = try CLI.run(["offer", "show", dir + "/a", "--json"])
        #expect(shown.stdout.contains("\"expiry\": 1893456000"))
        let expired = try create("2001-01-01T00:00:00Z", "b")
        #expect(expired.status == 0 && expired.stderr.contains("warning: this offer expired"), "\(expired.stderr)")
        let badCID = try CLI.run(["offer", "create", "--key", dir + "/id.key", "--price", "1 attoFIL", "--expiry", "7d", "--qos", "1",
                                  "-o", dir + "/c", piece, "bafkreinope"])
        #expect(badCID.status != 0 && badCID.stderr.contains("Piece CID argument 2"), "\(badCID.stderr)")
    }
}

extension OperatorMessagesCLITests {
    @Test func truncatedCIDv0SaysWhatIsWrongAndWhichArgument() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["export", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPb", "-o", dir + "/x", "--data-dir", dir])
        Self.expectOperatorText(r, mentions: "the root CID argument", "truncated Qm CID")
        #expect(r.stderr.contains("46 characters") && !r.stderr.contains("unsupported multibase prefix"), "\(r.stderr)")
    }
}

extension OperatorMessagesCLITests {
    @Test func damagedDatabaseIsNamedWithWhatToDo() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: data + "/node.sqlite"))
        let r = try CLI.run(["export", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", "-o", dir + "/x", "--data-dir", data])
        Self.expectOperatorText(r, mentions: data + "/node.sqlite", "damaged database")
        #expect(r.stderr.contains("restore it from a backup"), "\(r.stderr)")
    }

    @Test func registerShowFallsBackToTheLocalCopy() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/data"
        #expect(try CLI.run(["node", "init", "--data-dir", data]).status == 0)
        #expect(try CLI.run(["import", data + "/config.toml", "--data-dir", data]).status == 0)
        let id = try CLI.run(["keys", "show", "--data-dir", data, "--json"])
        let nodeID = try #require((try JSONSerialization.jsonObject(with: Data(id.stdout.utf8)) as? [String: Any])?["node_id"] as? String)
        let r = try CLI.run(["register", "show", nodeID, "--data-dir", data, "--register", "127.0.0.1:9", "--register-id", nodeID], timeout: 60)
        #expect(r.stderr.contains("showing the local copy"), "\(r.stderr)")
        for raw in Self.rawLibraryText { #expect(!r.stderr.contains(raw), "\(r.stderr)") }
    }
}

extension OperatorMessagesCLITests {
    @Test func emptyDataDirectoryOptionIsRefused() throws {
        for args in [["export", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", "-o", "/nonexistent/x", "--data-dir", ""],
                     ["import", "/etc/hostname", "--data-dir", ""]] {
            let r = try CLI.run(args)
            Self.expectOperatorText(r, mentions: "--data-dir is empty", "\(args)")
        }
    }
}
