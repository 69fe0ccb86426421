import Foundation
import Testing

/// Every command that writes a file refuses targets it was not asked to destroy, and
/// leaves them byte for byte as they were.
@Suite struct OutputSafetyCLITests {
    /// A data directory holding one imported file, a key file, and things to aim at.
    struct Fixture {
        let dir: String
        let data: String
        let root: String
        let pieceFile: String

        init() throws {
            dir = try CLI.temporaryDirectory()
            data = dir + "/data"
            try Data("precious input\n".utf8).write(to: URL(fileURLWithPath: dir + "/input"))
            let r = try CLI.run(["import", dir + "/input", "--json", "--data-dir", data])
            guard r.status == 0, let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                  let root = obj["root"] as? String, let piece = obj["piece_cid"] as? String else {
                throw CLIFixtureError(r.stderr)
            }
            self.root = root
            pieceFile = data + "/pieces/" + piece + ".car"
            try Data("victim\n".utf8).write(to: URL(fileURLWithPath: dir + "/victim"))
            try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/victim")
            try FileManager.default.createDirectory(atPath: dir + "/subdir", withIntermediateDirectories: false)
            let k = try CLI.run(["keys", "init", "--key", dir + "/id.key"])
            guard k.status == 0 else { throw CLIFixtureError(k.stderr) }
        }

        /// The bytes (or link target) of every file under the fixture, to compare after a refusal.
        func snapshot() throws -> [String: Data] {
            var out: [String: Data] = [:]
            let e = FileManager.default.enumerator(atPath: dir)
            while let name = e?.nextObject() as? String {
                let path = dir + "/" + name
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                    out[name] = Data(("link→" + target).utf8)
                } else if let d = FileManager.default.contents(atPath: path) {
                    out[name] = d
                } else {
                    out[name] = Data("dir".utf8)
                }
            }
            return out
        }
    }

    struct CLIFixtureError: Error { let message: String; init(_ m: String) { message = m } }

    @Test func refusedTargetsAreLeftByteIdentical() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        let cases: [(args: [String], expect: String)] = [
            (["export", f.root, "-o", f.dir + "/subdir", "--force", "--data-dir", f.data], "is a directory"),
            (["export", f.root, "-o", f.dir + "/link", "--force", "--data-dir", f.data], "symbolic link"),
            (["export", f.root, "-o", "/dev/null", "--force", "--data-dir", f.data], "character device"),
            (["export", f.root, "-o", f.pieceFile, "--force", "--data-dir", f.data], "inside the node data directory"),
            (["export", f.root, "-o", f.dir + "/id.key", "--force", "--data-dir", f.data], "key file"),
            (["export", f.root, "-o", f.dir + "/victim", "--data-dir", f.data], "pass --force"),
            (["import", f.dir + "/input", "--car", f.data, "--data-dir", f.data], "is a directory"),
            (["import", f.dir + "/input", "--car", f.dir + "/input", "--force", "--data-dir", f.data], "input file"),
            (["import", f.dir + "/input", "--car", f.data + "/node.sqlite", "--force", "--data-dir", f.data], "inside the node data directory"),
            (["keys", "export-public", "--key", f.dir + "/id.key", "-o", f.dir + "/id.key", "--force"], "key file"),
            (["keys", "export-public", "--key", f.dir + "/id.key", "-o", f.dir + "/link", "--force"], "symbolic link"),
            (["offer", "create", "--key", f.dir + "/id.key", "--price", "1 attoFIL", "--expiry", "7d", "--qos", "100",
              "-o", f.dir + "/id.key", "--force", "baga6ea4seaqnvarpgha2x4ggwqcalm4cud2ddyoezsdod5ia2sii4w7ucwgmslq"], "key file"),
        ]
        for c in cases {
            let before = try f.snapshot()
            let r = try CLI.run(c.args)
            #expect(r.status != 0 && r.stderr.contains(c.expect), "\(c.args): \(r.stderr)")
            #expect(try f.snapshot() == before, "\(c.args) changed files")
        }
    }

    @Test func forceReplacesOnlyARegularFile() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        let r = try CLI.run(["export", f.root, "-o", f.dir + "/victim", "--force", "--data-dir", f.data])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: f.dir + "/victim", encoding: .utf8) == "precious input\n")
        #expect(try String(contentsOfFile: f.dir + "/input", encoding: .utf8) == "precious input\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: f.dir).filter { $0.hasSuffix(".part") }
        #expect(leftovers.isEmpty)
    }

    @Test func specialFilesAsInputAreRefusedWithoutHanging() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        for args in [["import", dir + "/fifo", "--data-dir", dir + "/data"], ["piece-cid", dir + "/fifo"],
                     ["car", "verify", dir + "/fifo"], ["car", "import", dir + "/fifo", "--data-dir", dir + "/data"],
                     ["offer", "show", dir + "/fifo"], ["import", "/dev/zero", "--data-dir", dir + "/data"]] {
            let r = try CLI.run(args, timeout: 30)
            #expect(!r.timedOut, "\(args) hung")
            #expect(r.status != 0 && r.stderr.contains("not a regular file"), "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/data"), "a refused input created a store")
    }
}
