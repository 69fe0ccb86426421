import Foundation
import Testing

/// Start-up housekeeping and interruption leave no temporary files behind.
@Suite struct TemporaryFileCLITests {
    @Test func openingTheStoreRemovesTemporaryFilesOfDeadRuns() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: dir + "/f"))
        #expect(try CLI.run(["import", dir + "/f", "--data-dir", dir + "/data"]).status == 0)
        let pieces = dir + "/data/pieces/"
        // A run that died (no such process: above Linux's pid_max) and one of the older naming.
        let stale = [".import-4194305-0A1B.car.part", ".import-5E0C7A52-2C1B-4D4B-9A67-0C5D2C1E8F00.car.part"]
        for name in stale { try Data("partial".utf8).write(to: URL(fileURLWithPath: pieces + name)) }
        #expect(try CLI.run(["import", dir + "/f", "--data-dir", dir + "/data"]).status == 0)
        let left = try FileManager.default.contentsOfDirectory(atPath: pieces).filter { $0.hasSuffix(".part") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func interruptedExportRemovesItsTemporaryFile() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 8 million tiny leaves: an export that runs for a long time.
        let root = try ExportLimitCLITests.linkRepeatingCAR(at: dir + "/slow.car", levels: 3, fanOut: 200)
        #expect(try CLI.run(["car", "import", dir + "/slow.car", "--data-dir", dir + "/data"]).status == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["export", root.description, "-o", dir + "/out", "--max-size", "1TiB", "--data-dir", dir + "/data"]
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until the temporary file exists, then interrupt.
        let deadline = Date().addingTimeInterval(60)
        func parts() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".part") } }
        while parts().isEmpty && p.isRunning && Date() < deadline { usleep(10_000) }
        #expect(!parts().isEmpty, "the export never started writing")
        p.interrupt()
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 128 + SIGINT)
        #expect(parts().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }
}
