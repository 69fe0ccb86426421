import Foundation
import NodeKit
import TermUI

/// `filtop bench console`: the console's own costs, measured through the real code —
/// ten thousand pieces through the Content view's table, sorted and drawn into a 120×40
/// cell buffer, and the process's resident memory with them loaded.
enum ConsoleBenchmark {
    struct Result {
        var rows: Int
        var loadMillis: Double
        var sortRenderMillis: [Double]
        var renderMillis: [Double]
        var residentMiB: Double
        var anonymousMiB: Double
    }

    static func run(rows: Int, iterations: Int) -> Result {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let pieces = (0..<rows).map { piece($0, start: start) }
        let view = ContentView()
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
        return Result(rows: rows, loadMillis: load, sortRenderMillis: sortRender, renderMillis: renderOnly, residentMiB: statusMiB("VmRSS:"), anonymousMiB: statusMiB("RssAnon:"))
    }

    /// A made-up piece with distinct, unordered CIDs and sizes.
    static func piece(_ i: Int, start: Date) -> PieceSummary {
        let n = UInt64(i)
        let root: String = "bafybei" + String(n &* 0x9E37_79B9_7F4A_7C15, radix: 32)
        let piece: String = "baga6ea4seaq" + String(n &* 0xC2B2_AE3D_27D4_EB4F, radix: 32)
        let size = UInt64(i * 7919 % 1_000_003)
        let padded: UInt64 = 1 << UInt64(10 + i % 20)
        return PieceSummary(rootCID: root, pieceCID: piece, payloadSize: size, carSize: size + 120, pieceSize: padded,
                            source: "file-\(i).bin", importedAt: start.addingTimeInterval(Double(i)))
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
