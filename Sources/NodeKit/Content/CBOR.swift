/// A DAG-CBOR data model value.
///
/// DAG-CBOR is CBOR restricted to one encoding per value: map keys are text, sorted by
/// length then bytes; integers use their shortest form; lengths are definite; the only tag
/// is 42 (a CID link); floats are 64-bit. `CBOREncoder` writes exactly that form and
/// `CBORDecoder` accepts nothing else, so encoded bytes are stable enough to sign.
public indirect enum CBOR: Hashable, Sendable {
    case unsigned(UInt64)
    /// A negative integer `-1 - n`.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([String: CBOR])
    case link(CID)
    case bool(Bool)
    case null
    case float(Double)

    /// An integer value, choosing `unsigned` or `negative`.
    public static func int(_ v: Int64) -> CBOR {
        v >= 0 ? .unsigned(UInt64(v)) : .negative(UInt64(-(v + 1)))
    }

    /// The canonical DAG-CBOR bytes of this value.
    public var encoded: [UInt8] {
        var e = CBOREncoder()
        e.encode(self)
        return e.bytes
    }

    /// The value as an unsigned integer, if it is one.
    public var unsignedValue: UInt64? { if case .unsigned(let v) = self { v } else { nil } }
    /// The value as a signed integer, if it is one that fits.
    public var intValue: Int64? {
        switch self {
        case .unsigned(let v): return v <= UInt64(Int64.max) ? Int64(v) : nil
        case .negative(let n): return n <= UInt64(Int64.max) ? -1 - Int64(n) : nil
        default: return nil
        }
    }
    public var bytesValue: [UInt8]? { if case .bytes(let v) = self { v } else { nil } }
    public var textValue: String? { if case .text(let v) = self { v } else { nil } }
    public var arrayValue: [CBOR]? { if case .array(let v) = self { v } else { nil } }
    public var mapValue: [String: CBOR]? { if case .map(let v) = self { v } else { nil } }
    public var linkValue: CID? { if case .link(let v) = self { v } else { nil } }
    public var boolValue: Bool? { if case .bool(let v) = self { v } else { nil } }

    /// Map keys in DAG-CBOR order: shorter first, then bytewise.
    public static func canonicalKeyOrder(_ a: String, _ b: String) -> Bool {
        let ua = a.utf8, ub = b.utf8
        if ua.count != ub.count { return ua.count < ub.count }
        return ua.lexicographicallyPrecedes(ub)
    }
}
