/// Reads the fields of a decoded offer map strictly: every expected key present with the
/// right type and size, and no other keys.
struct OfferFields {
    private let map: [String: CBOR]

    init(_ value: CBOR, expecting keys: Set<String>, what: String) throws(OfferError) {
        guard let map = value.mapValue else { throw .malformed("\(what) must be a CBOR map") }
        for key in map.keys where !keys.contains(key) { throw .malformed("unknown field '\(key)' in \(what)") }
        for key in keys where map[key] == nil { throw .malformed("\(what) has no '\(key)' field") }
        self.map = map
    }

    func unsigned(_ key: String) throws(OfferError) -> UInt64 {
        guard let v = map[key]?.unsignedValue else { throw .malformed("'\(key)' must be an unsigned integer") }
        return v
    }

    func bytes(_ key: String, count: Int? = nil) throws(OfferError) -> [UInt8] {
        guard let v = map[key]?.bytesValue else { throw .malformed("'\(key)' must be a byte string") }
        if let count, v.count != count { throw .malformed("'\(key)' must be \(count) bytes, got \(v.count)") }
        return v
    }

    func publicKey(_ key: String) throws(OfferError) -> PublicKey {
        PublicKey(unchecked: try bytes(key, count: PublicKey.byteCount))
    }

    func signature(_ key: String) throws(OfferError) -> Signature {
        Signature(unchecked: try bytes(key, count: Signature.byteCount))
    }

    func amount(_ key: String) throws(OfferError) -> TokenAmount {
        do { return try TokenAmount(encoded: try bytes(key)) } catch let e as TokenAmountError {
            throw .malformed("'\(key)': \(e)")
        } catch {
            throw .malformed("'\(key)': \(error)")
        }
    }

    func terms() throws(OfferError) -> OfferTerms {
        OfferTerms(pricePerByte: try amount("price"), expiry: try unsigned("expiry"),
                   latencyMillis: try unsigned("qos"), nonce: try unsigned("nonce"))
    }

    /// Decodes `bytes` as one DAG-CBOR value within the given size limit.
    static func decode(_ bytes: [UInt8], limit: Int, what: String) throws(OfferError) -> CBOR {
        guard bytes.count <= limit else { throw .tooLarge(what: what, bytes: bytes.count, limit: limit) }
        do {
            return try CBORDecoder.decode(bytes, limits: .init(maxDepth: 2, maxCollectionCount: 16, maxStringLength: limit))
        } catch {
            throw .malformed(error.description)
        }
    }
}

extension CBOREncoder {
    /// Writes the offer terms' fields; callers interleave them in canonical key order.
    mutating func writeField(_ key: String, unsigned v: UInt64) {
        writeText(key)
        writeUnsigned(v)
    }

    mutating func writeField<C: Collection>(_ key: String, bytes v: C) where C.Element == UInt8 {
        writeText(key)
        writeBytes(v)
    }
}
