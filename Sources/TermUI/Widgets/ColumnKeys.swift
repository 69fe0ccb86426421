import Foundation

/// One column's sort keys laid out as plain arrays, so sorting ten thousand rows costs
/// number comparisons rather than Unicode-aware `String` comparisons and enum copies.
///
/// Text keys are compared in UTF-8 byte order. Keys in one column often share a long
/// prefix (every CIDv1 starts `bafy…`), so each key also gets the eight bytes after the
/// column's common prefix as one big-endian integer: most comparisons end there, and only
/// ties on those eight bytes compare the rest with `memcmp`. Ties keep row order, so sorts
/// are stable. A table keeps the keys of the column it sorts by only.
struct ColumnKeys: Sendable {
    enum Keys: Sendable {
        case numbers([Double])
        /// Row `r`'s key is `bytes[ends[r - 1] ..< ends[r]]` (from 0 for the first row);
        /// `heads[r]` holds its eight bytes after the column's common prefix, zero-padded.
        case texts(bytes: [UInt8], ends: [Int], heads: [UInt64])
    }

    let column: Int
    let keys: Keys

    init(_ source: any TableSource, column: Int) {
        self.column = column
        let first = source.count > 0 ? source.sortKey(0, column) : .text("")
        if case .number(let n0) = first {
            var numbers = [n0]
            numbers.reserveCapacity(source.count)
            for row in 1..<max(1, source.count) {
                guard case .number(let n) = source.sortKey(row, column) else { break }
                numbers.append(n)
            }
            if numbers.count == source.count {
                keys = .numbers(numbers)
                return
            }
        }
        // Text, or numbers mixed with text (which then sort as their decimal text).
        var bytes: [UInt8] = []
        var ends: [Int] = []
        ends.reserveCapacity(source.count)
        for row in 0..<source.count {
            let text: String
            switch row == 0 ? first : source.sortKey(row, column) {
            case .text(let t): text = t
            case .number(let n): text = String(n)
            }
            bytes.appendUTF8(of: text)
            ends.append(bytes.count)
        }
        let skip = Self.commonPrefix(bytes, ends)
        let heads = bytes.withUnsafeBufferPointer { all in
            (0..<ends.count).map { row in
                let start = (row == 0 ? 0 : ends[row - 1]) + skip
                var head: UInt64 = 0
                for i in 0..<8 { head = head << 8 | UInt64(start + i < ends[row] ? all[start + i] : 0) }
                return head
            }
        }
        keys = .texts(bytes: bytes, ends: ends, heads: heads)
    }

    /// Sorts row indices by this column.
    func sort(_ indices: inout [Int], ascending: Bool) {
        switch keys {
        case .numbers(let values):
            values.withUnsafeBufferPointer { v in
                indices.sort { a, b in
                    if v[a] == v[b] { return a < b }
                    return (v[a] < v[b]) == ascending
                }
            }
        case .texts(let bytes, let ends, let heads):
            bytes.withUnsafeBufferPointer { all in
                ends.withUnsafeBufferPointer { e in
                    heads.withUnsafeBufferPointer { h in
                        indices.sort { a, b in
                            let c = h[a] != h[b] ? (h[a] < h[b] ? -1 : 1) : Self.compare(all, e, a, b)
                            if c == 0 { return a < b }
                            return (c < 0) == ascending
                        }
                    }
                }
            }
        }
    }

    private static func compare(_ all: UnsafeBufferPointer<UInt8>, _ ends: UnsafeBufferPointer<Int>, _ a: Int, _ b: Int) -> Int {
        guard let base = all.baseAddress else { return 0 }
        let aStart = a == 0 ? 0 : ends[a - 1], bStart = b == 0 ? 0 : ends[b - 1]
        let aCount = ends[a] - aStart, bCount = ends[b] - bStart
        let c = memcmp(base + aStart, base + bStart, min(aCount, bCount))
        return c != 0 ? Int(c) : aCount - bCount
    }

    /// How many leading bytes every key shares.
    private static func commonPrefix(_ bytes: [UInt8], _ ends: [Int]) -> Int {
        guard var shared = ends.first else { return 0 }
        for row in 1..<max(1, ends.count) where shared > 0 {
            let start = ends[row - 1]
            var n = 0
            while n < shared, start + n < ends[row], bytes[start + n] == bytes[n] { n += 1 }
            shared = n
        }
        return shared
    }
}
