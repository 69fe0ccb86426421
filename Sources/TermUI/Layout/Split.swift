/// How much of a split one part takes.
public enum SplitSize: Sendable, Equatable {
    /// Exactly this many cells (less if the space runs out).
    case fixed(Int)
    /// A share of what the fixed parts leave, by weight.
    case fill(Int = 1)
}

public extension Rect {
    /// Splits into rows, top to bottom.
    func rows(_ parts: [SplitSize]) -> [Rect] {
        Self.lengths(parts, total: height).reduce(into: (rects: [Rect](), at: y)) { acc, length in
            acc.rects.append(Rect(x: x, y: acc.at, width: width, height: length))
            acc.at += length
        }.rects
    }

    /// Splits into columns, left to right.
    func columns(_ parts: [SplitSize]) -> [Rect] {
        Self.lengths(parts, total: width).reduce(into: (rects: [Rect](), at: x)) { acc, length in
            acc.rects.append(Rect(x: acc.at, y: y, width: length, height: height))
            acc.at += length
        }.rects
    }

    private static func lengths(_ parts: [SplitSize], total: Int) -> [Int] {
        var remaining = total
        var out = parts.map { part -> Int in
            guard case .fixed(let n) = part else { return 0 }
            let take = min(max(0, n), remaining)
            remaining -= take
            return take
        }
        let weights = parts.map { if case .fill(let w) = $0 { max(0, w) } else { 0 } }
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { return out }
        var given = 0
        var seen = 0
        for (i, w) in weights.enumerated() where w > 0 {
            seen += w
            let upTo = remaining * seen / totalWeight
            out[i] = upTo - given
            given = upTo
        }
        return out
    }
}
