/// The lower-cased text of every row of a `TableSource`, laid out as one byte array, so
/// each keystroke of a filter scans bytes instead of formatting and lower-casing cells.
/// A table builds it when a filter is set and drops it when the filter is cleared.
struct SearchIndex: Sendable {
    private let bytes: [UInt8]
    /// Row `r`'s text is `bytes[ends[r - 1] ..< ends[r]]` (from 0 for the first row).
    private let ends: [Int]

    init(_ source: any TableSource, columns: Int) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        ends.reserveCapacity(source.count)
        for row in 0..<source.count {
            for column in 0..<columns {
                if column > 0 { bytes.append(0x1F) }
                bytes.appendUTF8(of: source.cell(row, column).lowercased())
            }
            ends.append(bytes.count)
        }
        self.bytes = bytes
        self.ends = ends
    }

    /// Whether row `row` contains `needle` (already lower-cased UTF-8). Byte search is
    /// exact substring search on UTF-8, which no character boundary can fool.
    func contains(_ needle: [UInt8], row: Int) -> Bool {
        let start = row == 0 ? 0 : ends[row - 1], end = ends[row]
        guard let first = needle.first else { return true }
        guard end - start >= needle.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            needle.withUnsafeBufferPointer { n in
                var i = start
                let last = end - n.count
                while i <= last {
                    if all[i] == first {
                        var j = 1
                        while j < n.count && all[i + j] == n[j] { j += 1 }
                        if j == n.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }
}
