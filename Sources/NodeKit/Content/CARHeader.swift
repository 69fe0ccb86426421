/// The header of a CARv1: `{roots: [CID…], version: 1}` in DAG-CBOR.
public struct CARHeader: Hashable, Sendable {
    public var roots: [CID]

    public init(roots: [CID]) { self.roots = roots }

    /// Largest header a reader accepts (the limit go-car uses).
    public static let maxLength = 32 << 20

    /// The header as a length-prefixed section: `varint(len) ‖ DAG-CBOR`.
    public var encodedSection: [UInt8] {
        var e = CBOREncoder(capacity: 64)
        e.writeHead(.map, 2)
        e.writeText("roots")
        e.writeHead(.array, UInt64(roots.count))
        for root in roots { e.writeLink(root) }
        e.writeText("version")
        e.writeUnsigned(1)
        var out = Varint.encode(UInt64(e.bytes.count))
        out.append(contentsOf: e.bytes)
        return out
    }

    /// Decodes a header's DAG-CBOR body and checks it is a version-1 header.
    public init(decoding body: [UInt8]) throws(ContentError) {
        let value: CBOR
        do {
            value = try CBORDecoder.decode(body)
        } catch {
            throw .invalidCAR("header is not valid DAG-CBOR: \(error)")
        }
        guard let map = value.mapValue else { throw .invalidCAR("header is not a map") }
        guard let version = map["version"]?.unsignedValue else { throw .invalidCAR("header has no version") }
        guard version == 1 else { throw .invalidCAR("header version \(version), expected 1") }
        guard let rootList = map["roots"]?.arrayValue else { throw .invalidCAR("header has no roots list") }
        var roots = [CID]()
        for r in rootList {
            guard let cid = r.linkValue else { throw .invalidCAR("header root is not a CID link") }
            roots.append(cid)
        }
        self.roots = roots
    }
}
