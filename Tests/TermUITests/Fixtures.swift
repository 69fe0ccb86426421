import Foundation
import TermUI

/// Shared fixtures: the two snapshot sizes, a fixed clock and plain rendering contexts.
enum Fixture {
    static let sizes = [Size(width: 80, height: 24), Size(width: 120, height: 40)]
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    static func context(_ theme: Theme = .builtIn, glyphs: Glyphs = .unicode, now: Date = epoch) -> RenderContext {
        RenderContext(theme: theme, glyphs: glyphs, now: now)
    }

    static func name(_ base: String, _ size: Size) -> String { "\(base)-\(size.width)x\(size.height)" }

    /// A table of `count` rows: an id, a name, a size and a region.
    static func table(rows count: Int) -> Table {
        var table = Table(columns: [
            TableColumn("ID", width: .fixed(6), alignRight: true),
            TableColumn("NAME", width: .flexible(min: 10)),
            TableColumn("SIZE", width: .fixed(10), alignRight: true),
            TableColumn("REGION", width: .fixed(8)),
        ])
        table.setRows(rows(count))
        return table
    }

    /// The rows of `table(rows:)`.
    static func rows(_ count: Int) -> [TableRow] {
        let regions = ["eu-west", "us-east", "ap-south", "日本"]
        return (0..<count).map { i in
            TableRow(id: "row\(i)", cells: ["\(i)", "piece-\(String(i * 7919 % 10007, radix: 16))", "\(i * 37 % 1000) KiB", regions[i % regions.count]],
                     sortKeys: [.number(Double(i)), .text("piece-\(String(i * 7919 % 10007, radix: 16))"), .number(Double(i * 37 % 1000)), .text(regions[i % regions.count])])
        }
    }
}
