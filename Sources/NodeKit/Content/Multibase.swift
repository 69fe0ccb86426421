/// The multibase encodings CIDs are written in: base32 (lower case, no padding, prefix
/// `b`) and base58btc (prefix `z`, or no prefix for CIDv0).
public enum Multibase: String, Sendable {
    case base32 = "b"
    case base58btc = "z"

    /// Encodes `bytes` with this base, including the multibase prefix.
    public func encode(_ bytes: [UInt8]) -> String {
        switch self {
        case .base32: return "b" + Base32.encode(bytes)
        case .base58btc: return "z" + Base58.encode(bytes)
        }
    }

    /// Decodes a multibase string (prefix included) into its base and bytes.
    public static func decode(_ text: String) throws(ContentError) -> (base: Multibase, bytes: [UInt8]) {
        guard let first = text.first else { throw .unsupportedMultibase("") }
        let body = text.dropFirst()
        switch first {
        case "b": return (.base32, try Base32.decode(body))
        case "B": return (.base32, try Base32.decode(body.lowercased()))
        case "z": return (.base58btc, try Base58.decode(body))
        default: throw .unsupportedMultibase(String(first))
        }
    }
}

/// RFC 4648 base32, lower-case alphabet `a–z2–7`, without padding.
public enum Base32 {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
    private static let table: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for b in bytes {
            buffer = (buffer << 8) | UInt32(b)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode<S: StringProtocol>(_ text: S) throws(ContentError) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            let v = table[Int(c)]
            guard v >= 0 else {
                throw .invalidBaseCharacter(base: "base32", character: Character(Unicode.Scalar(c)))
            }
            buffer = (buffer << 5) | UInt32(v)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return out
    }
}

/// Bitcoin's base58 alphabet, as multibase `z` and CIDv0 use it.
public enum Base58 {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let table: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        var digits = [UInt8]()  // base-58 digits, least significant first
        digits.reserveCapacity(bytes.count * 138 / 100 + 1)
        for b in bytes[zeros...] {
            var carry = Int(b)
            for i in digits.indices {
                carry += Int(digits[i]) << 8
                digits[i] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        out.append(contentsOf: digits.reversed().map { alphabet[Int($0)] })
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode<S: StringProtocol>(_ text: S) throws(ContentError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        let zeros = utf8.prefix { $0 == alphabet[0] }.count
        var bytes = [UInt8]()  // least significant first
        for c in utf8[zeros...] {
            let v = table[Int(c)]
            guard v >= 0 else {
                throw .invalidBaseCharacter(base: "base58btc", character: Character(Unicode.Scalar(c)))
            }
            var carry = Int(v)
            for i in bytes.indices {
                carry += Int(bytes[i]) * 58
                bytes[i] = UInt8(carry & 0xff)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xff))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }
}
