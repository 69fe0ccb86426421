import Foundation
import Testing

/// Compares `actual` with the text file `__Snapshots__/<name>.txt` beside the calling test
/// file. With `FILTOP_RECORD_SNAPSHOTS=1` it writes the file instead (and still fails, so
/// a recording run is never mistaken for a passing one). A missing snapshot fails; outside
/// CI it is also recorded, so the next run compares — on CI (`CI=true`) nothing is written.
public func assertSnapshot(
    _ actual: String, named name: String,
    filePath: String = #filePath, sourceLocation: SourceLocation = #_sourceLocation
) {
    let env = ProcessInfo.processInfo.environment
    let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")
    let file = directory.appendingPathComponent(name + ".txt")
    let recording = env["FILTOP_RECORD_SNAPSHOTS"] == "1"
    guard !recording, let expected = try? String(contentsOf: file, encoding: .utf8) else {
        if recording || env["CI"] != "true" {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? actual.write(to: file, atomically: true, encoding: .utf8)
        }
        Issue.record("snapshot \(name) \(recording ? "recorded" : "missing") at \(file.path)", sourceLocation: sourceLocation)
        return
    }
    if expected != actual {
        let diff = zip(expected.split(separator: "\n", omittingEmptySubsequences: false), actual.split(separator: "\n", omittingEmptySubsequences: false))
            .enumerated().first { $0.element.0 != $0.element.1 }
        let detail = diff.map { "line \($0.offset + 1):\n  expected: \($0.element.0)\n  actual:   \($0.element.1)" } ?? "lengths differ"
        Issue.record("snapshot \(name) differs (\(detail))\n--- actual ---\n\(actual)", sourceLocation: sourceLocation)
    }
}
