/// A content identifier: version, content codec and multihash.
///
/// CIDv0 is a bare sha2-256 multihash of a dag-pb block written in base58btc (`Qm…`);
/// CIDv1 is `varint(1) ‖ varint(codec) ‖ multihash`, written in base32 by default.
public struct CID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let version: Int
    public let codec: UInt64
    public let multihash: Multihash

    /// A CIDv1 with the given codec and multihash.
    public init(v1 codec: UInt64, _ multihash: Multihash) {
        self.version = 1
        self.codec = codec
        self.multihash = multihash
    }

    /// A CIDv1 with a codec from the table.
    public init(_ codec: Multicodec, _ multihash: Multihash) {
        self.init(v1: codec.rawValue, multihash)
    }

    /// A CIDv0: dag-pb, sha2-256.
    public init(v0 multihash: Multihash) throws(ContentError) {
        guard multihash.code == Multicodec.sha2_256.rawValue, multihash.digest.count == 32 else {
            throw .invalidCID("CIDv0 requires a 32-byte sha2-256 multihash")
        }
        self.version = 0
        self.codec = Multicodec.dagPB.rawValue
        self.multihash = multihash
    }

    /// The sha2-256 CIDv1 of a raw block.
    public static func raw(_ data: [UInt8]) -> CID {
        CID(.raw, Multihash.sha256(data))
    }

    /// Parses a CID string: `Qm…` (v0) or a multibase CIDv1.
    public init(_ text: String) throws(ContentError) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .invalidCID("empty string") }
        if trimmed.count == 46 && trimmed.hasPrefix("Qm") {
            let bytes = try Base58.decode(trimmed)
            try self.init(bytes: bytes)
            return
        }
        if trimmed.hasPrefix("Q") {
            throw .invalidCID("a CIDv0 is 46 characters starting with 'Qm', this is \(trimmed.count) starting with '\(trimmed.prefix(2))'; check that it was copied whole")
        }
        let (_, bytes) = try Multibase.decode(trimmed)
        guard bytes.first == 1 else {
            if bytes.first == 0x12 { throw .invalidCID("a CIDv0 must be written in base58btc without a prefix") }
            throw .invalidCID("a multibase CID must be version 1")
        }
        try self.init(bytes: bytes)
    }

    /// Decodes a binary CID that fills `bytes` exactly.
    public init(bytes: [UInt8]) throws(ContentError) {
        let (cid, used) = try CID.decode(bytes[...])
        guard used == bytes.count else { throw .invalidCID("\(bytes.count - used) trailing bytes") }
        self = cid
    }

    /// Decodes a binary CID from the start of `bytes`, returning it and how many bytes it used.
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(ContentError) -> (CID, Int) {
        guard bytes.count >= 2 else { throw .unexpectedEnd("CID") }
        let b0 = bytes[bytes.startIndex], b1 = bytes[bytes.startIndex + 1]
        if b0 == 0x12 && b1 == 0x20 {
            let (mh, used) = try Multihash.decode(bytes)
            return (try CID(v0: mh), used)
        }
        let (version, n1) = try Varint.decode(bytes)
        guard version == 1 else { throw .unsupportedCIDVersion(version) }
        let (codec, n2) = try Varint.decode(bytes.dropFirst(n1))
        let (mh, n3) = try Multihash.decode(bytes.dropFirst(n1 + n2))
        return (CID(v1: codec, mh), n1 + n2 + n3)
    }

    /// The binary form.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(multihash.digest.count + 8)
        appendBytes(to: &out)
        return out
    }

    /// Appends the binary form to `out`.
    public func appendBytes(to out: inout [UInt8]) {
        if version == 1 {
            Varint.append(1, to: &out)
            Varint.append(codec, to: &out)
        }
        multihash.appendBytes(to: &out)
    }

    /// The length of the binary form.
    public var byteCount: Int {
        let mh = Varint.size(of: multihash.code) + Varint.size(of: UInt64(multihash.digest.count)) + multihash.digest.count
        return version == 1 ? 1 + Varint.size(of: codec) + mh : mh
    }

    /// The canonical text form: base58btc for v0, base32 for v1.
    public var description: String {
        version == 0 ? Base58.encode(bytes) : Multibase.base32.encode(bytes)
    }

    /// The text form in a chosen multibase (v1 only; v0 is always base58btc).
    public func string(in base: Multibase) -> String {
        version == 0 ? Base58.encode(bytes) : base.encode(bytes)
    }

    /// This CID as version 1 (v0 becomes dag-pb v1 with the same multihash).
    public var v1: CID { version == 1 ? self : CID(v1: codec, multihash) }

    public static func < (a: CID, b: CID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    /// Whether `data` is the block this CID names.
    public func verifies(_ data: UnsafeRawBufferPointer) throws(ContentError) -> Bool {
        try multihash.matches(data)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
