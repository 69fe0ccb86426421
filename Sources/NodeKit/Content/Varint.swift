/// Unsigned LEB128 varints as the multiformats specs use them: 7 bits a byte, low bits
/// first, at most 9 bytes (63 bits), minimally encoded.
public enum Varint {
    /// The most bytes a multiformats varint may use.
    public static let maxBytes = 9

    /// Appends the varint encoding of `value` to `out`.
    public static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// The varint encoding of `value`.
    public static func encode(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4)
        append(value, to: &out)
        return out
    }

    /// The number of bytes `value` takes when encoded.
    public static func size(of value: UInt64) -> Int {
        var n = 1
        var v = value >> 7
        while v != 0 { n += 1; v >>= 7 }
        return n
    }

    /// Decodes one varint from the start of `bytes`, returning the value and how many
    /// bytes it used.
    public static func decode<C: Collection>(_ bytes: C) throws(ContentError) -> (value: UInt64, length: Int)
    where C.Element == UInt8 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var count = 0
        for byte in bytes {
            count += 1
            if count > maxBytes { throw .varintOverflow }
            let payload = UInt64(byte & 0x7f)
            value |= payload << shift
            if byte & 0x80 == 0 {
                if count > 1 && byte == 0 { throw .varintNotMinimal }
                return (value, count)
            }
            shift += 7
        }
        throw .truncatedVarint
    }
}
