/// Lower-case hexadecimal, for keys, digests and signatures shown to operators.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Hex as ASCII bytes, so secrets need never become a `String` (callers wipe it).
    public static func encodeBytes<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return out
    }

    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: encodeBytes(bytes), as: UTF8.self)
    }

    /// Decodes hex (either case); nil if the length is odd or a character is not hex.
    public static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        decode(bytes: Array(text.utf8))
    }

    /// Decodes hex given as ASCII bytes, so secrets need never become a `String`.
    public static func decode<C: Collection>(bytes text: C) -> [UInt8]? where C.Element == UInt8 {
        let u = Array(text)
        guard u.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = value(u[i]), let lo = value(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
