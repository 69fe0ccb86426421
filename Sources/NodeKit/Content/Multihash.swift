import Crypto
import Foundation

/// A self-describing hash digest: function code, digest length, digest.
public struct Multihash: Hashable, Sendable {
    /// The largest digest a multihash may declare when decoded.
    public static let maxDigestLength = 128

    public let code: UInt64
    public let digest: [UInt8]

    /// Makes a multihash, checking the digest length against the function.
    public init(code: UInt64, digest: [UInt8]) throws(ContentError) {
        switch code {
        case Multicodec.sha2_256.rawValue, Multicodec.sha2_256Trunc254Padded.rawValue:
            guard digest.count == 32 else { throw .invalidDigestLength(code: code, length: digest.count) }
        case Multicodec.identity.rawValue:
            guard digest.count <= Multihash.maxDigestLength else {
                throw .invalidDigestLength(code: code, length: digest.count)
            }
        default:
            guard digest.count <= Multihash.maxDigestLength else {
                throw .invalidDigestLength(code: code, length: digest.count)
            }
        }
        self.code = code
        self.digest = digest
    }

    /// The sha2-256 multihash of `bytes`.
    public static func sha256<D: DataProtocol>(_ bytes: D) -> Multihash {
        Multihash(unchecked: Multicodec.sha2_256.rawValue, digest: Array(SHA256.hash(data: bytes)))
    }

    /// The sha2-256 multihash of the bytes in `buffer`.
    public static func sha256(_ buffer: UnsafeRawBufferPointer) -> Multihash {
        Multihash(unchecked: Multicodec.sha2_256.rawValue, digest: Array(SHA256.hash(data: buffer)))
    }

    /// An identity multihash (the digest is the data itself).
    public static func identity(_ bytes: [UInt8]) throws(ContentError) -> Multihash {
        try Multihash(code: Multicodec.identity.rawValue, digest: bytes)
    }

    init(unchecked code: UInt64, digest: [UInt8]) {
        self.code = code
        self.digest = digest
    }

    /// Whether this node can recompute the hash (and so verify data against it).
    public var isVerifiable: Bool {
        code == Multicodec.sha2_256.rawValue || code == Multicodec.identity.rawValue
    }

    /// Whether `data` hashes to this multihash. Throws if the function is not supported.
    public func matches(_ data: UnsafeRawBufferPointer) throws(ContentError) -> Bool {
        switch code {
        case Multicodec.sha2_256.rawValue:
            return SHA256.hash(data: data).elementsEqual(digest)
        case Multicodec.identity.rawValue:
            return data.elementsEqual(digest)
        default:
            throw .unsupportedHash(code: code)
        }
    }

    /// Whether `data` hashes to this multihash.
    public func matches(_ data: [UInt8]) throws(ContentError) -> Bool {
        try data.withUnsafeBytes { buf in Result { () throws(ContentError) -> Bool in try matches(buf) } }.get()
    }

    /// The binary form: varint code, varint length, digest.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(digest.count + 4)
        appendBytes(to: &out)
        return out
    }

    /// Appends the binary form to `out`.
    public func appendBytes(to out: inout [UInt8]) {
        Varint.append(code, to: &out)
        Varint.append(UInt64(digest.count), to: &out)
        out.append(contentsOf: digest)
    }

    /// Decodes a multihash from the start of `bytes`, returning it and the bytes it used.
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(ContentError) -> (Multihash, Int) {
        let (code, n1) = try Varint.decode(bytes)
        let (len, n2) = try Varint.decode(bytes.dropFirst(n1))
        guard len <= UInt64(maxDigestLength) else {
            throw .invalidDigestLength(code: code, length: Int(clamping: len))
        }
        let start = bytes.startIndex + n1 + n2
        guard bytes.endIndex - start >= Int(len) else { throw .unexpectedEnd("multihash digest") }
        let digest = Array(bytes[start..<start + Int(len)])
        return (try Multihash(code: code, digest: digest), n1 + n2 + Int(len))
    }
}
