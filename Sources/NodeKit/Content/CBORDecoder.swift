/// Reads canonical DAG-CBOR with bounds on size, nesting and collection lengths.
///
/// Anything DAG-CBOR forbids — non-shortest integers, indefinite lengths, unsorted or
/// duplicate map keys, non-text keys, tags other than 42, non-64-bit floats, invalid UTF-8,
/// NaN/infinity — is a `ContentError.invalidCBOR`, never a crash.
public struct CBORDecoder {
    /// Limits that keep a hostile input from exhausting memory or the stack.
    public struct Limits: Sendable {
        public var maxDepth: Int
        public var maxCollectionCount: Int
        public var maxStringLength: Int

        public init(maxDepth: Int = 64, maxCollectionCount: Int = 1 << 20, maxStringLength: Int = 16 << 20) {
            self.maxDepth = maxDepth
            self.maxCollectionCount = maxCollectionCount
            self.maxStringLength = maxStringLength
        }

        public static let `default` = Limits()
    }

    private let input: [UInt8]
    public private(set) var position: Int
    private let limits: Limits

    public init(_ input: [UInt8], limits: Limits = .default) {
        self.input = input
        self.position = 0
        self.limits = limits
    }

    /// Decodes exactly one value that fills the whole input.
    public static func decode(_ input: [UInt8], limits: Limits = .default) throws(ContentError) -> CBOR {
        var d = CBORDecoder(input, limits: limits)
        let v = try d.decodeValue()
        guard d.isAtEnd else { throw .invalidCBOR("\(input.count - d.position) trailing bytes after the value") }
        return v
    }

    public var isAtEnd: Bool { position == input.count }

    /// Decodes the next value.
    public mutating func decodeValue() throws(ContentError) -> CBOR {
        try value(depth: 0)
    }

    private mutating func byte() throws(ContentError) -> UInt8 {
        guard position < input.count else { throw .invalidCBOR("input ended at byte \(position)") }
        defer { position += 1 }
        return input[position]
    }

    private mutating func take(_ n: Int) throws(ContentError) -> ArraySlice<UInt8> {
        guard n >= 0, input.count - position >= n else {
            throw .invalidCBOR("input ended: \(n) bytes declared at byte \(position), \(input.count - position) left")
        }
        defer { position += n }
        return input[position..<position + n]
    }

    /// Reads a head, returning the major type and argument; enforces shortest form.
    private mutating func head() throws(ContentError) -> (major: UInt8, info: UInt8, argument: UInt64) {
        let initial = try byte()
        let major = initial >> 5
        let info = initial & 0x1f
        var arg: UInt64
        switch info {
        case 0..<24: arg = UInt64(info)
        case 24:
            arg = UInt64(try byte())
            if major != 7 && arg < 24 { throw .invalidCBOR("integer not in shortest form") }
        case 25, 26, 27:
            let n = 1 << (Int(info) - 24)
            arg = 0
            for b in try take(n) { arg = (arg << 8) | UInt64(b) }
            if major != 7 {
                let minimum: UInt64 = n == 2 ? 0x100 : (n == 4 ? 0x1_0000 : 0x1_0000_0000)
                if arg < minimum { throw .invalidCBOR("integer not in shortest form") }
            }
        case 31: throw .invalidCBOR("indefinite-length items are not allowed")
        default: throw .invalidCBOR("reserved additional information \(info)")
        }
        return (major, info, arg)
    }

    private func checkedCount(_ n: UInt64, _ limit: Int, _ what: String) throws(ContentError) -> Int {
        guard n <= UInt64(limit) else { throw .limitExceeded(what: what, limit: limit) }
        return Int(n)
    }

    private mutating func value(depth: Int) throws(ContentError) -> CBOR {
        guard depth <= limits.maxDepth else { throw .limitExceeded(what: "CBOR nesting depth", limit: limits.maxDepth) }
        let (major, info, arg) = try head()
        switch major {
        case 0: return .unsigned(arg)
        case 1: return .negative(arg)
        case 2:
            let n = try checkedCount(arg, limits.maxStringLength, "CBOR byte string length")
            return .bytes(Array(try take(n)))
        case 3:
            let n = try checkedCount(arg, limits.maxStringLength, "CBOR text string length")
            return .text(try utf8(try take(n)))
        case 4:
            let n = try checkedCount(arg, limits.maxCollectionCount, "CBOR array length")
            guard n <= input.count - position else { throw .invalidCBOR("array of \(n) items cannot fit in the input") }
            var items = [CBOR]()
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try value(depth: depth + 1)) }
            return .array(items)
        case 5:
            let n = try checkedCount(arg, limits.maxCollectionCount, "CBOR map length")
            guard n <= (input.count - position) / 2 else { throw .invalidCBOR("map of \(n) entries cannot fit in the input") }
            var entries = [String: CBOR](minimumCapacity: n)
            var previous: String?
            for _ in 0..<n {
                let (km, _, klen) = try head()
                guard km == 3 else { throw .invalidCBOR("map keys must be text strings") }
                let kn = try checkedCount(klen, limits.maxStringLength, "CBOR map key length")
                let key = try utf8(try take(kn))
                if let p = previous {
                    guard CBOR.canonicalKeyOrder(p, key) else {
                        throw .invalidCBOR(p == key ? "duplicate map key \"\(key)\"" : "map keys not in canonical order at \"\(key)\"")
                    }
                }
                previous = key
                entries[key] = try value(depth: depth + 1)
            }
            return .map(entries)
        case 6:
            guard arg == 42 else { throw .invalidCBOR("tag \(arg) is not allowed (only 42)") }
            guard case .bytes(let b) = try value(depth: depth + 1) else {
                throw .invalidCBOR("tag 42 must wrap a byte string")
            }
            guard b.first == 0 else { throw .invalidCBOR("CID link must start with the identity multibase byte 00") }
            do {
                return .link(try CID(bytes: Array(b.dropFirst())))
            } catch {
                throw .invalidCBOR("bad CID in link: \(error)")
            }
        default:
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            case 27:
                let d = Double(bitPattern: arg)
                guard d.isFinite else { throw .invalidCBOR("NaN and infinity are not allowed") }
                return .float(d)
            case 25, 26: throw .invalidCBOR("floats must be 64-bit")
            default: throw .invalidCBOR("simple value \(arg) is not allowed")
            }
        }
    }

    private func utf8(_ bytes: ArraySlice<UInt8>) throws(ContentError) -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else { throw .invalidCBOR("text is not valid UTF-8") }
        return s
    }
}
