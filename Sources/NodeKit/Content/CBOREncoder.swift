/// Writes values in canonical DAG-CBOR.
///
/// Besides whole `CBOR` values it offers the primitive writes (`writeHead`, `writeText`…),
/// so hot paths can emit a known structure without building a `CBOR` tree first. A caller
/// using primitives must write map keys in `CBOR.canonicalKeyOrder` itself.
public struct CBOREncoder: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    /// Major types of RFC 8949 §3.1.
    public enum Major: UInt8, Sendable {
        case unsigned = 0, negative = 1, bytes = 2, text = 3, array = 4, map = 5, tag = 6, simple = 7
    }

    /// Writes a head (major type + argument) in its shortest form.
    public mutating func writeHead(_ major: Major, _ argument: UInt64) {
        let m = major.rawValue << 5
        switch argument {
        case 0..<24: bytes.append(m | UInt8(argument))
        case 24..<0x100: bytes.append(m | 24); bytes.append(UInt8(argument))
        case 0x100..<0x1_0000:
            bytes.append(m | 25)
            bytes.append(UInt8(argument >> 8)); bytes.append(UInt8(truncatingIfNeeded: argument))
        case 0x1_0000..<0x1_0000_0000:
            bytes.append(m | 26)
            for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: argument >> UInt64(s))) }
        default:
            bytes.append(m | 27)
            for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: argument >> UInt64(s))) }
        }
    }

    public mutating func writeUnsigned(_ v: UInt64) { writeHead(.unsigned, v) }

    public mutating func writeInt(_ v: Int64) {
        if v >= 0 { writeHead(.unsigned, UInt64(v)) } else { writeHead(.negative, UInt64(-(v + 1))) }
    }

    public mutating func writeBytes<C: Collection>(_ b: C) where C.Element == UInt8 {
        writeHead(.bytes, UInt64(b.count))
        bytes.append(contentsOf: b)
    }

    public mutating func writeText(_ s: String) {
        let u = s.utf8
        writeHead(.text, UInt64(u.count))
        bytes.append(contentsOf: u)
    }

    /// Writes a CID link: tag 42 around the identity-multibase prefix `00` and the CID bytes.
    public mutating func writeLink(_ cid: CID) {
        writeHead(.tag, 42)
        writeHead(.bytes, UInt64(cid.byteCount + 1))
        bytes.append(0)
        cid.appendBytes(to: &bytes)
    }

    public mutating func writeBool(_ b: Bool) { bytes.append(b ? 0xf5 : 0xf4) }
    public mutating func writeNull() { bytes.append(0xf6) }

    public mutating func writeFloat(_ d: Double) {
        bytes.append(0xfb)
        let bits = d.bitPattern
        for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(s))) }
    }

    /// Writes a whole value, sorting map keys canonically.
    public mutating func encode(_ value: CBOR) {
        switch value {
        case .unsigned(let v): writeHead(.unsigned, v)
        case .negative(let n): writeHead(.negative, n)
        case .bytes(let b): writeBytes(b)
        case .text(let s): writeText(s)
        case .array(let items):
            writeHead(.array, UInt64(items.count))
            for item in items { encode(item) }
        case .map(let entries):
            writeHead(.map, UInt64(entries.count))
            for key in entries.keys.sorted(by: CBOR.canonicalKeyOrder) {
                writeText(key)
                encode(entries[key]!)
            }
        case .link(let cid): writeLink(cid)
        case .bool(let b): writeBool(b)
        case .null: writeNull()
        case .float(let d): writeFloat(d)
        }
    }
}
