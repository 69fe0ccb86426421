import Foundation
import NodeKit
import TermUI

/// `filtop bench console`: the console's own costs, measured through the real code —
/// ten thousand pieces through the Content view's table, sorted, filtered and drawn into
/// a 120×40 cell buffer, and the process's resident memory with them loaded.
enum ConsoleBenchmark {
    struct Result {
        var rows: Int
        var loadMillis: Double
        var sortRenderMillis: [Double]
        var renderMillis: [Double]
        var filterMillis: [Double]
        var residentMiB: Double
        var anonymousMiB: Double
    }

    static func run(rows: Int, iterations: Int) throws -> Result {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let pieces = try (0..<rows).map { try piece($0, start: start) }
        let view = ContentView(readOnly: false)
        let loadStart = DispatchTime.now()
        view.update(NodeSnapshot(pieces: pieces))
        let load = millis(since: loadStart)
        let context = RenderContext(theme: Theme.builtIn.reduced(to: .ansi256), glyphs: .unicode, now: start)
        let size = Size(width: 120, height: 40)
        var sortRender: [Double] = []
        var renderOnly: [Double] = []
        var table = view.table
        for i in 0..<iterations {
            let t0 = DispatchTime.now()
            table.sort(by: i % table.columns.count)
            var buffer = CellBuffer(size: size)
            table.render(into: &buffer, rect: buffer.bounds, context: context)
            sortRender.append(millis(since: t0))
            let t1 = DispatchTime.now()
            table.move(by: 1)
            var again = CellBuffer(size: size)
            table.render(into: &again, rect: again.bounds, context: context)
            renderOnly.append(millis(since: t1))
        }
        let resident = statusMiB("VmRSS:"), anonymous = statusMiB("RssAnon:")
        var filtering: [Double] = []
        for query in ["b", "ba", "baf", "bafy", "bafyb", "2023", "!mib", "file-9", ""] {
            let t0 = DispatchTime.now()
            table.setFilter(query)
            var buffer = CellBuffer(size: size)
            table.render(into: &buffer, rect: buffer.bounds, context: context)
            filtering.append(millis(since: t0))
        }
        return Result(rows: rows, loadMillis: load, sortRenderMillis: sortRender, renderMillis: renderOnly, filterMillis: filtering,
                      residentMiB: resident, anonymousMiB: anonymous)
    }

    /// A made-up piece with real-length, distinct and unordered CIDs (a CIDv1 dag-pb root
    /// and a Piece CID v1), sizes and times.
    static func piece(_ i: Int, start: Date) throws -> PieceSummary {
        let seed = withUnsafeBytes(of: UInt64(i).littleEndian) { Array($0) }
        let root = CID(.dagPB, Multihash.sha256(seed))
        var commitment = Multihash.sha256(seed + [1]).digest
        commitment[31] &= 0x3F
        let size = UInt64(i * 7919 % 1_000_003)
        let padded: UInt64 = 1 << UInt64(10 + i % 20)
        return PieceSummary(rootCID: root.description, pieceCID: try PieceCID(commitment: commitment).description, payloadSize: size,
                            carSize: size + 120, pieceSize: padded, source: "file-\(i).bin", importedAt: start.addingTimeInterval(Double(i)))
    }

    /// Imports `count` small distinct files (1–4 KiB) into the node at `directory`, so the
    /// real console can be measured with that many pieces.
    static func populate(_ directory: DataDirectory, count: Int) throws -> Int {
        try directory.create()
        let store = try directory.openBlockstore()
        let scratch = directory.path + "/.bench-populate"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let existing = try store.totals().pieceCount
        for i in existing..<count {
            var bytes = [UInt8](repeating: 0, count: 1024 + i % 3072)
            withUnsafeBytes(of: UInt64(i).littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            let path = scratch + "/file-\(i).bin"
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw IOError(path: path, operation: "write")
            }
            _ = try store.importFile(path)
            try FileManager.default.removeItem(atPath: path)
        }
        return max(0, count - existing)
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    private static func millis(since t: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - t.uptimeNanoseconds) / 1e6
    }

    /// A memory line of /proc/self/status (VmRSS, RssAnon…), in MiB (0 where /proc is absent).
    static func statusMiB(_ field: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib / 1024
    }
}
