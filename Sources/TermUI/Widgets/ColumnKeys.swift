import Foundation

/// One column's sort keys laid out as a plain array (numbers, or text as UTF-8 bytes
/// compared with `memcmp` order), so sorting ten thousand rows costs integer and byte
/// comparisons rather than Unicode-aware `String` comparisons and enum copies.
/// Ties keep row order, so sorts are stable.
enum ColumnKeys: Sendable, Equatable {
    case numbers([Double])
    case texts(bytes: [UInt8], ranges: [Range<Int>])

    init(rows: [TableRow], column: Int) {
        let keys = rows.map { $0.sortKeys.indices.contains(column) ? $0.sortKeys[column] : .text("") }
        if keys.allSatisfy({ if case .number = $0 { true } else { false } }) {
            self = .numbers(keys.map { if case .number(let n) = $0 { n } else { 0 } })
            return
        }
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(keys.count)
        for key in keys {
            let start = bytes.count
            switch key {
            case .text(let t): bytes.append(contentsOf: t.utf8)
            case .number(let n): bytes.append(contentsOf: String(n).utf8)
            }
            ranges.append(start..<bytes.count)
        }
        self = .texts(bytes: bytes, ranges: ranges)
    }

    /// Sorts row indices by this column.
    func sort(_ indices: inout [Int], ascending: Bool) {
        switch self {
        case .numbers(let values):
            values.withUnsafeBufferPointer { v in
                indices.sort { a, b in
                    if v[a] == v[b] { return a < b }
                    return (v[a] < v[b]) == ascending
                }
            }
        case .texts(let bytes, let ranges):
            bytes.withUnsafeBufferPointer { all in
                ranges.withUnsafeBufferPointer { r in
                    indices.sort { a, b in
                        let c = Self.compare(all, r[a], r[b])
                        if c == 0 { return a < b }
                        return (c < 0) == ascending
                    }
                }
            }
        }
    }

    private static func compare(_ all: UnsafeBufferPointer<UInt8>, _ x: Range<Int>, _ y: Range<Int>) -> Int {
        guard let base = all.baseAddress else { return 0 }
        let c = memcmp(base + x.lowerBound, base + y.lowerBound, min(x.count, y.count))
        return c != 0 ? Int(c) : x.count - y.count
    }
}
