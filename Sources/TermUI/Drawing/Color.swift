/// A colour as a theme names it, before the terminal's colour depth is applied.
///
/// `.default` is the terminal's own foreground or background (so a transparent
/// background stays transparent); `.indexed` is one of the 256 xterm colours, of which
/// 0–15 are the terminal's palette; `.rgb` is reduced to the nearest indexed colour.
public enum Color: Hashable, Sendable {
    case `default`
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// The colour as this depth can show it; nil means "no colour" (monochrome).
    public func reduced(to depth: ColorDepth) -> Color? {
        switch (self, depth) {
        case (_, .monochrome): return nil
        case (.default, _): return .default
        case (.indexed(let i), .ansi256): return .indexed(i)
        case (.indexed(let i), .ansi16): return .indexed(i < 16 ? i : Self.nearest16(Self.rgbOf(index: i)))
        case (.rgb(let r, let g, let b), .ansi256): return .indexed(Self.nearest256(r, g, b))
        case (.rgb(let r, let g, let b), .ansi16): return .indexed(Self.nearest16((r, g, b)))
        }
    }

    /// The xterm 256-colour cube and grey ramp index closest to an RGB colour.
    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
        let (lr, lg, lb) = (level(r), level(g), level(b))
        let cube = 16 + 36 * lr + 6 * lg + lb
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let grey = average > 238 ? 23 : max(0, (average - 3) / 10)
        let cubeRGB = rgbOf(index: UInt8(cube)), greyRGB = rgbOf(index: UInt8(232 + grey))
        let rgb = (r, g, b)
        return distance(cubeRGB, rgb) <= distance(greyRGB, rgb) ? UInt8(cube) : UInt8(232 + grey)
    }

    /// The closest of the 16 ANSI colours (as xterm draws them).
    static func nearest16(_ rgb: (UInt8, UInt8, UInt8)) -> UInt8 {
        var best: UInt8 = 0
        var bestDistance = Int.max
        for i in 0..<16 {
            let d = distance(rgbOf(index: UInt8(i)), rgb)
            if d < bestDistance { (best, bestDistance) = (UInt8(i), d) }
        }
        return best
    }

    /// The RGB value xterm uses for an indexed colour.
    static func rgbOf(index: UInt8) -> (UInt8, UInt8, UInt8) {
        let ansi: [(UInt8, UInt8, UInt8)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        let i = Int(index)
        if i < 16 { return ansi[i] }
        if i >= 232 { let v = UInt8(8 + 10 * (i - 232)); return (v, v, v) }
        let c = i - 16
        func scale(_ n: Int) -> UInt8 { n == 0 ? 0 : UInt8(55 + 40 * n) }
        return (scale(c / 36), scale(c / 6 % 6), scale(c % 6))
    }

    private static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }
}

/// How many colours the terminal can show.
public enum ColorDepth: String, Sendable, CaseIterable {
    case monochrome, ansi16, ansi256
}
